import { type CfnResource, Duration, Stack, Validations } from 'aws-cdk-lib';
import * as autoscaling from 'aws-cdk-lib/aws-autoscaling';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { type AlarmTopic, houseDefaults, skipCheckov } from '../shared';
import { serviceInstallCommands } from './service-script';

export interface HealthCheckedServiceProps {
  /** The VPC of the instances and the load balancer. */
  readonly vpc: ec2.IVpc;
  /** Subnets of the load balancer and the instances (isolated: no public IPs anywhere). */
  readonly subnets: ec2.SubnetSelection;
  /** Name shown by the service and in descriptions. */
  readonly serviceName: string;
  /** TCP port of the listener and the instances. */
  readonly port: number;
  /** EC2 instance type; the AMI's architecture follows it. */
  readonly instanceType: string;
  /** Fewest instances of the Auto Scaling group. */
  readonly minInstances: number;
  /** Most instances of the Auto Scaling group. */
  readonly maxInstances: number;
  /** Source CIDRs allowed through the load balancer's security group (consumer VPCs). */
  readonly allowedSourceCidrs: readonly string[];
  /**
   * Where the unhealthy-target alarms go.
   * @default - the stack's alarm topic
   */
  readonly alarmTopic?: AlarmTopic;
  /**
   * Protect the load balancer from deletion (set when stateful resources are retained).
   * @default false
   */
  readonly deletionProtection?: boolean;
}

/**
 * An internal Network Load Balancer (cross-zone, security group enforced for PrivateLink traffic)
 * in front of an Auto Scaling group of EC2 instances running a small HTTP service with a /health
 * check. Instances require IMDSv2, get no public IP and are reached with Session Manager, not SSH.
 */
export class HealthCheckedService extends Construct {
  public readonly loadBalancer: elbv2.NetworkLoadBalancer;
  public readonly targetGroup: elbv2.NetworkTargetGroup;
  public readonly autoScalingGroup: autoscaling.AutoScalingGroup;
  public readonly instanceRole: iam.Role;
  /** In ALARM when no target passes the health check: this Region cannot serve. */
  public readonly noHealthyTargetsAlarm: cloudwatch.Alarm;

  constructor(scope: Construct, id: string, props: HealthCheckedServiceProps) {
    super(scope, id);
    const stack = Stack.of(this);
    if (props.allowedSourceCidrs.length === 0) {
      throw new Error('HealthCheckedService needs at least one allowed source CIDR, or no consumer can connect');
    }
    const instanceType = new ec2.InstanceType(props.instanceType);
    const cpuType =
      instanceType.architecture === ec2.InstanceArchitecture.ARM_64
        ? ec2.AmazonLinuxCpuType.ARM_64
        : ec2.AmazonLinuxCpuType.X86_64;

    const lbSecurityGroup = new ec2.SecurityGroup(this, 'LoadBalancerSecurityGroup', {
      vpc: props.vpc,
      description: `Load balancer of ${props.serviceName}: consumers in, service port out to the instances`,
      allowAllOutbound: false,
    });
    for (const cidr of props.allowedSourceCidrs) {
      lbSecurityGroup.addIngressRule(
        ec2.Peer.ipv4(cidr),
        ec2.Port.tcp(props.port),
        `consumers via PrivateLink (${cidr})`,
      );
    }
    const instanceSecurityGroup = new ec2.SecurityGroup(this, 'InstanceSecurityGroup', {
      vpc: props.vpc,
      description: `Instances of ${props.serviceName}: service port from the load balancer only`,
      allowAllOutbound: false,
    });
    instanceSecurityGroup.addIngressRule(
      lbSecurityGroup,
      ec2.Port.tcp(props.port),
      'traffic and health checks from the load balancer',
    );
    lbSecurityGroup.addEgressRule(instanceSecurityGroup, ec2.Port.tcp(props.port), 'to the instances');
    // HTTPS inside the VPC only: the Session Manager endpoints.
    instanceSecurityGroup.addEgressRule(
      ec2.Peer.ipv4(props.vpc.vpcCidrBlock),
      ec2.Port.tcp(443),
      'Session Manager endpoints',
    );

    this.instanceRole = new iam.Role(this, 'InstanceRole', {
      assumedBy: new iam.ServicePrincipal('ec2.amazonaws.com'),
      description: `Instances of ${props.serviceName} (${stack.stackName}): Session Manager only`,
      managedPolicies: [iam.ManagedPolicy.fromAwsManagedPolicyName('AmazonSSMManagedInstanceCore')],
    });
    Validations.of(this.instanceRole).acknowledge({
      id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/AmazonSSMManagedInstanceCore]',
      reason:
        'AmazonSSMManagedInstanceCore is the AWS-maintained minimum for the SSM agent (Session Manager replaces SSH); copying it inline would freeze it.',
    });

