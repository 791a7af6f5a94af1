/**
 * Gathering along an axis with a device-resident int32 index tensor. With the source seen as
 * `[A, R, B]` and K indices, the flat source index of output `(a, k, b)` is `(a R + idx[k]) B + b`:
 * computed by a map kernel from the indices and two small host-built offset vectors, converted to
 * int32, and read by the take kernel. An index outside `[0, R)` gives NaN (float tensors) or -1
 * (int32 tensors): nothing is read back to check it.
 */
import * as C from '@symtensor/core-ir';
import { DTypeError, ShapeError } from '@symtensor/core-ir';
import { makeOutputs } from '../autograd/record.js';
import { allocHost } from '../tensor/dtype.js';
import { normAxis, sizeOf } from '../tensor/shape.js';
import type { Tensor } from '../tensor/tensor.js';
import { upload } from '../tensor/transfer.js';
import { cast } from './cast.js';
import { indexFloatDType } from './index-float.js';
import { elementwise } from './map.js';
import { checkTensor, commonBackend } from './operands.js';
import { reshape } from './reshape.js';
import { scatterRows } from './scatter.js';
import { runTake } from './take.js';

/**
 * The entries of `t` at `indices` (int32, any shape S) along `axis`: the output shape is
 * `t.shape[:axis] + S + t.shape[axis+1:]`.
 */
export function gather(t: Tensor, indices: Tensor, axis = 0): Tensor {
  return gatherFilled(t, indices, axis, undefined);
}

/** PyTorch's `index_select`: `gather` with a 1-D index. */
export function indexSelect(t: Tensor, axis: number, index: Tensor): Tensor {
  checkTensor(index, 'indexSelect(index)');
  if (index.rank !== 1)
    throw new ShapeError(
      `indexSelect(index): index must be 1-D, got shape [${index.shape}]; use gather for other shapes`,
    );
  return gather(t, index, axis);
}

/**
 * `gather` whose out-of-range entries read `fill` (default: NaN for floats, -1 for int32). The
 * gradient of a scatter uses fill 0, so dropped entries get a zero gradient.
 */
export function gatherFilled(t: Tensor, indices: Tensor, axis: number, fill: number | undefined): Tensor {
  checkTensor(t, 'gather(t)');
  checkTensor(indices, 'gather(indices)');
  commonBackend([t, indices], 'gather');
  if (indices.dtype !== 'int32')
    throw new DTypeError(
      `gather(indices): indices must be an int32 tensor, got ${indices.dtype}; use indices.cast('int32')`,
    );
  const ax = normAxis(axis, t.rank, 'gather(axis)');
  const A = sizeOf(t.shape.slice(0, ax));
  const R = t.shape[ax]!;
  const B = sizeOf(t.shape.slice(ax + 1));
  const K = indices.size;
  const outShape = [...t.shape.slice(0, ax), ...indices.shape, ...t.shape.slice(ax + 1)];
  const flat = flatIndex(t, indices, A, R, B);
  const raw = runTake('gather', t, flat, outShape, fill === undefined ? {} : { fill });
  flat.dispose();
  return makeOutputs('gather', [t, indices], [raw], (grads, ctx) => {
    const g = reshape(grads[0]!, [A, K, B]);
    return [reshape(scatterRows(g, ctx.inputs[1]!, R), ctx.inputs[0]!.shape), null];
  })[0]!;
}

/** int32 flat source indices `[A, K, B]` (-1 where the index is out of range). */
function flatIndex(t: Tensor, indices: Tensor, A: number, R: number, B: number): Tensor {
  const { backend } = t;
  const dtype = indexFloatDType(backend, t.size, 'gather');
  const rowBase = allocHost(dtype, A);
  for (let a = 0; a < A; a++) rowBase[a] = a * R * B;
  const colOffset = allocHost(dtype, B);
  for (let b = 0; b < B; b++) colOffset[b] = b;
  const base = upload(backend, rowBase, [A, 1, 1]);
  const offset = upload(backend, colOffset, [1, 1, B]);
  const idxCast = cast(indices, dtype);
  const idx = reshape(idxCast, [1, indices.size, 1]);
  const flatFloat = elementwise('gather.index', [base, offset, idx], ([r, c, k]) => {
    // 1 when 0 <= k <= R - 1, else 0.
    const inRange = C.mul(C.step(k!), C.step(C.sub(C.intCst(R - 1), k!)));
    return C.ifElse(
      C.sub(inRange, C.ratCst(1, 2)),
      C.add(C.add(r!, C.mul(k!, C.intCst(B))), c!),
      C.intCst(-1),
    );
  });
  const flat = cast(flatFloat, 'int32');
  for (const x of [base, offset, idxCast, idx, flatFloat]) x.dispose();
  return flat;
}
