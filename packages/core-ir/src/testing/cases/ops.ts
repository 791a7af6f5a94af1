/**
 * Every op of the op table, evaluated inside a Sum reduction over j, on random inputs in the op's
 * valid domain: its value (operands that depend on i and j, operands hoisted to the row, dims
 * below and above the unroll limit, scalar broadcasting) and its VJP (`grad(F, x, e)` with e a
 * fresh i variable, reduced over j in the same way).
 */

import { grad } from '../../diff/grad.js';
import {
  add,
  apply,
  encodeTensorDot,
  floatCst,
  intCst,
  mul,
  ratCst,
  sub,
  variable,
} from '../../formula/build.js';
import type { Formula } from '../../formula/formula.js';
import { reductionSpec } from '../../kernel/spec.js';
import { allOps } from '../../ops/table.js';
import { Op } from '../../ops/types.js';
import { Reduction } from '../../reductions/types.js';
import { type Domain, grid, half, uniform } from '../domain.js';
import type { Case } from '../run-case.js';
import { type ConformanceTest, casesTest, type TestGroup } from './common.js';

interface Operand {
  readonly dim: (D: number) => number;
  readonly domain: Domain;
}

interface OpCase {
  readonly name: string;
  readonly op: Op;
  readonly operands: readonly Operand[];
  readonly attrs?: (D: number) => number[];
  /** Elementwise op with several operands: also run with a dim-1 operand broadcast. */
  readonly broadcast?: boolean;
}

const WIDE = uniform(-2, 2);
const POS = uniform(0.5, 2);
/** Quarters on [-1, 1]: exact in every dtype, so zeros, equalities and ties really happen. */
const QUARTERS = grid(-1, 1, 0.25);

const vec = (domain: Domain): Operand => ({ dim: (D) => D, domain });
const scalar = (domain: Domain): Operand => ({ dim: () => 1, domain });
const sized = (dim: (D: number) => number, domain: Domain): Operand => ({ dim, domain });

const unary = (op: Op, domain: Domain, attrs?: (D: number) => number[]): OpCase => ({
  name: op,
  op,
  operands: [vec(domain)],
  ...(attrs ? { attrs } : {}),
});
const elementwise = (op: Op, ...domains: Domain[]): OpCase => ({
  name: op,
  op,
  operands: domains.map(vec),
  broadcast: true,
});

