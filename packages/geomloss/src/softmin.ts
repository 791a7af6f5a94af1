/**
 * The soft C-transform in the log domain (GeomLoss's `softmin`):
 *   softmin(eps, C, h)_i = -eps * log sum_j exp(h_j - C_ij / eps),
 * one LogSumExp reduction over j, so C is never stored (linear memory). With `ranges`, the sum runs
 * over the kept blocks only (kernel truncation of the multiscale backend).
 */
import { type LazyTensor, type Ranges, type Tensor, Vj, where } from '@symtensor/lazytensor';

/** `h` is `[..., M, 1]` (log-weights plus potential / eps); the result is `[..., N, 1]`. */
export function softmin(eps: number, C: LazyTensor, h: Tensor, ranges?: Ranges): Tensor {
  return Vj(h)
    .sub(C.mul(1 / eps))
    .logsumexp('j', ranges ? { ranges } : {})
    .mul(-eps);
}

/**
 * log(w), with entries w <= 0 mapped to -100000 as in GeomLoss: a zero weight then removes its point
 * from every LogSumExp without producing -inf (whose gradients are NaN).
 */
export function logWeights(w: Tensor): Tensor {
  const positive = w.gt(0);
  // log of 1 where w <= 0, so that the masked branch has a finite gradient (0, not 0 / 0).
  return where(positive, where(positive, w, 1).log(), -100000);
}
