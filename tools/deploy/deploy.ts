// `npm run deploy -- <command>`: the deployment waves of a config, a check of what a wave needs,
// and `cdk deploy` of one wave. See `npm run deploy -- --help` and README.md (Deployment order).
import { main } from './cli';
import { runCli } from '../shared/run-cli';

// aws-cdk-lib's deprecation notices (from constructs the plan synthesizes) are not for operators.
process.env.JSII_DEPRECATED ??= 'quiet';
runCli(main);
