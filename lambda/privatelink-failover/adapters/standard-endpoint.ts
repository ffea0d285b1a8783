// The SDK's standard endpoint settings, for the clients here that cannot read them themselves: the
// ARC control-config client is pinned at 3.332.0 (older than the setting) and the Route 53 client
// is hand-made (see route53-rest.ts). Current SDK clients read these variables on their own.

/**
 * The endpoint URL the environment names for a service: `AWS_ENDPOINT_URL_<SERVICE>` first, then
 * `AWS_ENDPOINT_URL`, unless `AWS_IGNORE_CONFIGURED_ENDPOINT_URLS` is true. (Endpoints named in the
 * shared config file's profiles are not read.)
 * @param serviceKey the service's environment key, for example `ROUTE53_RECOVERY_CONTROL_CONFIG`
 */
export function configuredEndpoint(serviceKey: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  if ((env.AWS_IGNORE_CONFIGURED_ENDPOINT_URLS ?? '').toLowerCase() === 'true') return undefined;
  return env[`AWS_ENDPOINT_URL_${serviceKey}`] || env.AWS_ENDPOINT_URL || undefined;
}
