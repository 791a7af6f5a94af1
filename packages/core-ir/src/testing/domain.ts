/**
 * Input domains of the conformance suite: where random inputs are drawn from. Continuous domains
 * keep each op inside its valid range (Log on (0.5, 2), Asin on (-0.9, 0.9), ...); grid domains
 * hold values exact in float32 so that comparisons, ties, Floor and Round hit their edge cases
 * (equal values, halves, integers) identically in every dtype.
 */
import type { Rng } from './random.js';

export type Domain =
  /** Uniform in [lo, hi). */
  | { readonly kind: 'uniform'; readonly lo: number; readonly hi: number }
  /** lo + k * step for a uniform integer k in [0, (hi - lo) / step]. */
  | { readonly kind: 'grid'; readonly lo: number; readonly hi: number; readonly step: number }
  /** A fixed list of values (special values such as NaN and infinities). */
  | { readonly kind: 'values'; readonly values: readonly number[] }
  /** A value of `special` with probability `rate`, otherwise a draw from `base`. */
  | {
      readonly kind: 'mixed';
      readonly base: Domain;
      readonly special: readonly number[];
      readonly rate: number;
    };

export const uniform = (lo: number, hi: number): Domain => ({ kind: 'uniform', lo, hi });
export const grid = (lo: number, hi: number, step: number): Domain => ({ kind: 'grid', lo, hi, step });
export const values = (...vs: number[]): Domain => ({ kind: 'values', values: vs });
export const mixed = (base: Domain, special: readonly number[], rate: number): Domain => ({
  kind: 'mixed',
  base,
  special,
  rate,
});

/** The default domain: O(1) values of both signs. */
export const STANDARD = uniform(-1, 1);

export function sample(rng: Rng, d: Domain): number {
  switch (d.kind) {
    case 'uniform':
      return rng.uniform(d.lo, d.hi);
    case 'grid':
      return d.lo + d.step * rng.int(0, Math.round((d.hi - d.lo) / d.step) + 1);
    case 'values':
      return rng.pick(d.values);
    case 'mixed':
      return rng.next() < d.rate ? rng.pick(d.special) : sample(rng, d.base);
  }
}

/**
 * Halves a domain: x and y drawn from half(d) give x + y in d (uniform: exactly; grid: the
 * same grid step, so sums stay exact).
 */
export function half(d: Domain): Domain {
  switch (d.kind) {
    case 'uniform':
      return uniform(d.lo / 2, d.hi / 2);
    case 'grid': {
      // Keep the step and split the span: lo/2 and hi/2 rounded onto the grid.
      const lo = Math.ceil(d.lo / 2 / d.step) * d.step;
      const hi = Math.floor(d.hi / 2 / d.step) * d.step;
      return grid(lo, Math.max(lo, hi), d.step);
    }
    case 'values':
      return d;
    case 'mixed':
      return { ...d, base: half(d.base) };
  }
}
