/// What one severity level means and implies: the row of the severity table.
package struct SeverityPolicy: Codable, Sendable, Equatable {
    package var label: String
    package var impact: String
    package var respond: String
    /// How often the IC owes stakeholders an update; nil means no scheduled updates.
    package var updateCadence: TimeSpan?
    package var targetResolution: TimeSpan
    package var audience: String
    /// How long after a missed update the IC and Comms Lead get a second nudge; nil: half the cadence.
    package var nudgeAfter: TimeSpan?
    /// How long after a missed update the bot posts a holding update; nil: one cadence.
    package var holdingAfter: TimeSpan?
    /// Whether the bot posts a holding update at all when the IC stays silent.
    package var holdingPost = true
    /// When its reminders and automatic pages may go out: at any hour, or held for business hours.
    package var responseWindow = ResponseWindow.always
    /// Names of the stakeholder audiences (configured channel groups) that get this severity's posts.
    package var audiences: [String]

    package init(
        label: String,
        impact: String,
        respond: String,
        updateCadence: TimeSpan?,
        targetResolution: TimeSpan,
        audience: String,
        audiences: [String] = [],
        responseWindow: ResponseWindow = .always
    ) {
        self.label = label
        self.impact = impact
        self.respond = respond
        self.updateCadence = updateCadence
        self.targetResolution = targetResolution
        self.audience = audience
        self.audiences = audiences
        self.responseWindow = responseWindow
    }
}

/// The severity table in force, one policy per level; the default is DESIGN.md's table.
package struct SeverityPolicyTable: Sendable, Equatable {
    package var policies: [Severity: SeverityPolicy]

    package init(policies: [Severity: SeverityPolicy]) { self.policies = policies }

    package subscript(severity: Severity) -> SeverityPolicy {
        policies[severity] ?? Self.standard.policies[severity]!
    }

    /// DESIGN.md's table: SEV1 every 15 min, SEV2 every 30 min, SEV3 every 2 h, SEV4 none.
    package static let standard = SeverityPolicyTable(policies: [
        .sev1: SeverityPolicy(
            label: "Critical",
            impact: "complete outage, all customers, revenue or data loss",
            respond: "immediate, all hands",
            updateCadence: .minutes(15),
            targetResolution: .hours(1),
            audience: "executives + customers, war room",
            audiences: ["executives", "customers"]
        ),
        .sev2: SeverityPolicy(
            label: "High",
            impact: "major feature down, significant impact",
            respond: "within 30 min",
            updateCadence: .minutes(30),
            targetResolution: .hours(4),
            audience: "status page",
            audiences: ["status"]
        ),
        .sev3: SeverityPolicy(
            label: "Medium",
            impact: "partial, workaround exists",
            respond: "business hours",
            updateCadence: .hours(2),
            targetResolution: .hours(24),
            audience: "team channel",
            audiences: ["team"],
            responseWindow: .businessHours
        ),
        .sev4: SeverityPolicy(
            label: "Low",
            impact: "minor / cosmetic",
            respond: "next sprint",
            updateCadence: nil,
            targetResolution: .days(7),
            audience: "ticket only",
            responseWindow: .nextBusinessDay
        ),
    ])
}
