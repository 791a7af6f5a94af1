/**
 * Every op of the table, one node over Var children: its float64 value against an independent
 * reference written here with Math.*, its VJP (`grad`) and JVP (`diff`) against central finite
 * differences of that reference in float64. The reference, not the op's own `eval`, is
 * differentiated, so a wrong `eval` and a VJP consistent with it cannot hide each other.
 */
import { describe, expect, it } from 'vitest';
import {
  allOps,
  apply,
  diff,
  encodeTensorDot,
  evaluate,
  type Formula,
  grad,
  norm2,
  normalize,
  Op,
  rsqrt,
  sinXDivX,
  sqrt,
  variable,
  xlogx,
} from '../src/index.js';
import { dot, expectAllClose, FD_STEP, fdGradient, Rng, type Tolerance } from './helpers/numeric.js';

// ---------------------------------------------------------------------------------------------
// Cases

type Sampler = (r: Rng, dim: number) => Float64Array;
type Ref = (xs: readonly Float64Array[]) => ArrayLike<number>;

interface OpCase {
  readonly label: string;
  readonly op: Op;
  readonly attrs?: readonly number[];
  /** Dims of the Var children, in order. */
  readonly dims: readonly number[];
  /** One sampler per child (default uniform in [-2, 2]). */
  readonly samplers?: readonly Sampler[];
  readonly ref: Ref;
  /** Rejects samples too close to a kink or discontinuity for finite differences to be exact. */
  readonly valid?: (xs: readonly Float64Array[]) => boolean;
  /** Builds the formula from the Var children; default `apply(op, vars, attrs)`. */
  readonly build?: (vars: readonly Formula[]) => Formula;
}

const uniform =
  (lo: number, hi: number): Sampler =>
  (r, n) =>
    r.vector(n, lo, hi);
const anyReal = uniform(-2, 2);
/** |x| in [lo, hi] with a random sign: for ops singular or kinked at 0. */
const awayFromZero =
  (lo: number, hi: number): Sampler =>
  (r, n) =>
    Float64Array.from({ length: n }, () => (r.next() < 0.5 ? -1 : 1) * r.uniform(lo, hi));

/** Component k of a broadcast operand (dim 1 or the output's dim). */
const at = (v: Float64Array, k: number) => (v.length === 1 ? v[0]! : v[k]!);
const outDim = (xs: readonly Float64Array[]) => Math.max(...xs.map((x) => x.length));
/** The tuples of broadcast components, one per output component. */
const tuples = (xs: readonly Float64Array[]) =>
  Array.from({ length: outDim(xs) }, (_, k) => xs.map((x) => at(x, k)));
const ew =
  (fn: (...a: number[]) => number): Ref =>
  (xs) =>
    tuples(xs).map((t) => fn(...t));
const allTuples = (pred: (...a: number[]) => boolean) => (xs: readonly Float64Array[]) =>
  tuples(xs).every((t) => pred(...t));

/** Round half away from zero, written independently of the op table's helper. */
const roundAway = (x: number) => (x >= 0 ? Math.floor(x + 0.5) : -Math.floor(-x + 0.5));
const distToInt = (x: number) => Math.abs(x - Math.round(x));
const distToHalf = (x: number) => Math.abs(x - Math.floor(x) - 0.5);
const MARGIN = 0.05;

function unary(
  op: Op,
  fn: (x: number) => number,
  sampler: Sampler = anyReal,
  ok?: (x: number) => boolean,
  attrs?: readonly number[],
): OpCase[] {
  return [1, 4].map((d) => ({
    label: `${op}${attrs ? `[${attrs}]` : ''} dim ${d}`,
    op,
    dims: [d],
    samplers: [sampler],
    ref: ew(fn),
    ...(attrs ? { attrs } : {}),
    ...(ok ? { valid: allTuples(ok) } : {}),
  }));
}

