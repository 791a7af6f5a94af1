/** Checks shared by the ops: operands on one backend, with one float dtype. */
import { type Backend, DTypeError, ValueError } from '@symtensor/core-ir';
import { type FloatTensorDType, isFloat } from '../tensor/dtype.js';
import { Tensor } from '../tensor/tensor.js';

/** The common backend of some tensors; `what` names the op in errors. */
export function commonBackend(tensors: readonly Tensor[], what: string): Backend {
  const backend = tensors[0]!.backend;
  for (const [k, t] of tensors.entries())
    if (t.backend !== backend)
      throw new ValueError(
        `${what}: operand ${k} lives on the '${t.backend.name}' backend and operand 0 on '${backend.name}'${t.backend.name === backend.name ? ' (another instance)' : ''}; move one with \`await t.to(backend)\``,
      );
  return backend;
}

/** The common float dtype of some tensors (int32 and mixed dtypes are refused). */
export function commonFloatDType(tensors: readonly Tensor[], what: string): FloatTensorDType {
  const dtype = tensors[0]!.dtype;
  for (const [k, t] of tensors.entries()) {
    if (!isFloat(t.dtype))
      throw new DTypeError(
        `${what}: operand ${k} is an int32 tensor; arithmetic runs on float32 or float64 data: convert it with t.cast('float32')`,
      );
    if (t.dtype !== dtype)
      throw new DTypeError(
        `${what}: operand ${k} is ${t.dtype} and operand 0 is ${dtype}; nothing is converted silently: use t.cast('${dtype}') on one of them`,
      );
  }
  return dtype as FloatTensorDType;
}

/** Checks that `value` is a Tensor; `what` names the argument. */
export function checkTensor(value: unknown, what: string): Tensor {
  if (!(value instanceof Tensor))
    throw new ValueError(
      `${what} must be a Tensor (create one with tensor(data, shape)), got ${describe(value)}`,
    );
  return value;
}

/** A short description of a value for messages. */
export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return value.constructor?.name ?? 'an object';
  return `${typeof value} ${String(value)}`;
}
