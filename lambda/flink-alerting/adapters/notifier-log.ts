import type { Logger } from '@aws-lambda-powertools/logger';
import type { BatchSummary } from '../core/notifier';

// Powertools reserves the `message` key of a log line for the message itself and drops an extra
// key of that name, so reasons go under `reason`.

/** One structured line for the batch, and one per rejected record naming its reason. */
export function logBatch(logger: Logger, summary: BatchSummary): void {
  const { rejected, ...counts } = summary;
  logger.info('batch processed', { ...counts });
  for (const r of rejected) {
    logger.warn('alert record dead-lettered', {
      topic: r.topic,
      partition: r.partition,
      offset: r.offset,
      reason: r.reason,
    });
  }
}
