/** Small dense helpers shared by the losses. */
import type { Tensor } from '@symtensor/lazytensor';

/** <w, f> over the points: `[..., N, 1]` x `[..., N, 1]` -> a scalar, or `[B]` for batched inputs. */
export function scal(w: Tensor, f: Tensor): Tensor {
  const r = w.rank;
  return w
    .mul(f)
    .sum(r - 1)
    .sum(r - 2);
}

/** A potential `[..., N, 1]` returned with the points' leading shape `[..., N]`. */
export function squeezeLast(t: Tensor): Tensor {
  return t.reshape(t.shape.slice(0, -1));
}
