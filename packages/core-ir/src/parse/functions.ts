/**
 * The functions a formula string may call: every user-facing op of the `Op` enum under its KeOps
 * name, plus KeOps' helper names (`Mod`, `Normalize`, `WeightedSqDist`, `IntInv`). Each maps to
 * the simplifying constructor of `build.ts`, so a parsed formula is the node the constructors
 * would build, and printing then parsing a constructor-built formula gives the same node back.
 */
import { ShapeError } from '../errors.js';
import * as B from '../formula/build.js';
import type { Formula } from '../formula/formula.js';
import { opDef } from '../ops/table.js';
import { OP_ATTR_COUNT, Op } from '../ops/types.js';

/** What an argument position holds: a formula, a static integer, or a tuple of integers. */
export type ParamKind = 'formula' | 'int' | 'tuple';

export interface Param {
  /** Name shown in error messages and signatures. */
  readonly name: string;
  readonly kind: ParamKind;
  /** Optional parameters come last and may be omitted. */
  readonly optional?: boolean;
  /** For an integer: why `value` is invalid, or undefined when it is valid. */
  readonly check?: (value: number) => string | undefined;
}

/** A parsed argument, matching its parameter's kind. */
export type ArgValue = Formula | number | readonly number[];

export interface FunctionSpec {
  readonly name: string;
  readonly params: readonly Param[];
  /** Builds the node; may throw the constructors' ShapeError / ValueError. */
  build(args: readonly ArgValue[]): Formula;
}

const F = (name: string, optional = false): Param => ({ name, kind: 'formula', optional });
const N = (name: string, check?: (value: number) => string | undefined): Param => ({
  name,
  kind: 'int',
  check,
});
const T = (name: string, optional = false): Param => ({ name, kind: 'tuple', optional });

const atLeast = (min: number) => (value: number) => (value >= min ? undefined : `must be at least ${min}`);
const nonZero = (value: number) => (value !== 0 ? undefined : 'must not be 0');

// The parser checks each argument's kind against `params` before `build` runs, so these casts
// only restate what was checked.
const f = (args: readonly ArgValue[], k: number) => args[k] as Formula;
const n = (args: readonly ArgValue[], k: number) => args[k] as number;
const t = (args: readonly ArgValue[], k: number) => args[k] as readonly number[];

function spec(
  name: string,
  params: readonly Param[],
  build: (args: readonly ArgValue[]) => Formula,
): FunctionSpec {
  return { name, params, build };
}

const unary = (name: string, fn: (a: Formula) => Formula) => spec(name, [F('f')], (a) => fn(f(a, 0)));
const binary = (name: string, fn: (a: Formula, b: Formula) => Formula) =>
  spec(name, [F('f'), F('g')], (a) => fn(f(a, 0), f(a, 1)));
const ternary = (
  name: string,
  names: [string, string, string],
  fn: (a: Formula, b: Formula, c: Formula) => Formula,
) =>
  spec(
    name,
    names.map((p) => F(p)),
    (a) => fn(f(a, 0), f(a, 1), f(a, 2)),
  );

const CATEGORIES = ['i', 'j', 'p'] as const;

