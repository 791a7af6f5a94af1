/**
 * Gradients of reductions (`reductionGrad`): each gradient is a new Sum reduction, run with the
 * float64 reference interpreter and compared with central finite differences of the forward
 * reduction, on both axes, for i, j and parameter variables; then the second- and third-order
 * gradients of a Gaussian kernel sum, each against finite differences of the order below.
 */
import { describe, expect, it } from 'vitest';
import {
  add,
  cos,
  elem,
  exp,
  type Formula,
  minus,
  mul,
  Reduction,
  type ReductionExpr,
  ratCst,
  reductionGrad,
  reductionSpec,
  referenceRun,
  savedForGrad,
  scalprod,
  sqDist,
  sub,
  UnsupportedError,
  ValueError,
  varInfo,
  variable,
} from '../src/index.js';
import { dot, expectAllClose, fdGradient, Rng, type Tolerance } from './helpers/numeric.js';

/** Distinct sizes, so that a gradient indexed by the wrong axis cannot have the right length. */
const NX = 4;
const NY = 5;

const x = variable(0, 3, 'i');
const y = variable(1, 3, 'j');
const b = variable(2, 2, 'j');
const p = variable(3, 1, 'p');
/** Cotangent, saved output and saved log-sum-exp positions of a first-order gradient. */
const POS_G = 4;
const POS_OUT = 5;
const POS_LSE = 6;

type Args = (Float64Array | undefined)[];

/** FD of a smooth float64 function (h = 1e-6): truncation and rounding stay far below this. */
const FD_TOL: Tolerance = { rel: 1e-6, abs: 1e-6 };

function run(red: ReductionExpr, args: Args): Float64Array {
  const spec = reductionSpec({
    formula: red.formula,
    reduction: red.reduction,
    axis: red.axis,
    ...(red.weight ? { weight: red.weight } : {}),
    dtype: 'float64',
  });
  return referenceRun(spec, { args, nx: NX, ny: NY })[0]!;
}

function freshArgs(r: Rng): Args {
  return [
    r.vector(NX * 3, -1, 1),
    r.vector(NY * 3, -1, 1),
    // Positive, because a weighted LogSumExp takes the log of a weighted sum.
    r.vector(NY * 2, 0.5, 2),
    r.vector(1, 0.3, 1),
  ];
}

/**
 * Checks reductionGrad(red, v) against finite differences of L = sum over output rows of
 * <red(args), G> with a random cotangent G, which it stores at `gPos` in `args` (so that a higher
 * order can differentiate this gradient in turn). Saved forward values the gradient needs are
 * computed with the reference interpreter and passed as variables of the output's index. Returns
 * the gradient's reduction.
 */
function checkGrad(
  red: ReductionExpr,
  v: Formula,
  args: Args,
  r: Rng,
  where: string,
  gPos = POS_G,
): ReductionExpr {
  const outCat = red.axis === 'j' ? 'i' : 'j';
  const rows = red.axis === 'j' ? NX : NY;
  const out = run(red, args);
  const D = out.length / rows;
  const G = r.vector(out.length, -1, 1);
  args[gPos] = G;
  const saved: { output?: Formula; logsumexp?: Formula } = {};
  for (const what of savedForGrad(red.reduction)) {
    if (what === 'output') {
      saved.output = variable(POS_OUT, D, outCat);
      args[POS_OUT] = out;
    } else {
      saved.logsumexp = variable(POS_LSE, 1, outCat);
      args[POS_LSE] = run({ formula: red.formula, reduction: Reduction.LogSumExp, axis: red.axis }, args);
    }
  }
  const res = reductionGrad(red, v, variable(gPos, D, outCat), saved);
  if (res.kind !== 'reduction') throw new Error(`${where}: expected a gradient reduction, got ${res.kind}`);
  const { cat, dim, pos } = varInfo(v);
  expect(res.expr.reduction, where).toBe(Reduction.Sum);
  expect(res.sumRows, `${where}: sumRows`).toBe(cat === 'p');
  // The gradient is indexed like the variable: an i variable's gradient reduces over j.
  if (cat !== 'p') expect(res.expr.axis, `${where}: axis`).toBe(cat === 'i' ? 'j' : 'i');

  let got = run(res.expr, args);
  if (res.sumRows) {
    const total = new Float64Array(dim);
    got.forEach((g, k) => {
      total[k % dim]! += g;
    });
    got = total;
  }
  const fd = fdGradient(args[pos]!, () => dot(run(red, args), G));
  expectAllClose(got, fd, FD_TOL, where);
  return res.expr;
}

