// A CDK app with only this system's stacks from a config (default: the example), for synthesizing
// and gating them while other systems' code is in flux:
//   npx cdk synth --app "npx tsx test/license-orchestration/support/example-app.ts" -o cdk.out.license
import { App } from 'aws-cdk-lib';
import { loadConfig } from '../../../config/load';
import { addLicenseOrchestrationStacks } from '../../../lib/license-orchestration';
import { operationsFromConfig } from '../../../lib/platform';
import { enableComplianceChecks } from '../../../lib/shared';

const app = new App();
if (String(app.node.tryGetContext('bundling')) === 'false') app.node.setContext('aws:cdk:bundling-stacks', []);
const config = loadConfig((app.node.tryGetContext('config') as string | undefined) ?? 'config/example.yaml');
if (!config.licenseOrchestration) throw new Error('the config has no licenseOrchestration section');
enableComplianceChecks(app);
addLicenseOrchestrationStacks(app, config.licenseOrchestration, operationsFromConfig(config.shared));
