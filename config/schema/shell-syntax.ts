import { spawnSync } from 'node:child_process';

/**
 * What `bash -n` says about a script (its first complaint, on one line), or undefined when bash
 * parses it. Nothing is run: -n only reads.
 */
export function bashSyntaxProblem(script: string): string | undefined {
  const result = spawnSync('bash', ['-n'], { input: script, encoding: 'utf8', timeout: 10_000 });
  if (result.error) return `bash could not be run to check it (${result.error.message})`;
  if (result.status === 0) return undefined;
  const first = result.stderr.split('\n').find((l) => l.trim() !== '') ?? `bash -n exited ${result.status}`;
  return first.replace(/^bash: /, '').trim();
}
