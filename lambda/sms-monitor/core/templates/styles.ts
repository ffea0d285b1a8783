// Shared CSS of the report and alert emails: no API text ever reaches it.
export const EMAIL_CSS = `
body { font-family: -apple-system, "Segoe UI", Roboto, Arial, sans-serif; margin: 0; padding: 24px; color: #16191f; background: #f2f3f3; line-height: 1.45; }
main { max-width: 1040px; margin: 0 auto; background: #ffffff; padding: 24px 32px; border-radius: 8px; }
h1 { font-size: 22px; margin: 0 0 4px; }
h2 { font-size: 18px; margin: 28px 0 6px; padding-bottom: 4px; border-bottom: 2px solid #e9ebed; }
h3 { font-size: 15px; margin: 18px 0 6px; color: #414d5c; }
h4 { font-size: 14px; margin: 8px 0 4px; }
.meta { color: #5f6b7a; font-size: 13px; margin: 0; }
.digest { background: #f2f8fd; border-left: 4px solid #0972d3; padding: 8px 12px; }
.headline { font-size: 16px; }
.headline strong { font-size: 20px; color: #d91515; }
table { border-collapse: collapse; width: 100%; font-size: 13px; margin: 6px 0 12px; }
th, td { text-align: left; padding: 5px 8px; border-bottom: 1px solid #e9ebed; vertical-align: top; }
thead th { background: #f4f4f4; font-weight: 600; }
table.summary td { text-align: right; font-variant-numeric: tabular-nums; }
table.summary tbody th { font-weight: normal; }
table.summary tfoot { font-weight: 600; }
tr.zero { color: #8c8c94; }
tr.tone-action:not(.zero) th { font-weight: 600; color: #b0160e; }
.badge { display: inline-block; font-size: 11px; padding: 0 6px; border-radius: 8px; background: #fde8e6; color: #b0160e; }
.badge.recent { background: #e6f4e8; color: #037f0c; }
.change { display: inline-block; font-size: 11px; padding: 0 6px; border-radius: 8px; background: #f2f8fd; color: #0972d3; margin-left: 6px; }
.change-resolved { background: #e6f4e8; color: #037f0c; }
.change-removed { background: #f4f4f4; color: #5f6b7a; }
.id { font-family: "SFMono-Regular", Consolas, monospace; font-size: 12px; word-break: break-all; }
section.status { margin-top: 8px; }
section.tone-action > h2 { color: #b0160e; border-bottom-color: #fde8e6; }
section.tone-unknown > h2 { color: #8d6605; }
.description { color: #5f6b7a; margin: 0 0 8px; }
.card { border: 1px solid #e9ebed; border-left: 4px solid #d91515; border-radius: 4px; padding: 10px 14px; margin: 8px 0; }
section.tone-unknown .card { border-left-color: #8d6605; }
.card dl { display: grid; grid-template-columns: max-content 1fr; gap: 2px 12px; margin: 6px 0; font-size: 13px; }
.card dt { color: #5f6b7a; }
.card dd { margin: 0; word-break: break-word; }
.denied { background: #fff7f7; border-radius: 4px; padding: 6px 12px; margin: 8px 0; }
.denied ul { margin: 4px 0; padding-left: 18px; }
.denied li { margin: 4px 0; }
.denied p, .feedback { white-space: pre-line; margin: 2px 0; }
.unsafe { color: #5f6b7a; font-size: 12px; word-break: break-all; }
.note { color: #8d6605; font-size: 13px; }
a { color: #0972d3; }
a.button { display: inline-block; padding: 3px 10px; border: 1px solid #0972d3; border-radius: 14px; text-decoration: none; font-size: 13px; }
footer { margin-top: 28px; color: #5f6b7a; font-size: 12px; }
`;

/** The start of both emails' HTML, up to the opening of <main>; `title` is the document title. */
export const DOCUMENT_START_PARTIAL = `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<title>{{title}}</title>
<style>{{> css}}</style>
</head>
<body>
<main>
`;