/** One case per op (several for ops with dispatch on their dims), in valid domains. */
export const OP_CASES: readonly OpCase[] = [
  unary(Op.Minus, WIDE),
  unary(Op.Inv, POS),
  unary(Op.Exp, WIDE),
  unary(Op.Log, POS),
  unary(Op.XLogX, uniform(0.1, 2)),
  unary(Op.Sin, uniform(-3, 3)),
  unary(Op.Cos, uniform(-3, 3)),
  unary(Op.SinXDivX, uniform(-3, 3)),
  unary(Op.Asin, uniform(-0.9, 0.9)),
  unary(Op.Acos, uniform(-0.9, 0.9)),
  unary(Op.Atan, uniform(-3, 3)),
  unary(Op.Sqrt, uniform(0.25, 4)),
  unary(Op.Rsqrt, uniform(0.25, 4)),
  unary(Op.Square, WIDE),
  unary(Op.Pow, WIDE, () => [3]),
  unary(Op.Abs, WIDE),
  unary(Op.ReLU, WIDE),
  unary(Op.Sign, QUARTERS),
  unary(Op.Step, QUARTERS),
  unary(Op.Floor, grid(-2, 2, 0.25)),
  // Eighths times 100 land on halves: checks rounding half away from zero at d = 2.
  unary(Op.Round, grid(-1, 1, 0.125), () => [2]),
  unary(Op.ClampInt, grid(-2, 2, 0.25), () => [-1, 1]),
  elementwise(Op.Add, WIDE, WIDE),
  elementwise(Op.Subtract, WIDE, WIDE),
  elementwise(Op.Mult, WIDE, WIDE),
  elementwise(Op.Divide, WIDE, POS),
  elementwise(Op.Powf, POS, WIDE),
  elementwise(Op.Atan2, WIDE, WIDE),
  elementwise(Op.LessThan, QUARTERS, QUARTERS),
  elementwise(Op.LessOrEqual, QUARTERS, QUARTERS),
  elementwise(Op.Equal, QUARTERS, QUARTERS),
  elementwise(Op.NotEqual, QUARTERS, QUARTERS),
  elementwise(Op.Clamp, WIDE, uniform(-1, -0.25), uniform(0.25, 1)),
  elementwise(Op.IfElse, QUARTERS, WIDE, WIDE),
  unary(Op.Sum, WIDE),
  unary(Op.Max, WIDE),
  unary(Op.Min, WIDE),
  // Quarters make equal components: the first one must win.
  unary(Op.ArgMax, QUARTERS),
  unary(Op.ArgMin, QUARTERS),
  { name: Op.Scalprod, op: Op.Scalprod, operands: [vec(WIDE), vec(WIDE)] },
  unary(Op.SqNorm2, WIDE),
  unary(Op.Norm2, WIDE),
  { name: Op.SqDist, op: Op.SqDist, operands: [vec(WIDE), vec(WIDE)] },
  { name: `${Op.WeightedSqNorm} (isotropic)`, op: Op.WeightedSqNorm, operands: [scalar(POS), vec(WIDE)] },
  { name: `${Op.WeightedSqNorm} (diagonal)`, op: Op.WeightedSqNorm, operands: [vec(POS), vec(WIDE)] },
  {
    name: `${Op.WeightedSqNorm} (full)`,
    op: Op.WeightedSqNorm,
    operands: [sized((D) => D * D, WIDE), vec(WIDE)],
  },
  unary(Op.Elem, WIDE, (D) => [D - 2]),
  { name: Op.ElemT, op: Op.ElemT, operands: [scalar(WIDE)], attrs: (D) => [D, 1] },
  unary(Op.Extract, WIDE, (D) => [1, D - 2]),
  unary(Op.ExtractT, WIDE, (D) => [2, D + 3]),
  { name: Op.Concat, op: Op.Concat, operands: [vec(WIDE), sized(() => 2, WIDE)] },
  // Halves from -1 to 4: positions out of range, exact halves (rounded away from zero) and hits.
  { name: Op.OneHot, op: Op.OneHot, operands: [scalar(grid(-1, 4, 0.5))], attrs: (D) => [D] },
  { name: Op.SumT, op: Op.SumT, operands: [scalar(WIDE)], attrs: (D) => [D] },
  { name: Op.MatVecMult, op: Op.MatVecMult, operands: [sized((D) => 2 * D, WIDE), vec(WIDE)] },
  { name: Op.VecMatMult, op: Op.VecMatMult, operands: [vec(WIDE), sized((D) => 2 * D, WIDE)] },
  { name: Op.TensorProd, op: Op.TensorProd, operands: [vec(WIDE), sized(() => 2, WIDE)] },
  {
    name: `${Op.TensorDot} (one axis, permuted)`,
    op: Op.TensorDot,
    operands: [sized((D) => 6 * D, WIDE), sized((D) => 2 * D, WIDE)],
    attrs: (D) =>
      encodeTensorDot({ dimsf: [2, 3, D], dimsg: [D, 2], contf: [2], contg: [0], permute: [2, 0, 1] }),
  },
  {
    name: `${Op.TensorDot} (two axes)`,
    op: Op.TensorDot,
    operands: [sized((D) => 6 * D, WIDE), sized((D) => 3 * D, WIDE)],
    attrs: (D) =>
      encodeTensorDot({ dimsf: [2, 3, D], dimsg: [3, D], contf: [1, 2], contg: [0, 1], permute: [0] }),
  },
];

const LEAVES = new Set<string>([Op.Var, Op.Zero, Op.IntCst, Op.RatCst, Op.FloatCst]);

/** Where an operand's data comes from: an i variable plus a j variable, or plus a parameter. */
type Placement = 'pair' | 'row';

interface Built {
  readonly formula: Formula;
  /** The i variable of each operand (the VJP is taken with respect to it). */
  readonly xs: readonly Formula[];
  readonly domains: Record<number, Domain>;
}

/**
 * F = op(u_0, u_1, ...) with u_k = x_k + y_k: x_k = Var(2k, i), y_k = Var(2k+1, j) ('pair') or a
 * parameter ('row', so the op is hoisted out of the j loop). Both halves are drawn from half the
 * operand's domain, so u_k covers its domain.
 */
