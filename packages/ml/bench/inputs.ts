/**
 * The reference script's input generator (shared/reference/peers.md), so that the benchmark runs
 * on the very inputs scikit-learn was timed on and its result values can be compared.
 */

function lowbias32(x: number): number {
  x ^= x >>> 16;
  x = Math.imul(x, 0x7feb352d);
  x ^= x >>> 15;
  x = Math.imul(x, 0x846ca68b);
  x ^= x >>> 16;
  return x >>> 0;
}

function word(seed: number, k: number): number {
  return lowbias32((lowbias32(k) + lowbias32((seed + 0x9e3779b9) >>> 0)) >>> 0);
}

/** `uniform(seed, shape)`: n values in [0, 1), exact in float32. */
export function uniform(seed: number, n: number): Float32Array {
  return Float32Array.from({ length: n }, (_, k) => (word(seed, k) >>> 8) * 2 ** -24);
}

/** `normal(seed, shape)`: n standard normal values (Box-Muller), rounded to float32. */
export function normal(seed: number, n: number): Float32Array {
  return Float32Array.from({ length: n }, (_, k) => {
    const u1 = ((word(seed, 2 * k) >>> 8) + 1) * 2 ** -24;
    const u2 = (word(seed, 2 * k + 1) >>> 8) * 2 ** -24;
    return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
  });
}
