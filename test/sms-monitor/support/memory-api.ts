// An in-memory RegistrationApi for tests of the core: pages of a fixed size, optional delay, and
// counters for calls and the highest number of version look-ups in flight.
import type { CollectedRegistration } from '../../../lambda/sms-monitor/core/collect';
import type { Registration, RegistrationApi, RegistrationVersion } from '../../../lambda/sms-monitor/core/ports';

export class MemoryRegistrationApi implements RegistrationApi {
  pageCalls = 0;
  versionCalls = 0;
  inFlight = 0;
  maxInFlight = 0;
  delayMs = 0;
  failVersionOf?: string;

  constructor(
    readonly registrations: Record<string, Registration[]>,
    readonly versions: Record<string, RegistrationVersion[]> = {},
    readonly pageSize = 10,
  ) {}

  async *pages(region: string, ids?: readonly string[]): AsyncIterable<readonly Registration[]> {
    const all = (this.registrations[region] ?? []).filter((r) => !ids || ids.includes(r.id));
    for (let i = 0; i < all.length || i === 0; i += this.pageSize) {
      this.pageCalls++;
      await this.pause();
      yield all.slice(i, i + this.pageSize);
      if (all.length === 0) break;
    }
  }

  async version(region: string, id: string, n: number): Promise<RegistrationVersion | undefined> {
    this.versionCalls++;
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    try {
      await this.pause();
      if (this.failVersionOf === id) throw new Error(`version look-up of ${id} failed`);
      return (this.versions[`${region}#${id}`] ?? []).find((v) => v.versionNumber === n);
    } finally {
      this.inFlight--;
    }
  }

  private async pause(): Promise<void> {
    await new Promise((r) => setTimeout(r, this.delayMs));
  }
}

let counter = 0;

/** A registration (with version details when given) with sensible defaults. */
export function reg(partial: Partial<CollectedRegistration> & Pick<Registration, 'status'>): CollectedRegistration {
  counter++;
  const region = partial.region ?? 'us-east-1';
  const id = partial.id ?? `registration-${String(counter).padStart(6, '0')}`;
  return {
    region,
    id,
    arn: `arn:aws:sms-voice:${region}:111111111111:registration/${id}`,
    type: 'US_TEN_DLC_CAMPAIGN_REGISTRATION',
    currentVersion: 1,
    createdAt: new Date('2025-05-01T12:00:00Z'),
    attributes: {},
    ...partial,
  };
}
