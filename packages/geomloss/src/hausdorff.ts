/**
 * The weighted Hausdorff divergence of Feydy & Trouve (ShapeMI 2018), which GeomLoss documents but
 * maps to a missing routine (KeyError, issues #64, #70):
 *   H_eps(a, b) = 1/2 <a - b, F^b - F^a>,  F^b(z) = -eps log sum_j b_j exp(-C(z, y_j) / eps),
 * evaluated on both supports. eps -> 0 gives the symmetric chamfer / ICP distance
 * 1/2 (<a, d(., y)> + <b, d(., x)>); eps -> infinity the kernel norm 1/2 |a - b|^2 with k = -C.
 * Four softmins, no iterations: plain autograd gives its exact gradient.
 */
import type { Tensor } from '@symtensor/lazytensor';
import { costMatrix } from './cost.js';
import type { Measures } from './inputs.js';
import type { CostFunction } from './options.js';
import { scal } from './reduce.js';
import { logWeights, softmin } from './softmin.js';

export interface HausdorffResult {
  value: Tensor;
  /** F^b - F^a on x and F^a - F^b on y. */
  potentials: [Tensor, Tensor];
}

export function hausdorffLoss(m: Measures, eps: number, cost: CostFunction): HausdorffResult {
  const logA = logWeights(m.a);
  const logB = logWeights(m.b);
  const onX = softmin(eps, costMatrix(cost, m.x, m.y, true), logB).sub(
    softmin(eps, costMatrix(cost, m.x, m.x, true), logA),
  );
  const onY = softmin(eps, costMatrix(cost, m.y, m.x, false), logA).sub(
    softmin(eps, costMatrix(cost, m.y, m.y, false), logB),
  );
  return { value: scal(m.a, onX).add(scal(m.b, onY)).mul(0.5), potentials: [onX, onY] };
}
