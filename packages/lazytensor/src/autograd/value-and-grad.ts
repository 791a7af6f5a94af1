/** `valueAndGrad(fn)`: a function returning fn's (scalar) value and its gradients in one pass. */
import { ValueError } from '@symtensor/core-ir';
import { Tensor } from '../tensor/tensor.js';
import { zerosLike } from '../tensor/zeros-like.js';
import { grad } from './grad.js';

/** Options of `valueAndGrad`. */
export interface ValueAndGradOptions {
  /** Positions of the arguments to differentiate (default: every Tensor argument). */
  readonly argnums?: readonly number[];
  /** Record the backward pass (for higher orders; default false). */
  readonly createGraph?: boolean;
}

/**
 * Wraps `fn` (returning a one-element tensor) into a function returning `{ value, grads }`, the
 * gradients with respect to the chosen arguments, zeros for arguments the value does not use.
 * Arguments that do not require grad are differentiated through leaf views of them.
 */
export function valueAndGrad<A extends unknown[]>(
  fn: (...args: A) => Tensor,
  options: ValueAndGradOptions = {},
): (...args: A) => { value: Tensor; grads: Tensor[] } {
  if (typeof fn !== 'function') throw new ValueError('valueAndGrad(fn): fn must be a function');
  return (...args: A) => {
    const nums = options.argnums ?? args.flatMap((a, k) => (a instanceof Tensor ? [k] : []));
    const leaves = [...args] as A;
    const views: Tensor[] = [];
    for (const k of nums) {
      const a = args[k];
      if (!(a instanceof Tensor)) throw new ValueError(`valueAndGrad: argument ${k} is not a Tensor`);
      if (!a.requiresGrad) {
        const leaf = a.detach({ requiresGrad: true });
        views.push(leaf);
        leaves[k] = leaf;
      }
    }
    const value = fn(...leaves);
    if (!(value instanceof Tensor)) throw new ValueError('valueAndGrad: fn must return a Tensor');
    const targets = nums.map((k) => leaves[k] as Tensor);
    const grads = value.requiresGrad
      ? grad(value, targets, undefined, { createGraph: options.createGraph ?? false, allowUnused: true })
      : targets.map(() => null);
    const out = grads.map((g, k) => g ?? zerosLike(targets[k]!));
    // The tape keeps its own references: the leaf views can go.
    for (const v of views) v.dispose();
    return { value, grads: out };
  };
}