/** Equal dims, and a scalar broadcast on either side. */
const BINARY_DIMS = [
  [1, 1],
  [4, 4],
  [1, 4],
  [4, 1],
] as const;

function binary(
  op: Op,
  fn: (a: number, b: number) => number,
  samplers: readonly Sampler[] = [anyReal, anyReal],
  ok?: (a: number, b: number) => boolean,
): OpCase[] {
  return BINARY_DIMS.map((dims) => ({
    label: `${op} dims ${dims.join(',')}`,
    op,
    dims,
    samplers,
    ref: ew(fn),
    ...(ok ? { valid: allTuples(ok) } : {}),
  }));
}

const TERNARY_DIMS = [
  [1, 1, 1],
  [3, 3, 3],
  [1, 3, 3],
  [3, 1, 1],
  [3, 1, 3],
  [1, 3, 1],
] as const;

function ternary(
  op: Op,
  fn: (f: number, a: number, b: number) => number,
  samplers: readonly Sampler[],
  ok: (f: number, a: number, b: number) => boolean,
): OpCase[] {
  return TERNARY_DIMS.map((dims) => ({
    label: `${op} dims ${dims.join(',')}`,
    op,
    dims,
    samplers,
    ref: ew(fn),
    valid: allTuples(ok),
  }));
}

const lt = (a: number, b: number) => (a < b ? 1 : 0);
const distinct = (a: number, b: number) => Math.abs(a - b) >= 0.1;
/** All components pairwise at least MARGIN apart, so the extremum is unique and stable. */
const spread = (x: Float64Array) =>
  [...x].every((a, k) => [...x].every((b, l) => k === l || Math.abs(a - b) >= MARGIN));
const argBest = (x: Float64Array, better: (a: number, b: number) => boolean) => {
  let best = 0;
  for (let k = 1; k < x.length; k++) if (better(x[k]!, x[best]!)) best = k;
  return best;
};

// Independent row-major tensor contraction: out = transpose(sum over contracted axes of f*g, permute).
function* multiIndices(shape: readonly number[]): Generator<number[]> {
  const total = shape.reduce((a, b) => a * b, 1);
  for (let flat = 0; flat < total; flat++) {
    const idx = new Array<number>(shape.length);
    let rest = flat;
    for (let a = shape.length - 1; a >= 0; a--) {
      idx[a] = rest % shape[a]!;
      rest = Math.floor(rest / shape[a]!);
    }
    yield idx;
  }
}
const flatIndex = (idx: readonly number[], shape: readonly number[]) =>
  idx.reduce((acc, k, a) => acc * shape[a]! + k, 0);

function tensorDotRef(
  dimsf: readonly number[],
  dimsg: readonly number[],
  contf: readonly number[],
  contg: readonly number[],
  permute: readonly number[],
): Ref {
  return ([f, g]) => {
    const freeF = dimsf.map((_, a) => a).filter((a) => !contf.includes(a));
    const freeG = dimsg.map((_, a) => a).filter((a) => !contg.includes(a));
    const uShape = [...freeF.map((a) => dimsf[a]!), ...freeG.map((a) => dimsg[a]!)];
    const outShape = permute.map((p) => uShape[p]!);
    const contShape = contf.map((a) => dimsf[a]!);
    const out: number[] = [];
    for (const o of multiIndices(outShape)) {
      const u = new Array<number>(uShape.length);
      permute.forEach((p, a) => {
        u[p] = o[a]!;
      });
      let total = 0;
      for (const c of multiIndices(contShape)) {
        const fi = dimsf.map((_, a) => (contf.includes(a) ? c[contf.indexOf(a)]! : u[freeF.indexOf(a)]!));
        const gi = dimsg.map((_, a) =>
          contg.includes(a) ? c[contg.indexOf(a)]! : u[freeF.length + freeG.indexOf(a)]!,
        );
        total += f![flatIndex(fi, dimsf)]! * g![flatIndex(gi, dimsg)]!;
      }
      out.push(total);
    }
    return out;
  };
}

