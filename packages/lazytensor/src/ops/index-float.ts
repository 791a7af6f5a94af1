/**
 * Index arithmetic on the device. Index tensors live on the device, so flat indices are computed
 * there (in the float dtype the backend has, where integers are exact) and converted to int32,
 * never read back to the host.
 */

import type { Backend } from '@symtensor/core-ir';
import { UnsupportedError } from '@symtensor/core-ir';
import type { FloatTensorDType } from '../tensor/dtype.js';

/** Largest integer a float32 holds exactly (every smaller one too). */
export const FLOAT32_EXACT = 2 ** 24;

/** The float dtype index arithmetic runs in for indices below `limit` on `backend`. */
export function indexFloatDType(backend: Backend, limit: number, what: string): FloatTensorDType {
  if (backend.dtypes.includes('float64')) return 'float64';
  if (limit > FLOAT32_EXACT)
    throw new UnsupportedError(
      `${what}: indices up to ${limit} are not exact in float32, the only float dtype of the '${backend.name}' backend; split the tensor into parts of at most ${FLOAT32_EXACT} elements`,
    );
  return 'float32';
}
