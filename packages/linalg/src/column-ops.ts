/** Column-wise helpers on [N, E] device tensors (E right-hand sides solved side by side). */
import { type Tensor, where } from '@symtensor/lazytensor';

/** Column sums of a * b: the E dot products as a [1, E] tensor. */
export function colDot(a: Tensor, b: Tensor): Tensor {
  return a.mul(b).sum(0, { keepDims: true });
}

/** num / den where mask is 1, 0 elsewhere (no division by a masked-out zero or negative). */
export function maskedRatio(mask: Tensor, num: Tensor, den: Tensor): Tensor {
  return where(mask, num.div(where(mask, den, 1)), 0);
}
