import { beforeAll, describe, expect, it } from 'vitest';
import { exampleTemplates } from '../helpers/example-templates';

// The actions AWS's own managed policies give Lambda for what this stack relies on, copied from
// their published documents (action names only; this project scopes them itself). A role that
// lacks one fails at run time, not at deploy time.

/** AWSLambdaVPCAccessExecutionRole v3, EC2 part: https://docs.aws.amazon.com/aws-managed-policy/latest/reference/AWSLambdaVPCAccessExecutionRole.html */
const VPC_ACCESS_EC2_ACTIONS = [
  'ec2:CreateNetworkInterface',
  'ec2:DescribeNetworkInterfaces',
  'ec2:DescribeSubnets',
  'ec2:DeleteNetworkInterface',
  'ec2:AssignPrivateIpAddresses',
  'ec2:UnassignPrivateIpAddresses',
];

/** AWSLambdaMSKExecutionRole v2 without the logs actions: https://docs.aws.amazon.com/aws-managed-policy/latest/reference/AWSLambdaMSKExecutionRole.html */
const MSK_EXECUTION_ACTIONS = [
  'kafka:DescribeClusterV2',
  'kafka:GetBootstrapBrokers',
  'ec2:CreateNetworkInterface',
  'ec2:DescribeNetworkInterfaces',
  'ec2:DescribeVpcs',
  'ec2:DeleteNetworkInterface',
  'ec2:DescribeSubnets',
  'ec2:DescribeSecurityGroups',
];

/** MSK IAM authentication of the poller: https://docs.aws.amazon.com/lambda/latest/dg/with-msk-permissions.html */
const MSK_IAM_CONSUMER_ACTIONS = [
  'kafka-cluster:Connect',
  'kafka-cluster:DescribeGroup',
  'kafka-cluster:AlterGroup',
  'kafka-cluster:DescribeTopic',
  'kafka-cluster:ReadData',
  'kafka-cluster:DescribeClusterDynamicConfiguration',
];

/** SQS on-failure destination: https://docs.aws.amazon.com/lambda/latest/dg/with-msk-on-failure.html */
const SQS_DESTINATION_ACTIONS = ['sqs:SendMessage'];

type Resources = Record<string, { Type: string; Properties?: Record<string, unknown> }>;

function alerting(): Resources {
  const stack = exampleTemplates().find((t) => t.stackName.startsWith('flink-alerting-'));
  if (!stack) throw new Error('no flink-alerting stack in the example config');
  return (stack.template.Resources ?? {}) as Resources;
}

/** Every action the identity policies attached to `functionId`'s role allow. */
function roleActions(resources: Resources, functionId: string): Set<string> {
  const role = (resources[functionId].Properties?.Role as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];
  const actions = new Set<string>();
  for (const r of Object.values(resources)) {
    if (r.Type !== 'AWS::IAM::Policy') continue;
    const roles = (r.Properties?.Roles as { Ref?: string }[]) ?? [];
    if (!roles.some((x) => x.Ref === role)) continue;
    const doc = r.Properties?.PolicyDocument as { Statement: { Effect: string; Action: string | string[] }[] };
    for (const s of doc.Statement) {
      if (s.Effect === 'Allow') for (const a of [s.Action].flat()) actions.add(a);
    }
  }
  return actions;
}

function functionId(resources: Resources, prefix: string): string {
  const id = Object.keys(resources).find((k) => k.startsWith(prefix) && resources[k].Type === 'AWS::Lambda::Function');
  if (!id) throw new Error(`no function ${prefix}`);
  return id;
}

describe('runtime permissions AWS documents for the alerting functions', () => {
  // Synthesizing takes most of a minute: in a hook, whose timeout allows for it.
  beforeAll(() => void alerting());

  it('the VPC-attached Kafka admin function may manage its ENIs as AWSLambdaVPCAccessExecutionRole allows', () => {
    const resources = alerting();
    const granted = roleActions(resources, functionId(resources, 'KafkaAdminHandlerFunction'));
    expect(VPC_ACCESS_EC2_ACTIONS.filter((a) => !granted.has(a))).toEqual([]);
  });

  it("the notifier's role has what its MSK event source mapping (IAM auth, SQS on-failure) needs", () => {
    const resources = alerting();
    const granted = roleActions(resources, functionId(resources, 'NotifierFunction'));
    const required = [...MSK_EXECUTION_ACTIONS, ...MSK_IAM_CONSUMER_ACTIONS, ...SQS_DESTINATION_ACTIONS];
    expect(required.filter((a) => !granted.has(a))).toEqual([]);
  });
});
