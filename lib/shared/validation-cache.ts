import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

// Findings of a validation plugin kept per template in the cloud assembly directory, so that a
// synth validates only the templates that changed since the previous one.

/** A validation finding as plugins report it: the resources it names carry their template's path. */
interface Finding {
  readonly violatingResources: readonly { readonly templatePath?: string }[];
}

/** The findings stored at `file`, or undefined when there are none (validate again). */
export function readCached<V>(file: string): V[] | undefined {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as V[];
  } catch {
    return undefined; // absent or unreadable: validate again
  }
}

export function writeCached(file: string, violations: unknown[]): void {
  mkdirSync(dirname(file), { recursive: true });
  // Written whole then renamed, so a synth stopped half-way never leaves a partial result.
  const partial = `${file}.${process.pid}.tmp`;
  writeFileSync(partial, JSON.stringify(violations));
  renameSync(partial, file);
}

/**
 * The findings about one template, with only that template's resources, stored without the
 * assembly path so that a copy of cdk.out elsewhere still hits.
 */
export function violationsOf<V extends Finding>(all: readonly V[], templatePath: string): V[] {
  const own: V[] = [];
  for (const v of all) {
    const resources = v.violatingResources
      .filter((r) => r.templatePath === templatePath)
      .map((r) => ({ ...r, templatePath: undefined }));
    if (resources.length > 0) own.push({ ...v, violatingResources: resources });
  }
  return own;
}

export function withTemplatePath<V extends Finding>(violations: readonly V[], templatePath: string): V[] {
  return violations.map((v) => ({
    ...v,
    violatingResources: v.violatingResources.map((r) => ({ ...r, templatePath })),
  }));
}
