import * as z from 'zod';
import { flinkAlertingConfig } from './flink-alerting';
import { licenseOrchestrationConfig } from './license-orchestration';
import { privateLinkFailoverConfig } from './privatelink-failover';
import { sharedConfig } from './shared';
import { smsMonitorConfig } from './sms-monitor';

/**
 * The whole deployment config. Each system has an optional section: a system whose section is
 * absent is not deployed. Unknown keys are errors, so a misspelt section is never ignored.
 */
export const deploymentConfig = z.strictObject({
  shared: sharedConfig,
  /** Floating-license orchestration (see README, Floating-license orchestration). */
  licenseOrchestration: licenseOrchestrationConfig.optional(),
  /** SMS registration monitor (see README, SMS registration monitor). */
  smsMonitor: smsMonitorConfig.optional(),
  /** PrivateLink failover (see README, PrivateLink failover). */
  privateLinkFailover: privateLinkFailoverConfig.optional(),
  /** Flink alerting (see README, Flink alerting). */
  flinkAlerting: flinkAlertingConfig.optional(),
});
export type DeploymentConfig = z.infer<typeof deploymentConfig>;

export * from './common';
export * from './flink-alerting';
export * from './license-orchestration';
export * from './privatelink-failover';
export * from './shared';
export * from './sms-monitor';
export * from './stack-set';
