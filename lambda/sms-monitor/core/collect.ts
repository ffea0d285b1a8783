import { createLimiter } from './limiter';
import { type Registration, type RegistrationApi, registrationKey, type RegistrationVersion } from './ports';

/** A registration with the version details the report needs. */
export interface CollectedRegistration extends Registration {
  /** The latest denied version, for REQUIRES_UPDATES (its denial reasons). */
  readonly deniedVersionDetails?: RegistrationVersion;
  /** When the approved version was approved, for COMPLETE. */
  readonly approvedAt?: Date;
  /** Set when a needed version could not be read (it vanished between the list and the look-up). */
  readonly versionUnavailable?: number;
}

export interface CollectOptions {
  readonly regions: readonly string[];
  /** Version look-ups in flight per Region. */
  readonly concurrency: number;
  /**
   * Approval times already known, by `<region>#<id>#<approved version>` (epoch ms): an approved
   * version's approval time never changes, so it is looked up once.
   */
  readonly knownApprovals?: ReadonlyMap<string, number>;
}

export interface CollectStats {
  readonly pages: number;
  readonly versionLookups: number;
  readonly approvalsFromCache: number;
}

export interface CollectResult {
  readonly registrations: CollectedRegistration[];
  readonly stats: CollectStats;
}

export function approvalCacheKey(region: string, id: string, version: number): string {
  return `${registrationKey(region, id)}#${version}`;
}

/**
 * Lists every registration in every Region (all pages) and looks up version details only where the
 * report needs them: denial reasons for REQUIRES_UPDATES (from LatestDeniedVersionNumber) and the
 * approval time for COMPLETE (from ApprovedVersionNumber). Regions are read in parallel; within a
 * Region, look-ups start while later pages are still being read, at most `concurrency` at a time.
 * Any error fails the whole collection, after in-flight work has settled.
 */
export async function collectRegistrations(api: RegistrationApi, options: CollectOptions): Promise<CollectResult> {
  let pages = 0;
  let versionLookups = 0;
  let approvalsFromCache = 0;

  const collectRegion = async (region: string): Promise<CollectedRegistration[]> => {
    const limit = createLimiter(options.concurrency);
    const results: Promise<CollectedRegistration>[] = [];
    // Failures are collected by allSettled below; mark them handled now, because pages are still
    // being read when a look-up fails.
    const track = (p: Promise<CollectedRegistration>): void => {
      p.catch(() => undefined);
      results.push(p);
    };
    const lookUp = (r: Registration, version: number): Promise<RegistrationVersion | undefined> =>
      limit(() => {
        versionLookups++;
        return api.version(region, r.id, version);
      });

    let listingError: unknown;
    try {
      for await (const page of api.pages(region)) {
        pages++;
        for (const r of page) {
          if (r.status === 'REQUIRES_UPDATES' && r.deniedVersion !== undefined) {
            const denied = r.deniedVersion;
            track(
              lookUp(r, denied).then((v) =>
                v ? { ...r, deniedVersionDetails: v } : { ...r, versionUnavailable: denied },
              ),
            );
          } else if (r.status === 'COMPLETE' && r.approvedVersion !== undefined) {
            const approved = r.approvedVersion;
            const cached = options.knownApprovals?.get(approvalCacheKey(region, r.id, approved));
            if (cached !== undefined) {
              approvalsFromCache++;
              track(Promise.resolve({ ...r, approvedAt: new Date(cached) }));
            } else {
              track(
                lookUp(r, approved).then((v) =>
                  v ? { ...r, approvedAt: v.approvedAt } : { ...r, versionUnavailable: approved },
                ),
              );
            }
          } else {
            track(Promise.resolve(r));
          }
        }
      }
    } catch (e) {
      listingError = e;
    }
    const settled = await Promise.allSettled(results);
    if (listingError !== undefined) throw listingError;
    const failed = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
    if (failed) throw failed.reason;
    return settled.map((s) => (s as PromiseFulfilledResult<CollectedRegistration>).value);
  };

  const perRegion = await Promise.allSettled(
    options.regions.map((region) =>
      collectRegion(region).catch((e: unknown) => {
        throw new Error(`reading SMS registrations in ${region} failed: ${(e as Error).message ?? String(e)}`, {
          cause: e,
        });
      }),
    ),
  );
  const failed = perRegion.find((s): s is PromiseRejectedResult => s.status === 'rejected');
  if (failed) throw failed.reason;
  // A registration that moved while pages were read can appear twice: keep the last sighting.
  const byKey = new Map<string, CollectedRegistration>();
  for (const s of perRegion) {
    for (const r of (s as PromiseFulfilledResult<CollectedRegistration[]>).value)
      byKey.set(registrationKey(r.region, r.id), r);
  }
  return { registrations: [...byKey.values()], stats: { pages, versionLookups, approvalsFromCache } };
}
