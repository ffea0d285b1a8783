import { Template } from 'aws-cdk-lib/assertions';
import type { PrivateLinkFailoverConfig } from '../../../config/schema';
import { addPrivateLinkFailoverStacks, type PrivateLinkFailoverStacks } from '../../../lib/privatelink-failover';
import { enableComplianceChecks, type OperationsSettings } from '../../../lib/shared';
import { testApp, testOperations } from '../../helpers/app';

/** A parsed template fragment (JSON.parse's type, without writing `any`). */
export type Json = ReturnType<typeof JSON.parse>;

export interface Built {
  readonly stacks: PrivateLinkFailoverStacks;
  readonly templates: {
    readonly primaryService: Template;
    readonly secondaryService: Template;
    readonly routing: Template;
    readonly dns: Template;
    readonly consumers: Template[];
  };
}

/** Synthesizes every stack of a section (with the compliance checks on, as `cdk synth` runs them). */
export function build(config: PrivateLinkFailoverConfig, operations: Partial<OperationsSettings> = {}): Built {
  const app = testApp();
  enableComplianceChecks(app);
  const stacks = addPrivateLinkFailoverStacks(app, config, testOperations(operations));
  return {
    stacks,
    templates: {
      primaryService: Template.fromStack(stacks.primaryService),
      secondaryService: Template.fromStack(stacks.secondaryService),
      routing: Template.fromStack(stacks.routing),
      dns: Template.fromStack(stacks.dns),
      consumers: stacks.consumers.map((s) => Template.fromStack(s)),
    },
  };
}

/** The only resource of a type in a template (fails when there are more or none). */
export function only(template: Template, type: string): { id: string; resource: Record<string, Json> } {
  const found = Object.entries(template.findResources(type));
  if (found.length !== 1) throw new Error(`expected one ${type}, found ${found.length}`);
  const [id, resource] = found[0]!;
  return { id, resource };
}
