import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { Context } from 'aws-lambda';
import { describe, expect, it, vi } from 'vitest';
import { powertoolsHandler } from '../../lambda/shared/powertools';
import { capturedLogLines } from '../helpers/log-lines';

const context = {
  functionName: 'fn',
  functionVersion: '$LATEST',
  invokedFunctionArn: 'arn:aws:lambda:us-east-1:111111111111:function:fn',
  memoryLimitInMB: '128',
  awsRequestId: 'request-1',
} as Context;

function tools() {
  const metrics = new Metrics({ namespace: 'Test', serviceName: 'test' });
  const published = vi.spyOn(metrics, 'publishStoredMetrics').mockImplementation(() => metrics);
  return { logger: new Logger({ serviceName: 'test' }), metrics, published };
}

describe('powertoolsHandler', () => {
  it('logs with the request ID and cold start, and drops the keys an invocation appended', async () => {
    // Lambda sets this; Powertools reports a cold start only for on-demand environments.
    vi.stubEnv('AWS_LAMBDA_INITIALIZATION_TYPE', 'on-demand');
    const { logger, metrics } = tools();
    vi.unstubAllEnvs();
    const handler = powertoolsHandler(
      () => ({ logger, metrics }),
      async (event: string, deps) => {
        if (event === 'first') deps.logger.appendKeys({ step: event });
        deps.logger.info(event);
      },
    );
    const lines = await capturedLogLines(async () => {
      await handler('first', context);
      await handler('second', { ...context, awsRequestId: 'request-2' });
    });
    expect(lines.map((l) => [l.message, l.function_request_id, l.cold_start, l.step])).toEqual([
      ['first', 'request-1', true, 'first'],
      ['second', 'request-2', false, undefined],
    ]);
  });

  it('publishes the stored metrics whether the invocation returns or throws', async () => {
    const { logger, metrics, published } = tools();
    const handler = powertoolsHandler(
      () => ({ logger, metrics }),
      async (event: { fail: boolean }) => {
        metrics.addMetric('Runs', MetricUnit.Count, 1);
        if (event.fail) throw new Error('failed');
        return 'done';
      },
    );
    await expect(handler({ fail: false }, context)).resolves.toBe('done');
    await expect(handler({ fail: true }, context)).rejects.toThrow('failed');
    expect(published).toHaveBeenCalledTimes(2);
  });

  it('builds the dependencies at the first invocation, once, and again after a build that threw', async () => {
    const { logger } = tools();
    const build = vi
      .fn<() => { logger: Logger }>()
      .mockImplementationOnce(() => {
        throw new Error('TABLE_NAME is not set');
      })
      .mockImplementation(() => ({ logger }));
    const handler = powertoolsHandler(build, async () => 'ok');
    expect(build).not.toHaveBeenCalled();
    await expect(handler({})).rejects.toThrow('TABLE_NAME is not set');
    await expect(handler({})).resolves.toBe('ok');
    await expect(handler({})).resolves.toBe('ok');
    expect(build).toHaveBeenCalledTimes(2);
  });
});
