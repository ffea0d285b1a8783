import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';

// Service name, namespace and log level come from the POWERTOOLS_* variables that the
// StandardFunction construct sets, so handlers never hard-code them.

/** A Powertools logger for the current function (one per module, created at cold start). */
export function createLogger(): Logger {
  return new Logger();
}

/** A Powertools metrics emitter (CloudWatch embedded metric format) for the current function. */
export function createMetrics(): Metrics {
  return new Metrics();
}
