import { describe, expect, it } from 'vitest';
import { markdownSummary, securityCategories, type StackDiffSummary } from '../../scripts/lib/assembly-diff';

// What the stack diff counts as security-relevant, and its Markdown summary; the end-to-end runs
// of `npm run diff` are in stack-diff.test.ts.

describe('securityCategories', () => {
  it.each([
    ['AWS::IAM::Role', ['Description'], ['IAM']],
    ['AWS::IAM::Policy', ['PolicyDocument'], ['IAM']],
    ['AWS::EC2::SecurityGroup', ['GroupDescription'], ['security groups']],
    ['AWS::EC2::SecurityGroupIngress', ['CidrIp'], ['security groups']],
    ['AWS::KMS::Key', ['EnableKeyRotation'], ['KMS']],
    ['AWS::KMS::Alias', ['TargetKeyId'], ['KMS']],
    ['AWS::SQS::Queue', ['KmsMasterKeyId'], ['KMS']],
    ['AWS::Logs::LogGroup', ['KmsKeyId', 'RetentionInDays'], ['KMS']],
    ['AWS::SQS::QueuePolicy', ['Queues'], ['resource policies']],
    ['AWS::Events::EventBusPolicy', ['Statement'], ['resource policies']],
    ['AWS::Lambda::Permission', ['SourceArn'], ['resource policies']],
    ['AWS::EC2::VPCEndpointServicePermissions', ['AllowedPrincipals'], ['resource policies']],
    ['AWS::Events::EventBus', ['Policy'], ['resource policies']],
    ['AWS::EC2::VPCEndpoint', ['PolicyDocument'], ['resource policies']],
    ['AWS::SecretsManager::ResourcePolicy', ['ResourcePolicy'], ['resource policies']],
  ])('%s changing %j is %j', (type, properties, expected) => {
    expect(securityCategories(type, properties)).toEqual(expected);
  });

  it.each([
    ['AWS::SQS::Queue', ['MessageRetentionPeriod']],
    ['AWS::Lambda::Function', ['Code', 'Environment']],
    ['AWS::ApplicationAutoScaling::ScalingPolicy', ['TargetTrackingScalingPolicyConfiguration']],
    ['Custom::VpcRestrictDefaultSG', ['DefaultSecurityGroupId']],
  ])('%s changing %j is not security-relevant', (type, properties) => {
    expect(securityCategories(type, properties)).toEqual([]);
  });
});

describe('markdownSummary', () => {
  const summary: StackDiffSummary = {
    added: [],
    removed: [],
    changed: ['a', 'b'],
    securityRelevant: ['a', 'b'],
    securityChanges: [
      { stack: 'a', resource: 'a/Odd|Name/Resource', type: 'AWS::IAM::Role', change: 'modified', categories: ['IAM'] },
    ],
    unchanged: ['c'],
  };

  it('tables the security-relevant resources, names stacks only the diff tables show, and leaves out colours', () => {
    const text = markdownSummary(summary, '\u001b[31m- old\u001b[39m\n+ new\n', 'origin/main (0123456789ab)');
    expect(text).toBe(
      [
        '## Stack diff against origin/main (0123456789ab)',
        '',
        '2 changed, 0 added, 0 removed, 1 unchanged stacks.',
        '',
        '### Security-relevant changes in 2 stacks',
        '',
        '| stack | resource | type | change | why |',
        '|---|---|---|---|---|',
        '| a | a/Odd\\|Name/Resource | AWS::IAM::Role | modified | IAM |',
        '',
        'IAM or security group changes the diff tables show: b.',
        '',
        '<details><summary>Full diff</summary>',
        '',
        '```text',
        '- old\n+ new',
        '```',
        '',
        '</details>',
        '',
        '',
      ].join('\n'),
    );
  });

  it('cuts a diff too long for a job summary and says so', () => {
    const text = markdownSummary(summary, 'x'.repeat(2_000_000), 'main (0123456789ab)');
    expect(text.length).toBeLessThan(1_000_000);
    expect(text).toContain('The diff is cut here; the job log has all of it.');
  });

  it('has no diff block when nothing changed', () => {
    const nothing = { ...summary, changed: [], securityRelevant: [], securityChanges: [], unchanged: ['a'] };
    expect(markdownSummary(nothing, '', 'main (0123456789ab)')).toBe(
      '## Stack diff against main (0123456789ab)\n\n0 changed, 0 added, 0 removed, 1 unchanged stacks.\n\n',
    );
  });
});
