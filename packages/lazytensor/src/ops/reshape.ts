/** Reshaping: tensors are always contiguous, so a reshape shares the data (no copy). */
import { ShapeError } from '@symtensor/core-ir';
import { makeOutputs } from '../autograd/record.js';
import { checkShape, sizeOf } from '../tensor/shape.js';
import type { Tensor } from '../tensor/tensor.js';

/** `t` with a new shape of the same size; one entry may be -1 (inferred). */
export function reshape(t: Tensor, shape: readonly number[]): Tensor {
  const resolved = resolveShape(shape, t.size);
  const storage = t.liveStorage('reshape').retain();
  const from = t.shape;
  return makeOutputs('reshape', [t], [{ storage, shape: resolved, dtype: t.dtype }], (grads) => [
    reshape(grads[0]!, from),
  ])[0]!;
}

function resolveShape(shape: readonly number[], size: number): number[] {
  const free = shape.filter((d) => d === -1).length;
  if (free > 1) throw new ShapeError(`reshape(shape): at most one dim may be -1, got [${shape}]`);
  const known = checkShape(
    shape.map((d) => (d === -1 ? 1 : d)),
    'reshape(shape)',
  );
  const knownSize = sizeOf(known);
  if (free === 1) {
    if (knownSize === 0 || size % knownSize !== 0)
      throw new ShapeError(`reshape(shape): cannot infer the -1 in [${shape}] for ${size} elements`);
    return shape.map((d) => (d === -1 ? size / knownSize : d));
  }
  if (knownSize !== size)
    throw new ShapeError(`reshape(shape): [${shape}] has ${knownSize} elements but the tensor has ${size}`);
  return [...shape];
}
