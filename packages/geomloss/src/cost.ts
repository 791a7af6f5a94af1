/**
 * Ground costs as LazyTensors: C = |x - y| (p = 1) or |x - y|^2 / 2 (p = 2), GeomLoss's conventions,
 * or a user function of (Vi(x), Vj(y)).
 */
import { type LazyTensor, type Tensor, Vi, Vj } from '@symtensor/lazytensor';
import type { CostFunction } from './options.js';

/**
 * Below this squared distance the Euclidean norm is evaluated as d2 / sqrt(TINY): the value is off by
 * less than 1e-12 and its gradient at coincident points is 0 instead of 0 * inf = NaN (the diagonal of
 * C(x, x) is exactly zero, and GeomLoss's KeOps path returns NaN there). The backward pass of rsqrt
 * forms TINY^-1.5 (times a zero cotangent there): 1e36 stays finite in float32, where a smaller TINY
 * such as 1e-30 overflows to inf and turns every float32 gradient into NaN.
 */
const TINY = 1e-24;

/** |a - b| with a finite gradient at a = b. */
export function safeNorm(ai: LazyTensor, bj: LazyTensor): LazyTensor {
  const d2 = ai.sqdist(bj);
  return d2.mul(d2.sub(TINY).relu().add(TINY).rsqrt());
}

export function builtinCost(p: 1 | 2): CostFunction {
  return p === 1 ? safeNorm : (xi, yj) => xi.sqdist(yj).mul(0.5);
}

/**
 * C(u_i, v_j) with u indexed by i. `uIsX` says whether u plays the role of the cost's first argument
 * (x): the transposed matrix C_yx(y_i, x_j) = C(x_j, y_i) keeps a non-symmetric custom cost correct.
 */
export function costMatrix(cost: CostFunction, u: Tensor, v: Tensor, uIsX: boolean): LazyTensor {
  return uIsX ? cost(Vi(u), Vj(v)) : cost(Vj(v), Vi(u));
}
