/// The insights page. Mustache escapes every value (`{{…}}`); the charts are SVG built by ``SVGChart`` with their own
/// escaping (`{{{…}}}`).
enum InsightsTemplates {
    static let style = """
        body{font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1d2939;background:#fff;margin:0}
        header,main,footer{max-width:60rem;margin:0 auto;padding:0 1rem}
        h1{font-size:1.6rem;margin:1.5rem 0 .25rem}h2{font-size:1.2rem;margin:2rem 0 .5rem}
        a{color:#1849a9}.lead{color:#475467;margin:0 0 1rem}
        .tiles{display:grid;grid-template-columns:repeat(auto-fit,minmax(9rem,1fr));gap:.75rem;margin:1rem 0}
        .tile{background:#f2f4f7;border-radius:.5rem;padding:.6rem .8rem}.tile strong{display:block;font-size:1.5rem}
        .chart{width:100%;height:auto;max-width:40rem;display:block}
        .key{list-style:none;padding:0;margin:.25rem 0;display:flex;flex-wrap:wrap;gap:.25rem 1rem;font-size:.875rem;color:#475467}
        .key span{display:inline-block;width:.8rem;height:.8rem;border-radius:2px;margin-right:.3rem;vertical-align:-.05rem}
        table{border-collapse:collapse;font-size:.875rem;margin:.5rem 0;display:block;overflow-x:auto}
        th,td{text-align:left;padding:.25rem .6rem;border-bottom:1px solid #eaecf0;white-space:nowrap}
        details{margin:.25rem 0 1rem}summary{cursor:pointer;color:#1849a9}
        .window a{margin-right:.5rem}
        """

    static let page = """
        <!doctype html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>Incident insights · last {{days}} days</title>
        <style>{{{style}}}</style>
        </head>
        <body>
        <header>
        <h1>Incident insights</h1>
        <p class="lead">The last {{days}} days: {{from}} to {{to}} (UTC). Private incidents are counted, never named.</p>
        <p class="window">Window: {{#windows}}<a href="/insights?days={{days}}">{{days}} days</a>{{/windows}} · <a href="/insights.json?days={{days}}">JSON</a></p>
        </header>
        <main>
        <section class="tiles" aria-label="Totals">
        <p class="tile"><strong>{{incidents}}</strong>incidents ({{privateIncidents}} private)</p>
        <p class="tile"><strong>{{compliance}}</strong>updates on time</p>
        <p class="tile"><strong>{{openItems}}</strong>open action items, {{overdueItems}} overdue</p>
        <p class="tile"><strong>{{nightPages}}</strong>night pages of {{pages}}</p>
        </section>

        <section aria-labelledby="weekly">
        <h2 id="weekly">Incidents per week</h2>
        {{{weeklyChart}}}
        <ul class="key">{{#severityKey}}<li><span style="background:{{color}}"></span>{{name}}</li>{{/severityKey}}</ul>
        </section>

        <section aria-labelledby="response">
        <h2 id="response">Time to acknowledge, mitigate and resolve</h2>
        <table><thead><tr><th>Severity</th><th>Incidents</th><th>TTA median</th><th>TTA p90</th><th>TTM median</th><th>TTM p90</th><th>TTR median</th><th>TTR p90</th></tr></thead>
        <tbody>{{#severities}}<tr><td>{{name}}</td><td>{{count}}</td><td>{{tta}}</td><td>{{p90tta}}</td><td>{{ttm}}</td><td>{{p90ttm}}</td><td>{{ttr}}</td><td>{{p90ttr}}</td></tr>{{/severities}}</tbody></table>
        {{{trendChart}}}
        <ul class="key">{{#trendKey}}<li><span style="background:{{color}}"></span>{{name}}</li>{{/trendKey}}</ul>
        </section>

        <section aria-labelledby="compliance">
        <h2 id="compliance">Status Updates on time, per month</h2>
        {{{complianceChart}}}
        <details><summary>Figures</summary><table><thead><tr><th>Month</th><th>Incidents</th><th>Expected</th><th>On time</th><th>Holding posts</th></tr></thead>
        <tbody>{{#months}}<tr><td>{{month}}</td><td>{{incidents}}</td><td>{{expected}}</td><td>{{onTime}}</td><td>{{holding}}</td></tr>{{/months}}</tbody></table></details>
        </section>

        <section aria-labelledby="actions">
        <h2 id="actions">Action items</h2>
        <p>{{openItems}} open, {{overdueItems}} overdue; {{openedItems}} opened and {{doneItems}} done in the window.
        {{#oldest}}The oldest overdue: {{what}}, due {{due}} ({{late}} days ago).{{/oldest}}</p>
        {{{actionChart}}}
        <ul class="key">{{#actionKey}}<li><span style="background:{{color}}"></span>{{name}}</li>{{/actionKey}}</ul>
        </section>

        <section aria-labelledby="oncall">
        <h2 id="oncall">Who carried the pager</h2>
        {{#hasPeople}}{{{oncallChart}}}
        <ul class="key">{{#pageKey}}<li><span style="background:{{color}}"></span>{{name}}</li>{{/pageKey}}</ul>
        <table><thead><tr><th>Person</th><th>Pages</th><th>At night (22–07)</th><th>Hours in incidents</th><th>Longest on-call run</th></tr></thead>
        <tbody>{{#people}}<tr><td>{{person}}</td><td>{{pages}}</td><td>{{night}}</td><td>{{hours}}</td><td>{{streak}}</td></tr>{{/people}}</tbody></table>{{/hasPeople}}
        {{^hasPeople}}<p>Nobody was paged or involved in an incident in the window.</p>{{/hasPeople}}
        </section>

        <section aria-labelledby="systems">
        <h2 id="systems">Services and systems most often involved</h2>
        {{#hasSystems}}{{{systemsChart}}}
        <table><thead><tr><th>Service or system</th><th>Incidents</th><th>Hours in incident</th></tr></thead>
        <tbody>{{#systems}}<tr><td>{{name}}</td><td>{{incidents}}</td><td>{{hours}}</td></tr>{{/systems}}</tbody></table>{{/hasSystems}}
        {{^hasSystems}}<p>No incident named a service or a system.</p>{{/hasSystems}}
        </section>
        </main>
        <footer><p class="lead">Generated {{generated}}. Figures from the incidents' events; medians and 90th percentiles by nearest rank.</p></footer>
        </body>
        </html>
        """
}
