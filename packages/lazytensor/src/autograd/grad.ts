/**
 * Reverse-mode differentiation over the tape, with the semantics of `torch.autograd.grad`: the
 * gradients of `outputs` (contracted with `gradOutputs`) with respect to `inputs`, as new tensors.
 * With `createGraph` the backward pass is recorded, so its results can be differentiated again.
 */
import { DTypeError, ShapeError, ValueError } from '@symtensor/core-ir';
import { tidy } from '../memory/scope.js';
import { add } from '../ops/elementwise.js';
import { reshape } from '../ops/reshape.js';
import { allocHost } from '../tensor/dtype.js';
import { sameShape } from '../tensor/shape.js';
import { Tensor } from '../tensor/tensor.js';
import { upload } from '../tensor/transfer.js';
import { withGradMode } from './mode.js';
import type { GradNode } from './node.js';

/** Options of `grad`. */
export interface GradOptions {
  /** Record the backward pass, so that the gradients can be differentiated again (default false). */
  readonly createGraph?: boolean;
  /** Return `null` for inputs the outputs do not depend on, instead of throwing (default false). */
  readonly allowUnused?: boolean;
}

type OneOrMany<T> = T | readonly T[];

/**
 * Gradients of `outputs` with respect to `inputs`: `sum_k <gradOutputs[k], d outputs[k] / d input>`.
 * Scalar (one-element) outputs default to a gradient of 1; other outputs need `gradOutputs`.
 * Returns one tensor per input, in order. Runs without waiting (kernels are enqueued).
 */
export function grad(
  outputs: OneOrMany<Tensor>,
  inputs: OneOrMany<Tensor>,
  gradOutputs?: OneOrMany<Tensor> | null,
  options?: GradOptions & { allowUnused?: false },
): Tensor[];
export function grad(
  outputs: OneOrMany<Tensor>,
  inputs: OneOrMany<Tensor>,
  gradOutputs: OneOrMany<Tensor> | null | undefined,
  options: GradOptions,
): (Tensor | null)[];
export function grad(
  outputs: OneOrMany<Tensor>,
  inputs: OneOrMany<Tensor>,
  gradOutputs?: OneOrMany<Tensor> | null,
  options: GradOptions = {},
): (Tensor | null)[] {
  const outs = asList(outputs, 'outputs');
  const ins = asList(inputs, 'inputs');
  ins.forEach((t, k) => {
    t.liveStorage(`grad(inputs[${k}])`);
    if (!t.requiresGrad)
      throw new ValueError(
        `grad: inputs[${k}] does not require grad; create it with { requiresGrad: true } or use t.detach({ requiresGrad: true })`,
      );
  });
  outs.forEach((t, k) => {
    t.liveStorage(`grad(outputs[${k}])`);
    if (!t.requiresGrad)
      throw new ValueError(
        `grad: outputs[${k}] does not depend on any tensor that requires grad, so it has no gradient`,
      );
  });
  const seeds =
    gradOutputs === undefined || gradOutputs === null ? undefined : asList(gradOutputs, 'gradOutputs');
  if (seeds && seeds.length !== outs.length)
    throw new ValueError(`grad: ${outs.length} outputs but ${seeds.length} gradOutputs; give one per output`);
  const createGraph = options.createGraph ?? false;
  return tidy(() =>
    withGradMode(createGraph, () => {
      const grads = new Map<object, Tensor>();
      outs.forEach((o, k) => {
        const seed = seeds ? checkSeed(seeds[k]!, o, k) : unitSeed(o, k);
        accumulate(grads, o.gradKey!, seed);
      });
      backward(outs, new Set(ins.map((t) => t.gradKey!)), grads);
      return ins.map((t, k) => {
        const g = grads.get(t.gradKey!);
        if (g) return g;
        if (options.allowUnused) return null;
        throw new ValueError(
          `grad: inputs[${k}] (shape [${t.shape}]) was not used to compute the outputs; pass { allowUnused: true } to get null for it`,
        );
      });
    }),
  );
}

