// CloudFormation's creation order, read from a template: a resource is created after every
// resource it names in DependsOn and every resource its properties reach through Ref,
// Fn::GetAtt or Fn::Sub
// (https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-attribute-dependson.html).
// Anything else may be created in parallel.

export interface TemplateResource {
  readonly Type: string;
  readonly Properties?: Record<string, unknown>;
  readonly DependsOn?: string | string[];
}

/** The logical IDs `value` refers to through Ref, Fn::GetAtt or Fn::Sub. */
export function referencedIds(value: unknown, into: Set<string> = new Set()): Set<string> {
  if (Array.isArray(value)) {
    for (const v of value) referencedIds(v, into);
  } else if (value && typeof value === 'object') {
    for (const [key, v] of Object.entries(value)) {
      if (key === 'Ref' && typeof v === 'string') into.add(v);
      else if (key === 'Fn::GetAtt') {
        const target = Array.isArray(v) ? v[0] : typeof v === 'string' ? v.split('.')[0] : undefined;
        if (typeof target === 'string') into.add(target);
      } else if (key === 'Fn::Sub') {
        const text = Array.isArray(v) ? v[0] : v;
        if (typeof text === 'string') {
          for (const m of text.matchAll(/\$\{([^}!.]+)[^}]*\}/g)) into.add(m[1]!);
        }
        if (Array.isArray(v)) referencedIds(v[1], into);
      } else referencedIds(v, into);
    }
  }
  return into;
}

/** For each resource, the resources CloudFormation creates before it (direct edges only). */
export function creationDependencies(resources: Record<string, TemplateResource>): Map<string, Set<string>> {
  const edges = new Map<string, Set<string>>();
  for (const [id, r] of Object.entries(resources)) {
    const before = referencedIds(r.Properties ?? {});
    for (const d of [r.DependsOn ?? []].flat()) before.add(d);
    edges.set(id, new Set([...before].filter((d) => d in resources && d !== id)));
  }
  return edges;
}

/** Whether CloudFormation necessarily creates `first` before `second` (transitively). */
export function createdBefore(edges: Map<string, Set<string>>, first: string, second: string): boolean {
  const seen = new Set<string>();
  const stack = [...(edges.get(second) ?? [])];
  while (stack.length > 0) {
    const id = stack.pop()!;
    if (id === first) return true;
    if (seen.has(id)) continue;
    seen.add(id);
    stack.push(...(edges.get(id) ?? []));
  }
  return false;
}

/**
 * Groups of resources that share a parent, where AWS documents that concurrent creation on one
 * parent can fail: pairs inside a group that CloudFormation may create in parallel.
 */
export function unorderedPairs(
  resources: Record<string, TemplateResource>,
  types: readonly string[],
  parentOf: (r: TemplateResource) => unknown,
): { parent: string; pair: [string, string] }[] {
  const edges = creationDependencies(resources);
  const groups = new Map<string, string[]>();
  for (const [id, r] of Object.entries(resources)) {
    if (!types.includes(r.Type)) continue;
    const parent = parentOf(r);
    if (parent === undefined) continue;
    const key = JSON.stringify(parent);
    groups.set(key, [...(groups.get(key) ?? []), id]);
  }
  const found: { parent: string; pair: [string, string] }[] = [];
  for (const [parent, ids] of groups) {
    for (let i = 0; i < ids.length; i++) {
      for (let j = i + 1; j < ids.length; j++) {
        const [a, b] = [ids[i]!, ids[j]!];
        if (!createdBefore(edges, a, b) && !createdBefore(edges, b, a)) found.push({ parent, pair: [a, b] });
      }
    }
  }
  return found;
}
