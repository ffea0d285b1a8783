import { Tags } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';

/** Tags every taggable resource under `scope` (CloudFormation propagates them where it can). */
export function applyTags(scope: IConstruct, tags: Readonly<Record<string, string>>): void {
  for (const [key, value] of Object.entries(tags)) {
    Tags.of(scope).add(key, value);
  }
}
