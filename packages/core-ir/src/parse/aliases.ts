/**
 * Aliases of formula strings: names bound to variables, KeOps style (`x = Vi(3)`, `p = Pm(0,1)`,
 * `y = Var(1,3,1)`). A spec without a position takes its rank in the alias list, the KeOps rule,
 * so `['x = Vi(3)', 'y = Vj(3)']` makes x argument 0 and y argument 1.
 */
import { ParseError } from '../errors.js';
import type { Category } from '../formula/formula.js';
import { functionSpec } from './functions.js';
import { columnOf, describeToken, type Token, tokenize } from './lexer.js';
import { INF_KEYWORD, NAN_KEYWORD } from './syntax.js';

/** A variable given by its category, vector dim and (optionally) argument position. */
export interface AliasSpec {
  cat: Category;
  dim: number;
  pos?: number;
}

/** An alias with its argument position settled. */
export interface ResolvedAlias {
  readonly cat: Category;
  readonly dim: number;
  readonly pos: number;
}

/** A resolved alias plus what the parser needs to report a conflict with it. */
export interface AliasEntry extends ResolvedAlias {
  readonly name: string;
  /** The alias as KeOps would write it, for error messages. */
  readonly text: string;
}

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;
// A Map, so that inherited names ('constructor', 'toString') are not mistaken for alias types.
const CATEGORY_OF_TYPE = new Map<string, Category>([
  ['Vi', 'i'],
  ['Vj', 'j'],
  ['Pm', 'p'],
]);
const CATEGORY_CODES: readonly Category[] = ['i', 'j', 'p'];
const TYPE_OF_CATEGORY: Readonly<Record<Category, string>> = { i: 'Vi', j: 'Vj', p: 'Pm' };

/** `Vi(0,3)`: how a variable reads in messages. */
export function variableText(a: ResolvedAlias): string {
  return `${TYPE_OF_CATEGORY[a.cat]}(${a.pos},${a.dim})`;
}

/** `x = Vi(0,3)`: how an alias reads in messages. */
export function aliasText(name: string, a: ResolvedAlias): string {
  return `${name} = ${variableText(a)}`;
}

/**
 * Parses KeOps alias declarations: a list of `'name = Vi(dim)'` strings (also `Vi(pos,dim)`, `Vj`,
 * `Pm`, `Var(pos,dim,cat)`), or a record from names to such specs. Returns each name's category,
 * dim and position; throws ParseError pointing into the offending declaration.
 */
export function parseAliases(
  list: readonly string[] | Readonly<Record<string, string>>,
): Record<string, ResolvedAlias> {
  // fromEntries defines own properties, so even an alias named __proto__ is stored as data.
  return Object.fromEntries(
    [...resolveAliases(list).values()].map(({ name, cat, dim, pos }) => [name, { cat, dim, pos }]),
  );
}

/**
 * Resolves the aliases given to `parseFormula` or `parseAliases` into a Map (never an object
 * lookup, which would find inherited names such as 'constructor'). Positions follow the listing
 * order; two aliases on one position must agree on category and dim.
 */
export function resolveAliases(
  aliases: readonly string[] | Readonly<Record<string, AliasSpec | string>> | undefined,
): Map<string, AliasEntry> {
  const out = new Map<string, AliasEntry>();
  if (aliases === undefined) return out;
  if (aliases === null || typeof aliases !== 'object')
    throw new ParseError(`aliases must be a list or a record, got ${typeof aliases}`, String(aliases), 1);
  const byPos = new Map<number, AliasEntry>();
  const entries: [string | undefined, unknown][] = Array.isArray(aliases)
    ? aliases.map((line) => [undefined, line])
    : Object.entries(aliases);
  entries.forEach(([name, value], rank) => {
    const { entry, line, specIndex } = resolveOne(name, value, rank);
    if (out.has(entry.name)) throw new ParseError(`alias '${entry.name}' is declared twice`, line, 1);
    const clash = byPos.get(entry.pos);
    if (clash && (clash.cat !== entry.cat || clash.dim !== entry.dim))
      throw new ParseError(
        `'${entry.text}' takes position ${entry.pos}, already declared as '${clash.text}'`,
        line,
        columnOf(line, specIndex),
      );
    if (!clash) byPos.set(entry.pos, entry);
    out.set(entry.name, entry);
  });
  return out;
}

function resolveOne(
  name: string | undefined,
  value: unknown,
  rank: number,
): { entry: AliasEntry; line: string; specIndex: number } {
  if (name === undefined) {
    // List form: the whole declaration 'name = spec' is one string.
    if (typeof value !== 'string')
      throw new ParseError(
        `alias declaration ${rank + 1} must be a string like 'x = Vi(3)'`,
        String(value),
        1,
      );
    return parseDeclaration(value, rank);
  }
  checkName(name, name, 0);
  if (typeof value === 'string') return parseDeclaration(`${name} = ${value}`, rank);
  return { ...fromObject(name, value, rank), specIndex: 0 };
}

