/**
 * Kernel-product suites: out_i = sum_j k(x_i, y_j) b_j for the Gaussian, Laplace, Cauchy and
 * inverse multiquadric kernels, D = 3, N = M swept. Inputs follow the peers' "a" seeds
 * (x = uniform(101), y = uniform(102), b = uniform(103), s = 0.1), so the Gaussian rows sit next to
 * the imported NumPy / PyTorch / PyKeOps figures measured on the same points.
 */
import { mul, Reduction, reductionSpec, sqDist, variable } from '@symtensor/core-ir';
import { uniform } from '@symtensor/core-ir/peer-inputs';
import { KERNEL_FUNCTIONS, type KernelFunction } from './kernel-functions.js';
import type { Suite } from './types.js';

const D = 3;
const SCALE = 0.1;

function kernelSuite(k: KernelFunction): Suite {
  const x = variable(0, D, 'i');
  const y = variable(1, D, 'j');
  const b = variable(2, 1, 'j');
  // Built once: a spec holds no sizes, so one compiled kernel serves the whole sweep.
  const spec = reductionSpec({
    formula: mul(k.formula(sqDist(x, y), SCALE), b),
    reduction: Reduction.Sum,
    axis: 'j',
    dtype: 'float32',
  });
  return {
    id: k.name,
    group: 'kernels',
    title: k.title,
    kind: 'kernel-sum',
    formula: `out_i = sum_j ${k.text} b_j, s = ${SCALE}`,
    defaultSizes: [1_000, 10_000, 30_000, 100_000],
    quickSizes: [1_000, 3_000],
    workload(n) {
      const problem = {
        kind: 'kernel-sum' as const,
        kernel: k.name,
        scale: SCALE,
        x: uniform(101, n, D),
        y: uniform(102, n, D),
        b: uniform(103, n, 1),
        N: n,
        M: n,
        D,
      };
      return {
        suite: k.name,
        n,
        sizeLabel: `N=M=${n}, D=${D}`,
        pairs: n * n,
        problem,
        spec,
        args: [problem.x, problem.y, problem.b],
        nx: n,
        ny: n,
      };
    },
  };
}

export const KERNEL_SUITES: readonly Suite[] = KERNEL_FUNCTIONS.map(kernelSuite);
