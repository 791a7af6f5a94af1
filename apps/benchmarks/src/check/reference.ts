/**
 * The float64 reference of a workload on a sample of rows. The reference interpreter is slow (a
 * few microseconds per pair), so it runs a sub-problem: the sampled rows of every i-indexed input
 * against all of y. Rows are spread evenly over [0, N) and always include the first and the last,
 * where off-by-one and tail-handling bugs live. Every suite reduces over j, so output rows are i rows.
 */
import { referenceRun, specInputs } from '@symtensor/core-ir';
import type { Workload } from '../suites/types.js';

/** Rows are checked until about this many reference pairs, but never fewer than MIN_ROWS rows. */
export const DEFAULT_CHECK_PAIRS = 200_000;
const MIN_ROWS = 20;

export interface Reference {
  /** The sampled output rows, increasing. */
  readonly rows: readonly number[];
  /** The spec's first output on those rows, row-major, in float64. */
  readonly values: Float64Array;
}

/** Evenly spread rows: all N when the budget allows, otherwise max(MIN_ROWS, pairBudget / M). */
export function sampleRows(N: number, M: number, pairBudget: number): number[] {
  const count = Math.min(N, Math.max(MIN_ROWS, Math.floor(pairBudget / Math.max(1, M))));
  if (count === N) return Array.from({ length: N }, (_, i) => i);
  const rows = new Set<number>();
  for (let k = 0; k < count; k++) rows.add(Math.round((k * (N - 1)) / (count - 1)));
  return [...rows];
}

function gatherRows(data: Float32Array, rows: readonly number[], dim: number): Float32Array {
  const out = new Float32Array(rows.length * dim);
  rows.forEach((r, k) => {
    out.set(data.subarray(r * dim, (r + 1) * dim), k * dim);
  });
  return out;
}

export function referenceFor(w: Workload, pairBudget = DEFAULT_CHECK_PAIRS): Reference {
  // Algorithm workloads check themselves against their own float64 computation.
  if (!w.spec) return { rows: [], values: new Float64Array(0) };
  const rows = sampleRows(w.nx, w.ny, pairBudget);
  const args: Float32Array[] = [];
  for (const { pos, cat, dim } of specInputs(w.spec))
    args[pos] = cat === 'i' ? gatherRows(w.args[pos]!, rows, dim) : w.args[pos]!;
  const [values] = referenceRun(w.spec, { args, nx: rows.length, ny: w.ny });
  return { rows, values: values! };
}