function checkName(name: string, line: string, index: number): void {
  const fail = (reason: string) => {
    throw new ParseError(reason, line, columnOf(line, index));
  };
  if (!IDENTIFIER.test(name)) fail(`alias name '${name}' is not an identifier`);
  if (name === NAN_KEYWORD || name === INF_KEYWORD || CATEGORY_OF_TYPE.has(name) || functionSpec(name))
    fail(`alias name '${name}' is reserved (a function or keyword of the formula syntax)`);
}

function fromObject(name: string, value: unknown, rank: number): { entry: AliasEntry; line: string } {
  const fail = (reason: string): never => {
    throw new ParseError(`alias '${name}': ${reason}`, name, 1);
  };
  if (value === null || typeof value !== 'object')
    return fail(`expected 'Vi(3)' or { cat, dim, pos? }, got ${typeof value}`);
  const { cat, dim, pos } = value as Partial<AliasSpec>;
  if (cat !== 'i' && cat !== 'j' && cat !== 'p') fail(`cat must be 'i', 'j' or 'p', got ${String(cat)}`);
  if (!Number.isSafeInteger(dim) || dim! < 1) fail(`dim must be a positive integer, got ${String(dim)}`);
  if (pos !== undefined && (!Number.isSafeInteger(pos) || pos < 0))
    fail(`pos must be a non-negative integer, got ${String(pos)}`);
  const resolved = { cat: cat!, dim: dim!, pos: pos ?? rank };
  return { entry: { name, ...resolved, text: aliasText(name, resolved) }, line: name };
}

/** Parses `name = Vi(dim)`, `name = Vi(pos,dim)` (Vj, Pm alike) or `name = Var(pos,dim,cat)`. */
function parseDeclaration(
  line: string,
  rank: number,
): { entry: AliasEntry; line: string; specIndex: number } {
  const tokens = tokenize(line);
  let k = 0;
  const fail = (reason: string, token: Token): never => {
    throw new ParseError(reason, line, columnOf(line, token.index));
  };
  const expect = (text: string, what: string): Token => {
    const token = tokens[k]!;
    if (token.kind !== 'punct' || token.text !== text)
      fail(`expected ${what}, found ${describeToken(token)}`, token);
    k++;
    return token;
  };
  const nameToken = tokens[k++]!;
  if (nameToken.kind !== 'name') fail(`expected an alias name, found ${describeToken(nameToken)}`, nameToken);
  checkName(nameToken.text, line, nameToken.index);
  expect('=', "'='");
  const typeToken = tokens[k++]!;
  const type = typeToken.text;
  if (typeToken.kind !== 'name' || (type !== 'Var' && !CATEGORY_OF_TYPE.has(type)))
    fail(`expected Vi, Vj, Pm or Var, found ${describeToken(typeToken)}`, typeToken);
  expect('(', `'(' after ${type}`);
  const ints: { value: number; token: Token }[] = [];
  while (true) {
    const first = tokens[k]!;
    let sign = 1;
    if (first.kind === 'punct' && (first.text === '-' || first.text === '+')) {
      sign = first.text === '-' ? -1 : 1;
      k++;
    }
    const token = tokens[k++]!;
    if (token.kind !== 'int' || !Number.isSafeInteger(token.value))
      fail(`${type} takes integer arguments, found ${describeToken(token)}`, token);
    ints.push({ value: sign * token.value, token: first });
    const next = tokens[k]!;
    if (next.kind === 'punct' && next.text === ',') {
      k++;
      continue;
    }
    expect(')', "',' or ')'");
    break;
  }
  if (tokens[k]!.kind !== 'end') fail(`unexpected ${describeToken(tokens[k]!)} after the alias`, tokens[k]!);
  const counts = type === 'Var' ? [3] : [1, 2];
  if (!counts.includes(ints.length))
    fail(
      type === 'Var'
        ? `Var takes 3 arguments (pos, dim, cat), got ${ints.length}`
        : `${type} takes (dim) or (pos, dim), got ${ints.length} arguments`,
      typeToken,
    );
  const explicit = ints.length >= 2;
  const posArg = explicit ? ints[0]! : undefined;
  const dimArg = explicit ? ints[1]! : ints[0]!;
  if (posArg && posArg.value < 0) fail(`the position must be >= 0, got ${posArg.value}`, posArg.token);
  if (dimArg.value < 1) fail(`the dim must be >= 1, got ${dimArg.value}`, dimArg.token);
  let cat: Category;
  if (type === 'Var') {
    const catArg = ints[2]!;
    const code = CATEGORY_CODES[catArg.value];
    if (code === undefined)
      return fail(`the category must be 0 (i), 1 (j) or 2 (p), got ${catArg.value}`, catArg.token);
    cat = code;
  } else {
    cat = CATEGORY_OF_TYPE.get(type)!;
  }
  const resolved = { cat, dim: dimArg.value, pos: posArg ? posArg.value : rank };
  return {
    entry: { name: nameToken.text, ...resolved, text: aliasText(nameToken.text, resolved) },
    line,
    specIndex: typeToken.index,
  };
}