const SPECS: FunctionSpec[] = [
  // Leaves and exact constants. (The parser builds Var itself, after checking that its position
  // agrees with the other variables; the entry gives the signature and argument checks.)
  spec(
    'Var',
    [
      N('pos', atLeast(0)),
      N('dim', atLeast(1)),
      N('cat', (c) => (c >= 0 && c <= 2 ? undefined : 'must be 0 (i), 1 (j) or 2 (p)')),
    ],
    (a) => B.variable(n(a, 0), n(a, 1), CATEGORIES[n(a, 2)]!),
  ),
  spec('Zero', [N('dim', atLeast(1))], (a) => B.zero(n(a, 0))),
  spec('IntCst', [N('n')], (a) => B.intCst(n(a, 0))),
  spec('RatCst', [N('p'), N('q', nonZero)], (a) => B.ratCst(n(a, 0), n(a, 1))),
  spec('IntInv', [N('n', nonZero)], (a) => B.intInv(n(a, 0))),
  // Elementwise unary.
  unary(Op.Minus, B.minus),
  unary(Op.Inv, B.inv),
  unary(Op.Exp, B.exp),
  unary(Op.Log, B.log),
  unary(Op.XLogX, B.xlogx),
  unary(Op.Sin, B.sin),
  unary(Op.Cos, B.cos),
  unary(Op.SinXDivX, B.sinXDivX),
  unary(Op.Asin, B.asin),
  unary(Op.Acos, B.acos),
  unary(Op.Atan, B.atan),
  unary(Op.Sqrt, B.sqrt),
  unary(Op.Rsqrt, B.rsqrt),
  unary(Op.Square, B.square),
  unary(Op.Abs, B.abs),
  unary(Op.ReLU, B.relu),
  unary(Op.Sign, B.sign),
  unary(Op.Step, B.step),
  unary(Op.Floor, B.floor),
  spec(Op.Pow, [F('f'), N('n')], (a) => B.pow(f(a, 0), n(a, 1))),
  spec(Op.Round, [F('f'), N('d')], (a) => B.round(f(a, 0), n(a, 1))),
  spec(Op.ClampInt, [F('f'), N('a'), N('b')], (a) => B.clampInt(f(a, 0), n(a, 1), n(a, 2))),
  // Elementwise binary and ternary.
  binary(Op.Add, B.add),
  binary(Op.Subtract, B.sub),
  binary(Op.Mult, B.mul),
  binary(Op.Divide, B.div),
  binary(Op.Powf, B.powf),
  binary(Op.Atan2, B.atan2),
  binary(Op.LessThan, B.lessThan),
  binary(Op.LessOrEqual, B.lessOrEqual),
  binary(Op.Equal, B.equal),
  binary(Op.NotEqual, B.notEqual),
  ternary(Op.Clamp, ['f', 'a', 'b'], B.clamp),
  ternary(Op.IfElse, ['f', 'a', 'b'], B.ifElse),
  spec('Mod', [F('x'), F('n'), F('d', true)], (a) =>
    B.mod(f(a, 0), f(a, 1), a.length > 2 ? f(a, 2) : undefined),
  ),
  // Vector -> scalar.
  unary(Op.Sum, B.sum),
  unary(Op.Max, B.max),
  unary(Op.Min, B.min),
  unary(Op.ArgMax, B.argMax),
  unary(Op.ArgMin, B.argMin),
  binary(Op.Scalprod, B.scalprod),
  unary(Op.SqNorm2, B.sqNorm2),
  unary(Op.Norm2, B.norm2),
  binary(Op.SqDist, B.sqDist),
  spec(Op.WeightedSqNorm, [F('s'), F('f')], (a) => B.weightedSqNorm(f(a, 0), f(a, 1))),
  ternary('WeightedSqDist', ['s', 'f', 'g'], B.weightedSqDist),
  unary('Normalize', B.normalize),
  // Vector.
  spec(Op.Elem, [F('f'), N('m')], (a) => B.elem(f(a, 0), n(a, 1))),
  spec(Op.ElemT, [F('f'), N('n'), N('m')], (a) => B.elemT(f(a, 0), n(a, 1), n(a, 2))),
  spec(Op.Extract, [F('f'), N('start'), N('d')], (a) => B.extract(f(a, 0), n(a, 1), n(a, 2))),
  spec(Op.ExtractT, [F('f'), N('start'), N('D')], (a) => B.extractT(f(a, 0), n(a, 1), n(a, 2))),
  binary(Op.Concat, B.concat),
  spec(Op.OneHot, [F('f'), N('D')], (a) => B.oneHot(f(a, 0), n(a, 1))),
  spec(Op.SumT, [F('f'), N('d')], (a) => B.sumT(f(a, 0), n(a, 1))),
  // Tensor algebra.
  spec(Op.MatVecMult, [F('A'), F('b')], (a) => B.matVecMult(f(a, 0), f(a, 1))),
  spec(Op.VecMatMult, [F('b'), F('A')], (a) => B.vecMatMult(f(a, 0), f(a, 1))),
  binary(Op.TensorProd, B.tensorProd),
  spec(
    Op.TensorDot,
    [F('f'), F('g'), T('dimsf'), T('dimsg'), T('contf'), T('contg'), T('permute', true)],
    (a) => {
      // Checked here because tensorDot's attribute encoding stores one length for both lists.
      if (t(a, 4).length !== t(a, 5).length)
        throw new ShapeError(
          `contf and contg must have the same length, got ${t(a, 4).length} and ${t(a, 5).length}`,
        );
      return B.tensorDot(
        f(a, 0),
        f(a, 1),
        t(a, 2),
        t(a, 3),
        t(a, 4),
        t(a, 5),
        a.length > 6 ? t(a, 6) : undefined,
      );
    },
  ),
];

/** Ops that are internal leaves: a float constant is written as a number, never as a call. */
const NOT_CALLABLE = new Set<string>([Op.FloatCst]);

/**
 * An op of the enum without an explicit entry above (one added later) is still callable: it is
 * built raw with `apply`, its formula arity taken from the op table and its integer attributes
 * from OP_ATTR_COUNT. It then round-trips through the printer, only without simplification.
 */
function genericSpec(op: Op): FunctionSpec {
  const arity = opDef(op).arity;
  const attrs = OP_ATTR_COUNT[op] ?? 0;
  const params = [
    ...Array.from({ length: arity }, (_, k) => F(`f${k + 1}`)),
    ...Array.from({ length: attrs }, (_, k) => N(`n${k + 1}`)),
  ];
  return spec(op, params, (a) => B.apply(op, a.slice(0, arity) as Formula[], a.slice(arity) as number[]));
}

let table: Map<string, FunctionSpec> | undefined;

function functionTable(): Map<string, FunctionSpec> {
  if (table) return table;
  // A Map, not an object: a name such as 'constructor' must not find Object.prototype members.
  const out = new Map(SPECS.map((s) => [s.name, s]));
  for (const op of Object.values(Op)) if (!out.has(op) && !NOT_CALLABLE.has(op)) out.set(op, genericSpec(op));
  table = out;
  return out;
}

/** The function called `name` (case-sensitive), or undefined. */
export function functionSpec(name: string): FunctionSpec | undefined {
  return functionTable().get(name);
}

/** Every callable name. */
export function functionNames(): string[] {
  return [...functionTable().keys()];
}

/** Why `name` cannot be called although it is an op name, or undefined. */
export function notCallableReason(name: string): string | undefined {
  return NOT_CALLABLE.has(name)
    ? `${name} cannot be called: write the number itself (1.5, -2e-3, NaN, Inf)`
    : undefined;
}

/** A readable signature, such as `Pow(f, n)` or `Mod(x, n[, d])`. */
export function signature(s: FunctionSpec): string {
  const parts = s.params.map((p, k) =>
    p.optional ? `${k > 0 ? '[, ' : '['}${p.name}]` : `${k > 0 ? ', ' : ''}${p.name}`,
  );
  return `${s.name}(${parts.join('')})`;
}
