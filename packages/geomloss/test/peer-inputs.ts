/**
 * The counter-based generator of the peer measurements (shared/reference/peers.md): the inputs
 * GeomLoss was run on, reproduced bit for bit so that its values can be compared with ours.
 */
function lowbias32(x: number): number {
  x ^= x >>> 16;
  x = Math.imul(x, 0x7feb352d);
  x ^= x >>> 15;
  x = Math.imul(x, 0x846ca68b);
  x ^= x >>> 16;
  return x >>> 0;
}

export function word(seed: number, k: number): number {
  const key = lowbias32((seed + 0x9e3779b9) >>> 0);
  return lowbias32((lowbias32(k) + key) >>> 0);
}

/** uniform(seed, shape) with `size` elements in row-major order (exact in float32). */
export function peerUniform(seed: number, size: number): Float64Array {
  const out = new Float64Array(size);
  for (let k = 0; k < size; k++) out[k] = (word(seed, k) >>> 8) * 2 ** -24;
  return out;
}
