import { readFileSync, statSync } from 'node:fs';
import { LineCounter, parseDocument, visit, type Document, type YAMLError } from 'yaml';
import type * as z from 'zod';
import { deploymentConfig, type DeploymentConfig, PLACEHOLDER_ACCOUNTS } from './schema';
import { renamedFieldProblem } from './schema/renamed-fields';

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

  /** One line per problem, each naming the file: what `cdk synth` prints. */
  lines(): string[] {
    return this.problems.map((p) => `${this.source}: ${p}`);
  }
}

/** A config is a few kilobytes; anything this large is not one (and would only slow the parser down). */
export const MAX_CONFIG_BYTES = 256 * 1024;
/** Flow collections (`[`, `{`) nested deeper than this are refused before parsing: the parser recurses per level. */
export const MAX_FLOW_DEPTH = 64;
/**
 * Alias expansions allowed while building the config (the yaml package's `maxAliasCount`): enough
 * for any real reuse of an anchor, far below what an alias bomb ("billion laughs") needs.
 */
export const MAX_ALIAS_COUNT = 100;

/** Reads, parses and validates a config file. Throws {@link ConfigError} naming every bad field. */
export function loadConfig(path: string): DeploymentConfig {
  let bytes: Buffer;
  try {
    const size = statSync(path).size;
    if (size > MAX_CONFIG_BYTES) {
      throw new ConfigError(path, [
        `expected a config file of at most ${MAX_CONFIG_BYTES / 1024} KiB, got ${Math.ceil(size / 1024)} KiB`,
      ]);
    }
    bytes = readFileSync(path);
  } catch (e) {
    if (e instanceof ConfigError) throw e;
    throw new ConfigError(path, [`cannot read the file: ${(e as Error).message}`]);
  }
  return parseConfig(decodeUtf8(bytes, path), path);
}

/** The file's text; refuses anything that is not UTF-8 text (binary files, UTF-16, Latin-1). */
function decodeUtf8(bytes: Buffer, source: string): string {
  const problem = (what: string) => new ConfigError(source, [`expected UTF-8 YAML text, got ${what}`]);
  if ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff))
    throw problem('UTF-16 text');
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw problem('bytes that are not UTF-8 (a binary file, or another encoding)');
  }
  const nul = text.indexOf('\0');
  if (nul >= 0) throw problem(`a NUL byte on line ${lineOf(text, nul)} (a binary file)`);
  return text;
}

function lineOf(text: string, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

/** Parses and validates config text (YAML, of which JSON is a subset). */
export function parseConfig(text: string, source = '<inline>'): DeploymentConfig {
  const tooDeep = flowTooDeep(text);
  if (tooDeep !== undefined) {
    throw new ConfigError(source, [
      `line ${tooDeep}: expected at most ${MAX_FLOW_DEPTH} nested [ ] or { } collections, got more`,
    ]);
  }
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { prettyErrors: false, uniqueKeys: true, lineCounter });
  // Warnings (an unknown tag such as `!!js/function`, left as a plain string) are problems too.
  const yamlErrors = [...doc.errors, ...doc.warnings];
  if (yamlErrors.length > 0) {
    // One broken line can yield hundreds of identical errors: show each once, and the first few.
    const problems = [...new Set(yamlErrors.map((e) => yamlProblem(e, lineCounter)))];
    throw new ConfigError(
      source,
      problems.length > 10 ? [...problems.slice(0, 10), `... and ${problems.length - 10} more YAML errors`] : problems,
    );
  }
  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (e) {
    // The yaml package reports alias problems as a ReferenceError without a position.
    throw new ConfigError(source, [aliasProblem(doc, lineCounter, e as Error)]);
  }
  return validateConfig(data, source);
}

function yamlProblem(e: YAMLError, lines: LineCounter): string {
  const { line, col } = e.linePos?.[0] ?? lines.linePos(e.pos[0]);
  return `line ${line}, column ${col}: YAML syntax: ${e.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '')}`;
}

