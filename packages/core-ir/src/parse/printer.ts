/**
 * Prints a formula in KeOps string syntax with inline variables (`Var(pos,dim,cat)`), such that
 * `parseFormula(printFormula(f))` is `f` again for every formula built by the constructors of
 * `build.ts`: each node prints as the call (or operator) whose constructor rebuilds it, floats
 * print with round-trip precision, and parentheses appear exactly where the grammar of
 * `syntax.ts` would otherwise group differently.
 */
import { ValueError } from '../errors.js';
import { decodeTensorDot } from '../formula/build.js';
import { type Formula, topoOrder } from '../formula/formula.js';
import { Op } from '../ops/types.js';
import { INF_KEYWORD, NAN_KEYWORD, Prec } from './syntax.js';

/** A printed subformula and how tightly its text binds. */
interface Printed {
  readonly text: string;
  readonly prec: Prec;
  /** A bare number: a '-' printed before it would be read as its sign, not as Minus. */
  readonly numeric: boolean;
}

/**
 * Longest text the printer builds. The string syntax has no way to share a subexpression, so a
 * DAG with much sharing prints exponentially long; past this bound we fail with a typed error
 * before the JavaScript engine fails on its maximal string length.
 */
const MAX_PRINT_LENGTH = 1 << 27;

const BINARY: Partial<Record<string, { prec: Prec; symbol: string }>> = {
  [Op.Scalprod]: { prec: Prec.Scalprod, symbol: ' | ' },
  [Op.Add]: { prec: Prec.Additive, symbol: ' + ' },
  [Op.Subtract]: { prec: Prec.Additive, symbol: ' - ' },
  [Op.Mult]: { prec: Prec.Multiplicative, symbol: ' * ' },
  [Op.Divide]: { prec: Prec.Multiplicative, symbol: ' / ' },
};

/** The formula as a KeOps formula string (see the module comment for the round-trip guarantee). */
export function printFormula(f: Formula): string {
  // Bottom-up over the DAG instead of recursion: formulas from autodiff or long loops can be
  // thousands of levels deep, and each shared node is printed once (its text is then reused).
  const printed = new Map<number, Printed>();
  for (const node of topoOrder([f])) {
    const kids = node.children.map((c) => printed.get(c.id)!);
    const length = kids.reduce((total, k) => total + k.text.length, 0);
    if (length > MAX_PRINT_LENGTH)
      throw new ValueError(
        `formula too large to print (over ${MAX_PRINT_LENGTH} characters): the string syntax repeats every shared subexpression`,
      );
    printed.set(node.id, printNode(node, kids));
  }
  return printed.get(f.id)!.text;
}

function atom(text: string): Printed {
  return { text, prec: Prec.Atom, numeric: false };
}

function numeric(text: string): Printed {
  return { text, prec: text.startsWith('-') ? Prec.Unary : Prec.Atom, numeric: true };
}

function wrap(p: Printed, needed: boolean): string {
  return needed ? `(${p.text})` : p.text;
}

function printNode(node: Formula, kids: readonly Printed[]): Printed {
  const attrs = node.attrs;
  switch (node.op) {
    case Op.Var:
      return atom(`Var(${attrs[0]},${attrs[1]},${attrs[2]})`);
    case Op.Zero:
      return attrs[0] === 1 ? numeric('0') : atom(`Zero(${attrs[0]})`);
    case Op.IntCst:
      return numeric(String(attrs[0]));
    case Op.RatCst:
      return atom(`RatCst(${attrs[0]},${attrs[1]})`);
    case Op.FloatCst:
      return numeric(floatText(attrs[0]!));
    case Op.Minus: {
      const x = kids[0]!;
      // '-(3)' and not '-3', which would parse as the constant -3 rather than Minus(3).
      return { text: `-${wrap(x, x.prec <= Prec.Unary || x.numeric)}`, prec: Prec.Unary, numeric: false };
    }
    case Op.TensorDot: {
      const { dimsf, dimsg, contf, contg, permute } = decodeTensorDot(attrs);
      const identity = permute.every((p, k) => p === k);
      const tuples = [dimsf, dimsg, contf, contg, ...(identity ? [] : [permute])].map(tupleText);
      return atom(`TensorDot(${[kids[0]!.text, kids[1]!.text, ...tuples].join(', ')})`);
    }
  }
  const binary = BINARY[node.op];
  if (binary) {
    const [l, r] = kids as [Printed, Printed];
    // Left associative: a right operand of equal precedence needs parentheses. A signed right
    // operand gets them too, for the reader's sake: 'a - (-b)' rather than 'a - -b'.
    const left = wrap(l, l.prec < binary.prec);
    const right = wrap(r, r.prec <= binary.prec || r.prec === Prec.Unary);
    return { text: `${left}${binary.symbol}${right}`, prec: binary.prec, numeric: false };
  }
  return atom(`${node.op}(${[...kids.map((k) => k.text), ...attrs.map(String)].join(', ')})`);
}

/**
 * Shortest text that parses back to exactly `v` as a float literal: always with '.' or 'e' (an
 * integer-looking literal would parse as an exact integer), and keywords for the non-finite values.
 */
export function floatText(v: number): string {
  if (Number.isNaN(v)) return NAN_KEYWORD;
  if (v === Number.POSITIVE_INFINITY) return INF_KEYWORD;
  if (v === Number.NEGATIVE_INFINITY) return `-${INF_KEYWORD}`;
  if (Object.is(v, -0)) return '-0.0';
  const text = String(v);
  return /[.e]/.test(text) ? text : `${text}.0`;
}

function tupleText(xs: readonly number[]): string {
  return xs.length === 1 ? `(${xs[0]},)` : `(${xs.join(', ')})`;
}