/** Runs the backward functions from the outputs down to the targets, accumulating into `grads`. */
function backward(outs: readonly Tensor[], targets: Set<object>, grads: Map<object, Tensor>): void {
  const order = topoNodes(outs);
  // Whether a node has a target among its (transitive) inputs: only those nodes need to run.
  const reaches = new Map<GradNode, boolean>();
  for (const node of order)
    reaches.set(
      node,
      node.inputs.some(
        (h) => h.requiresGrad && (targets.has(h.gradKey!) || (h.node !== undefined && reaches.get(h.node)!)),
      ),
    );
  for (let n = order.length - 1; n >= 0; n--) {
    const node = order[n]!;
    if (!reaches.get(node)) continue;
    const gradsOut = node.outputKeys.map((key) => grads.get(key) ?? null);
    if (gradsOut.every((g) => g === null)) continue;
    const needs = node.inputs.map(
      (h) => h.requiresGrad && (targets.has(h.gradKey!) || (h.node !== undefined && reaches.get(h.node)!)),
    );
    const results = node.backward(gradsOut, {
      inputs: node.inputs,
      needs,
      output: (k) => {
        const storage = node.saved[k];
        const meta = node.outputs[k]!;
        if (!storage) throw new ValueError(`internal: ${node.name} did not save output ${k}`);
        // Index outputs carry no gradient: they are plain tensors, off the tape.
        return Tensor.wrap({
          storage: storage.retain(),
          shape: meta.shape,
          dtype: meta.dtype,
          ...(meta.differentiable ? { node, index: k } : {}),
        });
      },
    });
    node.inputs.forEach((h, k) => {
      const g = results[k];
      if (!needs[k] || !g) return;
      if (!sameShape(g.shape, h.shape))
        throw new ShapeError(
          `internal: the backward of ${node.name} gave shape [${g.shape}] for an input of shape [${h.shape}]`,
        );
      accumulate(grads, h.gradKey!, g);
    });
  }
}

/** Nodes reachable from the outputs, each after all the nodes it reads from (inputs first). */
function topoNodes(outs: readonly Tensor[]): GradNode[] {
  const order: GradNode[] = [];
  const seen = new Set<GradNode>();
  const stack: [GradNode, number][] = [];
  for (const o of outs) {
    if (!o.node || seen.has(o.node)) continue;
    seen.add(o.node);
    stack.push([o.node, 0]);
    while (stack.length > 0) {
      const top = stack[stack.length - 1]!;
      const [node, next] = top;
      if (next < node.inputs.length) {
        top[1]++;
        const child = node.inputs[next]!.node;
        if (child && !seen.has(child)) {
          seen.add(child);
          stack.push([child, 0]);
        }
      } else {
        order.push(node);
        stack.pop();
      }
    }
  }
  return order;
}

function accumulate(grads: Map<object, Tensor>, key: object, g: Tensor): void {
  const prev = grads.get(key);
  grads.set(key, prev ? add(prev, g) : g);
}

function checkSeed(seed: Tensor, out: Tensor, k: number): Tensor {
  if (!(seed instanceof Tensor)) throw new ValueError(`grad: gradOutputs[${k}] must be a Tensor`);
  if (!sameShape(seed.shape, out.shape))
    throw new ShapeError(
      `grad: gradOutputs[${k}] has shape [${seed.shape}] but outputs[${k}] has [${out.shape}]`,
    );
  if (seed.dtype !== out.dtype)
    throw new DTypeError(
      `grad: gradOutputs[${k}] is ${seed.dtype} but outputs[${k}] is ${out.dtype}; cast it`,
    );
  if (seed.backend !== out.backend)
    throw new ValueError(
      `grad: gradOutputs[${k}] lives on another backend than outputs[${k}]; move it with await t.to(backend)`,
    );
  // A fresh view, so that the returned gradients are never the caller's own tensor objects.
  return reshape(seed, seed.shape);
}

function unitSeed(out: Tensor, k: number): Tensor {
  if (out.size !== 1)
    throw new ShapeError(
      `grad: outputs[${k}] has shape [${out.shape}]; a gradient of 1 is implied only for scalar outputs: pass gradOutputs`,
    );
  return upload(out.backend, allocHost(out.dtype, 1).fill(1), out.shape);
}

function asList(v: OneOrMany<Tensor>, what: string): readonly Tensor[] {
  const list = Array.isArray(v) ? v : [v];
  list.forEach((t, k) => {
    if (!(t instanceof Tensor)) throw new ValueError(`grad: ${what}[${k}] must be a Tensor`);
  });
  return list as readonly Tensor[];
}