// A scalar score reading all three kinds of variable, and two weights (positive, and signed).
const score = add(mul(ratCst(1, 2), scalprod(x, y)), sub(elem(b, 0), mul(p, sqDist(x, y))));
const positiveWeight = mul(b, exp(mul(ratCst(1, 2), elem(x, 0))));
const signedWeight = mul(b, cos(elem(x, 0)));

const REDUCTIONS: { label: string; red: (axis: 'i' | 'j') => ReductionExpr }[] = [
  {
    label: 'Sum of Exp(-p SqDist(x, y)) * b',
    red: (axis) => ({ formula: mul(exp(minus(mul(p, sqDist(x, y)))), b), reduction: Reduction.Sum, axis }),
  },
  { label: 'LogSumExp', red: (axis) => ({ formula: score, reduction: Reduction.LogSumExp, axis }) },
  {
    label: 'LogSumExp with a weight',
    red: (axis) => ({ formula: score, reduction: Reduction.LogSumExp, axis, weight: positiveWeight }),
  },
  {
    label: 'SumSoftMaxWeight',
    red: (axis) => ({ formula: score, reduction: Reduction.SumSoftMaxWeight, axis, weight: signedWeight }),
  },
];

const VARIABLES = [
  ['x (i variable)', x],
  ['y (j variable)', y],
  ['b (j variable in the weight)', b],
  ['p (parameter)', p],
] as const;

describe('reductionGrad against finite differences of the forward reduction', () => {
  const cases = REDUCTIONS.flatMap(({ label, red }, n) =>
    (['j', 'i'] as const).flatMap((axis) =>
      VARIABLES.map(
        ([vLabel, v], m) =>
          [
            `${label}, axis ${axis}, w.r.t. ${vLabel}`,
            red(axis),
            v,
            100 * n + 10 * m + (axis === 'i' ? 1 : 0),
          ] as const,
      ),
    ),
  );

  it.each(cases)('%s', (label, red, v, seed) => {
    for (let t = 0; t < 2; t++) {
      const r = new Rng(5000 + 7 * seed + t);
      checkGrad(red, v, freshArgs(r), r, `${label} (trial ${t})`);
    }
  });

  it('lists the saved forward values each reduction needs, and refuses to go on without them', () => {
    expect(savedForGrad(Reduction.Sum)).toEqual([]);
    expect(savedForGrad(Reduction.LogSumExp)).toEqual(['output']);
    expect(savedForGrad(Reduction.SumSoftMaxWeight)).toEqual(['output', 'logsumexp']);
    const e = variable(POS_G, 1, 'i');
    expect(() => reductionGrad({ formula: score, reduction: Reduction.LogSumExp, axis: 'j' }, x, e)).toThrow(
      ValueError,
    );
    expect(() =>
      reductionGrad(
        { formula: score, reduction: Reduction.SumSoftMaxWeight, axis: 'j', weight: signedWeight },
        x,
        variable(POS_G, 2, 'i'),
        { output: variable(POS_OUT, 2, 'i') },
      ),
    ).toThrow(ValueError);
  });

  it('gives { kind: "zero" } when the variable does not appear', () => {
    const red: ReductionExpr = { formula: exp(minus(sqDist(x, y))), reduction: Reduction.Sum, axis: 'j' };
    expect(reductionGrad(red, b, variable(POS_G, 1, 'i'))).toEqual({ kind: 'zero' });
  });
});

