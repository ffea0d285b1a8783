import { RemovalPolicy } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import type { DeploymentConfig, SharedConfig } from '../config/schema';
import { addFlinkAlertingStacks } from './flink-alerting';
import { addLicenseOrchestrationStacks } from './license-orchestration';
import { addPrivateLinkFailoverStacks } from './privatelink-failover';
import { addSmsMonitorStacks } from './sms-monitor';
import { enableComplianceChecks, type OperationsSettings } from './shared';

/** Turns the config's `shared` section into the settings every stack takes. */
export function operationsFromConfig(shared: SharedConfig): OperationsSettings {
  return {
    tags: shared.tags,
    alarmEmails: shared.alarms.emails,
    existingAlarmTopicArns: shared.alarms.existingTopicArns,
    removalPolicy: {
      retain: RemovalPolicy.RETAIN,
      snapshot: RemovalPolicy.SNAPSHOT,
      destroy: RemovalPolicy.DESTROY,
    }[shared.removalPolicy],
    logRetention: shared.logRetentionDays,
    logLevel: shared.logLevel,
    accountAliases: shared.accountAliases,
  };
}

/** Creates every stack the config asks for under `app` and turns on the compliance checks. */
export function buildPlatform(app: Construct, config: DeploymentConfig): void {
  enableComplianceChecks(app);
  addPlatformStacks(app, config);
}

/**
 * Creates every stack the config asks for, without the compliance checks (the deployment plan
 * reads only stacks, dependencies and templates). Each system adds its stacks from its own section.
 */
export function addPlatformStacks(app: Construct, config: DeploymentConfig): void {
  const operations = operationsFromConfig(config.shared);
  if (config.privateLinkFailover) addPrivateLinkFailoverStacks(app, config.privateLinkFailover, operations);
  if (config.flinkAlerting) addFlinkAlertingStacks(app, config.flinkAlerting, operations);
  if (config.smsMonitor) addSmsMonitorStacks(app, config.smsMonitor, operations);
  if (config.licenseOrchestration) addLicenseOrchestrationStacks(app, config.licenseOrchestration, operations);
}
