import { type App, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { StandardFunction } from '../../lib/shared';
import { testApp, testOperations } from '../helpers/app';
import { ECHO_HANDLER, testStack } from './fixtures';

describe('StandardFunction', () => {
  it('is Node.js 24 on ARM64 with Powertools environment and source maps', () => {
    const stack = testStack();
    new StandardFunction(stack, 'Echo', {
      entry: ECHO_HANDLER,
      serviceName: 'echo',
      alarmTopic: stack.alarmTopic,
      logLevel: 'DEBUG',
      environment: { TABLE_NAME: 'x' },
    });
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::Lambda::Function', {
      Runtime: 'nodejs24.x',
      Architectures: ['arm64'],
      Handler: 'index.handler',
      Timeout: 30,
      MemorySize: 256,
      Environment: {
        Variables: {
          POWERTOOLS_SERVICE_NAME: 'echo',
          POWERTOOLS_METRICS_NAMESPACE: 'echo',
          POWERTOOLS_LOG_LEVEL: 'DEBUG',
          TABLE_NAME: 'x',
          NODE_OPTIONS: '--enable-source-maps',
        },
      },
      LoggingConfig: { LogGroup: { Ref: Match.stringLikeRegexp('^EchoLogGroup') } },
    });
  });

  it('has its own log group with explicit retention and removal policy', () => {
    const stack = testStack();
    new StandardFunction(stack, 'Echo', {
      entry: ECHO_HANDLER,
      serviceName: 'echo',
      alarmTopic: stack.alarmTopic,
      logRetention: 14,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    Template.fromStack(stack).hasResource('AWS::Logs::LogGroup', {
      Properties: { RetentionInDays: 14 },
      DeletionPolicy: 'Delete',
    });
  });

  it('uses a role without managed policies, writing only to its own log group', () => {
    const stack = testStack();
    new StandardFunction(stack, 'Echo', { entry: ECHO_HANDLER, serviceName: 'echo', alarmTopic: stack.alarmTopic });
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: Match.objectLike({
        Statement: [Match.objectLike({ Principal: { Service: 'lambda.amazonaws.com' } })],
      }),
      ManagedPolicyArns: Match.absent(),
    });
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: [
          {
            Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
            Effect: 'Allow',
            Resource: { 'Fn::GetAtt': [Match.stringLikeRegexp('^EchoLogGroup'), 'Arn'] },
          },
        ],
      },
    });
  });

  it('alarms on the first error, to the stack alarm topic', () => {
    const stack = testStack();
    new StandardFunction(stack, 'Echo', { entry: ECHO_HANDLER, serviceName: 'echo', alarmTopic: stack.alarmTopic });
    Template.fromStack(stack).hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'Errors',
      Namespace: 'AWS/Lambda',
      Statistic: 'Sum',
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      AlarmActions: [{ Ref: Match.stringLikeRegexp('^AlarmTopic') }],
    });
  });

  it('sends failed asynchronous events to an alarmed failure queue', () => {
    const stack = testStack();
    const fn = new StandardFunction(stack, 'Echo', {
      entry: ECHO_HANDLER,
      serviceName: 'echo',
      alarmTopic: stack.alarmTopic,
      asyncInvocation: { retryAttempts: 1 },
    });
    expect(fn.failureQueue).toBeDefined();
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
      MaximumRetryAttempts: 1,
      MaximumEventAgeInSeconds: 21600,
      DestinationConfig: {
        OnFailure: { Destination: { 'Fn::GetAtt': [Match.stringLikeRegexp('^EchoFailureQueue'), 'Arn'] } },
      },
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Dimensions: [
        { Name: 'QueueName', Value: { 'Fn::GetAtt': [Match.stringLikeRegexp('^EchoFailureQueue'), 'QueueName'] } },
      ],
    });
  });

  it('is the Lambda function, its resources keeping the logical IDs of deployed stacks', () => {
    const stack = testStack();
    const fn = new StandardFunction(stack, 'Echo', {
      entry: ECHO_HANDLER,
      serviceName: 'echo',
      alarmTopic: stack.alarmTopic,
      asyncInvocation: {},
    });
    expect(fn).toBeInstanceOf(lambda.Function);
    expect(stack.resolve(fn.functionName)).toEqual({ Ref: 'EchoFunction6DF99D59' });
    const resources = Template.fromStack(stack).toJSON().Resources as Record<string, { Type: string }>;
    const own = Object.fromEntries(
      Object.entries(resources)
        .filter(([logicalId]) => logicalId.startsWith('Echo'))
        .map(([logicalId, resource]) => [logicalId, resource.Type]),
    );
    expect(own).toEqual({
      EchoLogGroup4CFE6FF3: 'AWS::Logs::LogGroup',
      EchoRole71874C69: 'AWS::IAM::Role',
      EchoRoleDefaultPolicy6F80B56A: 'AWS::IAM::Policy',
      EchoLoggingPolicyEE34B860: 'AWS::IAM::Policy',
      EchoFailureQueue0EE969C6: 'AWS::SQS::Queue',
      EchoFailureQueuePolicy0CE2C14B: 'AWS::SQS::QueuePolicy',
      EchoFailureQueueNotEmptyAlarmADE6036A: 'AWS::CloudWatch::Alarm',
      EchoFunction6DF99D59: 'AWS::Lambda::Function',
      EchoFunctionEventInvokeConfig2FBF6BDC: 'AWS::Lambda::EventInvokeConfig',
      EchoErrorsAlarm09718FA3: 'AWS::CloudWatch::Alarm',
    });
  });

  it("takes the log level, log retention and removal policy from the stack's operations settings", () => {
    const stack = testStack({
      operations: testOperations({ logLevel: 'WARN', logRetention: 30, removalPolicy: RemovalPolicy.DESTROY }),
    });
    new StandardFunction(stack, 'Echo', { entry: ECHO_HANDLER, serviceName: 'echo', asyncInvocation: {} });
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ POWERTOOLS_LOG_LEVEL: 'WARN' }) },
    });
    template.hasResource('AWS::Logs::LogGroup', { Properties: { RetentionInDays: 30 }, DeletionPolicy: 'Delete' });
    template.hasResource('AWS::SQS::Queue', { DeletionPolicy: 'Delete' });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'Errors',
      AlarmActions: [{ Ref: Match.stringLikeRegexp('^AlarmTopic') }],
    });
  });

  it('refuses a stack without house defaults', () => {
    const stack = new Stack(testApp(), 'Bare', { env: { account: '111111111111', region: 'eu-west-1' } });
    expect(() => new StandardFunction(stack, 'Echo', { entry: ECHO_HANDLER, serviceName: 'echo' })).toThrow(
      /has no house defaults/,
    );
  });

  it('has no failure queue when invoked synchronously', () => {
    const stack = testStack();
    const fn = new StandardFunction(stack, 'Echo', {
      entry: ECHO_HANDLER,
      serviceName: 'echo',
      alarmTopic: stack.alarmTopic,
    });
    expect(fn.failureQueue).toBeUndefined();
    Template.fromStack(stack).resourceCountIs('AWS::Lambda::EventInvokeConfig', 0);
  });

  it('bundles the handler with esbuild and a source map (bundling on)', () => {
    const stack = testStack({}, { bundling: true });
    new StandardFunction(stack, 'Echo', { entry: ECHO_HANDLER, serviceName: 'echo', alarmTopic: stack.alarmTopic });
    const outdir = (stack.node.root as App).synth().directory;
    const assets = readdirSync(outdir).filter((f) => f.startsWith('asset.'));
    expect(assets).toHaveLength(1);
    const assetDir = join(outdir, assets[0]);
    expect(existsSync(join(assetDir, 'index.js.map'))).toBe(true);
    const bundle = readFileSync(join(assetDir, 'index.js'), 'utf8');
    expect(bundle).toContain('echo');
    // Powertools is bundled in, not expected from the runtime.
    expect(bundle).not.toMatch(/require\("@aws-lambda-powertools\/logger"\)/);
  });
});
