/**
 * A node of the autograd tape: one recorded operation, with the inputs its backward pass reads and
 * a backward function that builds the input gradients as NEW tensors through ordinary ops (so a
 * backward pass run while recording is itself differentiable: higher orders by recursion).
 *
 * Nodes are reference counted: the output tensors of the op and the nodes downstream hold them.
 * When the last holder lets go, the node releases its inputs, so dropping the result of a long
 * computation frees every intermediate the tape kept for it.
 */
import type { TensorDType } from '../tensor/dtype.js';
import type { Shape } from '../tensor/shape.js';
import type { Storage } from '../tensor/storage.js';
import type { Tensor } from '../tensor/tensor.js';

/** What a backward function sees. */
export interface BackwardContext {
  /** The op's inputs, kept alive by the node. */
  readonly inputs: readonly Tensor[];
  /** Which inputs need a gradient; the others may get `null`. */
  readonly needs: readonly boolean[];
  /** The op's output `k` (only for outputs the op saved), as a tensor recorded on this node. */
  output(k: number): Tensor;
}

/**
 * Computes the gradients of the inputs from the gradients of the outputs (`null` where an output
 * got no gradient). Returns one entry per input: a tensor of the input's shape, or `null` (zero).
 */
export type BackwardFn = (
  grads: readonly (Tensor | null)[],
  ctx: BackwardContext,
) => readonly (Tensor | null)[];

/** Shape and dtype of an output, for gradient checks and saved-output views. */
export interface OutputMeta {
  readonly shape: Shape;
  readonly dtype: TensorDType;
  readonly differentiable: boolean;
}

export class GradNode {
  private refs = 0;
  /** Identity of each output for gradient accumulation (shared by every tensor viewing it). */
  readonly outputKeys: readonly object[];

  constructor(
    /** The op's name, for messages. */
    readonly name: string,
    /** Handles on the inputs (owned by the node). */
    readonly inputs: readonly Tensor[],
    readonly outputs: readonly OutputMeta[],
    readonly backward: BackwardFn,
    /** Storages of the outputs the backward pass reads (owned by the node), by output index. */
    readonly saved: readonly (Storage | undefined)[],
    /** Frees what else the node keeps for its backward pass (a custom op's saved tensors). */
    private readonly onRelease?: () => void,
  ) {
    this.outputKeys = outputs.map(() => ({}));
  }

  retain(): void {
    this.refs++;
  }

  /** Called by each holder once; the last call releases the inputs and saved outputs. */
  release(): void {
    this.refs--;
    if (this.refs > 0) return;
    for (const t of this.inputs) t.dispose();
    for (const s of this.saved) s?.release();
    this.onRelease?.();
  }
}
