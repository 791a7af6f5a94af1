/** Default tolerances per dtype, shared by the solvers. */
import type { FloatDType } from './linear-operator.js';

/**
 * Default relative tolerance. float32 products carry ~1e-7 relative rounding per entry, summed over
 * thousands of terms: peers.md measured the true residual of float32 kernel CG flooring between
 * 8e-6 and 3e-5, so 1e-6 is out of reach there; 1e-5 is the tightest default that float32 meets.
 */
export function defaultTol(dtype: FloatDType): number {
  return dtype === 'float32' ? 1e-5 : 1e-10;
}

/** Unit roundoff of the dtype. */
export function unitRoundoff(dtype: FloatDType): number {
  return dtype === 'float32' ? 2 ** -24 : 2 ** -53;
}
