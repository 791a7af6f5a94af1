/**
 * The LogSumExp softmin, the inner step of every log-domain Sinkhorn iteration:
 * out_i = log sum_j exp(-|x_i - y_j|^2 / eps + h_j). eps = 0.05^2 is GeomLoss' default blur
 * squared. Inputs use the peers' "c" seeds (x = uniform(301), y = uniform(302)); h = uniform(303)
 * stands for a dual potential.
 */
import { add, floatCst, mul, Reduction, reductionSpec, sqDist, variable } from '@symtensor/core-ir';
import { uniform } from '@symtensor/core-ir/peer-inputs';
import type { Suite } from './types.js';

const D = 3;
const EPS = 0.05 ** 2;

const spec = reductionSpec({
  formula: add(
    mul(floatCst(-1 / EPS), sqDist(variable(0, D, 'i'), variable(1, D, 'j'))),
    variable(2, 1, 'j'),
  ),
  reduction: Reduction.LogSumExp,
  axis: 'j',
  dtype: 'float32',
});

export const SOFTMIN_SUITE: Suite = {
  id: 'lse',
  group: 'softmin',
  title: 'LogSumExp softmin',
  kind: 'softmin',
  formula: `out_i = log sum_j exp(-|x_i-y_j|^2 / eps + h_j), eps = ${EPS}`,
  defaultSizes: [1_000, 10_000, 30_000, 100_000],
  quickSizes: [1_000, 3_000],
  workload(n) {
    const problem = {
      kind: 'softmin' as const,
      eps: EPS,
      x: uniform(301, n, D),
      y: uniform(302, n, D),
      h: uniform(303, n, 1),
      N: n,
      M: n,
      D,
    };
    return {
      suite: 'lse',
      n,
      sizeLabel: `N=M=${n}, D=${D}`,
      pairs: n * n,
      problem,
      spec,
      args: [problem.x, problem.y, problem.h],
      nx: n,
      ny: n,
    };
  },
};
