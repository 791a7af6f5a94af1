/**
 * Formula constructors. Each simplifies at construction time (KeOps' rules: x+0, 0*x, exact
 * integer/rational constant folding, x+x -> 2x, ab+ac -> a(b+c), (-a)(-b) -> ab, f*f -> Square,
 * Exp*Exp -> Exp(sum), Sum(f*g) -> f|g, x-x -> 0, division by an exact constant -> multiplication),
 * which keeps derivative formulas small. Hash-consing makes shared subexpressions one node.
 */
import { ShapeError, ValueError } from '../errors.js';
import { opDef } from '../ops/table.js';
import { Op } from '../ops/types.js';
import { type Category, Formula } from './formula.js';

const CAT_CODE: Record<Category, number> = { i: 0, j: 1, p: 2 };
const CODE_CAT: Category[] = ['i', 'j', 'p'];

/** Interns `op(children; attrs)` after checking arity and the op's dimension rule. */
export function apply(op: Op, children: readonly Formula[], attrs: readonly number[] = []): Formula {
  const def = opDef(op);
  if (children.length !== def.arity)
    throw new ShapeError(`${op} takes ${def.arity} formula argument(s), got ${children.length}`);
  const dim = def.dim(
    children.map((c) => c.dim),
    attrs,
  );
  return Formula.make(op, children, attrs, dim);
}

// ---------------------------------------------------------------------------------------------
// Leaves

/** Variable number `pos` (the argument slot), of vector size `dim`, indexed by `cat`. */
export function variable(pos: number, dim: number, cat: Category): Formula {
  if (!Number.isInteger(pos)) throw new ValueError(`Var position must be an integer, got ${pos}`);
  checkPositiveInt(dim, 'Var dim');
  if (!(cat in CAT_CODE)) throw new ValueError(`Var category must be 'i', 'j' or 'p', got '${String(cat)}'`);
  return Formula.make(Op.Var, [], [pos, dim, CAT_CODE[cat]], dim);
}

/** Position, dimension and category of a `Var` node. */
export function varInfo(f: Formula): { pos: number; dim: number; cat: Category } {
  if (f.op !== Op.Var) throw new ValueError(`expected a Var, got ${f.op}`);
  return { pos: f.attrs[0]!, dim: f.attrs[1]!, cat: CODE_CAT[f.attrs[2]!]! };
}

/** The zero vector of size `dim`. */
export function zero(dim = 1): Formula {
  checkPositiveInt(dim, 'Zero dim');
  return Formula.make(Op.Zero, [], [dim], dim);
}

/** An exact integer constant (IntCst(0) is Zero(1)). */
export function intCst(n: number): Formula {
  if (!Number.isSafeInteger(n)) return floatCst(n);
  if (n === 0) return zero(1);
  return Formula.make(Op.IntCst, [], [n], 1);
}

/** The exact rational p/q, normalised (IntCst when q divides p). */
export function ratCst(p: number, q: number): Formula {
  if (!Number.isSafeInteger(p) || !Number.isSafeInteger(q)) return floatCst(p / q);
  if (q === 0) throw new ValueError('RatCst: zero denominator');
  if (q < 0) {
    p = -p;
    q = -q;
  }
  const g = gcd(Math.abs(p), q);
  p /= g;
  q /= g;
  if (q === 1) return intCst(p);
  return Formula.make(Op.RatCst, [], [p, q], 1);
}

/** A float constant (kept as written; the kernel's dtype rounds it). */
export function floatCst(v: number): Formula {
  if (Number.isInteger(v) && Number.isSafeInteger(v) && !Object.is(v, -0)) return intCst(v);
  return Formula.make(Op.FloatCst, [], [v], 1);
}

/** A constant: exact when `v` is a safe integer, a float otherwise. */
export function cst(v: number): Formula {
  return floatCst(v);
}

/** 1/n as an exact rational. */
export function intInv(n: number): Formula {
  return ratCst(1, n);
}

// ---------------------------------------------------------------------------------------------
// Constant inspection

/** An exact rational value of a constant leaf. */
interface Exact {
  p: number;
  q: number;
}

export function isZero(f: Formula): boolean {
  return f.op === Op.Zero;
}

function exactOf(f: Formula): Exact | undefined {
  if (f.op === Op.Zero && f.dim === 1) return { p: 0, q: 1 };
  if (f.op === Op.IntCst) return { p: f.attrs[0]!, q: 1 };
  if (f.op === Op.RatCst) return { p: f.attrs[0]!, q: f.attrs[1]! };
  return undefined;
}

