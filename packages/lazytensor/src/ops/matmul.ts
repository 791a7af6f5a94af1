/**
 * Dense matrix products `[..., n, k] @ [..., k, m]` (batch dims broadcast). Two kernels:
 * - small right factors (k * m <= MATMUL_PARAM_LIMIT): a map kernel, one row of A per output row,
 *   B flattened into one parameter vector (`VecMatMult`), read whole by every row;
 * - otherwise a Sum reduction over k with (batch, n) as batch dims: A is read as a j variable of
 *   dim 1 and B as a j variable of dim m, so no size limit applies (work O(n k m)).
 */
import * as C from '@symtensor/core-ir';
import { ShapeError } from '@symtensor/core-ir';
import { makeOutputs } from '../autograd/record.js';
import { allocHost } from '../tensor/dtype.js';
import { broadcastShapes, padShape, sizeOf } from '../tensor/shape.js';
import { Storage } from '../tensor/storage.js';
import type { Tensor } from '../tensor/tensor.js';
import { checkTensor, commonBackend, commonFloatDType } from './operands.js';
import { transpose } from './permute.js';
import { sumTo } from './reduce.js';
import { reshape } from './reshape.js';

/** Largest k * m for which B is passed as one parameter vector. */
export const MATMUL_PARAM_LIMIT = 1024;

/**
 * Matrix product with NumPy's rules: a 1-D left operand is a row vector and a 1-D right operand a
 * column vector (their axis is dropped from the result); leading dims are broadcast batch dims.
 */
export function matmul(a: Tensor, b: Tensor): Tensor {
  checkTensor(a, 'matmul(a)');
  checkTensor(b, 'matmul(b)');
  if (a.rank === 0 || b.rank === 0)
    throw new ShapeError(
      `matmul needs tensors of rank >= 1, got [${a.shape}] and [${b.shape}]; use mul for scalars`,
    );
  const a2 = a.rank === 1 ? reshape(a, [1, a.size]) : a;
  const b2 = b.rank === 1 ? reshape(b, [b.size, 1]) : b;
  const out = matmul2(a2, b2);
  if (a.rank > 1 && b.rank > 1) return out;
  const shape = out.shape.slice(0, -2);
  if (a.rank > 1) shape.push(out.shape[out.rank - 2]!);
  if (b.rank > 1) shape.push(out.shape[out.rank - 1]!);
  return reshape(out, shape);
}

function matmul2(a: Tensor, b: Tensor): Tensor {
  const backend = commonBackend([a, b], 'matmul');
  const dtype = commonFloatDType([a, b], 'matmul');
  const [n, k] = a.shape.slice(-2) as [number, number];
  const [k2, m] = b.shape.slice(-2) as [number, number];
  if (k !== k2)
    throw new ShapeError(
      `matmul: a is [${a.shape}] and b is [${b.shape}]; the inner dims ${k} and ${k2} must be equal`,
    );
  const batch = broadcastShapes([a.shape.slice(0, -2), b.shape.slice(0, -2)], 'matmul (batch dims)');
  const aBatch = padShape(a.shape.slice(0, -2), batch.length);
  const bBatch = padShape(b.shape.slice(0, -2), batch.length);
  const outShape = [...batch, n, m];
  let storage: Storage;
  if (k === 0 || sizeOf(outShape) === 0) {
    storage = new Storage(backend, backend.upload(allocHost(dtype, sizeOf(outShape))));
  } else if (k * m <= MATMUL_PARAM_LIMIT) {
    const formula = C.vecMatMult(C.variable(0, k, 'i'), C.variable(1, k * m, 'p'));
    const [buf] = backend.run(C.mapSpec({ formula, dtype }), {
      args: [a.bufferFor('matmul'), b.bufferFor('matmul')],
      nx: n,
      ny: 0,
      batch,
      argBatch: [aBatch, bBatch],
    });
    storage = new Storage(backend, buf!);
  } else {
    const spec = C.reductionSpec({
      formula: C.mul(C.variable(0, 1, 'j'), C.variable(1, m, 'j')),
      reduction: C.Reduction.Sum,
      axis: 'j',
      dtype,
    });
    const [buf] = backend.run(spec, {
      args: [a.bufferFor('matmul'), b.bufferFor('matmul')],
      nx: 1,
      ny: k,
      batch: [...batch, n],
      argBatch: [
        [...aBatch, n],
        [...bBatch, 1],
      ],
    });
    storage = new Storage(backend, buf!);
  }
  return makeOutputs('matmul', [a, b], [{ storage, shape: outShape, dtype }], (grads, ctx) => {
    const [x, y] = ctx.inputs as [Tensor, Tensor];
    const g = grads[0]!;
    return [
      ctx.needs[0] ? sumTo(matmul2(g, transpose(y)), x.shape) : null,
      ctx.needs[1] ? sumTo(matmul2(transpose(x), g), y.shape) : null,
    ];
  })[0]!;
}
