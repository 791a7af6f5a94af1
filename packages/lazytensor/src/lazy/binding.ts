/**
 * What the variables of a LazyTensor's formula stand for. Each variable is a placeholder
 * `Var(pos, dim, cat)` with a process-wide unique position, bound to a tensor (or to host numbers,
 * uploaded in the reduction's dtype when it runs). Positions are renumbered to 0..n-1 when a
 * reduction runs, so equal computations share one compiled kernel.
 */
import { type Category, type Formula, variable } from '@symtensor/core-ir';
import type { Tensor } from '../tensor/tensor.js';

/** One placeholder variable and its data. */
export interface Binding {
  readonly cat: Category;
  readonly dim: number;
  /** A tensor, or float64 values (numbers given as parameters). */
  readonly source: Tensor | Float64Array;
  /** Batch shape of the data (leading dims), not yet padded to the reduction's. */
  readonly batch: readonly number[];
  /** Rows: N for an i variable, M for a j variable, undefined for a parameter. */
  readonly rows: number | undefined;
}

let nextPosition = 0;

/** A fresh placeholder position, never used before in this process. */
export function freshPosition(): number {
  return nextPosition++;
}

/** Positions already given to (tensor, category) pairs, so Vi(x) twice is one variable. */
const positions = new WeakMap<Tensor, Partial<Record<Category, number>>>();

/** The placeholder variable of `tensor` in category `cat` (the same one on every call). */
export function placeholderOf(tensor: Tensor, cat: Category, dim: number): Formula {
  let byCat = positions.get(tensor);
  if (!byCat) {
    byCat = {};
    positions.set(tensor, byCat);
  }
  byCat[cat] ??= freshPosition();
  return variable(byCat[cat], dim, cat);
}
