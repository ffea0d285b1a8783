// The notifier's structured log lines as CloudWatch receives them (Powertools JSON on stdout).
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createLogger } from '../../lambda/shared/powertools';
import { logBatch } from '../../lambda/flink-alerting/adapters/notifier-log';
import { capturedLogLines } from '../helpers/log-lines';

afterEach(() => {
  vi.restoreAllMocks();
});

describe('notifier logs', () => {
  it('keeps the reason of a dead-lettered record in its log line (not under the reserved key message)', async () => {
    vi.stubEnv('POWERTOOLS_LOG_LEVEL', 'INFO');
    vi.stubEnv('POWERTOOLS_SERVICE_NAME', 'notifier-test');
    const logger = createLogger();
    const reason = 'status: expected one of TRIGGERED, RECOVERED, got "FIRING"';
    const lines = await capturedLogLines(() =>
      logBatch(logger, {
        records: 1,
        tombstones: 0,
        malformed: 1,
        duplicates: 0,
        notified: 0,
        channels: [],
        rejected: [{ topic: 'alerts', partition: 0, offset: 7, reason }],
      }),
    );
    const rejected = lines.find((l) => l.message === 'alert record dead-lettered');
    expect(rejected).toMatchObject({ level: 'WARN', reason, topic: 'alerts', offset: 7 });
    expect(lines.find((l) => l.message === 'batch processed')).toMatchObject({ malformed: 1 });
    expect(lines.some((l) => String(l.message).includes('reserved key'))).toBe(false);
  });
});
