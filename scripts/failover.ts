// `npm run failover -- <command>`: operates the PrivateLink failover routing controls. See
// `npm run failover -- --help` and README.md (PrivateLink failover, runbook).
import { main } from './failover/cli';
import { runCli } from './lib/run-cli';

runCli(main);
