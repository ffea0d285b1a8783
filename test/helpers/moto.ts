// Helpers for tests against the moto server that test/helpers/moto-global-setup.ts starts.
import { inject } from 'vitest';

/** An email moto's SES (v1 or v2) accepted, as its /moto-api/data.json reports it. */
export interface MotoMail {
  readonly id: string;
  readonly source: string;
  readonly subject: string;
  /** moto keeps the HTML part of a simple message (the text part when there is no HTML). */
  readonly body: string;
  readonly destinations: { ToAddresses?: string[] };
}

/** Every email moto's SES has accepted, oldest first. */
export async function sentMail(): Promise<MotoMail[]> {
  const response = await fetch(`${inject('motoEndpoint')}/moto-api/data.json`);
  if (!response.ok) throw new Error(`moto data.json: HTTP ${response.status}`);
  const data = (await response.json()) as { ses?: { Message?: MotoMail[] } };
  return data.ses?.Message ?? [];
}
