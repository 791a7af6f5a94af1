/**
 * Derived seeds. Initialisations draw several independent random vectors from one user seed; the
 * lazytensor generator is counter-based and hashes its seed, so distinct derived seeds give
 * independent streams.
 */

/** The seed of draw number `draw` for user seed `seed` (a uint32). */
export function derivedSeed(seed: number, draw: number): number {
  return (Math.imul(seed >>> 0, 0x9e3779b1) + Math.imul(draw + 1, 0x85ebca6b)) >>> 0;
}

/** A seed for calls made without one: different on each call, like scikit-learn's `random_state=None`. */
export function freshSeed(): number {
  return (Math.random() * 2 ** 32) >>> 0;
}
