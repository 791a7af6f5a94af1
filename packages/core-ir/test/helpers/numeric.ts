/**
 * Shared test helpers: a seeded PRNG (so every random input is reproducible from the seed printed
 * in a failure), central finite differences in float64, and an every-element closeness check
 * that reports the worst offenders instead of stopping at the first one.
 */
import { expect } from 'vitest';

/** A small seeded PRNG (mulberry32): deterministic across runs and platforms. */
export class Rng {
  private state: number;

  constructor(readonly seed: number) {
    this.state = seed >>> 0;
  }

  /** Uniform in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  uniform(lo: number, hi: number): number {
    return lo + (hi - lo) * this.next();
  }

  /** Integer in [lo, hi] inclusive. */
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)]!;
  }

  vector(n: number, lo = -2, hi = 2): Float64Array {
    return Float64Array.from({ length: n }, () => this.uniform(lo, hi));
  }
}

/** Finite-difference step: central differences have O(h^2) truncation and O(eps/h) rounding error. */
export const FD_STEP = 1e-6;

/**
 * Central finite-difference gradient of a scalar function of one flat float64 array, one
 * component at a time (the array is restored after each probe).
 */
export function fdGradient(x: Float64Array, f: () => number, h = FD_STEP): Float64Array {
  const out = new Float64Array(x.length);
  for (let k = 0; k < x.length; k++) {
    const x0 = x[k]!;
    x[k] = x0 + h;
    const fp = f();
    x[k] = x0 - h;
    const fm = f();
    x[k] = x0;
    out[k] = (fp - fm) / (2 * h);
  }
  return out;
}

export function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let s = 0;
  for (let k = 0; k < a.length; k++) s += a[k]! * b[k]!;
  return s;
}

export interface Tolerance {
  /** Relative part, scaled by |expected|. */
  rel: number;
  /** Absolute floor, for expected values near 0. */
  abs: number;
}

/**
 * Checks every element: |actual - expected| <= abs + rel * |expected|. NaN matches only NaN and
 * infinities only the same infinity. Fails with the worst elements listed.
 */
export function expectAllClose(
  actual: ArrayLike<number>,
  expected: ArrayLike<number>,
  tol: Tolerance,
  what: string,
): void {
  expect(actual.length, `${what}: length`).toBe(expected.length);
  const bad: string[] = [];
  for (let k = 0; k < expected.length; k++) {
    const a = actual[k]!;
    const e = expected[k]!;
    const ok =
      Number.isNaN(e) || !Number.isFinite(e)
        ? Object.is(a, e) || (Number.isNaN(a) && Number.isNaN(e))
        : Math.abs(a - e) <= tol.abs + tol.rel * Math.abs(e);
    if (!ok) bad.push(`[${k}] got ${a}, expected ${e} (diff ${Math.abs(a - e).toExponential(2)})`);
  }
  expect(bad, `${what}: elements outside the tolerance`).toEqual([]);
}
