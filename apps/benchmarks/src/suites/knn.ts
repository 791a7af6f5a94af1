/**
 * Exact k-nearest-neighbour suites: ArgKMin (K = 10) of the squared distance, at D = 3 and
 * D = 50, with the peers' "b" seeds (queries x = uniform(201), database y = uniform(202)).
 */
import { Reduction, reductionSpec, sqDist, variable } from '@symtensor/core-ir';
import { uniform } from '@symtensor/core-ir/peer-inputs';
import type { Suite } from './types.js';

const K = 10;

function knnSuite(D: number, defaultSizes: readonly number[], quickSizes: readonly number[]): Suite {
  const spec = reductionSpec({
    formula: sqDist(variable(0, D, 'i'), variable(1, D, 'j')),
    reduction: Reduction.ArgKMin,
    axis: 'j',
    k: K,
    dtype: 'float32',
  });
  const id = `knn-d${D}`;
  return {
    id,
    group: 'knn',
    title: `Exact kNN, K=${K}, D=${D}`,
    kind: 'knn',
    formula: `out_i = ArgKMin_j |x_i - y_j|^2, K = ${K}`,
    defaultSizes,
    quickSizes,
    workload(n) {
      const problem = {
        kind: 'knn' as const,
        K,
        x: uniform(201, n, D),
        y: uniform(202, n, D),
        N: n,
        M: n,
        D,
      };
      return {
        suite: id,
        n,
        sizeLabel: `N=M=${n}, D=${D}, K=${K}`,
        pairs: n * n,
        problem,
        spec,
        args: [problem.x, problem.y],
        nx: n,
        ny: n,
      };
    },
  };
}

export const KNN_SUITES: readonly Suite[] = [
  knnSuite(3, [1_000, 10_000, 100_000], [1_000, 3_000]),
  knnSuite(50, [1_000, 10_000], [1_000]),
];