function tensorDotCase(
  label: string,
  dimsf: number[],
  dimsg: number[],
  contf: number[],
  contg: number[],
  permute: number[],
  ref?: Ref,
): OpCase {
  return {
    label: `TensorDot ${label}`,
    op: Op.TensorDot,
    attrs: encodeTensorDot({ dimsf, dimsg, contf, contg, permute }),
    dims: [dimsf.reduce((a, b) => a * b, 1), dimsg.reduce((a, b) => a * b, 1)],
    ref: ref ?? tensorDotRef(dimsf, dimsg, contf, contg, permute),
  };
}

const POSITIVE = uniform(0.2, 3);

const CASES: OpCase[] = [
  // elementwise unary
  ...unary(Op.Minus, (x) => -x),
  ...unary(Op.Inv, (x) => 1 / x, awayFromZero(0.3, 2)),
  ...unary(Op.Exp, Math.exp),
  ...unary(Op.Log, Math.log, POSITIVE),
  ...unary(Op.XLogX, (x) => x * Math.log(x), POSITIVE),
  ...unary(Op.Sin, Math.sin, uniform(-3, 3)),
  ...unary(Op.Cos, Math.cos, uniform(-3, 3)),
  ...unary(Op.SinXDivX, (x) => Math.sin(x) / x, awayFromZero(0.1, 4)),
  ...unary(Op.Asin, Math.asin, uniform(-0.9, 0.9)),
  ...unary(Op.Acos, Math.acos, uniform(-0.9, 0.9)),
  ...unary(Op.Atan, Math.atan, uniform(-3, 3)),
  ...unary(Op.Sqrt, Math.sqrt, POSITIVE),
  ...unary(Op.Rsqrt, (x) => 1 / Math.sqrt(x), POSITIVE),
  ...unary(Op.Square, (x) => x * x),
  ...unary(Op.Pow, (x) => x * x * x, anyReal, undefined, [3]),
  ...unary(Op.Pow, (x) => 1 / (x * x), awayFromZero(0.3, 2), undefined, [-2]),
  ...unary(Op.Pow, () => 1, anyReal, undefined, [0]),
  ...unary(Op.Abs, Math.abs, awayFromZero(0.1, 2)),
  ...unary(Op.ReLU, (x) => Math.max(x, 0), awayFromZero(0.1, 2)),
  ...unary(Op.Sign, Math.sign, awayFromZero(0.1, 2)),
  ...unary(Op.Step, (x) => (x >= 0 ? 1 : 0), awayFromZero(0.1, 2)),
  ...unary(Op.Floor, Math.floor, uniform(-3, 3), (x) => distToInt(x) >= MARGIN),
  ...unary(Op.Round, roundAway, uniform(-3, 3), (x) => distToHalf(x) >= MARGIN, [0]),
  ...unary(
    Op.Round,
    (x) => roundAway(x * 100) / 100,
    uniform(-3, 3),
    (x) => distToHalf(x * 100) >= MARGIN,
    [2],
  ),
  ...unary(
    Op.ClampInt,
    (x) => Math.min(Math.max(x, -1), 2),
    uniform(-3, 4),
    (x) => Math.abs(x + 1) >= 0.1 && Math.abs(x - 2) >= 0.1,
    [-1, 2],
  ),
  // elementwise binary
  ...binary(Op.Add, (a, b) => a + b),
  ...binary(Op.Subtract, (a, b) => a - b),
  ...binary(Op.Mult, (a, b) => a * b),
  ...binary(Op.Divide, (a, b) => a / b, [anyReal, awayFromZero(0.3, 2)]),
  ...binary(Op.Powf, (a, b) => a ** b, [uniform(0.3, 2.5), anyReal]),
  // Away from the branch cut of atan2 (y = 0, x < 0) and from the origin.
  ...binary(Op.Atan2, Math.atan2, [awayFromZero(0.2, 2), anyReal]),
  ...binary(Op.LessThan, lt, undefined, distinct),
  ...binary(Op.LessOrEqual, (a, b) => (a <= b ? 1 : 0), undefined, distinct),
  ...binary(Op.Equal, (a, b) => (a === b ? 1 : 0), undefined, distinct),
  ...binary(Op.NotEqual, (a, b) => (a !== b ? 1 : 0), undefined, distinct),
  // elementwise ternary: f away from the bounds / from 0 so that each branch is stable under FD.
  ...ternary(
    Op.Clamp,
    (f, a, b) => Math.min(Math.max(f, a), b),
    [uniform(-3, 3), uniform(-1.5, 0), uniform(0.3, 1.5)],
    (f, a, b) => Math.abs(f - a) >= 0.1 && Math.abs(f - b) >= 0.1,
  ),
  ...ternary(
    Op.IfElse,
    (f, a, b) => (f >= 0 ? a : b),
    [anyReal, anyReal, anyReal],
    (f) => Math.abs(f) >= 0.1,
  ),
  // vector -> scalar
  ...[1, 4].map(
    (d): OpCase => ({
      label: `Sum dim ${d}`,
      op: Op.Sum,
      dims: [d],
      ref: ([x]) => [x!.reduce((s, v) => s + v, 0)],
    }),
  ),
  ...[1, 4].map(
    (d): OpCase => ({
      label: `Max dim ${d}`,
      op: Op.Max,
      dims: [d],
      ref: ([x]) => [x![argBest(x!, (a, b) => a > b)]!],
      valid: ([x]) => spread(x!),
    }),
  ),
  ...[1, 4].map(
    (d): OpCase => ({
      label: `Min dim ${d}`,
      op: Op.Min,
      dims: [d],
      ref: ([x]) => [x![argBest(x!, (a, b) => a < b)]!],
      valid: ([x]) => spread(x!),
    }),
  ),
  {
    label: 'ArgMax dim 4',
    op: Op.ArgMax,
    dims: [4],
    ref: ([x]) => [argBest(x!, (a, b) => a > b)],
    valid: ([x]) => spread(x!),
  },
  {
    label: 'ArgMin dim 4',
    op: Op.ArgMin,
    dims: [4],
    ref: ([x]) => [argBest(x!, (a, b) => a < b)],
    valid: ([x]) => spread(x!),
  },
  { label: 'Scalprod dims 3,3', op: Op.Scalprod, dims: [3, 3], ref: ([a, b]) => [dot(a!, b!)] },
  { label: 'Scalprod dims 1,1', op: Op.Scalprod, dims: [1, 1], ref: ([a, b]) => [a![0]! * b![0]!] },
  { label: 'SqNorm2 dim 4', op: Op.SqNorm2, dims: [4], ref: ([x]) => [dot(x!, x!)] },
  { label: 'Norm2 dim 3', op: Op.Norm2, dims: [3], ref: ([x]) => [Math.hypot(...x!)] },
  {
    label: 'Norm2 dim 1',
    op: Op.Norm2,
    dims: [1],
    samplers: [awayFromZero(0.1, 2)],
    ref: ([x]) => [Math.abs(x![0]!)],
  },
  {
    label: 'SqDist dims 3,3',
    op: Op.SqDist,
    dims: [3, 3],
    ref: ([a, b]) => [a!.reduce((s, v, k) => s + (v - b![k]!) ** 2, 0)],
  },
  // WeightedSqNorm dispatches on the weight's dim: 1 (isotropic), D (diagonal), D^2 (full).
  ...(
    [
      [1, 3],
      [3, 3],
      [9, 3],
      [4, 2],
      [1, 1],
    ] as const
  ).map(
    (dims): OpCase => ({
      label: `WeightedSqNorm dims ${dims.join(',')}`,
      op: Op.WeightedSqNorm,
      dims,
      ref: ([s, f]) => {
        const D = f!.length;
        let total = 0;
        for (let k = 0; k < D; k++)
          for (let l = 0; l < D; l++) {
            const w =
              s!.length === 1
                ? k === l
                  ? s![0]!
                  : 0
                : s!.length === D
                  ? k === l
                    ? s![k]!
                    : 0
                  : s![k * D + l]!;
            total += w * f![k]! * f![l]!;
          }
        return [total];
      },
    }),
  ),
  // vector
  { label: 'Elem m=2 of dim 4', op: Op.Elem, attrs: [2], dims: [4], ref: ([x]) => [x![2]!] },
  { label: 'Elem m=0 of dim 3', op: Op.Elem, attrs: [0], dims: [3], ref: ([x]) => [x![0]!] },
  { label: 'ElemT n=4 m=1', op: Op.ElemT, attrs: [4, 1], dims: [1], ref: ([x]) => [0, x![0]!, 0, 0] },
  {
    label: 'Extract start=1 d=3 of 5',
    op: Op.Extract,
    attrs: [1, 3],
    dims: [5],
    ref: ([x]) => [x![1]!, x![2]!, x![3]!],
  },
  {
    label: 'ExtractT start=1 D=5 of 2',
    op: Op.ExtractT,
    attrs: [1, 5],
    dims: [2],
    ref: ([x]) => [0, x![0]!, x![1]!, 0, 0],
  },
  { label: 'Concat 3,2', op: Op.Concat, dims: [3, 2], ref: ([a, b]) => [...a!, ...b!] },
  { label: 'Concat 1,1', op: Op.Concat, dims: [1, 1], ref: ([a, b]) => [a![0]!, b![0]!] },
  {
    // Includes indices outside [0, D), which give the zero vector.
    label: 'OneHot D=4',
    op: Op.OneHot,
    attrs: [4],
    dims: [1],
    samplers: [uniform(-1.4, 4.4)],
    ref: ([x]) => {
      const k = roundAway(x![0]!);
      return [0, 1, 2, 3].map((l) => (l === k ? 1 : 0));
    },
    valid: ([x]) => distToHalf(x![0]!) >= MARGIN,
  },
  { label: 'SumT d=3', op: Op.SumT, attrs: [3], dims: [1], ref: ([x]) => [x![0]!, x![0]!, x![0]!] },
  // tensor algebra (row-major)
  {
    label: 'MatVecMult 2x3 . 3',
    op: Op.MatVecMult,
    dims: [6, 3],
    ref: ([A, b]) =>
      [0, 1].map((k) => A![3 * k]! * b![0]! + A![3 * k + 1]! * b![1]! + A![3 * k + 2]! * b![2]!),
  },
  {
    label: 'VecMatMult 2 . 2x3',
    op: Op.VecMatMult,
    dims: [2, 6],
    ref: ([b, A]) => [0, 1, 2].map((l) => b![0]! * A![l]! + b![1]! * A![3 + l]!),
  },
  {
    label: 'TensorProd 3 x 2',
    op: Op.TensorProd,
    dims: [3, 2],
    ref: ([f, g]) => [0, 1, 2].flatMap((k) => [f![k]! * g![0]!, f![k]! * g![1]!]),
  },
  tensorDotCase('matmul 2x3 . 3x4', [2, 3], [3, 4], [1], [0], [0, 1], ([f, g]) =>
    [0, 1].flatMap((r) =>
      [0, 1, 2, 3].map((c) => [0, 1, 2].reduce((s, k) => s + f![3 * r + k]! * g![4 * k + c]!, 0)),
    ),
  ),
  tensorDotCase(
    'two crossed contraction axes, transposed output',
    [2, 3, 4],
    [4, 5, 3],
    [2, 1],
    [0, 2],
    [1, 0],
  ),
  tensorDotCase('one contraction, 3 free axes, cyclic permutation', [2, 3, 4], [3, 5], [1], [0], [2, 0, 1]),
  tensorDotCase('outer product with permutation', [2, 3], [4], [], [], [2, 0, 1]),
  tensorDotCase('full contraction to a scalar', [2, 3], [3, 2], [0, 1], [1, 0], []),
];

