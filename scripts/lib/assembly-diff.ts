// Compares two synthesized cloud assemblies stack by stack with the CDK CLI's own diff engine
// (@aws-cdk/cloudformation-diff), so the output is what `cdk diff` prints, with no AWS access.
import { formatDifferences, fullDiff } from '@aws-cdk/cloudformation-diff';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

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

export interface StackDiffSummary {
  readonly added: string[];
  readonly removed: string[];
  readonly changed: string[];
  /** Changed stacks whose IAM or security group changes are called out. */
  readonly securityRelevant: string[];
  readonly unchanged: string[];
}

/** Prints the diff of every stack from `baseDir` to `headDir` and returns what changed. */
export function diffAssemblies(baseDir: string, headDir: string, out: NodeJS.WritableStream): StackDiffSummary {
  const base = readStacks(baseDir);
  const head = readStacks(headDir);
  const summary: StackDiffSummary = { added: [], removed: [], changed: [], securityRelevant: [], unchanged: [] };
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
    if (diff.iamChanges.hasChanges || diff.securityGroupChanges.hasChanges) {
      summary.securityRelevant.push(name);
      const what = [diff.iamChanges.hasChanges && 'IAM', diff.securityGroupChanges.hasChanges && 'security groups']
        .filter(Boolean)
        .join(' and ');
      // The IAM and security group tables follow in the diff itself.
      out.write(
        `!! SECURITY-RELEVANT CHANGES (${what})${diff.permissionsBroadened ? ': permissions are broadened' : ''}\n`,
      );
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
