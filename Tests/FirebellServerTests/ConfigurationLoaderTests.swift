import Foundation
import IncidentKit
import Messaging
import Platforms
import Testing

@testable import FirebellServer

@Suite("Configuration")
struct ConfigurationLoaderTests {
    func load(_ yaml: String, environment: [String: String] = [:]) throws -> FirebellConfiguration {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let file = folder.url.appendingPathComponent("firebell.yaml")
        try yaml.write(to: file, atomically: true, encoding: .utf8)
        return try ConfigurationLoader(environment: environment).load(file: file)
    }

    func problem(_ yaml: String) -> String? {
        do {
            _ = try load(yaml)
            return nil
        } catch { return "\(error)" }
    }

    @Test func severitiesAndPermissionsOverrideTheDefaults() throws {
        let configuration = try load(
            """
            data_dir: /srv/firebell
            severities:
              sev3:
                update_every: 1h
                label: Moderate
              sev4:
                update_every: none
            permissions:
              update: [ic, comms]
              resolve: anyone
            """
        )
        #expect(configuration.dataDirectory.path == "/srv/firebell")
        #expect(configuration.engine.severities[.sev3].updateCadence == .hours(1))
        #expect(configuration.engine.severities[.sev3].label == "Moderate")
        #expect(configuration.engine.severities[.sev1].updateCadence == .minutes(15), "untouched levels keep the default")
        #expect(configuration.engine.permissions.restrictions[.postUpdate] == [.ic, .comms])
        #expect(configuration.engine.permissions.restrictions[.resolve] == [])
        #expect(configuration.engine.permissions.restrictions[.lowerSeverity] == [.ic])
    }

