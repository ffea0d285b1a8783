// Handlebars templates of the report email. `{{value}}` is HTML-escaped by Handlebars; triple
// braces are never used (a test enforces it). Links come only from the view's safe URLs. The CSS
// comes in as a partial (constant text), so it is not escaped.

export const REPORT_HTML = `{{> documentStart title=title}}
<header>
<h1>{{title}}{{#if account}} for account {{account}}{{/if}}</h1>
<p class="meta">Generated {{generatedAt}} · times in {{timeZone}} · Regions: {{#each regions}}{{this}}{{#unless @last}}, {{/unless}}{{/each}}</p>
{{#if digest}}<p class="digest">Weekly digest: nothing changed since the last report.</p>{{/if}}
</header>

<section id="summary">
<h2>Summary</h2>
<p class="headline"><strong>{{actionNeeded}}</strong> of {{total}} registrations need action.</p>
<table class="summary">
<thead><tr><th>Status</th>{{#each regions}}<th>{{this}}</th>{{/each}}<th>Total</th></tr></thead>
<tbody>
{{#each summaryRows}}
<tr class="tone-{{tone}}{{#unless total}} zero{{/unless}}"><th scope="row">{{label}}{{#if actionNeeded}}{{#if total}} <span class="badge">action needed</span>{{/if}}{{/if}}</th>{{#each counts}}<td>{{this}}</td>{{/each}}<td>{{total}}</td></tr>
{{/each}}
</tbody>
<tfoot><tr><th scope="row">All registrations</th>{{#each summaryTotals}}<td>{{this}}</td>{{/each}}<td>{{total}}</td></tr></tfoot>
</table>

<h3 id="changes">Changes since the last report</h3>
{{#if changes.tracked}}
{{#if changes.firstReport}}
<p>This is the first report: every registration is now recorded, and the next report shows what changed.</p>
{{else if changes.count}}
<p>{{changes.newCount}} new, {{changes.changedCount}} changed, {{changes.resolvedCount}} resolved, {{changes.removedCount}} no longer listed.</p>
<table class="changes">
<thead><tr><th>Change</th><th>Registration</th><th>Type</th><th>Region</th><th>Status</th></tr></thead>
<tbody>
{{#each changes.items}}
<tr><td><span class="change change-{{kind}}">{{label}}</span></td><td class="id">{{id}}</td><td>{{typeName}}</td><td>{{region}}</td><td>{{#if to}}{{#if from}}{{from}} → {{/if}}{{to}}{{else}}was {{from}}{{/if}}{{#if detail}} ({{detail}}){{/if}}</td></tr>
{{/each}}
</tbody>
</table>
{{#if changes.more}}<p>… and {{changes.more}} more, marked in the lists below.</p>{{/if}}
{{else}}
<p>No changes since the last report.</p>
{{/if}}
{{else}}
<p>Change tracking is off for this report (no state table was given).</p>
{{/if}}
</section>

{{#each sections}}
<section class="status tone-{{tone}}" id="status-{{code}}">
<h2>{{label}} ({{count}})</h2>
<p class="description">{{description}}</p>
{{#each groups}}
<h3>{{typeName}} ({{count}})</h3>
{{#if ../actionNeeded}}
{{#each entries}}{{> card code=../../code}}{{/each}}
{{else}}
<table class="list">
<thead><tr><th>Registration</th><th>Region</th><th>Version</th><th>Created</th>{{#if (eq ../code "COMPLETE")}}<th>Approved</th>{{/if}}<th>Details</th><th></th></tr></thead>
<tbody>
{{#each entries}}{{> row code=../../code}}{{/each}}
</tbody>
</table>
{{/if}}
{{/each}}
</section>
{{/each}}

<footer>
<p>Open the registrations in the console: {{#each consoleLinks}}<a href="{{url}}">{{region}}</a>{{#unless @last}} · {{/unless}}{{/each}}.
What the statuses mean: <a href="{{statusDocsUrl}}">AWS End User Messaging SMS user guide</a>.
“Recent” approvals are those of the last {{recentlyCompletedDays}} days.</p>
</footer>
</main>
</body>
</html>
`;

export const REPORT_CARD_PARTIAL = `<div class="card">
<div><span class="id">{{id}}</span>{{#if change}}<span class="change change-{{change.kind}}">{{change.label}}</span>{{/if}}</div>
<dl>
<dt>Region</dt><dd>{{region}}</dd>
{{#if (eq code "UNKNOWN")}}<dt>Status</dt><dd>{{statusText}}</dd>{{/if}}
<dt>Version</dt><dd>{{version}}</dd>
<dt>Created</dt><dd>{{createdAt}}</dd>
{{#if change}}{{#if change.from}}<dt>Since last report</dt><dd>{{change.from}} → {{change.to}}{{#if change.detail}} ({{change.detail}}){{/if}}</dd>{{/if}}{{/if}}
{{#each attributes}}<dt>{{name}}</dt><dd>{{value}}</dd>{{/each}}
</dl>
{{#if denied}}
<div class="denied">
<h4>Why version {{denied.version}} was denied{{#if denied.deniedAt}} ({{denied.deniedAt}}){{/if}}</h4>
{{#if denied.reasons.length}}
<ul>
{{#each denied.reasons}}
<li><strong>{{reason}}</strong>{{#if shortDescription}}: {{shortDescription}}{{/if}}
{{#if longDescription}}<p>{{longDescription}}</p>{{/if}}
{{#if documentationUrl}}<p><a href="{{documentationUrl}}">{{#if documentationTitle}}{{documentationTitle}}{{else}}Documentation{{/if}}</a></p>
{{else if documentationText}}<p class="unsafe">Documentation (not linked, not an https AWS address): {{documentationText}}</p>{{/if}}
</li>
{{/each}}
</ul>
{{else}}
<p>No denial reasons were given.</p>
{{/if}}
{{#if denied.feedback}}<p class="feedback"><strong>Reviewer feedback:</strong> {{denied.feedback}}</p>{{/if}}
</div>
{{/if}}
{{#if versionUnavailable}}<p class="note">Version {{versionUnavailable}} could not be read: it no longer exists.</p>{{/if}}
<p><a class="button" href="{{consoleUrl}}">Open in the console</a></p>
</div>
`;

