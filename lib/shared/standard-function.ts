import { AssetHashType, type AssetStaging, Duration, type RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as destinations from 'aws-cdk-lib/aws-lambda-destinations';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { join, relative, resolve } from 'node:path';
import type { AlarmTopic } from './alarm-topic';
import { bundleInputsHash } from './bundle-inputs';
import { DeadLetterQueue } from './dead-letter-queue';
import { type HandlerBundleOptions, HandlerBundles } from './handler-bundles';
import { houseDefaults } from './platform-stack';

// Where package-lock.json is: esbuild's working directory for every handler.
const PROJECT_ROOT = join(__dirname, '../..');

/** Log levels understood by Powertools for AWS Lambda. */
export type LogLevel = 'DEBUG' | 'INFO' | 'WARN' | 'ERROR';

/** How an asynchronously invoked function (EventBridge, Scheduler, S3, SNS) retries and where failures go. */
export interface AsyncInvocationOptions {
  /**
   * Retries after the first failed attempt (0 to 2).
   * @default 2
   */
  readonly retryAttempts?: number;
  /**
   * How long an event may wait for processing before it goes to the failure queue.
   * @default Duration.hours(6)
   */
  readonly maxEventAge?: Duration;
}

export interface StandardFunctionProps {
  /** Path of the TypeScript handler file. */
  readonly entry: string;
  /**
   * Exported name of the handler in `entry`.
   * @default "handler"
   */
  readonly handler?: string;
  /** Powertools service name (`POWERTOOLS_SERVICE_NAME`), shown in every log line and metric. */
  readonly serviceName: string;
  /**
   * Powertools metrics namespace (`POWERTOOLS_METRICS_NAMESPACE`).
   * @default - the service name
   */
  readonly metricsNamespace?: string;
  /**
   * Where the errors alarm (and the failure queue's alarm) go.
   * @default - the stack's alarm topic
   */
  readonly alarmTopic?: AlarmTopic;
  /**
   * What the function does, for the console and the alarm description.
   * @default - no description
   */
  readonly description?: string;
  /**
   * Powertools log level (`POWERTOOLS_LOG_LEVEL`).
   * @default - the stack's log level (the config's `shared.logLevel`)
   */
  readonly logLevel?: LogLevel;
  /**
   * Retention of the function's log group.
   * @default - the stack's log retention (the config's `shared.logRetentionDays`)
   */
  readonly logRetention?: logs.RetentionDays;
  /**
   * What happens to the log group (and the failure queue) when the stack is deleted.
   * @default - the stack's removal policy (the config's `shared.removalPolicy`)
   */
  readonly removalPolicy?: RemovalPolicy;
  /**
   * Extra environment variables.
   * @default - only the Powertools variables
   */
  readonly environment?: Record<string, string>;
  /**
   * How long an invocation may run.
   * @default Duration.seconds(30)
   */
  readonly timeout?: Duration;
  /**
   * Memory of the function, in MiB.
   * @default 256
   */
  readonly memorySize?: number;
  /**
   * Caps concurrent executions (for example 1 for a function that must never run twice at once).
   * @default - unreserved
   */
  readonly reservedConcurrentExecutions?: number;
  /**
   * Set for functions invoked asynchronously: failed events then go to an on-failure destination
   * queue (a {@link DeadLetterQueue} with its own alarm) instead of being dropped.
   * @default - synchronous or event-source invocation only; no failure queue
   */
  readonly asyncInvocation?: AsyncInvocationOptions;
  /**
   * Bundling options over the standard ones (minified CommonJS with source maps for Node 24, the
   * AWS SDK left to the runtime). Plain data: they are part of the bundle's name in cdk.out.
   * @default - the standard bundling
   */
  readonly bundling?: StandardBundlingOptions;
}

/** esbuild settings of a {@link StandardFunction}'s bundle, named as NodejsFunction names them. */
export interface StandardBundlingOptions {
  /**
   * Modules left out of the bundle (the runtime provides them).
   * @default ['@aws-sdk/*', '@smithy/*']
   */
  readonly externalModules?: string[];
  /**
   * Whether the bundle is minified.
   * @default true
   */
  readonly minify?: boolean;
  /**
   * Whether the bundle has a source map (used by `--enable-source-maps`).
   * @default true
   */
  readonly sourceMap?: boolean;
  /**
   * esbuild target.
   * @default "node24"
   */
  readonly target?: string;
}

/**
 * The house Lambda function: Node.js 24 on ARM64 bundled by esbuild with source maps, Powertools
 * environment, its own log group with explicit retention, a least-privilege role (no managed
 * policies), an errors alarm, and for asynchronous invocation an on-failure queue with an alarm.
 *
 * A plain `lambda.Function`, not a `NodejsFunction`: the code comes from the one esbuild build that
 * bundles every handler of the app together ({@link HandlerBundles}), not from a build per function.
 */
export class StandardFunction extends lambda.Function {
  /** The execution role: only the grants given to this function, no managed policies. */
  declare public readonly role: iam.Role;
  /** In ALARM when any invocation failed in the last minute. */
  public readonly errorsAlarm: cloudwatch.Alarm;
  /** Receives events that failed every asynchronous attempt; set only with `asyncInvocation`. */
  public readonly failureQueue?: DeadLetterQueue;

  constructor(scope: Construct, id: string, props: StandardFunctionProps) {
    // The function sits at `<id>/Function` in a construct named `id` that also holds its log group,
    // role, failure queue and alarm (they must exist before the function does): the construct
    // paths, and so the logical IDs, that these resources have always had in deployed stacks.
    const resources = new Construct(scope, id);
    const house = houseDefaults(resources);
    const alarmTopic = props.alarmTopic ?? house.alarmTopic;
    const removalPolicy = props.removalPolicy ?? house.removalPolicy;

    const logGroup = new logs.LogGroup(resources, 'LogGroup', {
      retention: props.logRetention ?? house.logRetention,
      removalPolicy,
    });

    const role = new iam.Role(resources, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `Execution role of ${resources.node.path}`,
    });
    // Logging gets a policy of its own so its one unavoidable wildcard (log streams are named at
    // run time) is acknowledged there and nowhere else.
    const logging = new iam.Policy(resources, 'LoggingPolicy', {
      statements: [
        new iam.PolicyStatement({
          actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
          resources: [`${logGroup.logGroupArn}`],
        }),
      ],
    });
    logging.attachToRole(role);
    Validations.of(logging).acknowledge({
      id: 'AwsSolutions-IAM5',
      reason:
        "Log stream names are chosen by Lambda at run time; the grant is limited to this function's own log group.",
    });

    const failureQueue = props.asyncInvocation
      ? new DeadLetterQueue(resources, 'FailureQueue', {
          alarmTopic,
          purpose: `events that ${props.serviceName} failed to process`,
          removalPolicy,
        })
      : undefined;

    const handler = props.handler ?? 'handler';
    const runtime = lambda.Runtime.NODEJS_24_X;
    const architecture = lambda.Architecture.ARM_64;
    const bundle: HandlerBundleOptions = {
      target: props.bundling?.target ?? 'node24',
      minify: props.bundling?.minify ?? true,
      sourcemap: props.bundling?.sourceMap ?? true,
      // The Node.js runtime provides the AWS SDK for JavaScript v3 and its Smithy packages.
      external: props.bundling?.externalModules ?? ['@aws-sdk/*', '@smithy/*'],
    };
    // Named by its inputs, so a repeated synth reuses the bundle in cdk.out (see bundle-inputs.ts).
    const assetHash = bundleInputsHash(PROJECT_ROOT, props.entry, {
      entry: relative(PROJECT_ROOT, props.entry),
      runtime: runtime.name,
      architecture: architecture.name,
      bundle,
    });
    const code = HandlerBundles.of(resources, PROJECT_ROOT).assetFor(
      resolve(props.entry),
      assetHash,
      bundle,
      Stack.of(resources).bundlingRequired,
    );
    super(resources, 'Function', {
      code: lambda.Code.fromAsset(code.source, { assetHash, assetHashType: AssetHashType.CUSTOM }),
      handler: `index.${handler}`,
      description: props.description,
      runtime,
      architecture,
      role,
      logGroup,
      timeout: props.timeout ?? Duration.seconds(30),
      memorySize: props.memorySize ?? 256,
      reservedConcurrentExecutions: props.reservedConcurrentExecutions,
      environment: {
        POWERTOOLS_SERVICE_NAME: props.serviceName,
        POWERTOOLS_METRICS_NAMESPACE: props.metricsNamespace ?? props.serviceName,
        POWERTOOLS_LOG_LEVEL: props.logLevel ?? house.logLevel,
        // Stack traces point at the TypeScript source through the bundled source map.
        NODE_OPTIONS: '--enable-source-maps',
        ...props.environment,
      },
      onFailure: failureQueue ? new destinations.SqsDestination(failureQueue.queue) : undefined,
      retryAttempts: props.asyncInvocation?.retryAttempts ?? (props.asyncInvocation ? 2 : undefined),
      maxEventAge: props.asyncInvocation ? (props.asyncInvocation.maxEventAge ?? Duration.hours(6)) : undefined,
    });
    this.failureQueue = failureQueue;
    // The bundle is built straight into the directory CDK stages the asset at.
    const staged = (this.node.findChild('Code').node.findChild('Stage') as AssetStaging).absoluteStagedPath;
    if (resolve(staged) !== code.directory) {
      throw new Error(
        `${resources.node.path}: code asset staged at ${staged} instead of its bundle directory ${code.directory}`,
      );
    }
    // Asset metadata for local tools (SAM): the code is a bundle, as with NodejsFunction.
    const cfnFunction = this.node.defaultChild as lambda.CfnFunction;
    if (cfnFunction.getMetadata('aws:asset:is-bundled') !== undefined) {
      cfnFunction.addMetadata('aws:asset:is-bundled', true);
    }
    // The role's policies must exist before the function runs, or its first invocations cannot log.
    this.node.addDependency(logging);

    this.errorsAlarm = this.metricErrors({ period: Duration.minutes(1), statistic: 'Sum' }).createAlarm(
      resources,
      'ErrorsAlarm',
      {
        alarmDescription: `${props.serviceName} (${Stack.of(this).stackName}) failed an invocation: see its log group`,
        threshold: 1,
        evaluationPeriods: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      },
    );
    alarmTopic.notify(this.errorsAlarm);
  }
}
