// `npm run failover -- <command>`: operates the PrivateLink failover routing controls. See
// `npm run failover -- --help` and README.md (PrivateLink failover, runbook).
import { main } from './failover/cli';

// Operators may run this on Node 20; the SDK's notice about its future Node 22 requirement would
// otherwise interleave with the failover output on the worst day.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

main(process.argv.slice(2), {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
}).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    // An unexpected error: one line, the stack only with DEBUG=1.
    const error = e as Error;
    process.stderr.write(
      process.env.DEBUG
        ? `FAILED: ${error.stack ?? String(e)}\n`
        : `FAILED: ${error.name}: ${String(error.message).replace(/\s+/g, ' ')} (DEBUG=1 shows the stack)\n`,
    );
    process.exitCode = 1;
  },
);
