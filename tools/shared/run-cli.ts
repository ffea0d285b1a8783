/** Writes whole lines to the terminal; what a command's `main` gets instead of `process`. */
export interface CliIo {
  readonly out: (line: string) => void;
  readonly err: (line: string) => void;
}

/**
 * Runs a command's `main` with the process's arguments and streams, and sets its exit code. An
 * unexpected error prints one line, the stack only with DEBUG=1.
 */
export function runCli(main: (argv: string[], io: CliIo) => Promise<number>): void {
  // Operators may run these on Node 20; the SDK's notice about its future Node 22 requirement
  // would otherwise interleave with the output.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  main(process.argv.slice(2), {
    out: (line) => process.stdout.write(`${line}\n`),
    err: (line) => process.stderr.write(`${line}\n`),
  }).then(
    (code) => {
      process.exitCode = code;
    },
    (e: unknown) => {
      const error = e as Error;
      process.stderr.write(
        process.env.DEBUG
          ? `FAILED: ${error.stack ?? String(e)}\n`
          : `FAILED: ${error.name}: ${String(error.message).replace(/\s+/g, ' ')} (DEBUG=1 shows the stack)\n`,
      );
      process.exitCode = 1;
    },
  );
}