/** Numeric value of a scalar constant leaf, or undefined. */
export function constValue(f: Formula): number | undefined {
  const e = exactOf(f);
  if (e) return e.p / e.q;
  if (f.op === Op.FloatCst) return f.attrs[0];
  return undefined;
}

function isConst(f: Formula): boolean {
  return constValue(f) !== undefined;
}

function exactArith(a: Exact, b: Exact, op: 'add' | 'mul'): Formula {
  const p = op === 'add' ? a.p * b.q + b.p * a.q : a.p * b.p;
  const q = a.q * b.q;
  return ratCst(p, q);
}

function gcd(a: number, b: number): number {
  while (b !== 0) [a, b] = [b, a % b];
  return a || 1;
}

function checkPositiveInt(n: number, what: string): void {
  if (!Number.isInteger(n) || n < 1) throw new ValueError(`${what} must be a positive integer, got ${n}`);
}

// ---------------------------------------------------------------------------------------------
// Arithmetic

export function add(a: Formula, b: Formula): Formula {
  if (isZero(a) && a.dim <= b.dim) return broadcastCheck(a, b) ?? b;
  if (isZero(b) && b.dim <= a.dim) return broadcastCheck(a, b) ?? a;
  const ea = exactOf(a);
  const eb = exactOf(b);
  if (ea && eb) return exactArith(ea, eb, 'add');
  if (isConst(a) && isConst(b)) return floatCst(constValue(a)! + constValue(b)!);
  if (a === b) return mul(intCst(2), a);
  if (b.op === Op.Minus) return sub(a, b.children[0]!);
  if (a.op === Op.Minus) return sub(b, a.children[0]!);
  if (isConst(b) && !isConst(a)) return add(b, a);
  // ab + ac -> a(b + c)
  if (a.op === Op.Mult && b.op === Op.Mult) {
    const out = Math.max(a.dim, b.dim);
    for (const [s, x] of [a.children, [a.children[1]!, a.children[0]!]] as const) {
      const y = b.children[0] === s ? b.children[1] : b.children[1] === s ? b.children[0] : undefined;
      if (y && sameDimAfter(s!, x!, y, out)) return mul(s!, add(x!, y));
    }
  }
  return apply(Op.Add, [a, b]);
}

/** True when `s * (x + y)` has the dimension `out`, so factoring keeps the formula's shape. */
function sameDimAfter(s: Formula, x: Formula, y: Formula, out: number): boolean {
  const inner = Math.max(x.dim, y.dim);
  if (x.dim !== y.dim && x.dim !== 1 && y.dim !== 1) return false;
  if (s.dim !== inner && s.dim !== 1 && inner !== 1) return false;
  return Math.max(s.dim, inner) === out;
}

/** Validates broadcasting of two operands even when a simplification drops one of them. */
function broadcastCheck(a: Formula, b: Formula): undefined {
  if (a.dim !== b.dim && a.dim !== 1 && b.dim !== 1)
    throw new ShapeError(`dimension mismatch: ${a.dim} and ${b.dim} (dims must be equal or 1)`);
  return undefined;
}

export function sub(a: Formula, b: Formula): Formula {
  broadcastCheck(a, b);
  if (a === b) return zero(a.dim);
  if (isZero(b) && b.dim <= a.dim) return a;
  if (isZero(a) && a.dim <= b.dim) return minus(b);
  const ea = exactOf(a);
  const eb = exactOf(b);
  if (ea && eb) return exactArith(ea, { p: -eb.p, q: eb.q }, 'add');
  if (isConst(a) && isConst(b)) return floatCst(constValue(a)! - constValue(b)!);
  if (b.op === Op.Minus) return add(a, b.children[0]!);
  return apply(Op.Subtract, [a, b]);
}

