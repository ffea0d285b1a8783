// `npm run failover -- <command>`: operates the PrivateLink failover routing controls. See
// `npm run failover -- --help` and README.md (PrivateLink failover, runbook).
import { main } from './cli';
import { runCli } from '../shared/run-cli';

runCli(main);
