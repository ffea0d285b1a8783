/**
 * Links in reports. Only `https` URLs on AWS console or documentation hosts ever become links;
 * anything else from the API (a `javascript:` URL, a look-alike host, credentials in the URL) is
 * shown as plain, escaped text instead.
 */

const ALLOWED_HOST = /^(?:[a-z0-9-]+\.)*aws\.amazon\.com$/;
const REGION = /^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d$/;

/** The normalised URL if it may be linked, otherwise undefined. */
export function safeAwsLink(candidate: string | undefined): string | undefined {
  if (!candidate) return undefined;
  let url: URL;
  try {
    url = new URL(candidate.trim());
  } catch {
    return undefined;
  }
  if (url.protocol !== 'https:' || url.username !== '' || url.password !== '' || url.port !== '') return undefined;
  if (!ALLOWED_HOST.test(url.hostname)) return undefined;
  return url.href;
}

/** The console page of one registration. */
export function registrationConsoleUrl(region: string, registrationId: string): string {
  if (!REGION.test(region)) throw new Error(`not a Region name: ${JSON.stringify(region)}`);
  const id = encodeURIComponent(registrationId);
  return `https://${region}.console.aws.amazon.com/sms-voice/home?region=${region}#/registrations?registration-id=${id}`;
}

/** The console's registrations list of a Region. */
export function registrationsConsoleUrl(region: string): string {
  if (!REGION.test(region)) throw new Error(`not a Region name: ${JSON.stringify(region)}`);
  return `https://${region}.console.aws.amazon.com/sms-voice/home?region=${region}#/registrations`;
}

/** User guide page that explains registration statuses. */
export const STATUS_DOCS_URL = 'https://docs.aws.amazon.com/sms-voice/latest/userguide/registrations-status.html';
