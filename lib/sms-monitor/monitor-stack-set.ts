import { CfnOutput } from 'aws-cdk-lib';
import type * as cloudformation from 'aws-cdk-lib/aws-cloudformation';
import type { Construct } from 'constructs';
import {
  PlatformStack,
  type PlatformStackProps,
  serviceManagedStackSet,
  StackSetMemberStack,
  StackSetOwnerSynthesizer,
  type ServiceManagedStackSetSettings,
  type StackSetCodeBuckets,
} from '../shared';
import { addAlertForwarder } from './alert-forwarder-stack';
import { addSmsMonitorResources, type SmsMonitorResources, type SmsMonitorSettings } from './monitor-stack';

export const MONITOR_STACK_SET_DESCRIPTION = 'SMS registration monitor of the account (StackSet member)';
export const FORWARDER_STACK_SET_DESCRIPTION =
  "Forwards SMS registration status events to the account's monitor in its home Region (StackSet member)";

/** Name of the forwarder StackSet, next to the monitor StackSet `name`. */
export function forwarderStackSetName(name: string): string {
  return `${name}-forwarder`;
}

/**
 * The identity policy that lets every principal of the organization send as `identityArn`, and
 * only from `sender` (SES sending authorization). The operator attaches it to the identity in the
 * account that owns it; CloudFormation has no resource for identity policies.
 */
export function sendingAuthorizationPolicy(identityArn: string, organizationId: string, sender: string): object {
  return {
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'OrganizationSendsSmsMonitorMail',
        Effect: 'Allow',
        Principal: { AWS: '*' },
        Action: ['ses:SendEmail', 'ses:SendRawEmail'],
        Resource: identityArn,
        Condition: {
          StringEquals: { 'aws:PrincipalOrgID': organizationId, 'ses:FromAddress': sender },
        },
      },
    ],
  };
}

/** The monitor and forwarder StackSets: names, Regions, organization, targets and rollout. */
export interface SmsMonitorStackSetSettings extends ServiceManagedStackSetSettings {
  /** Name of the monitor StackSet; the forwarder StackSet is `<name>-forwarder`. */
  readonly name: string;
  /** Region of every member account's monitor stack; also the Region of `email.identityArn`. */
  readonly homeRegion: string;
  /** The other Regions whose registrations are read; each gets the alert forwarder stack. */
  readonly forwarderRegions: readonly string[];
  /** The organization of the units; SES sending authorization names it (aws:PrincipalOrgID). */
  readonly organizationId: string;
}

export interface SmsMonitorStackSetStackProps extends Omit<PlatformStackProps, 'system' | 'role' | 'synthesizer'> {
  /** The StackSet: its name, Regions and deployment targets. */
  readonly stackSet: SmsMonitorStackSetSettings;
  /** How the members' monitors report and alert, and to whom; `email.identityArn` is set (config check). */
  readonly monitor: SmsMonitorSettings;
  /** Prefix of the code buckets in the administrator account (one in the home Region). */
  readonly codeBucketNamePrefix: string;
}

/**
 * Owns the service-managed StackSets that deploy the monitor stack to the home Region and the
 * alert forwarder stack to the other Regions of every account of the organizational units,
 * including accounts that join them later; deployed in the management account or a StackSets
 * delegated administrator.
 */
export class SmsMonitorStackSetStack extends PlatformStack {
  public readonly monitor: StackSetMemberStack & { readonly resources: SmsMonitorResources };
  public readonly monitorStackSet: cloudformation.CfnStackSet;
  public readonly forwarder?: StackSetMemberStack;
  public readonly forwarderStackSet?: cloudformation.CfnStackSet;

  constructor(scope: Construct, props: SmsMonitorStackSetStackProps) {
    super(scope, { ...props, system: 'sms', role: 'monitor-stackset', synthesizer: new StackSetOwnerSynthesizer() });
    this.templateOptions.description = 'SMS registration monitor: StackSets for organizational units';
    const { stackSet: settings, monitor } = props;
    const home = settings.homeRegion;
    const code: StackSetCodeBuckets = {
      bucketNamePrefix: props.codeBucketNamePrefix,
      regions: [home],
      account: props.env.account,
    };
    const member = new StackSetMemberStack(this, 'Monitor', {
      system: 'sms',
      operations: this.operations,
      description: MONITOR_STACK_SET_DESCRIPTION,
      code,
    });
    const resources = addSmsMonitorResources(member, {
      regions: [home, ...settings.forwarderRegions],
      monitor,
    });
    this.monitor = Object.assign(member, { resources });
    this.monitorStackSet = serviceManagedStackSet(this, 'MonitorStackSet', {
      settings,
      name: settings.name,
      description: MONITOR_STACK_SET_DESCRIPTION,
      regions: [home],
      member,
    });

    if (monitor.alerts.enabled && settings.forwarderRegions.length > 0) {
      // No Lambda code: the forwarder is a rule and its dead-letter queue, so it needs no code buckets.
      this.forwarder = new StackSetMemberStack(this, 'AlertForwarder', {
        system: 'sms',
        operations: this.operations,
        description: FORWARDER_STACK_SET_DESCRIPTION,
      });
      addAlertForwarder(this.forwarder, {
        homeRegion: home,
        statuses: monitor.alerts.statuses,
      });
      this.forwarderStackSet = serviceManagedStackSet(this, 'ForwarderStackSet', {
        settings,
        name: forwarderStackSetName(settings.name),
        description: FORWARDER_STACK_SET_DESCRIPTION,
        regions: settings.forwarderRegions,
        member: this.forwarder,
      });
    }

    new CfnOutput(this, 'SendingAuthorizationPolicy', {
      description: `Attach to the SES identity ${monitor.email.identityArn} (aws sesv2 create-email-identity-policy)`,
      value: JSON.stringify(
        sendingAuthorizationPolicy(monitor.email.identityArn as string, settings.organizationId, monitor.email.sender),
      ),
    });
  }
}