export const REPORT_ROW_PARTIAL = `<tr>
<td class="id">{{id}}{{#if change}}<span class="change change-{{change.kind}}">{{change.label}}</span>{{/if}}</td>
<td>{{region}}</td><td>{{version}}</td><td>{{createdAt}}</td>
{{#if (eq code "COMPLETE")}}<td>{{approvedAt}}{{#if recentlyApproved}} <span class="badge recent">recent</span>{{/if}}{{#if versionUnavailable}} version {{versionUnavailable}} unreadable{{/if}}</td>{{/if}}
<td>{{#if change}}{{#if change.from}}{{change.from}} → {{change.to}}{{#if change.detail}} ({{change.detail}}){{/if}}. {{/if}}{{/if}}{{#each attributes}}{{name}}: {{value}}{{#unless @last}}; {{/unless}}{{/each}}</td>
<td><a href="{{consoleUrl}}">console</a></td>
</tr>
`;

export const REPORT_TEXT = `{{title}}{{#if account}} for account {{account}}{{/if}}
Generated {{generatedAt}} (times in {{timeZone}}); Regions: {{#each regions}}{{this}}{{#unless @last}}, {{/unless}}{{/each}}
{{#if digest}}
Weekly digest: nothing changed since the last report.
{{/if}}

SUMMARY
{{actionNeeded}} of {{total}} registrations need action.

{{padEnd "Status" 26}}{{#each regions}}{{padStart this 16}}{{/each}}{{padStart "Total" 8}}
{{#each summaryRows}}
{{padEnd label 26}}{{#each counts}}{{padStart this 16}}{{/each}}{{padStart total 8}}{{#if actionNeeded}}{{#if total}}  <- action needed{{/if}}{{/if}}
{{/each}}
{{padEnd "All registrations" 26}}{{#each summaryTotals}}{{padStart this 16}}{{/each}}{{padStart total 8}}

CHANGES SINCE THE LAST REPORT
{{#if changes.tracked}}
{{#if changes.firstReport}}
This is the first report: every registration is now recorded, and the next report shows what changed.
{{else if changes.count}}
{{changes.newCount}} new, {{changes.changedCount}} changed, {{changes.resolvedCount}} resolved, {{changes.removedCount}} no longer listed.
{{#each changes.items}}
- {{label}}: {{id}} ({{typeName}}, {{region}}): {{#if to}}{{#if from}}{{from}} -> {{/if}}{{to}}{{else}}was {{from}}{{/if}}{{#if detail}} ({{detail}}){{/if}}
{{/each}}
{{#if changes.more}}
... and {{changes.more}} more, marked in the lists below.
{{/if}}
{{else}}
No changes since the last report.
{{/if}}
{{else}}
Change tracking is off for this report (no state table was given).
{{/if}}
{{#each sections}}

== {{upper label}} ({{count}}) ==
{{description}}
{{#each groups}}

  {{typeName}} ({{count}})
{{#each entries}}
  * {{id}} [{{region}}]{{#if change}} [{{change.label}}{{#if change.from}}: {{change.from}} -> {{change.to}}{{/if}}]{{/if}} version {{version}}, created {{createdAt}}{{#if approvedAt}}, approved {{approvedAt}}{{#if recentlyApproved}} (recent){{/if}}{{/if}}
{{#if (eq ../../code "UNKNOWN")}}
      status: {{statusText}}
{{/if}}
{{#each attributes}}
      {{name}}: {{value}}
{{/each}}
{{#if denied}}
      {{> deniedText}}
{{/if}}
{{#if versionUnavailable}}
      Version {{versionUnavailable}} could not be read: it no longer exists.
{{/if}}
{{#if ../../actionNeeded}}
      {{consoleUrl}}
{{/if}}
{{/each}}
{{/each}}
{{/each}}

Console: {{#each consoleLinks}}{{url}}{{#unless @last}} {{/unless}}{{/each}}
Statuses explained: {{statusDocsUrl}}
`;

/**
 * Plain-text partial: why a version was denied. Written at column 0; Handlebars indents every line
 * it renders by the indentation of the \`{{> deniedText}}\` line, so continuation lines from the
 * \`indent\` helper only add their own 2 spaces.
 */
export const DENIED_TEXT_PARTIAL = `Why version {{denied.version}} was denied{{#if denied.deniedAt}} ({{denied.deniedAt}}){{/if}}:
{{#each denied.reasons}}
- {{reason}}{{#if shortDescription}}: {{indent shortDescription 2}}{{/if}}
{{#if longDescription}}
  {{indent longDescription 2}}
{{/if}}
{{#if documentationUrl}}
  {{documentationUrl}}
{{else if documentationText}}
  documentation (not linked, not an https AWS address): {{documentationText}}
{{/if}}
{{/each}}
{{#if denied.feedback}}
Reviewer feedback: {{indent denied.feedback 2}}
{{/if}}
`;
