import { Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type { Construct } from 'constructs';

export interface SesSendingProps {
  /** The verified SES identity (domain or email address) in the stack's Region. */
  readonly identity: string;
  /**
   * ARN of the identity when another account owns it and authorizes this one (SES sending
   * authorization); the grant then names this ARN.
   * @default - the identity of the stack's own account
   */
  readonly identityArn?: string;
  /** The only From address allowed. */
  readonly sender: string;
  /** The only recipients allowed. */
  readonly recipients: readonly string[];
  /**
   * Configuration set used when sending; SES also authorizes the send against it.
   * @default - none
   */
  readonly configurationSet?: string;
}

/**
 * Lets `grantee` send email through SES v2 `SendEmail` with simple content, and nothing else: only
 * `ses:SendEmail` (what SES checks for simple and templated content; `ses:SendRawEmail` is checked
 * only for raw content, which the monitor never sends), only on the configured identity (and
 * configuration set), only from the configured sender, and only to the configured recipients.
 */
export function grantSesSendEmail(scope: Construct, grantee: iam.IGrantable, props: SesSendingProps): iam.Grant {
  const stack = Stack.of(scope);
  const resources = [
    props.identityArn ?? stack.formatArn({ service: 'ses', resource: 'identity', resourceName: props.identity }),
  ];
  if (props.configurationSet) {
    resources.push(
      stack.formatArn({ service: 'ses', resource: 'configuration-set', resourceName: props.configurationSet }),
    );
  }
  return iam.Grant.addToPrincipal({
    grantee,
    actions: ['ses:SendEmail'],
    resourceArns: resources,
    conditions: {
      StringEquals: { 'ses:FromAddress': props.sender },
      'ForAllValues:StringEquals': { 'ses:Recipients': [...props.recipients] },
    },
  });
}
