/**
 * Wrapping kernel outputs as tensors, and recording the op on the tape when an input requires grad
 * and recording is on.
 */
import { isFloat, type TensorDType } from '../tensor/dtype.js';
import type { Shape } from '../tensor/shape.js';
import type { Storage } from '../tensor/storage.js';
import { Tensor } from '../tensor/tensor.js';
import { isGradEnabled } from './mode.js';
import { type BackwardFn, GradNode } from './node.js';

/** A kernel output not yet wrapped: its storage (handed over), shape and dtype. */
export interface RawOutput {
  readonly storage: Storage;
  readonly shape: Shape;
  readonly dtype: TensorDType;
}

/**
 * Wraps `outs` as tensors. When recording applies, one node links them to `inputs` with `backward`
 * (float outputs only: index outputs carry no gradient). `saveOutputs` lists outputs whose data the
 * backward pass reads through `ctx.output(k)`. `onRelease` runs when the node is released, or at
 * once when nothing is recorded (it frees what the backward pass would have read).
 */
export function makeOutputs(
  name: string,
  inputs: readonly Tensor[],
  outs: readonly RawOutput[],
  backward: BackwardFn,
  saveOutputs: readonly number[] = [],
  onRelease?: () => void,
): Tensor[] {
  const differentiable = outs.map((o) => isFloat(o.dtype));
  const record = isGradEnabled() && inputs.some((t) => t.requiresGrad) && differentiable.some(Boolean);
  if (!record) {
    onRelease?.();
    return outs.map((o) => Tensor.wrap(o));
  }
  const node = new GradNode(
    name,
    inputs.map((t) => t.handle()),
    outs.map((o, k) => ({ shape: o.shape, dtype: o.dtype, differentiable: differentiable[k]! })),
    backward,
    outs.map((o, k) => (saveOutputs.includes(k) ? o.storage.retain() : undefined)),
    onRelease,
  );
  return outs.map((o, k) => Tensor.wrap(differentiable[k] ? { ...o, node, index: k } : o));
}
