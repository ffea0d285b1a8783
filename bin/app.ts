#!/usr/bin/env node
// The CDK app. This is the only file that reads CDK context or the environment (with
// start-validation-engine.ts, the assembly directory): everything below it receives plain,
// validated config.
import './start-validation-engine';
import { App } from 'aws-cdk-lib';
import { ConfigError, DEFAULT_CONFIG_PATH, loadConfig, placeholderAccounts } from '../config/load';
import { buildPlatform } from '../lib/platform';
import { enableControlTowerControls, synthesize } from '../lib/shared';

const app = new App();
// `-c bundling=false` skips Lambda bundling (the CLI forbids setting aws:cdk:bundling-stacks itself);
// the stack diff uses it for speed.
if (String(app.node.tryGetContext('bundling')) === 'false') {
  app.node.setContext('aws:cdk:bundling-stacks', []);
}
const configPath = (app.node.tryGetContext('config') as string | undefined) ?? DEFAULT_CONFIG_PATH;

try {
  const config = loadConfig(configPath);
  const placeholders = placeholderAccounts(config);
  if (placeholders.length > 0) {
    process.stderr.write(
      `NOTE: ${configPath} uses placeholder account IDs (${placeholders.join(', ')}). ` +
        'It synthesizes, but deploying it fails: copy it and set your accounts (see README, Configuration).\n',
    );
  }
  buildPlatform(app, config);
  enableControlTowerControls(app);
} catch (e) {
  if (e instanceof ConfigError) {
    // Stop before any stack is built, with one line per problem, each naming the file and field.
    process.stderr.write(`${e.lines().join('\n')}\n`);
    process.exit(2);
  }
  throw e;
}
synthesize(app);
