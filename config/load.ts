import { readFileSync } from 'node:fs';
import { parseDocument } from 'yaml';
import type { z } from 'zod';
import { deploymentConfig, type DeploymentConfig, PLACEHOLDER_ACCOUNTS } from './schema';

/** The example config, used when no `-c config=...` is given. */
export const DEFAULT_CONFIG_PATH = 'config/example.yaml';

/** A config that cannot be used; `problems` holds one line per error, each naming its field path. */
export class ConfigError extends Error {
  constructor(
    readonly source: string,
    readonly problems: readonly string[],
  ) {
    super(`Invalid deployment config ${source}:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Reads, parses and validates a config file. Throws {@link ConfigError} naming every bad field. */
export function loadConfig(path: string): DeploymentConfig {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new ConfigError(path, [`cannot read the file: ${(e as Error).message}`]);
  }
  return parseConfig(text, path);
}

/** Parses and validates config text (YAML, of which JSON is a subset). */
export function parseConfig(text: string, source = '<inline>'): DeploymentConfig {
  const doc = parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  if (doc.errors.length > 0) {
    throw new ConfigError(
      source,
      doc.errors.map((e) => `YAML syntax: ${e.message.split('\n')[0]}`),
    );
  }
  return validateConfig(doc.toJS(), source);
}

/** Validates an already-parsed config object. */
export function validateConfig(data: unknown, source = '<inline>'): DeploymentConfig {
  const result = deploymentConfig.safeParse(data ?? {}, { reportInput: true });
  if (!result.success) {
    throw new ConfigError(source, result.error.issues.flatMap(formatIssue));
  }
  return result.data;
}

/** Account IDs in the config that are documentation placeholders (deploying them cannot work). */
export function placeholderAccounts(config: unknown): string[] {
  const found = new Set<string>();
  const walk = (v: unknown): void => {
    if (typeof v === 'string' && PLACEHOLDER_ACCOUNTS.includes(v)) found.add(v);
    else if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object') Object.entries(v).forEach(([k, x]) => (walk(k), walk(x)));
  };
  walk(config);
  return [...found].sort();
}

/** `a.b[2].c`; the root is shown as `(root)`. */
export function fieldPath(path: readonly PropertyKey[]): string {
  if (path.length === 0) return '(root)';
  return path.map((k, i) => (typeof k === 'number' ? `[${k}]` : `${i === 0 ? '' : '.'}${String(k)}`)).join('');
}

function formatIssue(issue: z.core.$ZodIssue): string[] {
  const path = fieldPath(issue.path);
  const got = 'input' in issue ? `, got ${describe(issue.input)}` : '';
  switch (issue.code) {
    case 'unrecognized_keys':
      return issue.keys.map(
        (k) =>
          `${fieldPath([...issue.path, k])}: unknown field (not part of the config schema: check its spelling or remove it)`,
      );
    case 'invalid_type':
      return [
        `${path}: expected ${issue.expected}${issue.input === undefined ? ', got nothing (the field is required)' : got}`,
      ];
    case 'invalid_value':
      return [`${path}: expected one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}${got}`];
    case 'too_small':
      return [
        `${path}: expected ${issue.origin === 'array' ? 'at least' : 'a value of at least'} ${String(issue.minimum)}${issue.origin === 'array' ? ' entries' : ''}${got}`,
      ];
    case 'too_big':
      return [
        `${path}: expected ${issue.origin === 'array' ? 'at most' : 'a value of at most'} ${String(issue.maximum)}${issue.origin === 'array' ? ' entries' : ''}${got}`,
      ];
    case 'invalid_key':
      // A record key failed its own schema: report the key's problem at the key's path.
      return issue.issues.flatMap((inner) =>
        formatIssue({ ...inner, path: [...issue.path, ...inner.path], input: issue.input } as z.core.$ZodIssue),
      );
    case 'invalid_union': {
      // Report the alternative that came closest (fewest problems), with full paths.
      const closest = [...issue.errors].sort((a, b) => a.length - b.length)[0] ?? [];
      if (closest.length === 0) return [`${path}: expected ${issue.message}${got}`];
      return closest.flatMap((inner) => formatIssue({ ...inner, path: [...issue.path, ...inner.path] }));
    }
    default: {
      // An unknown key is named by its path, as for unrecognized keys: there is no value to show.
      if (issue.code === 'custom' && issue.message.startsWith('unknown ')) return [`${path}: ${issue.message}`];
      const message = issue.message.startsWith('expected') ? issue.message : `expected ${issue.message}`;
      return [`${path}: ${message}${got}`];
    }
  }
}

function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return `an array of ${value.length}`;
  if (typeof value === 'object') return 'an object';
  const text = JSON.stringify(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}
