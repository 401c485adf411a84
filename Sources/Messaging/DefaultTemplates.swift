/// The stakeholder message templates shipped with Firebell. A templates folder in the configuration can
/// replace any of them with a file of the same name (`initial-alert.mustache`, …).
///
/// Every variable is already escaped for the target platform; `{{#bold}}…{{/bold}}` makes a label bold there.
package enum DefaultTemplates {
    package static let initialAlert = """
        {{#bold}}🚨 Initial Alert: {{title}}{{/bold}}
        {{#bold}}Incident:{{/bold}} {{title}} ({{id}})
        {{#bold}}Severity:{{/bold}} {{severity}} ({{severityLabel}})
        {{#bold}}Status:{{/bold}} {{status}}
        {{#bold}}Impact:{{/bold}} {{impact}}
        {{#detected}}{{#bold}}Detected:{{/bold}} {{detected}}
        {{/detected}}{{#systems}}{{#bold}}Affected systems:{{/bold}} {{systems}}
        {{/systems}}{{#runbook}}{{#bold}}Runbook:{{/bold}} {{runbook}}
        {{/runbook}}{{#bold}}Commander:{{/bold}} {{commander}}
        {{#bold}}Updates:{{/bold}} {{updates}}
        {{#nextUpdate}}{{#bold}}Next Update:{{/bold}} {{nextUpdate}}
        {{/nextUpdate}}
        """

    package static let statusUpdate = """
        {{#bold}}📣 Status Update: {{title}}{{/bold}}
        {{#bold}}Incident:{{/bold}} {{title}} ({{id}})
        {{#bold}}Status:{{/bold}} {{status}}
        {{#bold}}Update:{{/bold}} {{update}}
        {{#bold}}Next Update:{{/bold}} {{nextUpdate}}
        {{#eta}}{{#bold}}ETA:{{/bold}} {{eta}}
        {{/eta}}
        """

    package static let resolution = """
        {{#bold}}✅ Resolution: {{title}}{{/bold}}
        {{#bold}}Incident:{{/bold}} {{title}} ({{id}})
        {{#bold}}Status:{{/bold}} Resolved
        {{#bold}}Duration:{{/bold}} {{duration}}
        {{#bold}}Root Cause:{{/bold}} {{rootCause}}
        {{#bold}}Action Items:{{/bold}} {{actionSummary}}
        {{#actionItems}}• {{.}}
        {{/actionItems}}
        """

    package static let holdingUpdate = """
        {{#bold}}📣 Status Update: {{title}}{{/bold}}
        {{#bold}}Incident:{{/bold}} {{title}} ({{id}})
        {{#bold}}Status:{{/bold}} {{status}}
        {{#bold}}Update:{{/bold}} Status unchanged: {{currentStatus}}. No new information since {{since}}. Next update by {{nextUpdateClock}}.
        {{#bold}}Next Update:{{/bold}} {{nextUpdate}}
        """

    /// Template names, which are also the override file names without `.mustache`.
    package static let byName: [String: String] = [
        "initial-alert": initialAlert,
        "status-update": statusUpdate,
        "resolution": resolution,
        "holding-update": holdingUpdate,
    ]
}
