// `npm run deploy -- <command>`: the deployment waves of a config, a check of what a wave needs,
// and `cdk deploy` of one wave. See `npm run deploy -- --help` and README.md (Deployment order).
import { main } from './deploy/cli';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
// aws-cdk-lib's deprecation notices (from constructs the plan synthesizes) are not for operators.
process.env.JSII_DEPRECATED ??= 'quiet';

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
