// Input for the license simulator: a fleet of instances with tags (mostly workbenches, some with
// tags the publisher or the ledger refuses, some not workbenches at all) and the EC2 state-change
// events of their lifecycles as EventBridge may deliver them (duplicated, reordered). Also what the
// license server must end up with. Used by the simulator's tests and its throughput benchmark.
import type { SimulatedInstance } from '../../tools/license-orchestration/simulator';
import type { Action, Step, Workbench } from './histories';
import { deliver, lifecycle, T0 } from './histories';
import { ec2Event } from './events';
import { seededRandom } from '../shared/seeded-random';

export interface FleetShape {
  readonly instances: number;
  readonly users: number;
  /** Start, stop or terminate actions per instance (EC2 skips those it would not allow). */
  readonly steps: number;
  /** Largest gap in seconds between two steps of one instance (0: everything in one second). */
  readonly maxGapSeconds: number;
  readonly duplicateRate: number;
  readonly jitterMs: number;
  readonly seed: number;
}

export interface FleetHistory {
  readonly instances: SimulatedInstance[];
  /** EC2 Instance State-change Notifications in delivery order. */
  readonly events: ReturnType<typeof ec2Event>[];
  /** Users of each product once every instance is in its last true state (every product listed). */
  readonly truth: Record<string, string[]>;
}

/** The config's tag names and catalog (config/example.yaml's licenseOrchestration section). */
export interface FleetConfig {
  readonly tags: { readonly ownerId: string; readonly type: string };
  readonly workbenchTypes: Readonly<Record<string, readonly string[]>>;
  readonly products: readonly { readonly name: string }[];
}

const ACTIONS: readonly Action[] = ['start', 'start', 'stop', 'stop', 'terminate'];

export function fleetHistory(shape: FleetShape, config: FleetConfig): FleetHistory {
  const random = seededRandom(shape.seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)];
  const types = Object.keys(config.workbenchTypes);
  const instances: SimulatedInstance[] = [];
  const trueEvents = [];
  const holders = new Map<string, Set<string>>(config.products.map((p) => [p.name, new Set<string>()]));
  for (let i = 0; i < shape.instances; i++) {
    const instanceId = `i-0a${i.toString(16).padStart(15, '0')}`;
    const user = `user${Math.floor(random() * shape.users)}`;
    const kind = random();
    // 85 % workbenches of a configured type; the rest are each refused or ignored somewhere.
    const type = kind < 0.85 ? pick(types) : kind < 0.9 ? 'gpu-render' : 'simulation';
    const owner = kind >= 0.9 && kind < 0.95 ? 'Eve Smith' : user;
    const tags: Record<string, string> =
      kind >= 0.95 ? { Name: `build-agent-${i}` } : { [config.tags.ownerId]: owner, [config.tags.type]: type };
    instances.push({ instanceId, tags });

    const steps: Step[] = Array.from({ length: shape.steps }, () => ({
      action: pick(ACTIONS),
      gapBefore: Math.floor(random() * (shape.maxGapSeconds + 1)),
      gapWithin: Math.floor(random() * Math.min(60, shape.maxGapSeconds + 1)),
    }));
    const workbench: Workbench = { instanceId, userId: owner, workbenchType: type, account: '', region: '' };
    const history = lifecycle(workbench, steps, T0 + Math.floor(random() * 3600) * 1000);
    trueEvents.push(...history);
    if (kind < 0.85 && history.at(-1)?.state === 'running') {
      for (const product of config.workbenchTypes[type] ?? []) holders.get(product)?.add(user);
    }
  }
  const delivered = deliver(trueEvents, { duplicateRate: shape.duplicateRate, jitterMs: shape.jitterMs }, random);
  return {
    instances,
    events: delivered.map((e) => ec2Event(e.instanceId, e.state, e.sourceEventTime, e.sourceEventId)),
    truth: Object.fromEntries([...holders].map(([product, users]) => [product, [...users].sort()])),
  };
}
