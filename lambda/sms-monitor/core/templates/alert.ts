// Handlebars templates of the real-time alert email (one registration). Same rules as the report:
// double braces only, links only from the view's safe URLs; the card partial is the report's.

export const ALERT_HTML = `{{> documentStart title=subject}}
<h1>SMS registration needs action: {{statusLabel}}</h1>
<p class="meta">{{#if account}}Account {{account}} · {{/if}}Region {{entry.region}} · status change seen {{eventTime}} (times in {{timeZone}})</p>
<p class="description">{{statusDescription}}</p>
<section class="status tone-action">
<h3>{{entry.typeName}}</h3>
{{#with entry}}{{> card code=../statusCode}}{{/with}}
</section>
<footer>
<p>Sent at once by the SMS registration monitor; the next scheduled report lists every registration.
What the statuses mean: <a href="{{statusDocsUrl}}">AWS End User Messaging SMS user guide</a>.</p>
</footer>
</main>
</body>
</html>
`;

export const ALERT_TEXT = `SMS registration needs action: {{statusLabel}}
{{#if account}}Account {{account}}, {{/if}}Region {{entry.region}}; status change seen {{eventTime}} (times in {{timeZone}})
{{statusDescription}}

{{#with entry}}
{{typeName}}
  {{id}}, version {{version}}, created {{createdAt}}
{{#each attributes}}
  {{name}}: {{value}}
{{/each}}
{{#if denied}}
  {{> deniedText}}
{{/if}}

Open in the console: {{consoleUrl}}
{{/with}}
Statuses explained: {{statusDocsUrl}}
`;