describe('reductions without a gradient', () => {
  const f = sqDist(x, y);
  const e = variable(POS_G, 1, 'i');

  it.each([Reduction.ArgMin, Reduction.ArgMax, Reduction.ArgKMin])('%s has a zero gradient', (reduction) => {
    const red: ReductionExpr = {
      formula: f,
      reduction,
      axis: 'j',
      ...(reduction === Reduction.ArgKMin ? { k: 2 } : {}),
    };
    for (const v of [x, y, p]) expect(reductionGrad(red, v, e)).toEqual({ kind: 'zero' });
  });

  it.each([
    Reduction.Min,
    Reduction.Max,
    Reduction.KMin,
    Reduction.MinArgMin,
    Reduction.MaxArgMax,
    Reduction.KMinArgKMin,
  ])('%s throws UnsupportedError suggesting argmin', (reduction) => {
    const red: ReductionExpr = {
      formula: f,
      reduction,
      axis: 'j',
      ...(reduction.startsWith('KMin') ? { k: 2 } : {}),
    };
    expect(() => reductionGrad(red, x, e)).toThrow(UnsupportedError);
    expect(() => reductionGrad(red, x, e)).toThrow(/argmin/i);
  });
});

describe('higher-order gradients of a Gaussian kernel sum', () => {
  // out_i = sum_j exp(-G |x_i - y_j|^2) b_j, with the bandwidth G a parameter.
  const G = variable(3, 1, 'p');
  const b1 = variable(2, 1, 'j');
  const gaussian: ReductionExpr = {
    formula: mul(exp(minus(mul(G, sqDist(x, y)))), b1),
    reduction: Reduction.Sum,
    axis: 'j',
  };
  const argsFor = (r: Rng): Args => [
    r.vector(NX * 3, -1, 1),
    r.vector(NY * 3, -1, 1),
    r.vector(NY, -1, 1),
    r.vector(1, 0.3, 1),
  ];

  it('first order: matches the closed form -2G sum_j (x_i - y_j) exp(-G |x_i - y_j|^2) b_j e_i', () => {
    const r = new Rng(31);
    const args = argsFor(r);
    const g1 = checkGrad(gaussian, x, args, r, 'd/dx');
    const [X, Y, B, Gv, E] = [args[0]!, args[1]!, args[2]!, args[3]![0]!, args[POS_G]!];
    const expected = new Float64Array(NX * 3);
    for (let i = 0; i < NX; i++)
      for (let j = 0; j < NY; j++) {
        let d2 = 0;
        for (let k = 0; k < 3; k++) d2 += (X[3 * i + k]! - Y[3 * j + k]!) ** 2;
        const w = Math.exp(-Gv * d2) * B[j]! * E[i]!;
        for (let k = 0; k < 3; k++) expected[3 * i + k]! += -2 * Gv * (X[3 * i + k]! - Y[3 * j + k]!) * w;
      }
    expectAllClose(run(g1, args), expected, { rel: 1e-12, abs: 1e-14 }, 'closed form');
  });

  it.each([
    ['y: d/dy <grad_x, u> (a reduction over i)', y],
    ['x: the Hessian-vector product', x],
    ['G: a parameter (rows summed)', G],
    ['b', b1],
  ] as const)('second order w.r.t. %s', (_label, v) => {
    for (let t = 0; t < 2; t++) {
      const r = new Rng(600 + t + 10 * varInfo(v).pos);
      const args = argsFor(r);
      const g1 = checkGrad(gaussian, x, args, r, 'first order');
      checkGrad(g1, v, args, r, `second order, trial ${t}`, POS_G + 1);
    }
  });

  it('third order: d/dx of <d/dy <grad_x, u>, w>', () => {
    const r = new Rng(777);
    const args = argsFor(r);
    const g1 = checkGrad(gaussian, x, args, r, 'first order');
    const g2 = checkGrad(g1, y, args, r, 'second order', POS_G + 1);
    expect(g2.axis).toBe('i');
    checkGrad(g2, x, args, r, 'third order', POS_G + 2);
  });
});
