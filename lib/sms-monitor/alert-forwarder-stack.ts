import * as events from 'aws-cdk-lib/aws-events';
import * as eventsTargets from 'aws-cdk-lib/aws-events-targets';
import type { Construct } from 'constructs';
import { DeadLetterQueue, PlatformStack, type PlatformStackProps } from '../shared';
import { registrationStatusChangePattern } from './registration-events';

export interface SmsAlertForwarderStackProps extends PlatformStackProps {
  /** Region of the account's monitor stack, whose default event bus receives the events. */
  readonly homeRegion: string;
  /** Statuses the monitor alerts on. */
  readonly statuses: readonly string[];
}

/**
 * Registration events are emitted in the Region of the registration. In each monitored Region other
 * than the monitor's own, this stack forwards them to the monitor Region's default event bus, where
 * the alert rule picks them up.
 */
export class SmsAlertForwarderStack extends PlatformStack {
  public readonly rule: events.Rule;
  public readonly deadLetterQueue: DeadLetterQueue;

  constructor(scope: Construct, props: SmsAlertForwarderStackProps) {
    super(scope, props);
    if (props.homeRegion === this.region) {
      throw new Error(`the alert forwarder belongs in a Region other than the monitor's own (${props.homeRegion})`);
    }
    this.deadLetterQueue = new DeadLetterQueue(this, 'ForwardDeadLetterQueue', {
      alarmTopic: this.alarmTopic,
      purpose: `registration status events that could not be forwarded to ${props.homeRegion}`,
      removalPolicy: this.operations.removalPolicy,
    });
    const homeBus = events.EventBus.fromEventBusArn(
      this,
      'MonitorRegionBus',
      this.formatArn({ service: 'events', region: props.homeRegion, resource: 'event-bus', resourceName: 'default' }),
    );
    this.rule = new events.Rule(this, 'ForwardStatusChanges', {
      description: `Forwards SMS registration status changes to the monitor in ${props.homeRegion}`,
      eventPattern: registrationStatusChangePattern([this.region], props.statuses),
    });
    this.rule.addTarget(
      new eventsTargets.EventBus(homeBus, {
        deadLetterQueue: this.deadLetterQueue.queue,
      }),
    );
  }
}