/** Formulas that reuse a variable or a subexpression: their cotangents must accumulate. */
const COMPOSITES: OpCase[] = [
  {
    label: 'x * sin(x) (a variable read twice)',
    op: Op.Mult,
    dims: [3],
    build: ([x]) => apply(Op.Mult, [x!, apply(Op.Sin, [x!])]),
    ref: ew((x) => x * Math.sin(x)),
  },
  {
    label: 'Square(s) + s with s = Exp(x) . y (a shared subexpression)',
    op: Op.Add,
    dims: [3, 3],
    build: ([x, y]) => {
      const s = apply(Op.Scalprod, [apply(Op.Exp, [x!]), y!]);
      return apply(Op.Add, [apply(Op.Square, [s]), s]);
    },
    ref: ([x, y]) => {
      const s = x!.reduce((acc, v, k) => acc + Math.exp(v) * y![k]!, 0);
      return [s * s + s];
    },
  },
];

// ---------------------------------------------------------------------------------------------
// The check

/** FD of a smooth float64 function: truncation ~h^2 and rounding ~eps/h stay far below this. */
const FD_TOL: Tolerance = { rel: 1e-6, abs: 1e-6 };
/** Value against the Math.* reference: only summation order may differ. */
const VALUE_TOL: Tolerance = { rel: 1e-12, abs: 1e-13 };
const TRIALS = 3;

