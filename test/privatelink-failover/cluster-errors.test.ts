import * as cluster from '@aws-sdk/client-route53-recovery-cluster';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { classify } from '../../tools/privatelink-failover/cluster-connection';
import { REPO_ROOT } from '../helpers/app';

// The failover tool's reading of ARC data-plane errors, checked against AWS's own model of the
// service as the SDK ships it (generated from the service's published API model): every error
// the operations declare, its fault (client/server) and HTTP status, and its documentation.
// https://docs.aws.amazon.com/routing-control/latest/APIReference/API_UpdateRoutingControlStates.html

type ErrorClass = new (opts: { message: string; $metadata: object } & Record<string, unknown>) => Error & {
  $fault: 'client' | 'server';
};

const errorClasses: [string, ErrorClass][] = Object.entries(cluster as Record<string, unknown>)
  .filter(
    ([, value]) =>
      typeof value === 'function' &&
      (value as { prototype?: unknown }).prototype instanceof cluster.Route53RecoveryClusterServiceException,
  )
  .map(([name, value]) => [name, value as ErrorClass]);

/** The HTTP status AWS's model gives an error (the schema's `httpError` trait). */
function httpStatus(name: string): number {
  const schema = (cluster as unknown as Record<string, unknown[]>)[`${name}$`];
  return (schema?.[3] as { httpError?: number } | undefined)?.httpError ?? 0;
}

/** The documentation the model gives an error, from the SDK's shipped declarations. */
function documentation(name: string): string {
  const dts = readFileSync(
    join(REPO_ROOT, 'node_modules/@aws-sdk/client-route53-recovery-cluster/dist-types/models/errors.d.ts'),
    'utf8',
  );
  const at = dts.indexOf(`export declare class ${name} `);
  const comment = dts.slice(0, at).lastIndexOf('/**');
  return dts.slice(comment, at);
}

const RULE = 'arn:aws:route53-recovery-control::111111111111:controlpanel/0a1b2c3d4e5f/safetyrule/rule00000001';

describe("ARC data-plane errors, as AWS's model declares them", () => {
  it('has the errors the failover tool was written against', () => {
    expect(errorClasses.map(([name]) => name).sort()).toEqual([
      'AccessDeniedException',
      'ConflictException',
      'EndpointTemporarilyUnavailableException',
      'InternalServerException',
      'ResourceNotFoundException',
      'ServiceLimitExceededException',
      'ThrottlingException',
      'ValidationException',
    ]);
  });

  it('moves to another endpoint on server faults and throttling; retries a conflict; stops on other client errors', () => {
    for (const [name, Class] of errorClasses) {
      const status = httpStatus(name);
      const error = new Class({ message: 'm', $metadata: { httpStatusCode: status } });
      const { outcome } = classify(error, [RULE]);
      if (error.$fault === 'server') {
        expect(status, name).toBeGreaterThanOrEqual(500);
        expect(outcome, name).toBe('unavailable');
      } else if (status === 429) {
        expect(outcome, name).toBe('throttled');
      } else if (name === 'ConflictException') {
        // Documented as a conflict to try again, not as a refusal.
        expect(status).toBe(409);
        expect(documentation(name)).toContain('Try again.');
        expect(outcome).toBe('conflict');
      } else {
        expect(outcome, name).toBe('rejected');
      }
    }
  });

  it('stops on any client error whose message names a safety rule, whichever exception carries it', () => {
    const message =
      'Cannot modify control state for [0a1b2c3d4e5fprimary0001] due to failed rule evaluation 0a1b2c3d4e5frule00000001';
    for (const [name, Class] of errorClasses) {
      const error = new Class({ message, $metadata: { httpStatusCode: httpStatus(name) } });
      if (error.$fault === 'client' && name !== 'ThrottlingException') {
        expect(classify(error, [RULE]).outcome, name).toBe('rejected');
      }
    }
  });
});

// Hedged updates rest on what an update means in AWS's model: each entry names a routing control
// and the absolute state to set it to (no toggle), and the answer says nothing about the states,
// so a second copy cannot change the outcome and only reading the states back confirms it.
describe("ARC data-plane updates, as AWS's model declares them", () => {
  /** A structure schema of the SDK's shipped model: member names and how many are required. */
  function structure(name: string): { members: string[]; required: number } {
    const schema = (cluster as unknown as Record<string, unknown[]>)[`${name}$`]!;
    return { members: schema[4] as string[], required: (schema[6] as number | undefined) ?? 0 };
  }

  it('sets absolute states: every entry names a control and On or Off, both required', () => {
    expect(structure('UpdateRoutingControlStateEntry')).toEqual({
      members: ['RoutingControlArn', 'RoutingControlState'],
      required: 2,
    });
    expect(Object.values(cluster.RoutingControlState).sort()).toEqual(['Off', 'On']);
  });

  it('answers an update with nothing about the states; a read answers with the state', () => {
    expect(structure('UpdateRoutingControlStatesResponse')).toEqual({ members: [], required: 0 });
    expect(structure('GetRoutingControlStateResponse').members).toContain('RoutingControlState');
    expect(structure('RoutingControl').members).toContain('RoutingControlState');
  });

  it('documents five redundant regional endpoints for the same cluster', () => {
    const dts = readFileSync(
      join(REPO_ROOT, 'node_modules/@aws-sdk/client-route53-recovery-cluster/dist-types/index.d.ts'),
      'utf8',
    ).replace(/\s+/g, ' ');
    expect(dts).toContain('A cluster provides a set of five redundant Regional endpoints');
  });
});
