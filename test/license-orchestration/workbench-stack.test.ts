import { Match, Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { buildStacks } from './stacks';

describe('workbench account stack', () => {
  const { workbenches } = buildStacks();

  it('is one stack per workbench account and Region', () => {
    expect(workbenches.map((s) => s.stackName)).toEqual([
      'license-workbench-222222222222-eu-west-1',
      'license-workbench-222222222222-us-east-1',
      'license-workbench-333333333333-eu-west-1',
    ]);
    expect(workbenches.map((s) => `${s.account}/${s.region}`)).toEqual([
      '222222222222/eu-west-1',
      '222222222222/us-east-1',
      '333333333333/eu-west-1',
    ]);
  });

  const template = Template.fromStack(workbenches[0]);

  it('sends EC2 state changes to the publisher with retries and a dead-letter queue', () => {
    template.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: { source: ['aws.ec2'], 'detail-type': ['EC2 Instance State-change Notification'] },
      State: 'ENABLED',
      Targets: [
        {
          Arn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^PublisherFunction'), 'Arn'] },
          Id: Match.anyValue(),
          RetryPolicy: { MaximumRetryAttempts: 185, MaximumEventAgeInSeconds: 86400 },
          DeadLetterConfig: { Arn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^PublisherDeliveryDlq'), 'Arn'] } },
        },
      ],
    });
    // EventBridge may write to that queue (and only for this rule).
    template.hasResourceProperties('AWS::SQS::QueuePolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Action: 'sqs:SendMessage',
            Principal: { Service: 'events.amazonaws.com' },
            Condition: {
              ArnEquals: {
                'aws:SourceArn': { 'Fn::GetAtt': [Match.stringLikeRegexp('^PublisherStateChangeRule'), 'Arn'] },
              },
            },
          }),
        ]),
      },
    });
  });

  it('configures the publisher with the bus ARN, the tag names and the user-ID pattern', () => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: Match.objectLike({
          LICENSE_BUS_ARN: 'arn:aws:events:eu-west-1:111111111111:event-bus/license-orchestration',
          OWNER_TAG: 'vew:workbench:ownerId',
          TYPE_TAG: 'vew:workbench:type',
          USER_ID_PATTERN: '^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$',
          REJECTED_QUEUE_URL: { Ref: Match.stringLikeRegexp('^PublisherRejectedEvents') },
          POWERTOOLS_METRICS_NAMESPACE: 'LicenseOrchestration',
        }),
      },
    });
    template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
      MaximumRetryAttempts: 2,
      DestinationConfig: {
        OnFailure: {
          Destination: { 'Fn::GetAtt': [Match.stringLikeRegexp('^PublisherFailureQueue'), 'Arn'] },
        },
      },
    });
  });

  it('lets the publisher put events on the central bus only, and read instance tags', () => {
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: [
          {
            Action: 'events:PutEvents',
            Effect: 'Allow',
            Resource: 'arn:aws:events:eu-west-1:111111111111:event-bus/license-orchestration',
          },
        ],
      },
    });
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: { Statement: [{ Action: 'ec2:DescribeInstances', Effect: 'Allow', Resource: '*' }] },
    });
  });

  it('creates the read-only reconciliation role once per account, trusting only the reconciler role', () => {
    template.hasResourceProperties('AWS::IAM::Role', {
      RoleName: 'license-orchestration-reader',
      MaxSessionDuration: 3600,
      AssumeRolePolicyDocument: {
        Statement: [
          {
            Action: 'sts:AssumeRole',
            Effect: 'Allow',
            Principal: { AWS: 'arn:aws:iam::111111111111:root' },
            Condition: {
              ArnEquals: {
                'aws:PrincipalArn': 'arn:aws:iam::111111111111:role/license-orchestration-reconciler-eu-west-1',
              },
            },
          },
        ],
      },
    });
    const roles = (s: (typeof workbenches)[number]) =>
      Object.values(Template.fromStack(s).findResources('AWS::IAM::Role')).filter(
        (r) => (r as { Properties: { RoleName?: string } }).Properties.RoleName === 'license-orchestration-reader',
      ).length;
    expect(workbenches.map(roles)).toEqual([1, 0, 1]);
  });

  it('has no reader role when reconciliation is off', () => {
    const { workbenches: off } = buildStacks({ reconciliation: { enabled: false } });
    expect(off[0].readerRole).toBeUndefined();
  });
});
