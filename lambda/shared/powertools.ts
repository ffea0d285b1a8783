import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import type { Context } from 'aws-lambda';

// Service name, namespace and log level come from the POWERTOOLS_* variables that the
// StandardFunction construct sets, so handlers never hard-code them.

/** A Powertools logger for the current function. */
export function createLogger(): Logger {
  return new Logger();
}

/** A Powertools metrics emitter (CloudWatch embedded metric format) for the current function. */
export function createMetrics(): Metrics {
  return new Metrics();
}

/** What every handler logs with, and the metrics of those that emit any. */
export interface Powertools {
  readonly logger: Logger;
  readonly metrics?: Metrics;
}

/** The context argument of a handler: optional when the handler does without it. */
type ContextArgument<C> = undefined extends C ? [context?: C] : [context: C];

/**
 * A Lambda handler running `run` with the dependencies `buildDeps` returns (the deployed handler
 * builds them from the environment, tests pass their own). They are built at the first invocation
 * and kept; a build that throws fails the invocation and is tried again at the next one. Log lines
 * carry the invocation's context (request ID, cold start); at the end of each invocation, returned
 * or thrown, the keys it appended are dropped and the metrics it stored are published.
 */
export function powertoolsHandler<
  D extends Powertools,
  E,
  R,
  C extends Partial<Context> | undefined = Context | undefined,
>(
  buildDeps: () => D,
  run: (event: E, deps: D, context: C) => Promise<R>,
): (event: E, ...context: ContextArgument<C>) => Promise<R> {
  let built: D | undefined;
  return async (event, ...[context]) => {
    const deps = (built ??= buildDeps());
    const { logger, metrics } = deps;
    // Lambda passes the whole context; tests and local tools pass part of it, or none.
    if (context) logger.addContext(context as Context);
    try {
      return await run(event, deps, context as C);
    } finally {
      logger.resetKeys();
      if (metrics?.hasStoredMetrics()) metrics.publishStoredMetrics();
    }
  };
}
