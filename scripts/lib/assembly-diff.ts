// Compares two synthesized cloud assemblies stack by stack with the CDK CLI's own diff engine
// (@aws-cdk/cloudformation-diff), so the output is what `cdk diff` prints, with no AWS access.
import { formatDifferences, fullDiff, type TemplateDiff } from '@aws-cdk/cloudformation-diff';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { stripVTControlCharacters } from 'node:util';

interface StackArtifact {
  readonly stackName: string;
  readonly template: Record<string, unknown>;
  /** Logical ID to construct path, so resources print with their CDK paths as `cdk diff` does. */
  readonly logicalToPath: Record<string, string>;
}

interface ManifestArtifact {
  type: string;
  displayName?: string;
  properties?: { templateFile?: string; stackName?: string };
  metadata?: Record<string, { type: string; data: unknown }[]>;
  /** Newer assemblies keep the metadata in a file of its own. */
  additionalMetadataFile?: string;
}

/** Reads every CloudFormation stack of a cloud assembly directory, keyed by stack name. */
export function readStacks(assemblyDir: string): Map<string, StackArtifact> {
  const manifestPath = join(assemblyDir, 'manifest.json');
  if (!existsSync(manifestPath)) throw new Error(`${assemblyDir} is not a cloud assembly (no manifest.json)`);
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as { artifacts?: Record<string, ManifestArtifact> };
  const stacks = new Map<string, StackArtifact>();
  for (const [id, artifact] of Object.entries(manifest.artifacts ?? {})) {
    if (artifact.type !== 'aws:cloudformation:stack' || !artifact.properties?.templateFile) continue;
    const logicalToPath: Record<string, string> = {};
    const metadata = artifact.additionalMetadataFile
      ? (JSON.parse(
          readFileSync(join(assemblyDir, artifact.additionalMetadataFile), 'utf8'),
        ) as ManifestArtifact['metadata'])
      : artifact.metadata;
    for (const [path, entries] of Object.entries(metadata ?? {})) {
      for (const entry of entries) {
        if (entry.type === 'aws:cdk:logicalId' && typeof entry.data === 'string') logicalToPath[entry.data] = path;
      }
    }
    const stackName = artifact.properties.stackName ?? artifact.displayName ?? id;
    stacks.set(stackName, {
      stackName,
      template: JSON.parse(readFileSync(join(assemblyDir, artifact.properties.templateFile), 'utf8')),
      logicalToPath,
    });
  }
  return stacks;
}

/** The kinds of change a security reviewer looks at. */
export type SecurityCategory = 'IAM' | 'security groups' | 'KMS' | 'resource policies';

/** One resource whose change is security-relevant. */
export interface SecurityChange {
  readonly stack: string;
  /** The resource's construct path, or its logical ID when the assembly has no path for it. */
  readonly resource: string;
  readonly type: string;
  readonly change: 'added' | 'removed' | 'modified';
  readonly categories: SecurityCategory[];
}

export interface StackDiffSummary {
  readonly added: string[];
  readonly removed: string[];
  readonly changed: string[];
  /** Stacks with at least one security-relevant change. */
  readonly securityRelevant: string[];
  readonly securityChanges: SecurityChange[];
  readonly unchanged: string[];
}

/** Properties that hold a resource policy inline (an event bus's Policy, a key's KeyPolicy, ...). */
const POLICY_PROPERTIES = new Set([
  'Policy',
  'PolicyDocument',
  'KeyPolicy',
  'ResourcePolicy',
  'AccessPolicies',
  'PolicyText',
  'RepositoryPolicyText',
]);

/**
 * Why a change to a resource of `type` touching `properties` (the changed ones; all of them when
 * the resource is added or removed) is security-relevant, if it is: IAM resources, security
 * groups and their rules, KMS resources or a resource's KMS key, and resource policies (policy
 * and permission resources such as AWS::SQS::QueuePolicy, AWS::Lambda::Permission or
 * AWS::EC2::VPCEndpointServicePermissions, or an inline policy property).
 */
export function securityCategories(type: string, properties: readonly string[]): SecurityCategory[] {
  const found: SecurityCategory[] = [];
  const iam = type.startsWith('AWS::IAM::');
  if (iam) found.push('IAM');
  if (type.startsWith('AWS::EC2::SecurityGroup')) found.push('security groups');
  if (type.startsWith('AWS::KMS::') || properties.some((p) => /kms/i.test(p))) found.push('KMS');
  const policyType = /(?<!Scaling)Policy$|Permissions?$/.test(type.split('::')[2] ?? '');
  if (!iam && (policyType || properties.some((p) => POLICY_PROPERTIES.has(p)))) found.push('resource policies');
  return found;
}

/** The security-relevant resource changes of one stack's diff. */
function securityChanges(stack: string, diff: TemplateDiff, paths: Record<string, string>): SecurityChange[] {
  const out: SecurityChange[] = [];
  diff.resources.forEachDifference((logicalId, resource) => {
    if (!resource.isDifferent) return;
    const change = resource.isAddition ? 'added' : resource.isRemoval ? 'removed' : 'modified';
    const properties =
      change === 'modified'
        ? Object.keys(resource.propertyUpdates)
        : Object.keys(resource.newProperties ?? resource.oldProperties ?? {});
    const types = [...new Set([resource.oldResourceType, resource.newResourceType])].filter(
      (t): t is string => t !== undefined,
    );
    const categories = [...new Set(types.flatMap((t) => securityCategories(t, properties)))];
    if (categories.length === 0) return;
    out.push({ stack, resource: paths[logicalId] ?? logicalId, type: types.join(' -> '), change, categories });
  });
  return out;
}

