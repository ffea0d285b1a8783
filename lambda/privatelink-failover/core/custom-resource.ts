// The pure part of the CloudFormation custom resource protocol: what a core returns, and the
// errors and property readers the cores share.
import type { CloudFormationCustomResourceEvent } from 'aws-lambda';

export interface CustomResourceResult {
  readonly physicalResourceId: string;
  /** Attributes readable with Fn::GetAtt (CloudFormation caps the whole response at 4 KB). */
  readonly data?: Readonly<Record<string, string>>;
}

export type CustomResourceCore = (event: CloudFormationCustomResourceEvent) => Promise<CustomResourceResult>;

/** Physical ID given to a resource whose Create failed, so its Delete knows there is nothing to undo. */
export const FAILED_CREATE_PREFIX = 'create-failed:';

/** Bad resource properties: reported to CloudFormation as is. */
export class InvalidPropertiesError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidPropertiesError';
  }
}

/** A required string property, or a clear error naming it. */
export function requiredString(props: Record<string, unknown>, name: string): string {
  const value = props[name];
  if (typeof value !== 'string' || value.trim() === '') {
    throw new InvalidPropertiesError(
      `property ${name}: expected a non-empty string, got ${JSON.stringify(value) ?? 'nothing'}`,
    );
  }
  return value;
}

/** A required list of strings. */
export function requiredStringList(props: Record<string, unknown>, name: string): string[] {
  const value = props[name];
  if (!Array.isArray(value) || value.some((v) => typeof v !== 'string' || v === '')) {
    throw new InvalidPropertiesError(
      `property ${name}: expected a list of non-empty strings, got ${JSON.stringify(value) ?? 'nothing'}`,
    );
  }
  return value as string[];
}