function aliasProblem(doc: Document, lines: LineCounter, error: Error): string {
  const aliases: { source: string; offset: number; resolves: boolean; multiplies: boolean }[] = [];
  visit(doc, {
    Alias: (_key, node) => {
      const target = node.resolve(doc);
      let multiplies = false;
      if (target) visit(target as never, { Alias: () => ((multiplies = true), visit.BREAK) });
      aliases.push({ source: node.source, offset: node.range?.[0] ?? 0, resolves: target !== undefined, multiplies });
    },
  });
  const at = (offset: number) => `line ${lines.linePos(offset).line}`;
  const unresolved = aliases.find((a) => !a.resolves);
  if (unresolved) {
    return `${at(unresolved.offset)}: alias *${unresolved.source} refers to no anchor &${unresolved.source} before it`;
  }
  if (/excessive alias/i.test(error.message)) {
    const first = aliases.find((a) => a.multiplies) ?? aliases[0];
    return `${first ? `${at(first.offset)}: ` : ''}YAML aliases expand to more than ${MAX_ALIAS_COUNT} copies (aliases of aliases multiply; write the values out instead)`;
  }
  return `YAML aliases: ${error.message}`;
}

/** The line on which `[`/`{` nesting first exceeds {@link MAX_FLOW_DEPTH}, scanning as YAML does (quotes and comments skipped). */
function flowTooDeep(text: string): number | undefined {
  let depth = 0;
  let line = 1;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '\n') line++;
    else if (c === '#' && (i === 0 || /\s/.test(text[i - 1]))) {
      while (i + 1 < text.length && text[i + 1] !== '\n') i++;
    } else if ((c === '"' || c === "'") && valueStart(text, i, depth > 0)) {
      // A quoted scalar ends at the next unescaped quote of its kind ('' is an escaped ').
      for (i++; i < text.length; i++) {
        if (text[i] === '\n') line++;
        else if (c === '"' && text[i] === '\\') i++;
        else if (text[i] === c && !(c === "'" && text[i + 1] === "'")) break;
        else if (text[i] === c) i++;
      }
    } else if ((c === '[' || c === '{') && valueStart(text, i, depth > 0)) {
      if (++depth > MAX_FLOW_DEPTH) return line;
    } else if ((c === ']' || c === '}') && depth > 0) depth--;
  }
  return undefined;
}

/**
 * Whether a value may start at `i` (so a quote or bracket there opens a scalar or collection,
 * unlike the `[` in `^[a-z]+$` or the quote in `it's`): at the start of a line, after `: `, `- `,
 * `? `, and in flow context also after `[`, `{` or `,`.
 */
function valueStart(text: string, i: number, inFlow: boolean): boolean {
  // Look back over blanks only, so a long line costs no more than its length.
  let j = i - 1;
  while (j >= 0 && (text[j] === ' ' || text[j] === '\t')) j--;
  if (j < 0 || text[j] === '\n' || text[j] === '\r' || text[j] === ':') return true;
  if (text[j] === '?' || text[j] === '-') return j === 0 || /\s/.test(text[j - 1]);
  return inFlow && (text[j] === '[' || text[j] === '{' || text[j] === ',');
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
      return issue.keys.map((k) => {
        const keyPath = fieldPath([...issue.path, k]);
        const value =
          issue.input && typeof issue.input === 'object' ? (issue.input as Record<string, unknown>)[k] : undefined;
        return (
          renamedFieldProblem(keyPath, value) ??
          `${keyPath}: unknown field (not part of the config schema: check its spelling or remove it)`
        );
      });
    case 'invalid_type':
      return [
        `${path}: expected ${issue.expected}${issue.input === undefined ? ', got nothing (the field is required)' : got}`,
      ];
    case 'invalid_value':
      return [`${path}: expected one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}${got}`];
    case 'too_small':
      return [`${path}: expected ${bound('at least', issue.origin, issue.minimum)}${got}`];
    case 'too_big':
      return [`${path}: expected ${bound('at most', issue.origin, issue.maximum)}${got}`];
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

function bound(which: string, origin: string, limit: number | bigint): string {
  if (origin === 'array') return `${which} ${String(limit)} entries`;
  if (origin === 'string') return `${which} ${String(limit)} characters`;
  return `a value of ${which} ${String(limit)}`;
}

function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return `an array of ${value.length}`;
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'number' && !Number.isFinite(value)) return String(value);
  // Invisible characters (right-to-left marks, zero-width spaces, controls) are shown escaped.
  const text = JSON.stringify(value).replace(
    /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/gu,
    (c) => `\\u${c.codePointAt(0)!.toString(16).padStart(4, '0')}`,
  );
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}
