/**
 * The documented results of a reduction over an empty range (package README, "Reductions"), one
 * value per output. The suite checks both the reference and the backend against this table, so
 * the documentation, the interpreter and every backend agree.
 */
import { Reduction } from '../reductions/types.js';

const INF = Number.POSITIVE_INFINITY;

export const EMPTY_VALUES: Readonly<Record<Reduction, readonly number[]>> = {
  [Reduction.Sum]: [0],
  [Reduction.LogSumExp]: [-INF],
  // 0 / 0.
  [Reduction.SumSoftMaxWeight]: [Number.NaN],
  [Reduction.Min]: [INF],
  [Reduction.Max]: [-INF],
  [Reduction.ArgMin]: [-1],
  [Reduction.ArgMax]: [-1],
  [Reduction.MinArgMin]: [INF, -1],
  [Reduction.MaxArgMax]: [-INF, -1],
  // Also the value of every KMin slot beyond the number of reduced indices.
  [Reduction.KMin]: [INF],
  [Reduction.ArgKMin]: [-1],
  [Reduction.KMinArgKMin]: [INF, -1],
};

/** Same value, NaN equal to NaN (and 0 equal to -0). */
export function sameValue(a: number, b: number): boolean {
  return a === b || (Number.isNaN(a) && Number.isNaN(b));
}
