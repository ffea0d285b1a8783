/**
 * Cleans a string from the API before it reaches a report. HTML escaping is the templates' job
 * (Handlebars escapes every `{{value}}`); this removes what escaping does not: control characters
 * (which could forge lines in the plain-text part) and bidirectional overrides (which can make text
 * read differently from what it is), and caps the length so one field cannot flood the email.
 */
export function cleanText(value: unknown, maxLength = 2000): string {
  if (value === undefined || value === null) return '';
  const text = String(value)
    .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/g, '')
    .replace(/[\u202A-\u202E\u2066-\u2069\u200E\u200F\u061C]/g, '')
    .replace(/\r\n?/g, '\n');
  return text.length > maxLength ? `${text.slice(0, maxLength - 1)}…` : text;
}

/** One-line variant (for table cells and the plain-text part's list items). */
export function cleanLine(value: unknown, maxLength = 300): string {
  return cleanText(value, maxLength).replace(/[\n\t]+/g, ' ');
}
