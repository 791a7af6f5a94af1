/**
 * Tolerances of the conformance suite against the float64 reference interpreter.
 *
 * An output element passes when |got - ref| <= rtol * scale, where scale is the largest finite
 * |ref| of its output row, and at least 1. The row's magnitude (not the element's) because a
 * sum's rounding error scales with its terms, not with a result that cancels to near zero; the
 * floor of 1 because the suite's inputs are O(1), so a formula's absolute rounding error is
 * eps * O(1) even where its value is tiny (Min of |x - y| over many y, Sin near 0).
 *
 * - float64: 1e-10, far above the ~1e-13 a correct float64 sum of 1000 terms can drift, far below
 *   any real bug.
 * - float32, sums (Sum, LogSumExp, SumSoftMaxWeight): 1e-4, room for plain float32
 *   accumulation over ~1000 terms (worst case n * eps ~ 6e-5).
 * - float32, elementwise values (maps, Min/Max/KMin values): 1e-5, a few ulps of a formula
 *   evaluated in float32 (D = 784 inner sums included).
 *
 * NaN must be NaN and an infinity the same infinity, exactly. Index outputs must be equal; only
 * for float32 may an index differ from the reference's, and only where the formula's values at
 * both indices agree within the elementwise tolerance (a near-tie the float32 rounding may break
 * either way). For float64, and for inputs built with exact ties, indices must be equal.
 */
import type { FloatDType } from '../dtype.js';

export type ToleranceKind = 'sum' | 'elementwise';

export const TOLERANCE: Readonly<Record<'float32' | 'float64', Readonly<Record<ToleranceKind, number>>>> = {
  float64: { sum: 1e-10, elementwise: 1e-10 },
  float32: { sum: 1e-4, elementwise: 1e-5 },
};

export function rtol(dtype: FloatDType, kind: ToleranceKind): number {
  // float16 is storage only in core-ir; a backend computing in it gets float32's budget x 100.
  if (dtype === 'float16') return TOLERANCE.float32[kind] * 100;
  return TOLERANCE[dtype][kind];
}

/** The scale of an output row: its largest finite magnitude, at least 1. */
export function rowScale(ref: ArrayLike<number>, start: number, end: number): number {
  let m = 1;
  for (let k = start; k < end; k++) {
    const a = Math.abs(ref[k]!);
    if (Number.isFinite(a) && a > m) m = a;
  }
  return m;
}
