/**
 * The benchmarks' Gaussian kernel product, out_i = sum_j exp(-g |x_i - y_j|^2) b_j: inputs x (i,
 * D = 3), y (j, 3), b (j, 1) and g (parameter), float32.
 */
import { exp, minus, mul, Reduction, reductionSpec, sqDist, variable } from '@symtensor/core-ir';

export const gaussianProduct = reductionSpec({
  formula: mul(
    exp(mul(minus(variable(3, 1, 'p')), sqDist(variable(0, 3, 'i'), variable(1, 3, 'j')))),
    variable(2, 1, 'j'),
  ),
  reduction: Reduction.Sum,
  axis: 'j',
  dtype: 'float32',
});
