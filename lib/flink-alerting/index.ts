import type { Construct } from 'constructs';
import type { FlinkAlertingConfig } from '../../config/schema/flink-alerting';
import type { OperationsSettings } from '../shared';
import { FlinkAlertingStack } from './flink-alerting-stack';

export * from './application-starter';
export * from './flink-alerting-stack';
export * from './flink-application';
export * from './flink-jar';
export * from './kafka-admin';
export * from './kafka-cluster';
export * from './network';
export * from './notifier';

/** Creates the Flink alerting stack from the config's `flinkAlerting` section. */
export function addFlinkAlertingStacks(
  app: Construct,
  config: FlinkAlertingConfig,
  operations: OperationsSettings,
): FlinkAlertingStack {
  return new FlinkAlertingStack(app, {
    env: { account: config.account, region: config.region },
    operations,
    description: 'Flink alerting: MSK, the alert and baseline Managed Flink applications, and the notifier',
    network: config.network,
    kafka: config.kafka,
    flink: config.flink,
    notifier: config.notifier,
    alarms: config.alarms,
    monitors: config.monitors,
  });
}