export function mul(a: Formula, b: Formula): Formula {
  broadcastCheck(a, b);
  const dim = Math.max(a.dim, b.dim);
  if (isZero(a) || isZero(b)) return zero(dim);
  const ea = exactOf(a);
  const eb = exactOf(b);
  if (ea && eb) return exactArith(ea, eb, 'mul');
  if (isConst(a) && isConst(b)) return floatCst(constValue(a)! * constValue(b)!);
  if (isConst(b)) return mul(b, a);
  if (isConst(a)) {
    const v = constValue(a)!;
    if (v === 1 && ea) return b;
    if (v === -1 && ea) return minus(b);
    // c1 * (c2 * x) -> (c1 c2) * x
    if (b.op === Op.Mult && isConst(b.children[0]!)) return mul(mul(a, b.children[0]!), b.children[1]!);
    if (b.op === Op.Minus) return mul(minus(a), b.children[0]!);
  }
  if (a === b) return square(a);
  if (a.op === Op.Minus && b.op === Op.Minus) return mul(a.children[0]!, b.children[0]!);
  if (a.op === Op.Exp && b.op === Op.Exp && a.dim === b.dim) return exp(add(a.children[0]!, b.children[0]!));
  return apply(Op.Mult, [a, b]);
}

export function div(a: Formula, b: Formula): Formula {
  broadcastCheck(a, b);
  if (isZero(a)) return zero(Math.max(a.dim, b.dim));
  const eb = exactOf(b);
  if (eb && eb.p !== 0) return mul(ratCst(eb.q, eb.p), a);
  const ea = exactOf(a);
  if (ea && ea.p === 1 && ea.q === 1) return inv(b);
  return apply(Op.Divide, [a, b]);
}

export function minus(a: Formula): Formula {
  if (isZero(a)) return a;
  if (a.op === Op.Minus) return a.children[0]!;
  const ea = exactOf(a);
  if (ea) return ratCst(-ea.p, ea.q);
  if (a.op === Op.FloatCst) return floatCst(-a.attrs[0]!);
  return apply(Op.Minus, [a]);
}

// ---------------------------------------------------------------------------------------------
// Elementwise unary math

export function inv(a: Formula): Formula {
  if (a.op === Op.Inv) return a.children[0]!;
  const ea = exactOf(a);
  if (ea && ea.p !== 0) return ratCst(ea.q, ea.p);
  return apply(Op.Inv, [a]);
}

export const exp = (a: Formula) => apply(Op.Exp, [a]);
export const log = (a: Formula) => apply(Op.Log, [a]);
export const xlogx = (a: Formula) => apply(Op.XLogX, [a]);
export const sin = (a: Formula) => apply(Op.Sin, [a]);
export const cos = (a: Formula) => apply(Op.Cos, [a]);
export const sinXDivX = (a: Formula) => apply(Op.SinXDivX, [a]);
export const asin = (a: Formula) => apply(Op.Asin, [a]);
export const acos = (a: Formula) => apply(Op.Acos, [a]);
export const atan = (a: Formula) => apply(Op.Atan, [a]);
export const sqrt = (a: Formula) => apply(Op.Sqrt, [a]);
export const rsqrt = (a: Formula) => apply(Op.Rsqrt, [a]);
export const abs = (a: Formula): Formula => (a.op === Op.Minus ? abs(a.children[0]!) : apply(Op.Abs, [a]));
export const relu = (a: Formula) => apply(Op.ReLU, [a]);
export const sign = (a: Formula) => apply(Op.Sign, [a]);
export const step = (a: Formula) => apply(Op.Step, [a]);
export const floor = (a: Formula) => apply(Op.Floor, [a]);

export function square(a: Formula): Formula {
  if (isZero(a)) return a;
  if (a.op === Op.Minus) return square(a.children[0]!);
  const ea = exactOf(a);
  if (ea) return exactArith(ea, ea, 'mul');
  return apply(Op.Square, [a]);
}

/** f^n for an integer n (Pow(f, 1) = f, Pow(f, 2) = Square(f)). */
export function pow(a: Formula, n: number): Formula {
  if (!Number.isInteger(n))
    throw new ValueError(`Pow takes an integer exponent, got ${n}; use Powf for real exponents`);
  if (n === 1) return a;
  if (n === 2) return square(a);
  return apply(Op.Pow, [a], [n]);
}

/** round(f * 10^d) / 10^d, halves away from zero. */
export function round(a: Formula, d = 0): Formula {
  if (!Number.isInteger(d)) throw new ValueError(`Round takes an integer number of decimals, got ${d}`);
  return apply(Op.Round, [a], [d]);
}

/** Clamps f to the integer interval [lo, hi]. */
export function clampInt(a: Formula, lo: number, hi: number): Formula {
  if (!Number.isInteger(lo) || !Number.isInteger(hi))
    throw new ValueError(`ClampInt takes integer bounds, got ${lo} and ${hi}; use Clamp for formula bounds`);
  return apply(Op.ClampInt, [a], [lo, hi]);
}

