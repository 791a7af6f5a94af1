/**
 * A tiny seeded PRNG for the conformance suite. Every test draws its inputs from its own
 * generator, seeded from the test's name (and `SYMTENSOR_TEST_SEED` when set), so a failure
 * reproduces exactly and tests never share data.
 */

/** 32-bit FNV-1a of a string: turns a test name into a seed. */
export function seedOf(text: string): number {
  let h = 0x811c9dc5;
  for (let k = 0; k < text.length; k++) {
    h ^= text.charCodeAt(k);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** Extra seed mixed into every test's seed, so one can fuzz with `SYMTENSOR_TEST_SEED=<int>`. */
export function globalSeed(): number {
  const env = typeof process === 'undefined' ? undefined : process.env.SYMTENSOR_TEST_SEED;
  return env ? seedOf(env) : 0;
}

/** mulberry32: small, fast and good enough for test data (not for anything else). */
export class Rng {
  private state: number;

  constructor(seed: number) {
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

  /** Uniform in [lo, hi). */
  uniform(lo: number, hi: number): number {
    return lo + (hi - lo) * this.next();
  }

  /** Uniform integer in [lo, hi). */
  int(lo: number, hi: number): number {
    return lo + Math.floor((hi - lo) * this.next());
  }

  pick<T>(items: readonly T[]): T {
    return items[this.int(0, items.length)]!;
  }
}
