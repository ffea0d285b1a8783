import * as events from 'aws-cdk-lib/aws-events';
import * as eventsTargets from 'aws-cdk-lib/aws-events-targets';
import type { Stack } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { DeadLetterQueue, PlatformStack, type PlatformStackProps } from '../shared';
import { registrationStatusChangePattern } from './registration-events';

/** What the forwarder needs besides its stack. */
export interface SmsAlertForwarderProps {
  /** Region of the account's monitor stack, whose default event bus receives the events. */
  readonly homeRegion: string;
  /** Statuses the monitor alerts on. */
  readonly statuses: readonly string[];
}

export interface SmsAlertForwarderStackProps
  extends Omit<PlatformStackProps, 'system' | 'role'>, SmsAlertForwarderProps {}

/**
 * Registration events are emitted in the Region of the registration. In each monitored Region other
 * than the monitor's own, this stack forwards them to the monitor Region's default event bus, where
 * the alert rule picks them up.
 */
export class SmsAlertForwarderStack extends PlatformStack {
  public readonly rule: events.Rule;
  public readonly deadLetterQueue: DeadLetterQueue;

  constructor(scope: Construct, props: SmsAlertForwarderStackProps) {
    super(scope, { ...props, system: 'sms', role: 'alert-forwarder' });
    if (props.homeRegion === this.region) {
      throw new Error(`the alert forwarder belongs in a Region other than the monitor's own (${props.homeRegion})`);
    }
    ({ rule: this.rule, deadLetterQueue: this.deadLetterQueue } = addAlertForwarder(this, props));
  }
}

/**
 * The rule forwarding the stack's Region's status changes to the same account's default bus in
 * `homeRegion` (the account is the stack's own, so a StackSet's template works in every account),
 * with its dead-letter queue.
 */
export function addAlertForwarder(
  stack: Stack,
  props: SmsAlertForwarderProps,
): { rule: events.Rule; deadLetterQueue: DeadLetterQueue } {
  const deadLetterQueue = new DeadLetterQueue(stack, 'ForwardDeadLetterQueue', {
    purpose: `registration status events that could not be forwarded to ${props.homeRegion}`,
  });
  const homeBus = events.EventBus.fromEventBusArn(
    stack,
    'MonitorRegionBus',
    stack.formatArn({ service: 'events', region: props.homeRegion, resource: 'event-bus', resourceName: 'default' }),
  );
  const rule = new events.Rule(stack, 'ForwardStatusChanges', {
    description: `Forwards SMS registration status changes to the monitor in ${props.homeRegion}`,
    eventPattern: registrationStatusChangePattern([stack.region], props.statuses),
  });
  rule.addTarget(new eventsTargets.EventBus(homeBus, { deadLetterQueue: deadLetterQueue.queue }));
  return { rule, deadLetterQueue };
}
