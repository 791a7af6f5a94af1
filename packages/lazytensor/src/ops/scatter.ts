/**
 * Segment sums. `out[a, s, :] = sum_k [ids[k] == s] x[a, k, :]` is a Sum reduction over k of
 * `Equal(Vi(s), Vj(ids)) * Vj(x)` with the segment numbers as an i variable: O(segments x N) work
 * and no atomics, so it runs on every backend and stays differentiable (its gradient is a gather).
 */
import * as C from '@symtensor/core-ir';
import { DTypeError, ShapeError, UnsupportedError, ValueError } from '@symtensor/core-ir';
import { makeOutputs } from '../autograd/record.js';
import { allocHost } from '../tensor/dtype.js';
import { sizeOf } from '../tensor/shape.js';
import { Storage } from '../tensor/storage.js';
import type { Tensor } from '../tensor/tensor.js';
import { upload } from '../tensor/transfer.js';
import { cast } from './cast.js';
import { gatherFilled } from './gather.js';
import { FLOAT32_EXACT } from './index-float.js';
import { checkTensor, commonBackend, commonFloatDType } from './operands.js';
import { reshape } from './reshape.js';

/**
 * Unsorted segment sum: `out[s] = sum of x[k] over k with segmentIds[k] == s`, for s in
 * `[0, numSegments)`. `x` is `[N, ...rest]`, `segmentIds` an int32 tensor `[N]`; the output is
 * `[numSegments, ...rest]`. Ids outside the range are dropped. Costs O(numSegments x N x rest).
 */
export function scatterAdd(x: Tensor, segmentIds: Tensor, numSegments: number): Tensor {
  checkTensor(x, 'scatterAdd(x)');
  checkTensor(segmentIds, 'scatterAdd(segmentIds)');
  if (!Number.isSafeInteger(numSegments) || numSegments < 0)
    throw new ValueError(`scatterAdd(numSegments) must be a non-negative integer, got ${numSegments}`);
  if (x.rank < 1 || segmentIds.rank !== 1 || segmentIds.size !== x.shape[0])
    throw new ShapeError(
      `scatterAdd: segmentIds must be 1-D with one id per row of x; got x [${x.shape}] and segmentIds [${segmentIds.shape}]`,
    );
  const rest = x.shape.slice(1);
  const out = scatterRows(reshape(x, [1, x.shape[0]!, sizeOf(rest)]), segmentIds, numSegments);
  return reshape(out, [numSegments, ...rest]);
}

/** `g` is `[A, K, B]`, `ids` int32 with K entries: returns `[A, R, B]` summing rows k into ids[k]. */
export function scatterRows(g: Tensor, ids: Tensor, R: number): Tensor {
  commonBackend([g, ids], 'scatterAdd');
  const dtype = commonFloatDType([g], 'scatterAdd');
  if (ids.dtype !== 'int32')
    throw new DTypeError(
      `scatterAdd(segmentIds) must be an int32 tensor, got ${ids.dtype}; use ids.cast('int32')`,
    );
  const [A, K, B] = g.shape as [number, number, number];
  const { backend } = g;
  const outShape = [A, R, B];
  // Nothing to add: zeros, independent of g.
  if (R === 0 || A * B === 0 || K === 0) return upload(backend, allocHost(dtype, A * R * B), outShape);
  // Segment numbers and ids are compared as floats of the data dtype: exact below 2^24 in float32
  // (an id past that cannot equal a segment number, so only the segment count matters).
  if (dtype === 'float32' && R > FLOAT32_EXACT)
    throw new UnsupportedError(
      `scatterAdd: ${R} segments exceed ${FLOAT32_EXACT}, the exact integer range of float32 data; use float64 data`,
    );
  const segments = allocHost(dtype, R);
  for (let s = 0; s < R; s++) segments[s] = s;
  const seg = upload(backend, segments, [R, 1]);
  const idsFloat = cast(ids, dtype);
  const spec = C.reductionSpec({
    formula: C.mul(C.equal(C.variable(0, 1, 'i'), C.variable(1, 1, 'j')), C.variable(2, B, 'j')),
    reduction: C.Reduction.Sum,
    axis: 'j',
    dtype,
  });
  const [buf] = backend.run(spec, {
    args: [seg.bufferFor('scatterAdd'), idsFloat.bufferFor('scatterAdd'), g.bufferFor('scatterAdd')],
    nx: R,
    ny: K,
    batch: [A],
    argBatch: [[1], [1], [A]],
  });
  seg.dispose();
  idsFloat.dispose();
  return makeOutputs(
    'scatterAdd',
    [g, ids],
    [{ storage: new Storage(backend, buf!), shape: outShape, dtype }],
    (grads, ctx) => [gatherFilled(grads[0]!, ctx.inputs[1]!, 1, 0), null],
  )[0]!;
}
