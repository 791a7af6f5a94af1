/**
 * The counter-based input generator of the project's peer measurements
 * (`shared/reference/peers.md`, "The input generator used"). Every value depends only on (seed,
 * index), so the Python peers and our benchmarks and tests draw bit-identical inputs, and a size-N array is the
 * first N rows of a larger one: the numbers we compare are computed on the same points.
 */

/** Chris Wellons' lowbias32 integer hash (uint32 in, uint32 out). */
export function lowbias32(x: number): number {
  x >>>= 0;
  x ^= x >>> 16;
  x = Math.imul(x, 0x7feb352d);
  x ^= x >>> 15;
  x = Math.imul(x, 0x846ca68b);
  x ^= x >>> 16;
  return x >>> 0;
}

/** The per-seed key: lowbias32(seed + golden-ratio constant), wrapped to uint32. */
function key(seed: number): number {
  return lowbias32((seed + 0x9e3779b9) >>> 0);
}

/** The k-th uint32 word of stream `seed`. */
export function word(seed: number, k: number): number {
  return lowbias32((lowbias32(k) + key(seed)) >>> 0);
}

/** 2^-24: the top 24 bits of a word scaled to [0, 1), exact in float32. */
const INV_2_24 = 2 ** -24;

/** Row-major `rows x cols` array of uniforms in [0, 1): element k is (word(seed, k) >>> 8) * 2^-24. */
export function uniform(seed: number, rows: number, cols: number): Float32Array {
  const out = new Float32Array(rows * cols);
  for (let k = 0; k < out.length; k++) out[k] = (word(seed, k) >>> 8) * INV_2_24;
  return out;
}

/**
 * Row-major `rows x cols` array of standard normals by Box-Muller, one word pair per element:
 * u1 = ((word(2k) >>> 8) + 1) * 2^-24 in (0, 1] (so the log is finite), u2 = (word(2k+1) >>> 8) * 2^-24,
 * value = f32(sqrt(-2 ln u1) cos(2 pi u2)) computed in float64 then rounded once.
 */
export function normal(seed: number, rows: number, cols: number): Float32Array {
  const out = new Float32Array(rows * cols);
  for (let k = 0; k < out.length; k++) {
    const u1 = ((word(seed, 2 * k) >>> 8) + 1) * INV_2_24;
    const u2 = (word(seed, 2 * k + 1) >>> 8) * INV_2_24;
    out[k] = Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
  }
  return out;
}
