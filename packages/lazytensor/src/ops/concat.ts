/**
 * Concatenation: each tensor is padded with zeros to the output's extent (a take kernel) and the
 * padded tensors are added in one map kernel. Gradients follow through the pads and the sum.
 */

import * as C from '@symtensor/core-ir';
import { DTypeError, ShapeError, ValueError } from '@symtensor/core-ir';
import { normAxis } from '../tensor/shape.js';
import type { Tensor } from '../tensor/tensor.js';
import { elementwise } from './map.js';
import { checkTensor, commonBackend } from './operands.js';
import { reshape } from './reshape.js';
import { pad } from './slice.js';

/** Joins tensors of equal shape except along `axis` (default 0). */
export function concat(tensors: readonly Tensor[], axis = 0): Tensor {
  if (!Array.isArray(tensors as unknown) || tensors.length === 0)
    throw new ValueError('concat(tensors): pass a non-empty array of tensors');
  for (const [k, t] of tensors.entries()) checkTensor(t, `concat(tensors[${k}])`);
  commonBackend(tensors, 'concat');
  const first = tensors[0]!;
  if (first.dtype === 'int32')
    throw new DTypeError("concat: int32 tensors are not supported; cast them with t.cast('float64') first");
  const ax = normAxis(axis, first.rank, 'concat(axis)');
  for (const [k, t] of tensors.entries())
    if (t.rank !== first.rank || t.shape.some((d, m) => m !== ax && d !== first.shape[m]))
      throw new ShapeError(
        `concat: tensors[${k}] has shape [${t.shape}], which differs from tensors[0] [${first.shape}] outside axis ${ax}`,
      );
  if (tensors.length === 1) return reshape(first, first.shape);
  const total = tensors.reduce((s, t) => s + t.shape[ax]!, 0);
  let offset = 0;
  const padded = tensors.map((t) => {
    const p = pad(t, ax, offset, total);
    offset += t.shape[ax]!;
    return p;
  });
  const out = elementwise('concat', padded, (vars) => vars.reduce((a, b) => C.add(a, b)));
  for (const p of padded) p.dispose();
  return out;
}
