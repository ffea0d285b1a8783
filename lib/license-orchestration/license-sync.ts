import { Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import { Construct } from 'constructs';
import { SYNC_MESSAGE_GROUP } from '../../lambda/license-orchestration/core/sync';
import { METRICS_NAMESPACE, SERVICES } from '../../lambda/license-orchestration/core/metrics';
import {
  buildSyncDocument,
  documentBytes,
  parameterRoomBytes,
  syncScript,
} from '../../lambda/license-orchestration/core/sync-document';
import { bashSyntaxProblem } from '../../config/schema/shell-syntax';
import { ENV } from '../../lambda/license-orchestration/adapters/settings';
import { DeadLetterQueue, StandardFunction } from '../shared';
import { HANDLER_ENTRY } from './contracts';
import type { LicenseLedger } from './license-ledger';
import { UserListBucket } from './user-list-bucket';

export interface LicenseSyncProps {
  /** The ledger the sync reads desired versions from and records applied ones in. */
  readonly ledger: LicenseLedger;
  /** The licensed products: name, seat count and the command that applies a user list. */
  readonly products: readonly { readonly name: string; readonly seats: number; readonly command: string }[];
  /** User-ID pattern (matched against the whole ID). */
  readonly userIdPattern: string;
  /** The license server's EC2 instance (SSM managed). */
  readonly licenseServerInstanceId: string;
  /** Name of the role of the license server's instance profile, which reads handed-over user lists. */
  readonly licenseServerRoleName: string;
  /**
   * How long the sync waits for one command.
   * @default Duration.minutes(2)
   */
  readonly commandTimeout?: Duration;
  /**
   * Safety-net schedule: a sync run starts at least this often.
   * @default Duration.minutes(5)
   */
  readonly schedule?: Duration;
}

/**
 * The sync: a FIFO queue with one message group (so one run at a time, and no wake-up is lost
 * while a run is busy) feeds the sync function, which replaces user lists on the license server
 * through SSM Run Command with this construct's document. A schedule puts a wake-up on the queue
 * as a safety net. Lists too long for one parameter go through the user-list bucket.
 */
export class LicenseSync extends Construct {
  public readonly document: ssm.CfnDocument;
  public readonly userLists: UserListBucket;
  public readonly queue: sqs.Queue;
  public readonly deadLetterQueue: DeadLetterQueue;
  public readonly function: StandardFunction;
  public readonly scheduleRule: events.Rule;
  public readonly scheduleDeadLetterQueue: DeadLetterQueue;

  constructor(scope: Construct, id: string, props: LicenseSyncProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const commandTimeout = props.commandTimeout ?? Duration.minutes(2);
    if (props.products.length === 0) throw new Error('LicenseSync: products must list at least one product');

    this.userLists = new UserListBucket(this, 'UserLists');
    const documentOptions = {
      products: props.products,
      userIdPattern: props.userIdPattern,
      executionTimeoutSeconds: commandTimeout.toSeconds(),
    };
    const userLists = { bucket: this.userLists.bucket.bucketName, region: stack.region };
    const content = buildSyncDocument({ ...documentOptions, userLists });
    // The commands are checked one by one when the config is loaded; this catches a script that
    // does not parse for any other reason before it reaches the license server.
    const scriptProblem = bashSyntaxProblem(syncScript(props.products, userLists).join('\n'));
    if (scriptProblem !== undefined) {
      throw new Error(`LicenseSync: the SSM document's script does not parse with bash -n: ${scriptProblem}`);
    }
    // Measured on the content as sent, so the commands' base64 (4/3 of their length) is counted,
    // with the longest bucket name S3 allows in place of the name only known at deploy.
    const longest = buildSyncDocument({ ...documentOptions, userLists: { ...userLists, bucket: 'b'.repeat(63) } });
    const spare = parameterRoomBytes(longest, props.products);
    if (spare < 0) {
      throw new Error(
        `LicenseSync: the SSM document (${documentBytes(longest)} bytes) and a full user list would exceed the 64 KB SSM ` +
          `allows for a document and its run-time parameters by ${-spare} bytes: shorten products[].command`,
      );
    }
    this.document = new ssm.CfnDocument(this, 'Document', {
      documentType: 'Command',
      documentFormat: 'JSON',
      targetType: '/AWS::EC2::Instance',
      content,
    });

    this.deadLetterQueue = new DeadLetterQueue(this, 'TriggerDlq', {
      fifo: true,
      purpose: 'sync wake-ups that failed every attempt (the sync function kept failing)',
    });
    // Long enough for a whole run: a run may send one command per product per cycle.
    const functionTimeout = Duration.seconds(Math.min(900, commandTimeout.toSeconds() * 3 + 60));
    this.queue = new sqs.Queue(this, 'Triggers', {
      fifo: true,
      // EventBridge cannot set a deduplication ID; the schedule's events differ in id and time.
      contentBasedDeduplication: true,
      // Lambda asks for at least six times the function timeout: the spare time lets it retry a batch
      // whose invocation was throttled before the messages become visible again.
      visibilityTimeout: Duration.seconds(functionTimeout.toSeconds() * 6),
      retentionPeriod: Duration.days(1),
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      deadLetterQueue: { queue: this.deadLetterQueue.queue, maxReceiveCount: 5 },
      removalPolicy: RemovalPolicy.DESTROY,
    });

    this.function = new StandardFunction(this, 'Sync', {
      entry: HANDLER_ENTRY.sync,
      serviceName: SERVICES.sync,
      metricsNamespace: METRICS_NAMESPACE,
      description: 'Replaces named-user lists on the license server through SSM Run Command',
      timeout: functionTimeout,
      // Single flight even if someone invokes the function directly.
      reservedConcurrentExecutions: 1,
      environment: {
        [ENV.tableName]: props.ledger.table.tableName,
        [ENV.products]: JSON.stringify(props.products.map((p) => ({ name: p.name, seats: p.seats }))),
        [ENV.userIdPattern]: props.userIdPattern,
        [ENV.documentName]: this.document.ref,
        [ENV.licenseServerInstanceId]: props.licenseServerInstanceId,
        [ENV.userListsBucket]: this.userLists.bucket.bucketName,
        [ENV.userListsKeyArn]: this.userLists.key.keyArn,
        [ENV.commandTimeoutSeconds]: String(commandTimeout.toSeconds()),
      },
    });
    const role = this.function.role;
    props.ledger.grantSync(role);
    this.userLists.grantWrite(role);
    this.userLists.grantRead(iam.Role.fromRoleName(this, 'LicenseServerRole', props.licenseServerRoleName));
    const documentArn = stack.formatArn({ service: 'ssm', resource: 'document', resourceName: this.document.ref });
    const instanceArn = stack.formatArn({
      service: 'ec2',
      resource: 'instance',
      resourceName: props.licenseServerInstanceId,
    });
    new iam.Policy(this, 'RunCommandPolicy', {
      statements: [new iam.PolicyStatement({ actions: ['ssm:SendCommand'], resources: [documentArn, instanceArn] })],
    }).attachToRole(role);
    const results = new iam.Policy(this, 'CommandResultsPolicy', {
      statements: [new iam.PolicyStatement({ actions: ['ssm:GetCommandInvocation'], resources: ['*'] })],
    });
    results.attachToRole(role);
    Validations.of(results).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason: 'ssm:GetCommandInvocation supports no resource-level permissions; it only reads command results.',
    });
    this.function.addEventSource(new SqsEventSource(this.queue, { batchSize: 10 }));

    this.scheduleDeadLetterQueue = new DeadLetterQueue(this, 'ScheduleDlq', {
      purpose: 'safety-net sync wake-ups EventBridge could not deliver',
    });
    this.scheduleRule = new events.Rule(this, 'SafetyNet', {
      description: 'Wakes the license sync even when no change was detected',
      schedule: events.Schedule.rate(props.schedule ?? Duration.minutes(5)),
      targets: [
        new targets.SqsQueue(this.queue, {
          messageGroupId: SYNC_MESSAGE_GROUP,
          deadLetterQueue: this.scheduleDeadLetterQueue.queue,
          retryAttempts: 3,
          maxEventAge: Duration.minutes(10),
        }),
      ],
    });
  }
}