// ---------------------------------------------------------------------------------------------
// Elementwise binary and ternary

export const powf = (a: Formula, b: Formula) => apply(Op.Powf, [a, b]);
export const atan2 = (a: Formula, b: Formula) => apply(Op.Atan2, [a, b]);
export const lessThan = (a: Formula, b: Formula) => apply(Op.LessThan, [a, b]);
export const lessOrEqual = (a: Formula, b: Formula) => apply(Op.LessOrEqual, [a, b]);
/** a > b, written LessThan(b, a). */
export const greaterThan = (a: Formula, b: Formula) => lessThan(b, a);
/** a >= b, written LessOrEqual(b, a). */
export const greaterOrEqual = (a: Formula, b: Formula) => lessOrEqual(b, a);
export const equal = (a: Formula, b: Formula) => apply(Op.Equal, [a, b]);
export const notEqual = (a: Formula, b: Formula) => apply(Op.NotEqual, [a, b]);
/** Clamps f to [a, b] (formula bounds). */
export const clamp = (f: Formula, a: Formula, b: Formula) => apply(Op.Clamp, [f, a, b]);
/** a where f >= 0, b elsewhere. */
export const ifElse = (f: Formula, a: Formula, b: Formula) => apply(Op.IfElse, [f, a, b]);

/** x - n * floor((x - d) / n): x reduced into [d, d + n). */
export function mod(x: Formula, n: Formula, d: Formula = zero(1)): Formula {
  return sub(x, mul(n, floor(div(sub(x, d), n))));
}

// ---------------------------------------------------------------------------------------------
// Vector -> scalar

export function sum(f: Formula): Formula {
  if (f.dim === 1) return f;
  if (isZero(f)) return zero(1);
  if (f.op === Op.Mult) {
    const [a, b] = f.children as [Formula, Formula];
    if (a.dim === b.dim) return scalprod(a, b);
  }
  return apply(Op.Sum, [f]);
}

export const max = (f: Formula) => (f.dim === 1 ? f : apply(Op.Max, [f]));
export const min = (f: Formula) => (f.dim === 1 ? f : apply(Op.Min, [f]));
export const argMax = (f: Formula) => (f.dim === 1 ? zero(1) : apply(Op.ArgMax, [f]));
export const argMin = (f: Formula) => (f.dim === 1 ? zero(1) : apply(Op.ArgMin, [f]));

/** Dot product f|g (equal dims). */
export function scalprod(a: Formula, b: Formula): Formula {
  if (a.dim !== b.dim) throw new ShapeError(`Scalprod needs equal dims, got ${a.dim} and ${b.dim}`);
  if (isZero(a) || isZero(b)) return zero(1);
  if (a === b) return sqNorm2(a);
  if (a.dim === 1) return mul(a, b);
  return apply(Op.Scalprod, [a, b]);
}

export function sqNorm2(f: Formula): Formula {
  if (isZero(f)) return zero(1);
  if (f.op === Op.Subtract && f.children[0]!.dim === f.children[1]!.dim)
    return sqDist(f.children[0]!, f.children[1]!);
  return apply(Op.SqNorm2, [f]);
}

export const norm2 = (f: Formula) => apply(Op.Norm2, [f]);

export function sqDist(a: Formula, b: Formula): Formula {
  if (a.dim !== b.dim) throw new ShapeError(`SqDist needs equal dims, got ${a.dim} and ${b.dim}`);
  if (a === b) return zero(1);
  return apply(Op.SqDist, [a, b]);
}

/**
 * Weighted squared norm, dispatched on the dim of `s` (KeOps): 1 -> s|f|^2 (isotropic),
 * D -> sum s_k f_k^2 (diagonal), D^2 -> sum s_kl f_k f_l (full, row-major).
 */
export const weightedSqNorm = (s: Formula, f: Formula) => apply(Op.WeightedSqNorm, [s, f]);
export const weightedSqDist = (s: Formula, f: Formula, g: Formula) => weightedSqNorm(s, sub(f, g));

/** f / |f| (with Rsqrt(0) = 0, the zero vector stays zero). */
export const normalize = (f: Formula) => mul(rsqrt(sqNorm2(f)), f);

// ---------------------------------------------------------------------------------------------
// Vector

