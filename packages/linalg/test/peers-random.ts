/**
 * The counter-based generator of shared/reference/peers.md (also in scripts/make-fixtures.py), so
 * tests rebuild the fixtures' inputs bit for bit instead of storing them.
 */

function lowbias32(x: number): number {
  x ^= x >>> 16;
  x = Math.imul(x, 0x7feb352d);
  x ^= x >>> 15;
  x = Math.imul(x, 0x846ca68b);
  x ^= x >>> 16;
  return x >>> 0;
}

/** word(seed, k) of peers.md (uint32). */
export function word(seed: number, k: number): number {
  const key = lowbias32((seed + 0x9e3779b9) >>> 0);
  return lowbias32((lowbias32(k) + key) >>> 0);
}

/** uniform(seed, [n]) of peers.md: float32-exact values in [0, 1). */
export function peersUniform(seed: number, n: number): Float32Array {
  return Float32Array.from({ length: n }, (_, k) => (word(seed, k) >>> 8) * 2 ** -24);
}

/** normal(seed, [n]) of peers.md, rounded to float32. */
export function peersNormal(seed: number, n: number): Float32Array {
  return Float32Array.from({ length: n }, (_, k) => {
    const u1 = ((word(seed, 2 * k) >>> 8) + 1) * 2 ** -24;
    const u2 = (word(seed, 2 * k + 1) >>> 8) * 2 ** -24;
    return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
  });
}
