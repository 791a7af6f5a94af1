/**
 * Dtypes of tensors: float32 and float64 for data, int32 for indices. Nothing converts between them
 * silently; `t.cast(dtype)` does it explicitly.
 */
import { type Backend, DTypeError } from '@symtensor/core-ir';

/** Element type of a Tensor. */
export type TensorDType = 'float32' | 'float64' | 'int32';

/** A floating-point tensor dtype (what kernels compute in). */
export type FloatTensorDType = 'float32' | 'float64';

/** Host array of each dtype. */
export type HostArray = Float32Array | Float64Array | Int32Array;

const DTYPES: readonly TensorDType[] = ['float32', 'float64', 'int32'];

export function isFloat(dtype: TensorDType): dtype is FloatTensorDType {
  return dtype === 'float32' || dtype === 'float64';
}

/** Checks a user-given dtype; `what` names the argument. */
export function checkDType(dtype: unknown, what: string): TensorDType {
  if (!DTYPES.includes(dtype as TensorDType))
    throw new DTypeError(`${what} must be 'float32', 'float64' or 'int32', got ${String(dtype)}`);
  return dtype as TensorDType;
}

/** A zeroed host array of the dtype. */
export function allocHost(dtype: TensorDType, length: number): HostArray {
  return dtype === 'float64'
    ? new Float64Array(length)
    : dtype === 'float32'
      ? new Float32Array(length)
      : new Int32Array(length);
}

/** Throws unless the backend stores this dtype, saying what to do instead. */
export function checkBackendDType(backend: Backend, dtype: TensorDType, what: string): void {
  if (!backend.dtypes.includes(dtype))
    throw new DTypeError(
      `${what}: the '${backend.name}' backend has no ${dtype} (it has ${backend.dtypes.join(', ')}); create the tensor with one of those dtypes, or use a backend with ${dtype} such as cpu()`,
    );
}