function sample(c: OpCase, r: Rng): Float64Array[] {
  for (let attempt = 0; attempt < 10_000; attempt++) {
    const xs = c.dims.map((d, k) => (c.samplers?.[k] ?? anyReal)(r, d));
    if (!c.valid || c.valid(xs)) return xs;
  }
  throw new Error(`${c.label}: no valid sample found`);
}

function checkCase(c: OpCase, seed: number): void {
  const r = new Rng(seed);
  const vars = c.dims.map((d, k) => variable(k, d, 'i'));
  const F = c.build ? c.build(vars) : apply(c.op, vars, c.attrs ?? []);
  expect(F.op).toBe(c.op);
  const xs = sample(c, r);
  const ePos = vars.length;
  const uPos = vars.length + 1;
  const e = r.vector(F.dim, -1, 1);
  let u: Float64Array = new Float64Array(0);
  const valueAt = (pos: number) => {
    if (pos < vars.length) return xs[pos]!;
    if (pos === ePos) return e;
    if (pos === uPos) return u;
    throw new Error(`${c.label}: a derivative formula reads an unexpected variable at position ${pos}`);
  };
  const where = `${c.label} (seed ${seed})`;

  // Value and dim rule against the independent reference.
  const expected = Float64Array.from(c.ref(xs));
  expect(F.dim, `${where}: dim`).toBe(expected.length);
  expectAllClose(evaluate([F], valueAt)[0]!, expected, VALUE_TOL, `${where}: value`);

  const eVar = variable(ePos, F.dim, 'i');
  vars.forEach((v, k) => {
    // VJP: the gradient of <F, e> with respect to child k.
    const g = grad(F, v, eVar);
    expect(g.dim, `${where}: VJP dim for child ${k}`).toBe(v.dim);
    const fd = fdGradient(xs[k]!, () => dot(c.ref(xs), e));
    expectAllClose(evaluate([g], valueAt)[0]!, fd, FD_TOL, `${where}: VJP w.r.t. child ${k}`);

    // JVP along a random tangent u, against (F(x + h u) - F(x - h u)) / 2h componentwise.
    u = r.vector(v.dim, -1, 1);
    const d = diff(F, v, variable(uPos, v.dim, 'i'));
    expect(d.dim, `${where}: JVP dim for child ${k}`).toBe(F.dim);
    const x0 = Float64Array.from(xs[k]!);
    const shifted = (s: number) => {
      xs[k] = x0.map((x, l) => x + s * u[l]!);
      const out = Float64Array.from(c.ref(xs));
      xs[k] = x0;
      return out;
    };
    const plus = shifted(FD_STEP);
    const minus = shifted(-FD_STEP);
    const fdJvp = plus.map((p, l) => (p - minus[l]!) / (2 * FD_STEP));
    expectAllClose(evaluate([d], valueAt)[0]!, fdJvp, FD_TOL, `${where}: JVP w.r.t. child ${k}`);
  });
}

