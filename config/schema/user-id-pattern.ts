// The user-ID pattern is operators' text that ends up in an SSM parameter's allowedPattern and in
// every handler's event check; whatever it accepts reaches the license server's script as a user
// ID. It is judged by its structure (parsed with regexpp, the parser ESLint uses), not by a list of
// known-bad strings.
import type { AST } from '@eslint-community/regexpp';
import { RegExpParser } from '@eslint-community/regexpp';

/** The only characters a user ID may contain: none is list, shell or SSM syntax. */
const SAFE = /^[A-Za-z0-9._@+-]$/;
export const SAFE_DESCRIPTION = 'letters, digits and ._@+-';

type Leaf = AST.Character | AST.CharacterClass | AST.CharacterSet | AST.ExpressionCharacterClass;

interface Item {
  readonly raw: string;
  readonly leaves: readonly Leaf[];
  readonly min: number;
  readonly max: number;
  /** The optional groups and alternations around it (numbered): it matches only when they all are taken. */
  readonly optionals: readonly number[];
}

class Refused extends Error {}

let nextGroup = 0;

function isLeaf(node: AST.Node): node is Leaf {
  return ['Character', 'CharacterClass', 'CharacterSet', 'ExpressionCharacterClass'].includes(node.type);
}

function containsQuantifier(node: AST.Node): boolean {
  if (node.type === 'Quantifier') return true;
  if (node.type === 'Group' || node.type === 'CapturingGroup') {
    return node.alternatives.some((a) => a.elements.some(containsQuantifier));
  }
  return false;
}

/** Flattens a sequence into items; refuses what the structural rules forbid. */
function flatten(elements: readonly AST.Element[], optionals: readonly number[], out: Item[]): void {
  for (const el of elements) {
    if (isLeaf(el)) {
      out.push({ raw: el.raw, leaves: [el], min: 1, max: 1, optionals });
    } else if (el.type === 'Quantifier') {
      if (el.max > 1) {
        if (!isLeaf(el.element)) {
          throw new Refused(
            containsQuantifier(el.element)
              ? `it nests quantifiers in ${el.raw} (matching can take exponential time)`
              : `it repeats a group in ${el.raw} (repeat single characters or classes only)`,
          );
        }
        out.push({ raw: el.raw, leaves: [el.element], min: el.min, max: el.max, optionals });
      } else {
        flatten([el.element], el.min === 0 ? [...optionals, nextGroup++] : optionals, out);
      }
    } else if (el.type === 'Group' || el.type === 'CapturingGroup') {
      if (el.type === 'Group' && el.modifiers) throw new Refused(`it uses the modifier group ${el.raw}`);
      if (el.alternatives.length === 1) {
        flatten(el.alternatives[0].elements, optionals, out);
      } else {
        const inner: Item[] = [];
        for (const alt of el.alternatives) flatten(alt.elements, [...optionals, nextGroup++], inner);
        const repeated = inner.find((i) => i.max > 1);
        if (repeated) throw new Refused(`it repeats ${repeated.raw} inside the alternation ${el.raw}`);
        out.push({ raw: el.raw, leaves: inner.flatMap((i) => i.leaves), min: 0, max: 1, optionals });
      }
    } else if (el.type === 'Backreference') {
      throw new Refused(`it uses the back-reference ${el.raw}`);
    } else {
      throw new Refused(`it uses the assertion ${el.raw} (only the outer ^ and $ are allowed)`);
    }
  }
}

function compileLeaf(leaf: Leaf): RegExp {
  // A leaf consumes exactly one character and means the same on its own: the pattern has no
  // flags, no back-references and no modifier groups.
  return new RegExp(`^(?:${leaf.raw})$`);
}

function describeChar(code: number): string {
  const hex = `U+${code.toString(16).toUpperCase().padStart(4, '0')}`;
  return code > 0x20 && code < 0x7f ? `${JSON.stringify(String.fromCharCode(code))} (${hex})` : hex;
}

/**
 * Why a user-ID pattern is unsafe, or undefined when it is safe. A safe pattern is `^...$` with no
 * alternation at the top level, no lookaround, word boundary or back-reference, repeats only
 * single characters or classes, has no two repetitions that can take turns over the same text
 * (`\w+\w+`), matches no empty ID, and matches no character outside {@link SAFE_DESCRIPTION}.
 *
 * The last rule is checked by compiling each single-character part of the pattern and testing it
 * against every UTF-16 code unit. That is sound for the structure the other rules leave: every
 * character of a match is consumed by one of those parts, so a character no part accepts cannot
 * appear in any user ID the pattern matches.
 */
export function userIdPatternProblem(pattern: string): string | undefined {
  let ast: AST.Pattern;
  try {
    new RegExp(pattern);
    ast = new RegExpParser({ ecmaVersion: 2025 }).parsePattern(pattern, 0, pattern.length, { unicode: false });
  } catch (e) {
    return `it is not a valid regular expression (${(e as Error).message.split('\n')[0]})`;
  }
  if (ast.alternatives.length !== 1) return 'it has alternation (|) at the top level (group the alternatives)';
  const elements = ast.alternatives[0].elements;
  const first = elements[0];
  const last = elements[elements.length - 1];
  if (elements.length < 3 || first.type !== 'Assertion' || first.kind !== 'start') {
    return 'it is not anchored (it must start with ^ and end with $)';
  }
  if (last.type !== 'Assertion' || last.kind !== 'end')
    return 'it is not anchored (it must start with ^ and end with $)';

  const items: Item[] = [];
  try {
    flatten(elements.slice(1, -1), [], items);
  } catch (e) {
    if (e instanceof Refused) return e.message;
    throw e;
  }

  const leaves = items.flatMap((i) => i.leaves);
  const sets = new Map<Leaf, Set<number>>();
  for (const leaf of leaves) {
    const re = compileLeaf(leaf);
    const set = new Set<number>();
    for (let code = 0; code <= 0xffff; code++) {
      const c = String.fromCharCode(code);
      if (!re.test(c)) continue;
      if (!SAFE.test(c)) return `it accepts ${describeChar(code)} through ${leaf.raw} (only ${SAFE_DESCRIPTION})`;
      set.add(code);
    }
    sets.set(leaf, set);
  }
  if (new RegExp(pattern).test('')) return 'it accepts an empty user ID';

  const union = (item: Item) => new Set(item.leaves.flatMap((l) => [...(sets.get(l) ?? [])]));
  const overlaps = (a: Set<number>, b: Set<number>) => [...a].some((c) => b.has(c));
  for (let i = 0; i < items.length; i++) {
    const a = items[i];
    if (a.max <= 1) continue;
    const setA = union(a);
    for (let j = i + 1; j < items.length; j++) {
      const b = items[j];
      if (b.max <= 1 || !overlaps(setA, union(b))) continue;
      // A character the first repetition cannot take, matched whenever the second one is, ends the
      // first at a known place.
      const separated = items
        .slice(i + 1, j)
        .some(
          (s) =>
            s.min >= 1 &&
            s.leaves.length === 1 &&
            s.optionals.every((g) => b.optionals.includes(g)) &&
            !overlaps(union(s), setA),
        );
      if (!separated) {
        return `its repetitions ${a.raw} and ${b.raw} can match the same text (matching can take polynomial time)`;
      }
    }
  }
  return undefined;
}
