import { vi } from 'vitest';

/**
 * The structured log lines `run` writes, as CloudWatch receives them from Lambda: Powertools JSON,
 * one object per line on stdout or stderr.
 */
export async function capturedLogLines(run: () => unknown): Promise<Record<string, unknown>[]> {
  const lines: string[] = [];
  const collect = (chunk: unknown): boolean => {
    lines.push(String(chunk));
    return true;
  };
  const out = vi.spyOn(process.stdout, 'write').mockImplementation(collect);
  const err = vi.spyOn(process.stderr, 'write').mockImplementation(collect);
  try {
    await run();
  } finally {
    out.mockRestore();
    err.mockRestore();
  }
  return lines
    .join('')
    .split('\n')
    .filter((l) => l.trim().startsWith('{'))
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}
