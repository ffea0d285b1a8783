import type { Stack } from 'aws-cdk-lib';

/** Cloud assembly metadata type under which a stack records what it needs from earlier deploys. */
export const DEPLOY_INPUT_METADATA = 'platform:deploy-input';

/**
 * A value a stack needs at deploy time that exists only once another stack of the app is deployed,
 * as the cloud assembly records it (`npm run deploy` reads it to order the deployment waves and to
 * check that the value exists before deploying).
 */
export interface DeployInput {
  /**
   * `ssm-parameter`: a String parameter `name` in `account`/`region`;
   * `stack-output`: the output `name` of stack `stackName` in `account`/`region`;
   * `stack`: stack `name` in `account`/`region` deployed (what it creates is used, no value is read).
   */
  readonly kind: 'ssm-parameter' | 'stack-output' | 'stack';
  /** Name of the parameter, output or stack (see `kind`). */
  readonly name: string;
  /**
   * The stack of a `stack-output`.
   * @default - none: only for `stack-output`
   */
  readonly stackName?: string;
  /** Account the value is read in. */
  readonly account: string;
  /** Region the value is read in. */
  readonly region: string;
  /** Name of the stack whose deploy produces the value. */
  readonly producer: string;
  /** What the value is and, when the operator carries it over, from where. */
  readonly description: string;
}

export type DeployInputSpec =
  | {
      /** An SSM parameter in the consuming stack's own account and Region. */
      readonly ssmParameter: string;
      readonly producer: Stack;
      readonly description: string;
    }
  | {
      /** An output of the producer; omitted, the producer only has to be deployed. */
      readonly output?: string;
      readonly producer: Stack;
      readonly description: string;
    };

/**
 * Records that `consumer` needs something `spec.producer` creates, for values that pass between
 * accounts through config or SSM (CDK's own cross-stack references are found in the templates).
 * Also makes the producer a stack dependency, so `cdk deploy` orders them the same way.
 */
export function requireDeployInput(consumer: Stack, spec: DeployInputSpec): void {
  const input: DeployInput =
    'ssmParameter' in spec
      ? {
          kind: 'ssm-parameter',
          name: spec.ssmParameter,
          account: consumer.account,
          region: consumer.region,
          producer: spec.producer.stackName,
          description: spec.description,
        }
      : {
          kind: spec.output ? 'stack-output' : 'stack',
          name: spec.output ?? spec.producer.stackName,
          stackName: spec.producer.stackName,
          account: spec.producer.account,
          region: spec.producer.region,
          producer: spec.producer.stackName,
          description: spec.description,
        };
  consumer.addStackDependency(spec.producer, input.description);
  consumer.node.addMetadata(DEPLOY_INPUT_METADATA, input);
}
