import type { CloudFormationCustomResourceEvent } from 'aws-lambda';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { CustomResourceResponse } from '../../../lambda/privatelink-failover/adapters/custom-resource';
import type { FailoverManifest } from '../../../lambda/privatelink-failover/core/manifest';

/** Stands in for CloudFormation's pre-signed response URL: records every PUT. */
export class ResponseCollector {
  private server?: Server;
  readonly responses: (CustomResourceResponse & { contentType?: string })[] = [];
  url = '';

  async listen(): Promise<void> {
    this.server = createServer(async (req, res) => {
      const chunks: Buffer[] = [];
      for await (const c of req) chunks.push(c as Buffer);
      if (req.method === 'PUT') {
        this.responses.push({
          ...JSON.parse(Buffer.concat(chunks).toString('utf8')),
          contentType: req.headers['content-type'],
        });
      }
      res.writeHead(req.method === 'PUT' ? 200 : 405).end();
    });
    await new Promise<void>((r) => this.server!.listen(0, '127.0.0.1', () => r()));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async close(): Promise<void> {
    await new Promise<void>((r) => (this.server ? this.server.close(() => r()) : r()));
  }

  get last(): CustomResourceResponse & { contentType?: string } {
    const last = this.responses.at(-1);
    if (!last) throw new Error('no response was sent');
    return last;
  }
}

let counter = 0;

/** A custom resource event as CloudFormation sends it. */
export function cfnEvent(
  requestType: 'Create' | 'Update' | 'Delete',
  responseUrl: string,
  properties: Record<string, unknown>,
  extra: { physicalResourceId?: string; oldProperties?: Record<string, unknown> } = {},
): CloudFormationCustomResourceEvent {
  const base = {
    ServiceToken: 'arn:aws:lambda:us-east-1:111111111111:function:handler',
    ResponseURL: `${responseUrl}/response/${++counter}`,
    StackId: 'arn:aws:cloudformation:us-east-1:111111111111:stack/test/1',
    RequestId: `request-${counter}`,
    LogicalResourceId: 'Resource',
    ResourceType: 'Custom::Test',
    ResourceProperties: { ...properties, ServiceToken: 'arn:aws:lambda:us-east-1:111111111111:function:handler' },
  };
  if (requestType === 'Create') return { ...base, RequestType: 'Create' };
  if (requestType === 'Update') {
    return {
      ...base,
      RequestType: 'Update',
      PhysicalResourceId: extra.physicalResourceId ?? 'unknown',
      OldResourceProperties: { ...extra.oldProperties, ServiceToken: base.ResourceProperties.ServiceToken },
    };
  }
  return { ...base, RequestType: 'Delete', PhysicalResourceId: extra.physicalResourceId ?? 'unknown' };
}

/** A Lambda context with the given time left. */
export function lambdaContext(remainingMs = 120_000) {
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName: 'handler',
    functionVersion: '$LATEST',
    invokedFunctionArn: 'arn:aws:lambda:us-east-1:111111111111:function:handler',
    memoryLimitInMB: '256',
    awsRequestId: 'aws-request',
    logGroupName: '/aws/lambda/handler',
    logStreamName: 'stream',
    getRemainingTimeInMillis: () => remainingMs,
    done: () => {},
    fail: () => {},
    succeed: () => {},
  };
}

/**
 * The manifest publisher's resource properties for the local ARC's resources, as the routing stack
 * sets them, with the given health check IDs.
 */
export function manifestPublisherProps(
  m: FailoverManifest,
  healthChecks: { primary: string; secondary: string },
): Record<string, unknown> {
  return {
    Name: 'payments',
    ControlPlaneRegion: 'us-west-2',
    ClusterArn: m.clusterArn,
    ControlPanelArn: m.controlPanelArn,
    PrimaryRoutingControlArn: m.routingControls.primary.arn,
    PrimaryRegion: 'us-east-1',
    PrimaryHealthCheckId: healthChecks.primary,
    SecondaryRoutingControlArn: m.routingControls.secondary.arn,
    SecondaryRegion: 'us-west-2',
    SecondaryHealthCheckId: healthChecks.secondary,
    AtLeastOneOnRuleArn: m.safetyRules.atLeastOneOn,
    AtMostOneOnRuleArn: m.safetyRules.atMostOneOn,
    FailoverNames: m.failoverNames,
  };
}
