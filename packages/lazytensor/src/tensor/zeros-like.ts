/** A zero tensor with the shape, dtype and backend of another. */
import { allocHost } from './dtype.js';
import type { Tensor } from './tensor.js';
import { upload } from './transfer.js';

export function zerosLike(t: Tensor): Tensor {
  return upload(t.backend, allocHost(t.dtype, t.size), t.shape);
}
