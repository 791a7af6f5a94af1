/** Axis permutations (a copy through the take kernel, with the index array built on the host). */
import { ShapeError, ValueError } from '@symtensor/core-ir';
import { makeOutputs } from '../autograd/record.js';
import { normAxis, stridesOf } from '../tensor/shape.js';
import type { Tensor } from '../tensor/tensor.js';
import { checkTensor } from './operands.js';
import { reshape } from './reshape.js';
import { runTake } from './take.js';

/** Output axis k is input axis `axes[k]`. */
export function permute(t: Tensor, axes: readonly number[]): Tensor {
  checkTensor(t, 'permute(t)');
  const rank = t.rank;
  if (!Array.isArray(axes) || axes.length !== rank)
    throw new ShapeError(`permute(axes): axes must list each of the ${rank} axes once, got [${axes}]`);
  const perm = axes.map((a) => normAxis(a, rank, 'permute(axes)'));
  if (new Set(perm).size !== rank)
    throw new ValueError(`permute(axes): axes must list each of the ${rank} axes once, got [${axes}]`);
  if (perm.every((a, k) => a === k)) return reshape(t, t.shape);
  const outShape = perm.map((a) => t.shape[a]!);
  const raw = runTake('permute', t, permutedIndex(t.shape, perm), outShape);
  const inverse = new Array<number>(rank);
  perm.forEach((a, k) => {
    inverse[a] = k;
  });
  return makeOutputs('permute', [t], [raw], (grads) => [permute(grads[0]!, inverse)])[0]!;
}

/** Swaps two axes (default: the last two). */
export function transpose(t: Tensor, axis0 = -2, axis1 = -1): Tensor {
  checkTensor(t, 'transpose(t)');
  if (t.rank < 2)
    throw new ShapeError(
      `transpose needs at least 2 dims, got shape [${t.shape}]; reshape a vector to [n, 1] or [1, n] first`,
    );
  const a = normAxis(axis0, t.rank, 'transpose(axis0)');
  const b = normAxis(axis1, t.rank, 'transpose(axis1)');
  const perm = [...t.shape.keys()];
  perm[a] = b;
  perm[b] = a;
  return permute(t, perm);
}

/** For each output element (row-major over the permuted shape), its flat index in the input. */
function permutedIndex(shape: readonly number[], perm: readonly number[]): Int32Array {
  const inStrides = stridesOf(shape);
  const outShape = perm.map((a) => shape[a]!);
  const strides = perm.map((a) => inStrides[a]!);
  const n = outShape.reduce((a, b) => a * b, 1);
  const index = new Int32Array(n);
  const coord = new Array<number>(outShape.length).fill(0);
  let at = 0;
  for (let k = 0; k < n; k++) {
    index[k] = at;
    // Odometer increment of the output coordinate, tracking the input offset.
    for (let d = outShape.length - 1; d >= 0; d--) {
      coord[d]!++;
      at += strides[d]!;
      if (coord[d]! < outShape[d]!) break;
      at -= strides[d]! * outShape[d]!;
      coord[d] = 0;
    }
  }
  return index;
}
