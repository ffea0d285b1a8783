// The "start Flink application" custom resource handlers against a local server that speaks the
// Managed Flink API (AWS JSON 1.1, KinesisAnalytics_20180523), so the real SDK serializes,
// parses errors and retries. The server simulates an application's status transitions.
import type { CloudFormationCustomResourceEvent } from 'aws-lambda';
import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { freePort } from '../../testing/shared/free-port';

interface Call {
  readonly operation: string;
  readonly body: Record<string, unknown>;
}

/** One simulated application: STARTING lasts `startingPolls` describes, then RUNNING. */
class FakeManagedFlink {
  status = 'READY';
  startingPolls = 2;
  calls: Call[] = [];
  /** Errors to answer to the next calls of an operation, in order. */
  failures: Record<string, Array<{ status: number; type: string }>> = {};
  private server?: Server;
  private polls = 0;
  url = '';

  async start(): Promise<void> {
    const port = await freePort();
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const operation = String(req.headers['x-amz-target'] ?? '').replace('KinesisAnalytics_20180523.', '');
        const body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as Record<string, unknown>;
        this.calls.push({ operation, body });
        res.setHeader('content-type', 'application/x-amz-json-1.1');
        const failure = this.failures[operation]?.shift();
        if (failure) {
          res.statusCode = failure.status;
          res.end(JSON.stringify({ __type: failure.type, message: `simulated ${failure.type}` }));
          return;
        }
        if (operation === 'DescribeApplication') {
          if (body.ApplicationName !== 'alert-app') {
            res.statusCode = 400;
            res.end(JSON.stringify({ __type: 'ResourceNotFoundException', message: 'no such application' }));
            return;
          }
          if (this.status === 'STARTING' && ++this.polls > this.startingPolls) this.status = 'RUNNING';
          res.end(
            JSON.stringify({
              ApplicationDetail: {
                ApplicationARN: 'arn:aws:kinesisanalytics:us-east-1:111111111111:application/alert-app',
                ApplicationName: 'alert-app',
                RuntimeEnvironment: 'FLINK-2_2',
                ApplicationStatus: this.status,
                ApplicationVersionId: 3,
              },
            }),
          );
        } else if (operation === 'StartApplication') {
          if (this.status !== 'READY') {
            res.statusCode = 400;
            res.end(JSON.stringify({ __type: 'ResourceInUseException', message: `application is ${this.status}` }));
            return;
          }
          this.status = 'STARTING';
          this.polls = 0;
          res.end('{}');
        } else {
          res.statusCode = 400;
          res.end(JSON.stringify({ __type: 'UnknownOperationException', message: operation }));
        }
      });
    });
    await new Promise<void>((resolve) => this.server?.listen(port, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${port}`;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  operations(): string[] {
    return this.calls.map((c) => c.operation);
  }
}

const flink = new FakeManagedFlink();
type Handlers = typeof import('../../lambda/flink-alerting/handlers/start-application');
let handlers: Handlers;

function event(
  requestType: 'Create' | 'Update' | 'Delete',
  props: Record<string, unknown> = {},
): CloudFormationCustomResourceEvent {
  return {
    RequestType: requestType,
    ServiceToken: 'arn:aws:lambda:us-east-1:111111111111:function:provider',
    ResponseURL: 'https://example.com',
    StackId: 'arn:aws:cloudformation:us-east-1:111111111111:stack/s/1',
    RequestId: 'r1',
    LogicalResourceId: 'AlertJobStart',
    ResourceType: 'Custom::FlinkApplicationStart',
    PhysicalResourceId: 'alert-app',
    ResourceProperties: {
      ServiceToken: 'x',
      ApplicationName: 'alert-app',
      AllowNonRestoredState: 'false',
      Revision: 'abc',
      ...props,
    },
    OldResourceProperties: {},
  } as CloudFormationCustomResourceEvent;
}

beforeAll(async () => {
  await flink.start();
  vi.stubEnv('AWS_ENDPOINT_URL_KINESIS_ANALYTICS_V2', flink.url);
  vi.stubEnv('AWS_REGION', 'us-east-1');
  vi.stubEnv('AWS_ACCESS_KEY_ID', 'testing');
  vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'testing');
  vi.stubEnv('POWERTOOLS_LOG_LEVEL', 'ERROR');
  handlers = await import('../../lambda/flink-alerting/handlers/start-application');
});

afterAll(async () => {
  vi.unstubAllEnvs();
  await flink.stop();
});

beforeEach(() => {
  flink.status = 'READY';
  flink.calls = [];
  flink.failures = {};
});

describe('start Flink application custom resource', () => {
  it('starts a READY application from its latest snapshot and completes once it is RUNNING', async () => {
    await expect(handlers.onEvent(event('Create'))).resolves.toEqual({ PhysicalResourceId: 'alert-app' });
    const start = flink.calls.find((c) => c.operation === 'StartApplication');
    expect(start?.body).toEqual({
      ApplicationName: 'alert-app',
      RunConfiguration: {
        ApplicationRestoreConfiguration: { ApplicationRestoreType: 'RESTORE_FROM_LATEST_SNAPSHOT' },
        FlinkRunConfiguration: { AllowNonRestoredState: false },
      },
    });
    const polls: boolean[] = [];
    for (let i = 0; i < 5; i++) polls.push((await handlers.isComplete(event('Create'))).IsComplete);
    expect(polls).toEqual([false, false, true, true, true]);
  });

  it('leaves a RUNNING application alone on update (the service restarts it with the new version)', async () => {
    flink.status = 'RUNNING';
    await handlers.onEvent(event('Update', { AllowNonRestoredState: 'true' }));
    expect(flink.operations()).toEqual(['DescribeApplication']);
    expect((await handlers.isComplete(event('Update'))).IsComplete).toBe(true);
  });

  it('waits through UPDATING and tolerates a start that raced with another one', async () => {
    flink.status = 'UPDATING';
    await handlers.onEvent(event('Update'));
    expect((await handlers.isComplete(event('Update'))).IsComplete).toBe(false);
    flink.status = 'READY';
    flink.failures.StartApplication = [{ status: 400, type: 'ResourceInUseException' }];
    expect((await handlers.isComplete(event('Update'))).IsComplete).toBe(false);
    expect(flink.operations().filter((o) => o === 'StartApplication')).toHaveLength(1);
  });

  it('starts again an application that fell back to READY while the deploy waited', async () => {
    await handlers.onEvent(event('Create'));
    flink.status = 'READY';
    expect((await handlers.isComplete(event('Create'))).IsComplete).toBe(false);
    expect(flink.operations().filter((o) => o === 'StartApplication')).toHaveLength(2);
  });

  it('fails the deploy with a clear message when the update rolled back', async () => {
    flink.status = 'ROLLED_BACK';
    await expect(handlers.isComplete(event('Update'))).rejects.toThrow(
      'Flink application alert-app rolled back to its previous version after the update failed',
    );
    await expect(handlers.onEvent(event('Update'))).rejects.toThrow('rolled back');
  });

  it('retries throttling through the SDK and surfaces other API errors', async () => {
    flink.failures.DescribeApplication = [{ status: 400, type: 'ThrottlingException' }];
    await handlers.onEvent(event('Create'));
    expect(flink.operations().slice(0, 3)).toEqual(['DescribeApplication', 'DescribeApplication', 'StartApplication']);
    await expect(handlers.onEvent(event('Create', { ApplicationName: 'missing-app' }))).rejects.toThrow(
      'no such application',
    );
  });

  it('does nothing on delete and rejects a missing application name', async () => {
    await expect(handlers.onEvent(event('Delete'))).resolves.toEqual({ PhysicalResourceId: 'alert-app' });
    await expect(handlers.isComplete(event('Delete'))).resolves.toEqual({ IsComplete: true });
    expect(flink.calls).toEqual([]);
    await expect(handlers.onEvent(event('Create', { ApplicationName: '' }))).rejects.toThrow(
      'ApplicationName: expected a non-empty string',
    );
  });
});