/** Component m of f. */
export function elem(f: Formula, m: number): Formula {
  if (f.dim === 1 && m === 0) return f;
  return apply(Op.Elem, [f], [m]);
}

/** The n-vector with f (a scalar) at position m and zeros elsewhere (adjoint of Elem). */
export const elemT = (f: Formula, n: number, m: number) => apply(Op.ElemT, [f], [n, m]);

/** Components [start, start + d) of f. */
export function extract(f: Formula, start: number, d: number): Formula {
  if (start === 0 && d === f.dim) return f;
  return apply(Op.Extract, [f], [start, d]);
}

/** The D-vector with f at [start, start + dim f) and zeros elsewhere (adjoint of Extract). */
export function extractT(f: Formula, start: number, D: number): Formula {
  // Validate before simplifying, so that the rules below never hide a bad start or size.
  opDef(Op.ExtractT).dim([f.dim], [start, D]);
  if (start === 0 && D === f.dim) return f;
  if (isZero(f)) return zero(D);
  return apply(Op.ExtractT, [f], [start, D]);
}

export const concat = (a: Formula, b: Formula) => apply(Op.Concat, [a, b]);

/** One-hot vector of size D at position round(f) (zero gradient). */
export const oneHot = (f: Formula, D: number) => apply(Op.OneHot, [f], [D]);

/** The scalar f repeated d times (adjoint of Sum). */
export function sumT(f: Formula, d: number): Formula {
  // Validate before simplifying: SumT(f, 1) of a vector f, or SumT(Zero(3), 5), is a shape error.
  opDef(Op.SumT).dim([f.dim], [d]);
  if (d === 1) return f;
  if (isZero(f)) return zero(d);
  return apply(Op.SumT, [f], [d]);
}

// ---------------------------------------------------------------------------------------------
// Tensor algebra (row-major)

/** A (n x p, row-major) times b (p) -> n. */
export const matVecMult = (A: Formula, b: Formula) => apply(Op.MatVecMult, [A, b]);
/** b (n) times A (n x p, row-major) -> p. */
export const vecMatMult = (b: Formula, A: Formula) => apply(Op.VecMatMult, [b, A]);
/** Outer product: out[k * n + l] = f_k g_l. */
export const tensorProd = (f: Formula, g: Formula) => apply(Op.TensorProd, [f, g]);

/**
 * General tensor contraction: f and g are row-major tensors of shapes `dimsf` and `dimsg`;
 * axes `contf[k]` of f and `contg[k]` of g are summed; the remaining axes (f's then g's) form the
 * output, reordered by `permute` (default identity).
 */
export function tensorDot(
  f: Formula,
  g: Formula,
  dimsf: readonly number[],
  dimsg: readonly number[],
  contf: readonly number[],
  contg: readonly number[],
  permute?: readonly number[],
): Formula {
  if (contf.length !== contg.length)
    throw new ShapeError(
      `TensorDot: contf has ${contf.length} axes and contg ${contg.length}; they are contracted in pairs`,
    );
  const nOut = dimsf.length + dimsg.length - contf.length - contg.length;
  const perm = permute ?? Array.from({ length: nOut }, (_, k) => k);
  return apply(Op.TensorDot, [f, g], encodeTensorDot({ dimsf, dimsg, contf, contg, permute: perm }));
}

export interface TensorDotAttrs {
  dimsf: readonly number[];
  dimsg: readonly number[];
  contf: readonly number[];
  contg: readonly number[];
  permute: readonly number[];
}

export function encodeTensorDot(a: TensorDotAttrs): number[] {
  return [
    a.dimsf.length,
    ...a.dimsf,
    a.dimsg.length,
    ...a.dimsg,
    a.contf.length,
    ...a.contf,
    ...a.contg,
    a.permute.length,
    ...a.permute,
  ];
}

export function decodeTensorDot(attrs: readonly number[]): TensorDotAttrs {
  let k = 0;
  const take = (n: number) => {
    const out = attrs.slice(k, k + n);
    k += n;
    return out;
  };
  const dimsf = take(take(1)[0] ?? 0);
  const dimsg = take(take(1)[0] ?? 0);
  const nc = take(1)[0] ?? 0;
  const contf = take(nc);
  const contg = take(nc);
  const permute = take(take(1)[0] ?? 0);
  return { dimsf, dimsg, contf, contg, permute };
}
