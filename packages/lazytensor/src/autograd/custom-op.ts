/**
 * `customOp`: a differentiable operation with a hand-written backward pass, like PyTorch's
 * `torch.autograd.Function` or JAX's `custom_vjp`. The forward computes the outputs without
 * recording; the backward receives the output cotangents and returns the input cotangents, built
 * from ordinary tensor ops. `grad` runs it like any built-in op, and with `createGraph` it records
 * what the backward does, so higher orders work wherever the backward is itself differentiable.
 */
import { DTypeError, ShapeError, ValueError } from '@symtensor/core-ir';
import { tidy } from '../memory/scope.js';
import { isFloat } from '../tensor/dtype.js';
import { sameShape } from '../tensor/shape.js';
import { Tensor } from '../tensor/tensor.js';
import { zerosLike } from '../tensor/zeros-like.js';
import { withGradMode } from './mode.js';
import type { BackwardContext } from './node.js';
import { makeOutputs, type RawOutput } from './record.js';

/** What a custom op's backward pass sees. */
export interface CustomOpContext {
  /** The op's inputs, as recorded on the tape (differentiable again under `createGraph`). */
  readonly inputs: readonly Tensor[];
  /** The op's outputs, as recorded on the tape (differentiable again under `createGraph`). */
  readonly outputs: readonly Tensor[];
  /** Which inputs need a gradient: return `null` for the others to skip their work. */
  readonly needs: readonly boolean[];
  /** The tensors the forward saved, as constants (the tape does not see through them). */
  readonly saved: readonly Tensor[];
}

/** The full form of a forward's result: outputs, and tensors kept for the backward pass. */
export interface CustomForwardResult {
  readonly outputs: Tensor | readonly Tensor[];
  readonly saved?: readonly Tensor[];
}

export interface CustomOpDefinition {
  /** Names the op in errors. */
  readonly name: string;
  /**
   * Computes the outputs from (detached views of) the inputs, synchronously: nothing it does is
   * recorded, and the tensors it creates are disposed except those it returns. Returns a Tensor,
   * an array of Tensors, or `{ outputs, saved }`. The returned tensors are handed over to the op
   * (it takes their data as its outputs and disposes them). For an asynchronous computation,
   * compute first, then return the results from `forward`.
   */
  readonly forward: (...inputs: Tensor[]) => Tensor | readonly Tensor[] | CustomForwardResult;
  /**
   * The vector-Jacobian product: given one cotangent per output (zeros for an output that got no
   * gradient, `null` for an int32 output), returns one cotangent per input, in order, shaped and
   * typed like that input (`null` for none). It must be synchronous and built from tensor ops:
   * anything read back to the host, or computed from `ctx.saved`, is a constant for higher orders.
   */
  readonly backward: (
    grads: readonly (Tensor | null)[],
    ctx: CustomOpContext,
  ) => readonly (Tensor | null | undefined)[];
}

/**
 * Builds a differentiable op from a forward and a backward function. The result takes the input
 * tensors (at least one) and returns the outputs as an array; they are on the tape when an input
 * requires grad and recording is on. Anything the forward reads other than its arguments (tensors
 * from a closure) gets no gradient: pass every tensor to differentiate through as an input.
 * Wrong gradients from the backward (count, shape, dtype, backend) throw typed errors from `grad`.
 */
export function customOp(def: CustomOpDefinition): (...inputs: Tensor[]) => Tensor[] {
  if (def === null || typeof def !== 'object')
    throw new ValueError('customOp(def): def must be { name, forward, backward }');
  const { name, forward, backward } = def;
  if (typeof name !== 'string' || name === '')
    throw new ValueError('customOp(def): def.name must be a non-empty string (it names the op in errors)');
  for (const [what, fn] of [
    ['forward', forward],
    ['backward', backward],
  ] as const)
    if (typeof fn !== 'function') throw new ValueError(`customOp '${name}': def.${what} must be a function`);
  return (...inputs: Tensor[]) => {
    if (inputs.length === 0)
      throw new ValueError(`customOp '${name}': pass at least one input tensor (the ones to differentiate)`);
    inputs.forEach((t, k) => {
      if (!(t instanceof Tensor))
        throw new ValueError(`customOp '${name}': inputs[${k}] must be a Tensor, got ${typeof t}`);
      t.liveStorage(`customOp '${name}' (inputs[${k}])`);
    });
    const result = tidy(() =>
      withGradMode(false, () => forwardResult(name, forward(...inputs.map((t) => t.detach())))),
    );
    const outputs = result.outputs;
    // The op owns references of its own: the returned tensors can go (the caller's inputs stay).
    const saved = result.saved.map((t) => t.handle());
    const raws: RawOutput[] = outputs.map((o) => ({
      storage: o.liveStorage(`customOp '${name}'`).retain(),
      shape: o.shape,
      dtype: o.dtype,
    }));
    for (const t of [...outputs, ...result.saved]) if (!inputs.includes(t)) t.dispose();
    return makeOutputs(
      name,
      inputs,
      raws,
      (grads, ctx) => runBackward(name, backward, grads, ctx, raws, saved),
      raws.map((_, k) => k),
      () => {
        for (const t of saved) t.dispose();
      },
    );
  };
}

