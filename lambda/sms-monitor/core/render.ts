import Handlebars from 'handlebars';
import { ALERT_HTML, ALERT_TEXT } from './templates/alert';
import {
  DENIED_TEXT_PARTIAL,
  REPORT_CARD_PARTIAL,
  REPORT_HTML,
  REPORT_ROW_PARTIAL,
  REPORT_TEXT,
} from './templates/report';
import { DOCUMENT_START_PARTIAL, EMAIL_CSS } from './templates/styles';
import type { EntryView, ReportView } from './report-model';

// Two isolated Handlebars environments: HTML (escaping on, the default) and plain text (no HTML
// escaping: the text part is not HTML). Templates compile once, in strict mode, so a typo in a
// template fails loudly instead of rendering an empty field.

function helpers(hb: typeof Handlebars): void {
  hb.registerHelper('eq', (a: unknown, b: unknown) => a === b);
  hb.registerHelper('upper', (s: unknown) => String(s).toUpperCase());
  hb.registerHelper('padEnd', (s: unknown, n: number) => String(s).padEnd(n));
  hb.registerHelper('padStart', (s: unknown, n: number) => String(s).padStart(n));
  hb.registerHelper('indent', (s: unknown, n: number) => String(s).replace(/\n/g, `\n${' '.repeat(n)}`));
}

const html = Handlebars.create();
helpers(html);
html.registerPartial('css', EMAIL_CSS);
html.registerPartial('documentStart', DOCUMENT_START_PARTIAL);
html.registerPartial('card', REPORT_CARD_PARTIAL);
html.registerPartial('row', REPORT_ROW_PARTIAL);

const text = Handlebars.create();
helpers(text);
text.registerPartial('deniedText', DENIED_TEXT_PARTIAL);

const options = { strict: true, knownHelpersOnly: false } as const;
const reportHtml = html.compile<ReportView>(REPORT_HTML, options);
const reportText = text.compile<ReportView>(REPORT_TEXT, { ...options, noEscape: true });
const alertHtml = html.compile<AlertView>(ALERT_HTML, options);
const alertText = text.compile<AlertView>(ALERT_TEXT, { ...options, noEscape: true });

export interface RenderedMail {
  readonly subject: string;
  readonly html: string;
  readonly text: string;
}

export function renderReport(view: ReportView): RenderedMail {
  return { subject: view.subject, html: reportHtml(view), text: reportText(view) };
}

/** The view of a real-time alert. */
export interface AlertView {
  readonly subject: string;
  readonly account: string;
  readonly timeZone: string;
  readonly eventTime: string;
  readonly statusCode: string;
  readonly statusLabel: string;
  readonly statusDescription: string;
  readonly entry: EntryView;
  readonly consoleUrl: string;
  readonly statusDocsUrl: string;
}

export function renderAlert(view: AlertView): RenderedMail {
  return { subject: view.subject, html: alertHtml(view), text: alertText(view) };
}

/** The raw template sources, for tests that check how they are written. */
export const TEMPLATE_SOURCES: Readonly<Record<string, string>> = {
  REPORT_HTML,
  REPORT_TEXT,
  REPORT_CARD_PARTIAL,
  REPORT_ROW_PARTIAL,
  DENIED_TEXT_PARTIAL,
  ALERT_HTML,
  ALERT_TEXT,
  DOCUMENT_START_PARTIAL,
};
