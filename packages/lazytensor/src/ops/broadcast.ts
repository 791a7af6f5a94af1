/** Materialising a broadcast: an identity map kernel whose operand is broadcast to the shape. */
import { checkShape } from '../tensor/shape.js';
import type { Tensor } from '../tensor/tensor.js';
import { elementwise } from './map.js';

/** `t` repeated along its size-1 (and missing leading) dims up to `shape` (a copy). */
export function broadcastTo(t: Tensor, shape: readonly number[]): Tensor {
  return elementwise('broadcastTo', [t], ([x]) => x!, { shape: checkShape(shape, 'broadcastTo(shape)') });
}