function forwardResult(
  name: string,
  value: Tensor | readonly Tensor[] | CustomForwardResult,
): { outputs: readonly Tensor[]; saved: readonly Tensor[] } {
  const full: CustomForwardResult =
    value instanceof Tensor || Array.isArray(value)
      ? { outputs: value as Tensor | readonly Tensor[] }
      : (value as CustomForwardResult);
  if (full === null || typeof full !== 'object' || full.outputs === undefined) {
    const got = (value as unknown) !== null && typeof (value as { then?: unknown })?.then === 'function';
    throw new ValueError(
      got
        ? `customOp '${name}': forward returned a promise; it must be synchronous (await the work first, then return its results from forward)`
        : `customOp '${name}': forward must return a Tensor, an array of Tensors or { outputs, saved }`,
    );
  }
  const outputs = full.outputs instanceof Tensor ? [full.outputs] : full.outputs;
  const saved = full.saved ?? [];
  if (!Array.isArray(outputs) || outputs.length === 0)
    throw new ValueError(`customOp '${name}': forward must return at least one output tensor`);
  for (const [what, list] of [
    ['output', outputs],
    ['saved', saved],
  ] as const) {
    if (!Array.isArray(list)) throw new ValueError(`customOp '${name}': forward's ${what} must be an array`);
    list.forEach((t: unknown, k: number) => {
      if (!(t instanceof Tensor))
        throw new ValueError(`customOp '${name}': forward's ${what} ${k} is not a Tensor (got ${typeof t})`);
      t.liveStorage(`customOp '${name}' (forward's ${what} ${k})`);
    });
  }
  return { outputs, saved };
}

/** Calls the user's backward and checks that it returned one well-formed cotangent per input. */
function runBackward(
  name: string,
  backward: CustomOpDefinition['backward'],
  grads: readonly (Tensor | null)[],
  ctx: BackwardContext,
  raws: readonly RawOutput[],
  saved: readonly Tensor[],
): (Tensor | null)[] {
  const outputs = raws.map((_, k) => ctx.output(k));
  const cotangents = grads.map((g, k) => g ?? (isFloat(raws[k]!.dtype) ? zerosLike(outputs[k]!) : null));
  const results = backward(cotangents, { inputs: ctx.inputs, outputs, needs: ctx.needs, saved });
  const n = ctx.inputs.length;
  if (!Array.isArray(results))
    throw new ValueError(
      `customOp '${name}': backward must return an array with one gradient (or null) per input, got ${typeof results}`,
    );
  if (results.length !== n)
    throw new ValueError(
      `customOp '${name}': backward returned ${results.length} gradients for ${n} inputs; return one per input, in order (null for an input without one)`,
    );
  return results.map((g: unknown, k) => {
    if (g === null || g === undefined) return null;
    const input = ctx.inputs[k]!;
    if (!(g instanceof Tensor))
      throw new ValueError(
        `customOp '${name}': backward's gradient ${k} must be a Tensor or null, got ${typeof g}`,
      );
    if (!sameShape(g.shape, input.shape))
      throw new ShapeError(
        `customOp '${name}': backward's gradient ${k} has shape [${g.shape}] but inputs[${k}] has [${input.shape}]; return it in the input's shape (sum over broadcast dims)`,
      );
    if (g.dtype !== input.dtype)
      throw new DTypeError(
        `customOp '${name}': backward's gradient ${k} is ${g.dtype} but inputs[${k}] is ${input.dtype}; cast it`,
      );
    if (g.backend !== input.backend)
      throw new ValueError(
        `customOp '${name}': backward's gradient ${k} lives on another backend than inputs[${k}]; compute it on the input's backend`,
      );
    return ctx.needs[k] ? g : null;
  });
}
