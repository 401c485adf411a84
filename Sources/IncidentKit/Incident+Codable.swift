import Foundation

/// Snapshots hold thousands of incidents, most of them resolved with most fields at their defaults. The coding
/// leaves out what is nil, empty, zero or false, which makes a snapshot about a third smaller and faster to read.
extension Incident {
    enum CodingKeys: String, CodingKey {
        case id, title, severity, status, impact, systems, roles, declaredBy, detectedAt, declaredAt, acknowledgedAt, acknowledgedBy
        case mitigatedAt, resolvedAt, rootCause, lastUpdate, updateCount, actionItems, snoozedUntil, reminders, updateClockStart
        case promisedNextUpdate, cadenceChangedAt, firedUpdateStage, firedTimers, holdingUpdateCount, hasPostmortemDraft, reopenCount
        case learnings, whys, links, isPrivate, detection, alertKeys, recoveredAlertKeys, alertCounts, pages
        case impactDetails, postmortemAuthor, runbook, roleHolders, heldPage, pinnedMessages, pinReactions, warRoom
    }

    package init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            id: try c.decode(IncidentID.self, forKey: .id),
            title: try c.decode(String.self, forKey: .title),
            severity: try c.decode(Severity.self, forKey: .severity),
            impact: try c.decodeIfPresent(String.self, forKey: .impact),
            systems: try c.decodeIfPresent([String].self, forKey: .systems) ?? [],
            declaredBy: try c.decode(UserRef.self, forKey: .declaredBy),
            declaredAt: try c.decode(Date.self, forKey: .declaredAt)
        )
        status = try c.decode(IncidentStatus.self, forKey: .status)
        roles = try c.decodeIfPresent([Role: UserRef].self, forKey: .roles) ?? [:]
        detectedAt = try c.decodeIfPresent(Date.self, forKey: .detectedAt) ?? declaredAt
        acknowledgedAt = try c.decodeIfPresent(Date.self, forKey: .acknowledgedAt)
        acknowledgedBy = try c.decodeIfPresent(UserRef.self, forKey: .acknowledgedBy)
        mitigatedAt = try c.decodeIfPresent(Date.self, forKey: .mitigatedAt)
        resolvedAt = try c.decodeIfPresent(Date.self, forKey: .resolvedAt)
        rootCause = try c.decodeIfPresent(String.self, forKey: .rootCause)
        lastUpdate = try c.decodeIfPresent(StatusUpdate.self, forKey: .lastUpdate)
        updateCount = try c.decodeIfPresent(Int.self, forKey: .updateCount) ?? 0
        actionItems = try c.decodeIfPresent([ActionItem].self, forKey: .actionItems) ?? []
        snoozedUntil = try c.decodeIfPresent(Date.self, forKey: .snoozedUntil)
        reminders = try c.decodeIfPresent(ReminderSetting.self, forKey: .reminders) ?? .cadence
        updateClockStart = try c.decodeIfPresent(Date.self, forKey: .updateClockStart) ?? declaredAt
        promisedNextUpdate = try c.decodeIfPresent(Date.self, forKey: .promisedNextUpdate)
        cadenceChangedAt = try c.decodeIfPresent(Date.self, forKey: .cadenceChangedAt)
        firedUpdateStage = try c.decodeIfPresent(FiredStage.self, forKey: .firedUpdateStage)
        firedTimers = try c.decodeIfPresent([TimerKind: Date].self, forKey: .firedTimers) ?? [:]
        holdingUpdateCount = try c.decodeIfPresent(Int.self, forKey: .holdingUpdateCount) ?? 0
        hasPostmortemDraft = try c.decodeIfPresent(Bool.self, forKey: .hasPostmortemDraft) ?? false
        reopenCount = try c.decodeIfPresent(Int.self, forKey: .reopenCount) ?? 0
        learnings = try c.decodeIfPresent([Learning].self, forKey: .learnings) ?? []
        whys = try c.decodeIfPresent([String].self, forKey: .whys) ?? []
        links = try c.decodeIfPresent([IncidentLink].self, forKey: .links) ?? []
        isPrivate = try c.decodeIfPresent(Bool.self, forKey: .isPrivate) ?? false
        detection = try c.decodeIfPresent(Detection.self, forKey: .detection)
        alertKeys = try c.decodeIfPresent([String].self, forKey: .alertKeys) ?? []
        recoveredAlertKeys = try c.decodeIfPresent(Set<String>.self, forKey: .recoveredAlertKeys) ?? []
        alertCounts = try c.decodeIfPresent([String: AlertCount].self, forKey: .alertCounts) ?? [:]
        pages = try c.decodeIfPresent([Page].self, forKey: .pages) ?? []
        impactDetails = try c.decodeIfPresent([ImpactAspect: String].self, forKey: .impactDetails) ?? [:]
        postmortemAuthor = try c.decodeIfPresent(UserRef.self, forKey: .postmortemAuthor)
        runbook = try c.decodeIfPresent(String.self, forKey: .runbook)
        heldPage = try c.decodeIfPresent(HeldPage.self, forKey: .heldPage)
        pinnedMessages = try c.decodeIfPresent([String].self, forKey: .pinnedMessages) ?? []
        pinReactions = try c.decodeIfPresent([String: String].self, forKey: .pinReactions) ?? [:]
        warRoom = try c.decodeIfPresent(WarRoomInfo.self, forKey: .warRoom)
        // Snapshots written before holders were kept know at least the current holders.
        roleHolders = try c.decodeIfPresent([Role: [UserRef]].self, forKey: .roleHolders) ?? roles.mapValues { [$0] }
    }

    package func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(id, forKey: .id)
        try c.encode(title, forKey: .title)
        try c.encode(severity, forKey: .severity)
        try c.encode(status, forKey: .status)
        try c.encodeIfPresent(impact, forKey: .impact)
        if !systems.isEmpty { try c.encode(systems, forKey: .systems) }
        if !roles.isEmpty { try c.encode(roles, forKey: .roles) }
        try c.encode(declaredBy, forKey: .declaredBy)
        if detectedAt != declaredAt { try c.encode(detectedAt, forKey: .detectedAt) }
        try c.encode(declaredAt, forKey: .declaredAt)
        try c.encodeIfPresent(acknowledgedAt, forKey: .acknowledgedAt)
        try c.encodeIfPresent(acknowledgedBy, forKey: .acknowledgedBy)
        try c.encodeIfPresent(mitigatedAt, forKey: .mitigatedAt)
        try c.encodeIfPresent(resolvedAt, forKey: .resolvedAt)
        try c.encodeIfPresent(rootCause, forKey: .rootCause)
        try c.encodeIfPresent(lastUpdate, forKey: .lastUpdate)
        if updateCount != 0 { try c.encode(updateCount, forKey: .updateCount) }
        if !actionItems.isEmpty { try c.encode(actionItems, forKey: .actionItems) }
        try c.encodeIfPresent(snoozedUntil, forKey: .snoozedUntil)
        if reminders != .cadence { try c.encode(reminders, forKey: .reminders) }
        if updateClockStart != declaredAt { try c.encode(updateClockStart, forKey: .updateClockStart) }
        try c.encodeIfPresent(promisedNextUpdate, forKey: .promisedNextUpdate)
        try c.encodeIfPresent(cadenceChangedAt, forKey: .cadenceChangedAt)
        try c.encodeIfPresent(firedUpdateStage, forKey: .firedUpdateStage)
        if !firedTimers.isEmpty { try c.encode(firedTimers, forKey: .firedTimers) }
        if holdingUpdateCount != 0 { try c.encode(holdingUpdateCount, forKey: .holdingUpdateCount) }
        if hasPostmortemDraft { try c.encode(hasPostmortemDraft, forKey: .hasPostmortemDraft) }
        if reopenCount != 0 { try c.encode(reopenCount, forKey: .reopenCount) }
        if !learnings.isEmpty { try c.encode(learnings, forKey: .learnings) }
        if !whys.isEmpty { try c.encode(whys, forKey: .whys) }
        if !links.isEmpty { try c.encode(links, forKey: .links) }
        if isPrivate { try c.encode(isPrivate, forKey: .isPrivate) }
        try c.encodeIfPresent(detection, forKey: .detection)
        if !alertKeys.isEmpty { try c.encode(alertKeys, forKey: .alertKeys) }
        if !recoveredAlertKeys.isEmpty { try c.encode(recoveredAlertKeys.sorted(), forKey: .recoveredAlertKeys) }
        if !alertCounts.isEmpty { try c.encode(alertCounts, forKey: .alertCounts) }
        if !pages.isEmpty { try c.encode(pages, forKey: .pages) }
        if !impactDetails.isEmpty { try c.encode(impactDetails, forKey: .impactDetails) }
        try c.encodeIfPresent(postmortemAuthor, forKey: .postmortemAuthor)
        try c.encodeIfPresent(runbook, forKey: .runbook)
        if !roleHolders.isEmpty { try c.encode(roleHolders, forKey: .roleHolders) }
        try c.encodeIfPresent(heldPage, forKey: .heldPage)
        if !pinnedMessages.isEmpty { try c.encode(pinnedMessages, forKey: .pinnedMessages) }
        if !pinReactions.isEmpty { try c.encode(pinReactions, forKey: .pinReactions) }
        try c.encodeIfPresent(warRoom, forKey: .warRoom)
    }
}
