/**
 * The benchmark cases (issue 7): the Gaussian kernel product at D = 3 for N = M in {1e4, 1e5,
 * 1e6}; exact kNN (ArgKMin, K = 10) at D = 3 and D = 50; a LogSumExp softmin (the Sinkhorn
 * update). Each is a core-ir spec plus the shapes of its inputs, described so that the PyTorch
 * helper (torch_baseline.py) computes the same thing.
 */
import {
  cst,
  div,
  exp,
  type KernelSpec,
  mul,
  Reduction,
  reductionSpec,
  sqDist,
  sub,
  variable,
} from '@symtensor/core-ir';

export interface BenchCase {
  readonly name: string;
  /** What the PyTorch helper computes: 'gaussian' | 'knn' | 'softmin'. */
  readonly kind: 'gaussian' | 'knn' | 'softmin';
  readonly n: number;
  readonly m: number;
  readonly d: number;
  readonly k?: number;
  readonly spec: KernelSpec;
  /** Input sizes by argument position: [rows of the i / j / p category, dim]. */
  readonly args: readonly { cat: 'i' | 'j' | 'p'; dim: number; value?: number }[];
  /** Exponentials per pair (for the exp-throughput ratio), 0 for none. */
  readonly expPerPair: number;
}

/** Bandwidth of the Gaussian kernel and temperature of the softmin. */
const SIGMA = 0.1;
const EPS = 0.05;

export function benchCases(sizes: readonly number[], knnSize: number, softminSize: number): BenchCase[] {
  const x = variable(0, 3, 'i');
  const y = variable(1, 3, 'j');
  const gaussian = reductionSpec({
    formula: mul(exp(mul(cst(-1 / (2 * SIGMA * SIGMA)), sqDist(x, y))), variable(2, 1, 'j')),
    reduction: Reduction.Sum,
    axis: 'j',
    dtype: 'float32',
  });
  const cases: BenchCase[] = sizes.map((n) => ({
    name: `gaussian N=M=${n.toExponential(0)} D=3`,
    kind: 'gaussian',
    n,
    m: n,
    d: 3,
    spec: gaussian,
    args: [
      { cat: 'i', dim: 3 },
      { cat: 'j', dim: 3 },
      { cat: 'j', dim: 1 },
    ],
    expPerPair: 1,
  }));
  for (const d of [3, 50]) {
    const spec = reductionSpec({
      formula: sqDist(variable(0, d, 'i'), variable(1, d, 'j')),
      reduction: Reduction.ArgKMin,
      axis: 'j',
      k: 10,
      dtype: 'float32',
    });
    cases.push({
      name: `knn K=10 N=M=${knnSize.toExponential(0)} D=${d}`,
      kind: 'knn',
      n: knnSize,
      m: knnSize,
      d,
      k: 10,
      spec,
      args: [
        { cat: 'i', dim: d },
        { cat: 'j', dim: d },
      ],
      expPerPair: 0,
    });
  }
  // softmin_i = -eps log sum_j exp((g_j - |x_i - y_j|^2) / eps): the LogSumExp of the Sinkhorn loop.
  const lse = reductionSpec({
    formula: div(sub(variable(2, 1, 'j'), sqDist(x, y)), cst(EPS)),
    reduction: Reduction.LogSumExp,
    axis: 'j',
    dtype: 'float32',
  });
  cases.push({
    name: `softmin (LogSumExp) N=M=${softminSize.toExponential(0)} D=3`,
    kind: 'softmin',
    n: softminSize,
    m: softminSize,
    d: 3,
    spec: lse,
    args: [
      { cat: 'i', dim: 3 },
      { cat: 'j', dim: 3 },
      { cat: 'j', dim: 1 },
    ],
    expPerPair: 1,
  });
  return cases;
}

export const CONSTANTS = { SIGMA, EPS };