const LEAVES = new Set<string>([Op.Var, Op.Zero, Op.IntCst, Op.RatCst, Op.FloatCst]);

describe('op table: value, VJP and JVP of every op against float64 references', () => {
  it('covers every non-leaf op (adding an op without a case fails here)', () => {
    const tableOps = allOps()
      .map((d) => d.op as string)
      .filter((op) => !LEAVES.has(op))
      .sort();
    const enumOps = Object.values(Op)
      .filter((op) => !LEAVES.has(op))
      .sort();
    expect(tableOps).toEqual(enumOps);
    const covered = [...new Set(CASES.map((c) => c.op as string))].sort();
    expect(covered).toEqual(enumOps);
  });

  it.each(CASES.map((c, n) => [c.label, c, n] as const))('%s', (_label, c, n) => {
    for (let t = 0; t < TRIALS; t++) checkCase(c, 1000 * n + t + 1);
  });

  it.each(COMPOSITES.map((c, n) => [c.label, c, n] as const))('composite: %s', (_label, c, n) => {
    for (let t = 0; t < TRIALS; t++) checkCase(c, 77_000 + 1000 * n + t);
  });

  it('gives Zero for a variable the formula does not read', () => {
    const x = variable(0, 3, 'i');
    const y = variable(1, 2, 'j');
    const g = grad(apply(Op.Exp, [x]), y, variable(2, 3, 'i'));
    expect(g.op).toBe(Op.Zero);
    expect(g.dim).toBe(2);
  });
});

