/// The status page's HTML and Atom templates. Mustache escapes every value for HTML/XML (`{{…}}`).
enum StatusPageTemplates {
    static let style = """
        body{font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1d2939;background:#fff;margin:0}
        header,main,footer{max-width:46rem;margin:0 auto;padding:0 1rem}
        h1{font-size:1.6rem;margin:1.5rem 0 .5rem}h2{font-size:1.25rem;margin:2rem 0 .75rem}h3{font-size:1.1rem;margin:0 0 .25rem}
        a{color:#1849a9}.overall{padding:.75rem 1rem;border-radius:.5rem;font-weight:600;color:#fff;background:#05603a}
        .overall.sev1{background:#b42318}.overall.sev2{background:#b93815}.overall.sev3{background:#93370d}.overall.sev4{background:#344054}
        .incident{border-left:.4rem solid #344054;padding:.5rem 1rem;margin:0 0 1rem;background:#f9fafb}
        .incident.sev1{border-color:#b42318}.incident.sev2{border-color:#b93815}.incident.sev3{border-color:#93370d}
        .meta{color:#475467;margin:.25rem 0}.history{display:flex;gap:2px;list-style:none;padding:0;margin:0;height:2.5rem}
        .day{flex:1 1 0;min-width:2px;background:#12b76a;border-radius:1px}.day.sev1{background:#b42318}.day.sev2{background:#e04f16}
        .day.sev3{background:#f79009}.day.sev4{background:#667085}.legend{color:#475467;font-size:.875rem}
        .visually-hidden{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
        .updates{list-style:none;padding:0}.updates li{margin:0 0 1rem}.updates strong{display:block}
        """

    static let head = """
        <!doctype html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>{{pageTitle}}</title>
        <link rel="alternate" type="application/atom+xml" title="Incident feed" href="/status/feed.atom">
        <style>{{{style}}}</style>
        </head>
        <body>
        """

    static let foot = """
        <footer><p class="legend">All times are UTC. Generated {{generated}}. <a href="/status">Status</a> · <a href="/status.json">JSON</a> · <a href="/status/feed.atom">Atom feed</a></p></footer>
        </body>
        </html>
        """

    static let page =
        head + """
            <header><h1>{{title}}</h1><p class="overall {{overall}}" role="status">{{overallText}}</p></header>
            <main>
            <section aria-labelledby="active-heading">
            <h2 id="active-heading">Active incidents</h2>
            {{#active}}
            <article class="incident {{severity}}" id="{{id}}">
            <h3><a href="/status/incidents/{{id}}">{{title}}</a></h3>
            <p class="meta">{{severityName}} · {{status}} · since {{declared}}</p>
            {{#impact}}<p>Impact: {{impact}}</p>{{/impact}}
            {{#latest}}<p><strong>Latest update ({{at}}):</strong> {{text}}</p>{{/latest}}
            {{#next}}<p>Next update by {{next}}.</p>{{/next}}
            </article>
            {{/active}}
            {{^active}}<p>No active incidents.</p>{{/active}}
            </section>
            <section aria-labelledby="history-heading">
            <h2 id="history-heading">Last {{days}} days</h2>
            <ol class="history" aria-label="One bar per day, oldest first, coloured by the worst severity that day">
            {{#history}}<li class="day {{severity}}" title="{{label}}"><span class="visually-hidden">{{label}}</span></li>{{/history}}
            </ol>
            <p class="legend">Green: no incident. Red: SEV1 (critical). Orange: SEV2 (high). Amber: SEV3 (medium).</p>
            </section>
            <section aria-labelledby="past-heading">
            <h2 id="past-heading">Resolved incidents</h2>
            {{#hasResolved}}<ul>
            {{#resolved}}<li><a href="/status/incidents/{{id}}">{{title}}</a>: {{severityName}}, {{declared}} to {{resolvedAt}}</li>
            {{/resolved}}</ul>{{/hasResolved}}
            {{^hasResolved}}<p>No incidents in the last {{days}} days.</p>{{/hasResolved}}
            </section>
            </main>
            """ + foot

    static let incident =
        head + """
            <header><p><a href="/status">← All incidents</a></p><h1>{{title}}</h1>
            <p class="meta">{{id}} · {{severityName}} · {{status}} · declared {{declared}}{{#resolvedAt}} · resolved {{resolvedAt}}{{/resolvedAt}}</p></header>
            <main>
            {{#impact}}<p>Impact: {{impact}}</p>{{/impact}}
            {{#next}}<p>Next update by {{next}}.</p>{{/next}}
            <h2>Updates</h2>
            <ol class="updates" reversed>
            {{#updates}}<li><strong>{{label}} · {{at}}</strong> {{text}}</li>
            {{/updates}}</ol>
            </main>
            """ + foot

    static let feed = """
        <?xml version="1.0" encoding="utf-8"?>
        <feed xmlns="http://www.w3.org/2005/Atom">
        <title>{{title}}</title>
        <id>urn:firebell:status</id>
        <updated>{{updated}}</updated>
        <link rel="alternate" type="text/html" href="/status"/>
        <link rel="self" type="application/atom+xml" href="/status/feed.atom"/>
        <author><name>{{title}}</name></author>
        {{#entries}}<entry>
        <id>urn:firebell:{{id}}:{{number}}</id>
        <title>{{incidentTitle}}: {{label}}</title>
        <updated>{{updated}}</updated>
        <link rel="alternate" type="text/html" href="/status/incidents/{{id}}"/>
        <summary>{{text}}</summary>
        </entry>
        {{/entries}}</feed>
        """
}