    @Test func stakeholderAudiencesAndTheStatusPage() throws {
        let configuration = try load(
            """
            stakeholder_channels:
              executives: [slack:C0EXEC]
              customers: slack:T0ACME:C0CUSTOMERS, matrix:!room
            severities:
              sev2:
                audiences: [executives]
            status_page_title: Acme status
            status_page_severities: [sev1, sev2]
            status_page_history_days: 30
            """,
            environment: ["FIREBELL_STAKEHOLDER_CHANNELS_TEAM": "console:local:team", "FIREBELL_SEVERITIES_SEV3_AUDIENCES": "team,executives"]
        )
        #expect(configuration.stakeholderChannels["executives"] == [ChannelRef(platform: .slack, workspace: "default", channel: "C0EXEC")])
        #expect(
            configuration.stakeholderChannels["customers"] == [
                ChannelRef(platform: .slack, workspace: "T0ACME", channel: "C0CUSTOMERS"),
                ChannelRef(platform: .matrix, workspace: "default", channel: "!room"),
            ]
        )
        #expect(configuration.stakeholderChannels["team"] == [ChannelRef(platform: .console, workspace: "local", channel: "team")])
        #expect(configuration.engine.severities[.sev2].audiences == ["executives"])
        #expect(configuration.engine.severities[.sev3].audiences == ["team", "executives"])
        #expect(configuration.engine.severities[.sev1].audiences == ["executives", "customers"], "the default after the severity table")
        #expect(configuration.statusPage.title == "Acme status")
        #expect(configuration.statusPage.severities == [.sev1, .sev2])
        #expect(configuration.statusPage.historyDays == 30)
        #expect(problem("stakeholder_channels:\n  executives: [C0EXEC]")?.contains("'C0EXEC' is not a channel; write platform:channel") == true)
        #expect(problem("status_page_severities: [sev9]")?.contains("'sev9', which is not a severity") == true)
        #expect(problem("status_page_history_days: 0")?.contains("from 1 to 366") == true)
    }

    @Test func onCallRotationsAndAlertRouting() throws {
        let configuration = try load(
            """
            oncall:
              acknowledge_within: 3m
              page_on_declare: [sev1]
              rotations:
                - name: payments
                  channels: [slack:C0PAYMENTS]
                  time_zone: Europe/Berlin
                  handoff: "08:30"
                  length: daily
                  start: 2026-11-02
                  l1: [U0ALICE, "<@U0BOB>"]
                  l4: [U0GRACE]
                  overrides:
                    - {level: 1, user: U0ERIN, from: "2026-12-24 08:30", until: "2026-12-27"}
            alerts:
              auto_resolve: true
              severity_labels: {disaster: sev1}
              routes:
                - match: {service: payments}
                  channel: slack:C0PAYMENTS
                - match: {severity: critical}
                  severity: sev1
            pagerduty_url: http://127.0.0.1:9/v2/enqueue
            """,
            environment: ["FIREBELL_ALERT_CHANNEL": "slack:C0ALERTS", "FIREBELL_ONCALL_HANDOVER_REMINDER_EVERY": "10m"]
        )
        let oncall = configuration.engine.oncall
        #expect(oncall.acknowledgeWithin == .minutes(3) && oncall.pageOnDeclare == [.sev1] && oncall.handoverReminderEvery == .minutes(10))
        let rotation = try #require(oncall.rotations.first)
        #expect(rotation.name == "payments" && rotation.length == .daily && rotation.handoffHour == 8 && rotation.handoffMinute == 30)
        #expect(rotation.levels[0] == [UserRef("U0ALICE"), UserRef("U0BOB")] && rotation.levels[3] == [UserRef("U0GRACE")])
        #expect(rotation.overrides.first?.from == ISOTimestamp.parse("2026-12-24T07:30:00Z"), "local time in the rotation's zone")
        #expect(rotation.overrides.first?.until == ISOTimestamp.parse("2026-12-26T23:00:00Z"), "a bare date is local midnight")
        let routing = configuration.alertRouting
        #expect(routing.defaultChannel == ChannelRef(platform: .slack, workspace: "default", channel: "C0ALERTS"))
        #expect(
            routing.route(["service": "payments", "severity": "critical"])! == (
                ChannelRef(platform: .slack, workspace: "default", channel: "C0PAYMENTS"), .sev1
            )
        )
        #expect(routing.route(["severity": "disaster"])!.severity == .sev1)
        #expect(routing.route(["severity": "warning"])!.severity == .sev3)
        #expect(configuration.engine.alerts.autoResolve)
        #expect(configuration.pagerDutyURL == "http://127.0.0.1:9/v2/enqueue")

        let fromEnvironment = try load("", environment: ["FIREBELL_ONCALL_ROTATIONS": "[{name: ops, start: 2026-11-02, l1: [a, b]}]"])
        #expect(fromEnvironment.engine.oncall.rotations.first?.levels.first == [UserRef("a"), UserRef("b")])

        #expect(
            problem("oncall:\n  rotations:\n    - {name: x, start: 2026-11-02, l1: [a], time_zone: Mars/Olympus}")?
                .contains("'Mars/Olympus' is not a time zone") == true
        )
        #expect(problem("oncall:\n  rotations:\n    - {name: x, l1: [a]}")?.contains("needs a start date") == true)
        #expect(problem("oncall:\n  rotations:\n    - {name: x, start: 2026-11-02}")?.contains("needs at least one L1 member") == true)
        #expect(problem("alerts:\n  routes:\n    - {match: {a: b}}")?.contains("sets neither channel nor severity") == true)
    }

    @Test func httpLimitsAreConfigurableAndDefaultFromTheOpenFileLimit() throws {
        let configuration = try load(
            "http_max_connections: 50\nhttp_body_timeout: 5s\n",
            environment: ["FIREBELL_HTTP_HEADER_TIMEOUT": "3s", "FIREBELL_HTTP_IDLE_TIMEOUT": "2m"]
        )
        let limits = configuration.httpLimits
        #expect(limits.maxConnections == 50 && limits.effectiveMaxConnections == 50)
        #expect(limits.headerTimeout == .seconds(3) && limits.bodyTimeout == .seconds(5) && limits.idleTimeout == .seconds(120))
        #expect(HTTPLimits.defaultMaxConnections(openFileLimit: 1024) == 896)
        #expect(HTTPLimits.defaultMaxConnections(openFileLimit: 64) == 16)
        #expect(HTTPLimits.defaultMaxConnections(openFileLimit: 1 << 20) == 10_000)
        #expect(problem("http_max_connections: 0") == "firebell.yaml: http_max_connections must be a number of connections, at least 1.")
        #expect(problem("http_header_timeout: 2h") == "firebell.yaml: http_header_timeout must be from 1s to 1h.")
    }

    @Test func theStoreIsTheDataFolderUnlessOneVariablePutsItOnEtcd() throws {
        #expect(try load("").store == StoreSettings())
        let etcd = try load("", environment: ["FIREBELL_STORE": "etcd", "FIREBELL_ETCD_ENDPOINTS": "http://10.0.0.1:2379, http://10.0.0.2:2379"])
        #expect(etcd.store.kind == .etcd)
        #expect(etcd.store.etcdEndpoints == ["http://10.0.0.1:2379", "http://10.0.0.2:2379"])
        #expect(etcd.store.etcdPrefix == "/firebell/" && etcd.store.leaseTTL == 10)
        let file = try load("store: etcd\netcd_endpoints: [\"http://h1:2379\", \"http://h2:2379\"]\netcd_prefix: /team-a\netcd_lease_ttl: 15s\n")
        #expect(file.store.etcdEndpoints == ["http://h1:2379", "http://h2:2379"])
        #expect(file.store.etcdPrefix == "/team-a/" && file.store.leaseTTL == 15)
        #expect(problem("store: etcd") == "firebell.yaml: store etcd needs etcd_endpoints (FIREBELL_ETCD_ENDPOINTS=http://h1:2379,http://h2:2379).")
        #expect(problem("store: postgres") == "firebell.yaml: store 'postgres' is not a store; write files (the data folder) or etcd.")
        #expect(problem("store: etcd\netcd_endpoints: h1:2379") != nil, "an endpoint must be an http(s) URL")
        #expect(
            problem("etcd_lease_ttl: 1s") == "firebell.yaml: etcd_lease_ttl must be from 2s to 5m (how long the timers wait after the leader dies)."
        )
    }

    @Test func reminderStepsAreConfigurable() throws {
        let configuration = try load(
            """
            severities:
              sev2:
                nudge_after: 10m
                holding_after: 45m
                holding_post: false
            reminders:
              quiet_after_update: 2m
              commander_nudge_after: 3m
              commander_nudge_severities: [sev1]
              postmortem_reminder_after: none
              action_reminder_hour_utc: 14
            """
        )
        let sev2 = configuration.engine.severities[.sev2]
        #expect(sev2.nudgeAfter == .minutes(10) && sev2.holdingAfter == .minutes(45) && sev2.holdingPost == false)
        let reminders = configuration.engine.reminders
        #expect(reminders.quietAfterUpdate == .minutes(2) && reminders.commanderNudgeAfter == .minutes(3))
        #expect(reminders.commanderNudgeSeverities == [.sev1])
        #expect(reminders.postmortemReminderAfter == nil)
        #expect(reminders.actionReminderHourUTC == 14)
        #expect(problem("reminders:\n  action_reminder_hour_utc: 25")?.contains("must be an hour from 0 to 23") == true)
        #expect(problem("severities:\n  sev1:\n    holding_post: maybe")?.contains("holding_post must be true or false") == true)
    }

    @Test func theShippedExampleIsValidAndMatchesTheDefaults() throws {
        let example = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("deploy/firebell.example.yaml")
        let configuration = try ConfigurationLoader(environment: [:]).load(file: example)
        #expect(configuration.engine.severities[.sev1].nudgeAfter == TimeSpan(seconds: 450))
        #expect(configuration.engine.severities[.sev3].targetResolution == .hours(24))
        #expect(configuration.engine.severities[.sev2].updateCadence == .minutes(30))
        #expect(configuration.engine.severities[.sev4].updateCadence == nil)
        #expect(configuration.engine.permissions == .standard)
        #expect(configuration.engine.reminders == ReminderPolicy())
        #expect(configuration.dataDirectory.lastPathComponent == "data")
        #expect(
            Severity.allCases.map { configuration.engine.severities[$0].audiences }
                == Severity.allCases.map { SeverityPolicyTable.standard[$0].audiences }
        )
        #expect(configuration.statusPage == StatusPageSettings())
        #expect(configuration.stakeholderChannels["executives"] == [ChannelRef(platform: .slack, workspace: "default", channel: "C0EXEC")])
    }

    @Test func everyKeyCanBeSetFromTheEnvironment() throws {
        let configuration = try load(
            """
            http_port: 9000
            severities:
              sev1:
                update_every: 20m
            """,
            environment: [
                "FIREBELL_SEVERITIES_SEV1_UPDATE_EVERY": "10m",
                "FIREBELL_SEVERITIES_SEV3_HOLDING_POST": "false",
                "FIREBELL_PERMISSIONS_RESOLVE": "ic, lead",
                "FIREBELL_PERMISSIONS_UPDATE": "anyone",
                "FIREBELL_REMINDERS_COMMANDER_NUDGE_SEVERITIES": "sev1",
                "FIREBELL_REMINDERS_ACTION_REMINDER_HOUR_UTC": "7",
                "FIREBELL_HTTP_HOST": "0.0.0.0",
                "FIREBELL_SLACK_API_URL": "http://127.0.0.1:9999/api",
                "FIREBELL_LOG_LEVEL": "debug",
                "FIREBELL_STATUS_PAGE_PORT": "9001",
            ]
        )
        #expect(configuration.engine.severities[.sev1].updateCadence == .minutes(10), "the environment wins over the file")
        #expect(configuration.engine.severities[.sev3].holdingPost == false)
        #expect(configuration.engine.permissions.restrictions[.resolve] == [.ic, .lead])
        #expect(configuration.engine.permissions.restrictions[.postUpdate] == [])
        #expect(configuration.engine.reminders.commanderNudgeSeverities == [.sev1])
        #expect(configuration.engine.reminders.actionReminderHourUTC == 7)
        #expect(configuration.httpHost == "0.0.0.0" && configuration.httpPort == 9000)
        let settings = try ServeSettings(configuration: configuration, environment: ["SLACK_SIGNING_SECRET": "s"])
        #expect(settings.host == "0.0.0.0" && settings.port == 9000 && settings[SlackSettings.self]?.apiURL == "http://127.0.0.1:9999/api/")
        #expect(settings.statusPagePort == 9001, "the status page's own listener")
        #expect(try ServeSettings(configuration: load(""), environment: [:]).statusPagePort == nil, "none unless asked for")
        #expect(throws: ConfigurationError.self) { try load("status_page_port: 70000") }
        for key in ["http_port", "status_page_port"] {
            let refusal = #expect(throws: ConfigurationError.self) { try load("\(key): eighty") }
            #expect(refusal?.description.contains("\(key) must be a port number (0 to 65535)") == true, "names the key and what it takes")
        }
        // A platform's own variable wins over the file key it shadows.
        let direct = try ServeSettings(
            configuration: configuration,
            environment: ["SLACK_SIGNING_SECRET": "s", "SLACK_API_URL": "http://127.0.0.1:7777/api"]
        )
        #expect(direct[SlackSettings.self]?.apiURL == "http://127.0.0.1:7777/api/")

        #expect(throws: ConfigurationError.self) { try load("", environment: ["FIREBELL_SEVERITIES_SEV1_UPDATE_EVRY": "10m"]) }
        #expect(throws: ConfigurationError.self) { try load("", environment: ["FIREBELL_PERMISSIONS_RESOLVE": "king"]) }
    }

    @Test func secretsComeOnlyFromTheEnvironmentAndAreChecked() throws {
        #expect(problem("slack_bot_token: xoxb-1")?.contains("unknown key 'slack_bot_token'") == true)
        #expect(throws: ConfigurationError.self) { try ServeSettings(environment: ["SLACK_BOT_TOKEN": "xoxb"]) }
        #expect(throws: ConfigurationError.self) { try ServeSettings(environment: ["SLACK_APP_TOKEN": "xapp", "SLACK_SIGNING_SECRET": "s"]) }
        #expect(throws: ConfigurationError.self) { try ServeSettings(environment: ["FIREBELL_HTTP_PORT": "http"]) }
        let socket = try ServeSettings(environment: ["SLACK_APP_TOKEN": "xapp", "SLACK_BOT_TOKEN": "xoxb"])
        #expect(socket.hasPlatform && socket[SlackSettings.self]?.signingSecret == nil)
        #expect(!(try ServeSettings(environment: [:])).hasPlatform)
    }

    @Test func runbooksByServiceFromTheFileOrTheEnvironment() throws {
        let file = try load("runbooks:\n  payments: https://wiki.example/pay\n  api: https://wiki.example/api\n")
        #expect(file.runbooks.byService == ["payments": "https://wiki.example/pay", "api": "https://wiki.example/api"])
        let environment = try load("", environment: ["FIREBELL_RUNBOOKS": "payments=https://wiki.example/pay, db=https://wiki.example/db"])
        #expect(environment.runbooks.byService == ["payments": "https://wiki.example/pay", "db": "https://wiki.example/db"])
        #expect(problem("runbooks:\n  payments: wiki/pay\n")?.contains("payments has 'wiki/pay', which is not an http(s) address") == true)
        #expect(throws: ConfigurationError.self) { try load("", environment: ["FIREBELL_RUNBOOKS": "payments"]) }
    }

    @Test func businessHoursForTheTeamARotationAndEachSeverity() throws {
        let loaded = try load(
            "business_hours:\n  time_zone: Europe/Berlin\n  days: mon-thu\n  hours: 08:30-16:00\n"
                + "severities:\n  sev2: {respond_in: business_hours}\n  sev3: {respond_in: always}\n"
                + "oncall:\n  rotations:\n    - {name: apac, time_zone: Asia/Tokyo, start: 2026-11-16, l1: [kenji], business_hours: {days: [mon, wed-fri], hours: 10:00-18:00}}\n"
        )
        let team = loaded.engine.businessHours
        #expect(team.timeZone?.identifier == "Europe/Berlin")
        #expect(team.hours.days == [1, 2, 3, 4] && team.hours.opens == 510 && team.hours.closes == 960)
        #expect(loaded.engine.severities[.sev2].responseWindow == .businessHours)
        #expect(loaded.engine.severities[.sev3].responseWindow == .always)
        #expect(loaded.engine.severities[.sev4].responseWindow == .nextBusinessDay, "the default")
        let apac = try #require(loaded.engine.oncall.rotations.first?.workingHours)
        #expect(apac.description == "Mon, Wed, Thu, Fri 10:00–18:00 Asia/Tokyo")
        let environment = try load("", environment: ["FIREBELL_BUSINESS_HOURS_DAYS": "sun-thu", "FIREBELL_SEVERITIES_SEV3_RESPOND_IN": "always"])
        #expect(environment.engine.businessHours.hours.days == [7, 1, 2, 3, 4] && environment.engine.severities[.sev3].responseWindow == .always)
        #expect(problem("business_hours:\n  hours: 17:00-09:00\n")?.contains("opening before closing") == true)
        #expect(problem("business_hours:\n  days: weekdays\n")?.contains("'weekdays' is not a day or a run of days") == true)
        #expect(problem("business_hours:\n  time_zone: Mars/Olympus\n")?.contains("is not a time zone") == true)
        #expect(problem("severities:\n  sev3: {respond_in: sometimes}\n")?.contains("must be always, business_hours or next_business_day") == true)
    }

    @Test func warRoomsAreConfigurable() throws {
        let defaults = try load("").engine.warRooms
        #expect(defaults.severities == [.sev1, .sev2] && defaults.prefix == "inc" && defaults.archiveAfter == .days(7))
        let file = try load("war_room:\n  severities: [sev1]\n  prefix: war\n  archive_after: never\n").engine.warRooms
        #expect(file.severities == [.sev1] && file.prefix == "war" && file.archiveAfter == nil)
        #expect(try load("", environment: ["FIREBELL_WAR_ROOM_SEVERITIES": "none"]).engine.warRooms.severities.isEmpty)
        #expect(try load("", environment: ["FIREBELL_WAR_ROOM_SEVERITIES": "sev1,sev2,sev3"]).engine.warRooms.severities.count == 3)
        #expect(problem("war_room:\n  prefix: War Room\n")?.contains("must be 1 to 16 lower-case letters") == true)
        #expect(problem("war_room:\n  archive_after: soon\n")?.contains("is not a duration") == true)
        #expect(problem("war_room:\n  channels: 3\n")?.contains("unknown key 'channels'") == true)
    }

    @Test func thePinReactionAndTheSeverityOfADeclarationFromAMessage() throws {
        let defaults = try load("")
        #expect(defaults.pinReaction == .pushpin && defaults.engine.messageDeclareSeverity == .sev3)
        let file = try load("pin_reaction: ':memo:'\ndeclare_from_message_severity: sev2\n")
        #expect(file.pinReaction == PinReaction(name: "memo", emoji: "📝") && file.engine.messageDeclareSeverity == .sev2)
        #expect(try load("", environment: ["FIREBELL_PIN_REACTION": "📍"]).pinReaction == PinReaction(name: "round_pushpin", emoji: "📍"))
        #expect(PinReaction.pushpin.matches(name: "pushpin::skin-tone-4") && !PinReaction.pushpin.matches(name: "pushpins"))
        #expect(PinReaction.pushpin.matches(key: "📌\u{FE0F}") && !PinReaction.pushpin.matches(key: "👍"))
        #expect(problem("pin_reaction: 'two words'\n")?.contains("is not a reaction") == true)
        #expect(problem("declare_from_message_severity: sev9\n")?.contains("is not a severity") == true)
    }

    @Test func roleBriefingsAreConfigurablePerRoleOrOff() throws {
        #expect(try load("").briefings == .standard)
        let file = try load("briefings:\n  scribe:\n    - Write it down.\n    - Times in UTC.\n  comms: off\n  lead: Fix it.\n")
        #expect(file.briefings.checklist(for: .scribe) == ["Write it down.", "Times in UTC."])
        #expect(file.briefings.checklist(for: .comms).isEmpty)
        #expect(file.briefings.checklist(for: .lead) == ["Fix it."])
        #expect(file.briefings.checklist(for: .ic) == RoleBriefings.standard.checklist(for: .ic), "roles not named keep the guide's")
        #expect(try load("briefings: off\n").briefings == .off)
        #expect(try load("", environment: ["FIREBELL_BRIEFINGS": "off"]).briefings == .off)
        #expect(problem("briefings:\n  janitor: [Sweep.]\n")?.contains("'janitor' is not a role; use ic, lead, scribe or comms") == true)
        #expect(problem("briefings: [a, b]\n")?.contains("briefings must be off or a mapping from role") == true)
    }

    /// One tracker, whole: each is read from the environment, a half-configured one or two at once say what to fix.
    @Test func aTrackerIsConfiguredWholeAndAlone() throws {
        let jira = ["JIRA_URL": "https://acme.atlassian.net", "JIRA_EMAIL": "bot@acme.example", "JIRA_API_TOKEN": "t", "JIRA_PROJECT": "OPS"]
        let settings = try ServeSettings(environment: jira.merging(["JIRA_DONE_TRANSITION": "Closed"]) { $1 })
        #expect(settings.jira?.project == "OPS" && settings.jira?.issueType == "Task" && settings.jira?.doneTransition == "Closed")
        #expect(!settings.featuresOff.contains { $0.hasPrefix("action items") })
        func refusal(_ environment: [String: String]) -> String? {
            do {
                _ = try ServeSettings(environment: environment)
                return nil
            } catch { return error.description }
        }
        #expect(
            refusal(["JIRA_URL": "https://acme.atlassian.net", "JIRA_PROJECT": "OPS"])
                == "Jira needs JIRA_EMAIL, JIRA_API_TOKEN as well (it takes JIRA_URL, JIRA_EMAIL, JIRA_API_TOKEN and JIRA_PROJECT)."
        )
        #expect(
            refusal(jira.merging(["JIRA_URL": "acme.atlassian.net"]) { $1 })
                == "JIRA_URL: 'acme.atlassian.net' is not a web address such as https://acme.atlassian.net."
        )
        #expect(refusal(["LINEAR_API_KEY": "lin_api"]) == "Linear needs both LINEAR_API_KEY and LINEAR_TEAM_ID.")
        #expect(refusal(["GITHUB_TOKEN": "ghp"]) == "GitHub issues need both GITHUB_TOKEN and GITHUB_REPOSITORY.")
        #expect(
            refusal(["GITHUB_TOKEN": "ghp", "GITHUB_REPOSITORY": "acme"]) == "GITHUB_REPOSITORY: 'acme' is not owner/name (for example acme/ops)."
        )
        #expect(
            refusal(jira.merging(["GITHUB_TOKEN": "ghp", "GITHUB_REPOSITORY": "acme/ops"]) { $1 })
                == "Jira and GitHub are set up together: action items go to one tracker; keep one."
        )
        let linear = try ServeSettings(environment: ["LINEAR_API_KEY": "lin_api", "LINEAR_TEAM_ID": "team"])
        #expect(linear.linearTeamID == "team" && linear.linearAPIURL == "https://api.linear.app/graphql")
    }

    /// Each platform reads its own settings; what is off for want of a secret is named, with the variable to set.
    @Test func eachPlatformReadsItsOwnSettingsAndWhatIsOffIsNamed() throws {
        let settings = try ServeSettings(environment: ["SLACK_SIGNING_SECRET": "s", "ALERTMANAGER_TOKEN": "t"])
        #expect(settings.platforms.count == 1 && settings[SlackSettings.self]?.signingSecret == "s")
        let off = settings.featuresOff
        #expect(off.contains("Mattermost (set MATTERMOST_BOT_TOKEN and MATTERMOST_COMMAND_TOKEN)"))
        #expect(off.contains("PagerDuty events (set PAGERDUTY_ROUTING_KEY)"))
        #expect(!off.contains { $0.hasPrefix("Slack") || $0.hasPrefix("the Alertmanager") || $0.hasPrefix("Console") })
        #expect(
            ConfigurationLoader.topLevelKeys.isSuperset(of: ["slack_api_url", "mattermost_url", "discord_api_url", "matrix_homeserver_url"]),
            "the platforms' own file keys are known to the loader"
        )
        #expect(problem("mattermost_url: not a url")?.contains("mattermost_url 'not a url' is not an http(s) URL") == true)
    }

    @Test func theEnvironmentOverridesTheFile() throws {
        let configuration = try load("data_dir: /from/file\n", environment: ["FIREBELL_DATA_DIR": "/from/env", "FIREBELL_TEMPLATES_DIR": "/tpl"])
        #expect(configuration.dataDirectory.path == "/from/env")
        #expect(configuration.templatesDirectory?.path == "/tpl")
    }

    @Test(arguments: [
        ("data_dri: x", "unknown key 'data_dri'"),
        ("severities:\n  sev9: {}", "severities.sev9 is not a severity"),
        ("severities:\n  sev1:\n    update_every: soon", "severities.sev1.update_every: 'soon' is not a duration"),
        ("permissions:\n  resolve: [king]", "permissions.resolve lists 'king', which is not a role"),
        ("permissions:\n  fly: [ic]", "permissions.fly is not an action"),
        ("- a\n- b", "the top level must be a mapping"),
        ("key: [unclosed", "not valid YAML"),
    ])
    func badFilesSayExactlyWhatIsWrong(yaml: String, expected: String) {
        let message = problem(yaml)
        #expect(message?.contains(expected) == true, "\(message ?? "accepted")")
    }
}