    const userData = ec2.UserData.forLinux();
    userData.addCommands(
      ...serviceInstallCommands({ port: props.port, region: stack.region, serviceName: props.serviceName }),
    );
    const launchTemplate = new ec2.LaunchTemplate(this, 'LaunchTemplate', {
      machineImage: ec2.MachineImage.latestAmazonLinux2023({ cpuType }),
      instanceType,
      role: this.instanceRole,
      securityGroup: instanceSecurityGroup,
      userData,
      requireImdsv2: true,
      httpPutResponseHopLimit: 1,
      associatePublicIpAddress: false,
      detailedMonitoring: true,
      blockDevices: [
        {
          deviceName: '/dev/xvda',
          volume: ec2.BlockDeviceVolume.ebs(8, { encrypted: true, volumeType: ec2.EbsDeviceVolumeType.GP3 }),
        },
      ],
    });

    this.autoScalingGroup = new autoscaling.AutoScalingGroup(this, 'Instances', {
      vpc: props.vpc,
      vpcSubnets: props.subnets,
      launchTemplate,
      minCapacity: props.minInstances,
      maxCapacity: props.maxInstances,
      // Instances failing the load balancer's health check are replaced, not only dead ones.
      healthChecks: autoscaling.HealthChecks.withAdditionalChecks({
        additionalTypes: [autoscaling.AdditionalHealthCheckType.ELB],
        gracePeriod: Duration.minutes(3),
      }),
      // Replace one instance at a time; keeping all of them in service needs headroom above the minimum.
      updatePolicy: autoscaling.UpdatePolicy.rollingUpdate({
        minInstancesInService: props.maxInstances > props.minInstances ? props.minInstances : props.minInstances - 1,
        maxBatchSize: 1,
        pauseTime: Duration.minutes(5),
      }),
    });
    this.autoScalingGroup.scaleOnCpuUtilization('Cpu', { targetUtilizationPercent: 60 });
    Validations.of(this.autoScalingGroup).acknowledge({
      id: 'AwsSolutions-AS3',
      reason:
        'Scaling events need no notification; what matters is whether targets are healthy, which the target group alarms report to the alarm topic.',
    });

    this.loadBalancer = new elbv2.NetworkLoadBalancer(this, 'LoadBalancer', {
      vpc: props.vpc,
      vpcSubnets: props.subnets,
      internetFacing: false,
      crossZoneEnabled: true,
      securityGroups: [lbSecurityGroup],
      // Without this, PrivateLink traffic would bypass the security group's inbound rules.
      enforceSecurityGroupInboundRulesOnPrivateLinkTraffic: true,
      deletionProtection: props.deletionProtection ?? false,
    });
    Validations.of(this.loadBalancer).acknowledge({
      id: 'AwsSolutions-ELB2',
      reason:
        'Network Load Balancer access logs only cover TLS listeners; this listener is TCP, so there is nothing to log. VPC flow logs cover the traffic.',
    });
    skipCheckov(
      this.loadBalancer.node.defaultChild as CfnResource,
      'CKV_AWS_91',
      'Network Load Balancer access logs only cover TLS listeners; this listener is TCP. VPC flow logs cover the traffic.',
    );
    const listener = this.loadBalancer.addListener('Listener', { port: props.port, protocol: elbv2.Protocol.TCP });
    this.targetGroup = listener.addTargets('Instances', {
      port: props.port,
      protocol: elbv2.Protocol.TCP,
      targets: [this.autoScalingGroup],
      deregistrationDelay: Duration.seconds(30),
      healthCheck: {
        protocol: elbv2.Protocol.HTTP,
        path: '/health',
        interval: Duration.seconds(10),
        healthyThresholdCount: 2,
        unhealthyThresholdCount: 2,
      },
    });

    this.noHealthyTargetsAlarm = this.targetGroup.metrics
      .healthyHostCount({ period: Duration.minutes(1), statistic: 'Minimum' })
      .createAlarm(this, 'NoHealthyTargetsAlarm', {
        alarmDescription: `${props.serviceName} in ${stack.region} (${stack.stackName}) has no healthy target: this Region cannot serve; consider failing over`,
        threshold: 1,
        evaluationPeriods: 2,
        comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.BREACHING,
      });
    (props.alarmTopic ?? houseDefaults(this).alarmTopic).notify(this.noHealthyTargetsAlarm);
    const unhealthy = this.targetGroup.metrics
      .unHealthyHostCount({ period: Duration.minutes(1), statistic: 'Maximum' })
      .createAlarm(this, 'UnhealthyTargetsAlarm', {
        alarmDescription: `${props.serviceName} in ${stack.region} (${stack.stackName}) has unhealthy targets for 5 minutes`,
        threshold: 1,
        evaluationPeriods: 5,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      });
    (props.alarmTopic ?? houseDefaults(this).alarmTopic).notify(unhealthy);
  }
}