describe('KeOps edge values', () => {
  const x = variable(0, 1, 'i');
  const x3 = variable(0, 3, 'i');
  const e = variable(1, 1, 'i');
  /**
   * Evaluates f with variable 0 all zeros (of dim `dim`) and the cotangent e = 1.7. Absolute
   * values, because the sign of a zero is not part of the convention (NaN stays NaN and fails).
   */
  const atZero = (f: Formula, dim = 1) =>
    [...evaluate([f], (pos) => (pos === 0 ? new Float64Array(dim) : Float64Array.of(1.7)))[0]!].map(Math.abs);

  it('Rsqrt(0) = 0, while Rsqrt of a tiny positive number is large', () => {
    expect(atZero(rsqrt(x))).toEqual([0]);
    expect(evaluate([rsqrt(x)], () => Float64Array.of(1e-300))[0]![0]).toBe(1 / Math.sqrt(1e-300));
  });

  it('XLogX(0) = 0 and SinXDivX(0) = 1', () => {
    expect(atZero(xlogx(x))).toEqual([0]);
    expect(atZero(sinXDivX(x))).toEqual([1]);
  });

  it('the gradients of Sqrt, Rsqrt and SinXDivX at 0 are 0 (Rsqrt(0) = 0 convention), not NaN', () => {
    expect(atZero(grad(sqrt(x), x, e))).toEqual([0]);
    expect(atZero(grad(rsqrt(x), x, e))).toEqual([0]);
    // SinXDivX is smooth at 0 with derivative 0.
    expect(atZero(grad(sinXDivX(x), x, e))).toEqual([0]);
  });

  it('the gradient of Norm2 at 0 is 0, and Normalize(0) = 0', () => {
    expect(atZero(grad(norm2(x3), x3, e), 3)).toEqual([0, 0, 0]);
    expect(atZero(normalize(x3), 3)).toEqual([0, 0, 0]);
  });
});
