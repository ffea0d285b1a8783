// Workbench event histories for the property test and the benchmarks: the true lifecycle of each
// instance, what the ledger must end up with (the truth), and a delivery with duplicates,
// reordering and losses as EventBridge may produce it.
import type { Ec2State, WorkbenchStateChangeV1 } from '../../lambda/license-orchestration/core/contract';
import { type ProductCatalog, STATE_RANK } from '../../lambda/license-orchestration/core/ledger';

export type Action = 'start' | 'stop' | 'terminate';

export interface Workbench {
  readonly instanceId: string;
  readonly userId: string;
  readonly workbenchType: string;
  readonly account: string;
  readonly region: string;
}

/** One step of a lifecycle: an action and the seconds between its state changes (0 = same second). */
export interface Step {
  readonly action: Action;
  /**
   * Seconds from the previous step's last event to this step's first event. 0 (the same second)
   * is kept only where the lifecycle order breaks the tie (running then stopping); a restart
   * (stopped then pending) is at least a second later.
   */
  readonly gapBefore: number;
  /** Seconds between this step's two events (0 allowed: both in the same second). */
  readonly gapWithin: number;
}

const STATES: Record<Action, readonly [Ec2State, Ec2State]> = {
  start: ['pending', 'running'],
  stop: ['stopping', 'stopped'],
  terminate: ['shutting-down', 'terminated'],
};

export const T0 = Date.parse('2025-03-03T07:00:00Z');

export function iso(ms: number): string {
  return new Date(ms).toISOString().replace('.000Z', 'Z');
}

/**
 * The true event sequence of one instance. Actions that EC2 would not allow (start a running
 * instance, anything after termination) are skipped, so every history is one EC2 could produce.
 */
export function lifecycle(wb: Workbench, steps: readonly Step[], startMs = T0): WorkbenchStateChangeV1[] {
  const events: WorkbenchStateChangeV1[] = [];
  let running = false;
  let t = startMs;
  let n = 0;
  for (const step of steps) {
    if (events.at(-1)?.state === 'terminated') break;
    if ((step.action === 'start' && running) || (step.action === 'stop' && !running)) continue;
    const [first, second] = STATES[step.action];
    const last = events.at(-1)?.state;
    const minGap = last === undefined || STATE_RANK[first] > STATE_RANK[last] ? 0 : 1;
    t += Math.max(minGap, step.gapBefore) * 1000;
    for (const [i, state] of [first, second].entries()) {
      if (i === 1) t += step.gapWithin * 1000;
      events.push({
        version: 1,
        ...wb,
        state,
        sourceEventId: `${wb.instanceId}-${n++}`,
        sourceEventTime: iso(t),
      });
    }
    running = step.action === 'start';
  }
  return events;
}

/** Users holding each product when every instance is in its last true state. */
export function truth(
  workbenches: readonly Workbench[],
  histories: readonly (readonly WorkbenchStateChangeV1[])[],
  catalog: ProductCatalog,
): Record<string, string[]> {
  const out: Record<string, Set<string>> = {};
  histories.forEach((events, i) => {
    if (events.at(-1)?.state !== 'running') return;
    const wb = workbenches[i];
    for (const product of catalog[wb.workbenchType] ?? []) (out[product] ??= new Set()).add(wb.userId);
  });
  return Object.fromEntries(Object.entries(out).map(([p, users]) => [p, [...users].sort()]));
}

export interface DeliveryOptions {
  /** Probability that an event is delivered twice. */
  readonly duplicateRate: number;
  /** Each delivery is delayed by a random 0..jitterMs, which reorders events closer than that. */
  readonly jitterMs: number;
  /** Probability that an event is never delivered. */
  readonly lossRate?: number;
}

/** Delivery order of a set of true events: delayed, duplicated, reordered and possibly lost. */
export function deliver<T extends { sourceEventTime: string }>(
  events: readonly T[],
  options: DeliveryOptions,
  random: () => number,
): T[] {
  const deliveries: { at: number; event: T }[] = [];
  for (const event of events) {
    if (options.lossRate && random() < options.lossRate) continue;
    const t = Date.parse(event.sourceEventTime);
    deliveries.push({ at: t + random() * options.jitterMs, event });
    if (random() < options.duplicateRate) deliveries.push({ at: t + random() * options.jitterMs, event });
  }
  return deliveries.sort((a, b) => a.at - b.at).map((d) => d.event);
}
