/**
 * Slicing along one axis, and its adjoint, padding with zeros (both take kernels with index arrays
 * built on the host; padding reads index -1, which the take kernel fills with 0).
 */

import { ValueError } from '@symtensor/core-ir';
import { makeOutputs } from '../autograd/record.js';
import { normAxis, sizeOf } from '../tensor/shape.js';
import type { Tensor } from '../tensor/tensor.js';
import { checkTensor } from './operands.js';
import { runTake } from './take.js';

/**
 * Elements `start <= k < end` along `axis` (negative values count from the end; bounds past the
 * ends are clamped, as in NumPy).
 */
export function slice(t: Tensor, axis: number, start: number, end?: number): Tensor {
  checkTensor(t, 'slice(t)');
  const ax = normAxis(axis, t.rank, 'slice(axis)');
  const R = t.shape[ax]!;
  const s = clampIndex(start, R, 'slice(start)');
  const e = Math.max(s, end === undefined ? R : clampIndex(end, R, 'slice(end)'));
  const A = sizeOf(t.shape.slice(0, ax));
  const B = sizeOf(t.shape.slice(ax + 1));
  const L = e - s;
  const index = new Int32Array(A * L * B);
  for (let a = 0, k = 0; a < A; a++)
    for (let l = 0; l < L; l++) for (let b = 0; b < B; b++) index[k++] = (a * R + s + l) * B + b;
  const outShape = t.shape.map((d, k) => (k === ax ? L : d));
  const raw = runTake('slice', t, index, outShape);
  return makeOutputs('slice', [t], [raw], (grads) => [pad(grads[0]!, ax, s, R)])[0]!;
}

/** `t` placed at offset `start` along `axis` of a zero tensor whose axis has size `total`. */
export function pad(t: Tensor, axis: number, start: number, total: number): Tensor {
  const L = t.shape[axis]!;
  const A = sizeOf(t.shape.slice(0, axis));
  const B = sizeOf(t.shape.slice(axis + 1));
  const index = new Int32Array(A * total * B);
  for (let a = 0, k = 0; a < A; a++)
    for (let r = 0; r < total; r++)
      for (let b = 0; b < B; b++) index[k++] = r >= start && r < start + L ? (a * L + r - start) * B + b : -1;
  const outShape = t.shape.map((d, k) => (k === axis ? total : d));
  const raw = runTake('pad', t, index, outShape, { fill: 0 });
  return makeOutputs('pad', [t], [raw], (grads) => [slice(grads[0]!, axis, start, start + L)])[0]!;
}

function clampIndex(v: number, size: number, what: string): number {
  if (!Number.isInteger(v)) throw new ValueError(`${what} must be an integer, got ${v}`);
  return Math.min(size, Math.max(0, v < 0 ? v + size : v));
}
