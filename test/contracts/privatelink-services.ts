/**
 * Which VPC endpoint service a caller needs for each AWS service this project calls, in one place.
 *
 * Service names (`com.amazonaws.<region>.<name>` unless given in full) are those AWS publishes in
 * "AWS services that integrate with AWS PrivateLink":
 * https://docs.aws.amazon.com/vpc/latest/privatelink/aws-services-privatelink-support.html
 * A client missing here cannot be checked: add it from that page (or, when the page has no
 * endpoint for it, the function's subnets need a route out through NAT).
 */
export const ENDPOINT_SERVICE_BY_SDK_CLIENT: Readonly<Record<string, string>> = {
  'client-dynamodb': 'dynamodb',
  'client-ec2': 'ec2',
  'client-eventbridge': 'events',
  'client-kafka': 'kafka',
  'client-kinesis-analytics-v2': 'kinesisanalytics',
  'client-lambda': 'lambda',
  'client-pinpoint-sms-voice-v2': 'sms-voice',
  // Global: listed on https://docs.aws.amazon.com/vpc/latest/privatelink/aws-services-cross-region-privatelink-support.html
  'client-route53': 'com.amazonaws.route53',
  'client-s3': 's3',
  'client-secrets-manager': 'secretsmanager',
  'client-sesv2': 'email',
  'client-sns': 'sns',
  'client-sqs': 'sqs',
  'client-ssm': 'ssm',
  'client-sts': 'sts',
};

/**
 * The service behind a Lambda destination, by the CloudFormation type of the resource it names
 * (destinations: https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-retain-records.html).
 */
export const ENDPOINT_SERVICE_BY_DESTINATION_TYPE: Readonly<Record<string, string>> = {
  'AWS::SQS::Queue': 'sqs',
  'AWS::SNS::Topic': 'sns',
  'AWS::Lambda::Function': 'lambda',
  'AWS::Events::EventBus': 'events',
  'AWS::S3::Bucket': 's3',
};

/** The full endpoint service name of `name` in `region`. */
export function endpointServiceName(name: string, region: string): string {
  return name.startsWith('com.amazonaws.') ? name : `com.amazonaws.${region}.${name}`;
}
