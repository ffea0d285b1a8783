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
  return new FlinkAlertingStack(app, { config, operations });
}