function build(c: OpCase, D: number, placement: Placement, dims?: readonly number[]): Built {
  const domains: Record<number, Domain> = {};
  const xs: Formula[] = [];
  const operands = c.operands.map((o, k) => {
    const dim = dims?.[k] ?? o.dim(D);
    const x = variable(2 * k, dim, 'i');
    const y = variable(2 * k + 1, dim, placement === 'pair' ? 'j' : 'p');
    domains[2 * k] = half(o.domain);
    domains[2 * k + 1] = half(o.domain);
    xs.push(x);
    return add(x, y);
  });
  return { formula: apply(c.op, operands, c.attrs?.(D) ?? []), xs, domains };
}

function sumCase(
  label: string,
  formula: Formula,
  domains: Record<number, Domain>,
  nx: number,
  ny: number,
): Case {
  return {
    label,
    nx,
    ny,
    domains,
    spec: (dtype) => reductionSpec({ formula, reduction: Reduction.Sum, axis: 'j', dtype }),
  };
}

/** Dims of the operands with one of them made a scalar (broadcast), or undefined. */
function broadcastDims(c: OpCase, D: number, which: 'first' | 'last'): number[] {
  const dims = c.operands.map((o) => o.dim(D));
  dims[which === 'first' ? 0 : dims.length - 1] = 1;
  return dims;
}

/** The runs of an op case: D = 3 (unrolled) and D = 17 (loops), then broadcast variants. */
function variants(c: OpCase): { label: string; D: number; placement: Placement; dims?: number[] }[] {
  const out: { label: string; D: number; placement: Placement; dims?: number[] }[] = [
    { label: `${c.name}, D=3`, D: 3, placement: 'pair' },
    { label: `${c.name}, D=17`, D: 17, placement: 'pair' },
  ];
  if (c.broadcast) {
    out.push({
      label: `${c.name}, first operand broadcast`,
      D: 3,
      placement: 'pair',
      dims: broadcastDims(c, 3, 'first'),
    });
    out.push({
      label: `${c.name}, last operand broadcast`,
      D: 3,
      placement: 'pair',
      dims: broadcastDims(c, 3, 'last'),
    });
  }
  return out;
}

function valueTest(c: OpCase): ConformanceTest {
  const cases: Case[] = [];
  for (const v of variants(c)) {
    const { formula, domains } = build(c, v.D, v.placement, v.dims);
    cases.push(sumCase(`${v.label}: value`, formula, domains, 5, 7));
  }
  const row = build(c, 3, 'row');
  cases.push(sumCase(`${c.name}, D=3, hoisted to the row: value`, row.formula, row.domains, 6, 3));
  return casesTest(`${c.name}: value`, cases);
}

function vjpTest(c: OpCase): ConformanceTest {
  const cases: Case[] = [];
  for (const v of variants(c)) {
    const { formula, xs, domains } = build(c, v.D, v.placement, v.dims);
    const ePos = 2 * c.operands.length;
    const e = variable(ePos, formula.dim, 'i');
    xs.forEach((x, k) => {
      cases.push(sumCase(`${v.label}: VJP wrt operand ${k}`, grad(formula, x, e), domains, 4, 6));
    });
  }
  return casesTest(`${c.name}: VJP`, cases);
}

export function opGroup(): TestGroup {
  const coverage: ConformanceTest = {
    name: 'every op of the op table has a case',
    async run() {
      const covered = new Set(OP_CASES.map((c) => c.op));
      const missing = allOps()
        .map((d) => d.op)
        .filter((op) => !LEAVES.has(op) && !covered.has(op));
      if (missing.length > 0) throw new Error(`ops without a conformance case: ${missing.join(', ')}`);
    },
  };
  // Constants: float constants are rounded to the kernel's dtype, exact rationals folded.
  const x = variable(0, 3, 'i');
  const y = variable(1, 3, 'j');
  const constants = sub(add(mul(floatCst(0.1), mul(x, y)), ratCst(1, 3)), mul(intCst(2), y));
  return {
    name: 'ops',
    tests: [
      coverage,
      casesTest('constants', [sumCase('0.1 * x * y + 1/3 - 2y', constants, {}, 5, 7)]),
      ...OP_CASES.flatMap((c) => [valueTest(c), vjpTest(c)]),
    ],
  };
}
