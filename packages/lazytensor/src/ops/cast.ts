/** Dtype conversion (an explicit step: no op converts silently). */
import { makeOutputs } from '../autograd/record.js';
import { checkDType, type TensorDType } from '../tensor/dtype.js';
import type { Tensor } from '../tensor/tensor.js';
import { checkTensor } from './operands.js';
import { reshape } from './reshape.js';
import { runTake } from './take.js';

/**
 * `t` converted to `dtype`. Float to int32 truncates toward zero (NaN, infinities and values out
 * of the int32 range give -1). Between float dtypes the gradient is converted back; int32 results
 * carry no gradient.
 */
export function cast(t: Tensor, dtype: TensorDType): Tensor {
  checkTensor(t, 'cast(t)');
  checkDType(dtype, 'cast(dtype)');
  if (dtype === t.dtype) return reshape(t, t.shape);
  const raw = runTake('cast', t, null, t.shape, { dtype });
  const from = t.dtype;
  return makeOutputs('cast', [t], [raw], (grads) => [cast(grads[0]!, from)])[0]!;
}