/** "a", "a and b", "a, b and c". */
function listed(items: readonly string[]): string {
  return items.length <= 1 ? items.join('') : `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}

/** Prints the diff of every stack from `baseDir` to `headDir` and returns what changed. */
export function diffAssemblies(baseDir: string, headDir: string, out: NodeJS.WritableStream): StackDiffSummary {
  const base = readStacks(baseDir);
  const head = readStacks(headDir);
  const summary: StackDiffSummary = {
    added: [],
    removed: [],
    changed: [],
    securityRelevant: [],
    securityChanges: [],
    unchanged: [],
  };
  const names = [...new Set([...base.keys(), ...head.keys()])].sort();
  for (const name of names) {
    const before = base.get(name);
    const after = head.get(name);
    const diff = fullDiff(before?.template ?? {}, after?.template ?? {});
    if (!before) summary.added.push(name);
    else if (!after) summary.removed.push(name);
    else if (diff.isEmpty) {
      summary.unchanged.push(name);
      continue;
    } else summary.changed.push(name);

    const status = !before ? 'ADDED (new stack)' : !after ? 'REMOVED (stack no longer in the app)' : 'changed';
    out.write(`\nStack ${name}: ${status}\n`);
    const paths = { ...before?.logicalToPath, ...after?.logicalToPath };
    const resources = securityChanges(name, diff, paths);
    const categories = new Set(resources.flatMap((r) => r.categories));
    // The diff engine's own IAM and security group tables follow in the diff itself.
    if (diff.iamChanges.hasChanges) categories.add('IAM');
    if (diff.securityGroupChanges.hasChanges) categories.add('security groups');
    if (categories.size > 0) {
      summary.securityRelevant.push(name);
      summary.securityChanges.push(...resources);
      const order: SecurityCategory[] = ['IAM', 'security groups', 'KMS', 'resource policies'];
      out.write(
        `!! SECURITY-RELEVANT CHANGES (${listed(order.filter((c) => categories.has(c)))})` +
          `${diff.permissionsBroadened ? ': permissions are broadened' : ''}\n`,
      );
      for (const r of resources) out.write(`   ${r.type} ${r.resource}: ${r.change} (${r.categories.join(', ')})\n`);
    }
    formatDifferences(out, diff, paths);
  }
  out.write(
    `\n${summary.changed.length} changed, ${summary.added.length} added, ${summary.removed.length} removed, ` +
      `${summary.unchanged.length} unchanged` +
      (summary.securityRelevant.length
        ? `; security-relevant changes in: ${summary.securityRelevant.join(', ')}`
        : '') +
      '\n',
  );
  return summary;
}

/** True when anything differs between the two assemblies. */
export function hasChanges(summary: StackDiffSummary): boolean {
  return summary.added.length + summary.removed.length + summary.changed.length > 0;
}

/** GitHub keeps at most 1 MiB of a step's summary; the diff text is cut to stay well below it. */
const SUMMARY_DIFF_LIMIT = 900_000;

/**
 * The diff as a Markdown job summary: the counts, a table of the security-relevant changes, and
 * the full text diff (terminal colours removed) in a collapsed block.
 */
export function markdownSummary(summary: StackDiffSummary, diffText: string, baseLabel: string): string {
  const cell = (text: string) => text.replace(/\|/g, '\\|');
  const lines = [
    `## Stack diff against ${baseLabel}`,
    '',
    `${summary.changed.length} changed, ${summary.added.length} added, ${summary.removed.length} removed, ` +
      `${summary.unchanged.length} unchanged stacks.`,
    '',
  ];
  if (summary.securityRelevant.length > 0) {
    lines.push(`### Security-relevant changes in ${summary.securityRelevant.length} stacks`, '');
    lines.push('| stack | resource | type | change | why |', '|---|---|---|---|---|');
    for (const r of summary.securityChanges) {
      lines.push(
        `| ${cell(r.stack)} | ${cell(r.resource)} | ${cell(r.type)} | ${r.change} | ${r.categories.join(', ')} |`,
      );
    }
    const onlyEngine = summary.securityRelevant.filter((s) => !summary.securityChanges.some((r) => r.stack === s));
    if (onlyEngine.length > 0) {
      lines.push('', `IAM or security group changes the diff tables show: ${onlyEngine.join(', ')}.`);
    }
    lines.push('');
  }
  if (hasChanges(summary)) {
    const text = stripVTControlCharacters(diffText);
    const cut = text.length > SUMMARY_DIFF_LIMIT;
    lines.push('<details><summary>Full diff</summary>', '', '```text');
    lines.push(cut ? text.slice(0, SUMMARY_DIFF_LIMIT) : text.trimEnd());
    lines.push('```', '');
    if (cut) lines.push('The diff is cut here; the job log has all of it.', '');
    lines.push('</details>', '');
  }
  return `${lines.join('\n')}\n`;
}
