/**
 * IEEE 754 binary16 (float16) conversions. core-ir carries float16 data as raw 16-bit words in a
 * `Uint16Array`, and Node 20 has neither `Float16Array` nor `Math.f16round`, so users of float16
 * kernels need these to make and read such words. Rounding is to nearest, ties to even, done
 * from the float64 value directly (rounding through float32 first would round twice).
 */

/** Largest finite float16, 65504; from 65520 (halfway to 2^16) on, values round to infinity. */
const OVERFLOW = 65520;
/** Smallest normal float16, 2^-14. */
const MIN_NORMAL = 2 ** -14;

function roundHalfEven(x: number): number {
  const f = Math.floor(x);
  const d = x - f;
  return d > 0.5 || (d === 0.5 && f % 2 === 1) ? f + 1 : f;
}

/** The float16 bits nearest to `v` (NaN becomes the quiet NaN 0x7e00). */
export function float16Bits(v: number): number {
  if (Number.isNaN(v)) return 0x7e00;
  const sign = v < 0 || Object.is(v, -0) ? 0x8000 : 0;
  const a = Math.abs(v);
  if (a >= OVERFLOW) return sign | 0x7c00;
  // Subnormals are multiples of 2^-24 (scaling by a power of two is exact); a result of 1024 is
  // the bit pattern of the smallest normal, as it should be.
  if (a < MIN_NORMAL) return sign | roundHalfEven(a * 2 ** 24);
  let e = Math.floor(Math.log2(a));
  // log2 may be off by one next to powers of two.
  if (2 ** e > a) e--;
  else if (2 ** (e + 1) <= a) e++;
  // A mantissa rounding up to 1024 carries into the exponent, which the addition does.
  return sign | (((e + 15) << 10) + roundHalfEven((a / 2 ** e - 1) * 1024));
}

/** The value of float16 bits. */
export function float16Value(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const e = (bits >> 10) & 0x1f;
  const m = bits & 0x3ff;
  if (e === 0) return sign * m * 2 ** -24;
  if (e === 31) return m === 0 ? sign * Number.POSITIVE_INFINITY : Number.NaN;
  return sign * (1024 + m) * 2 ** (e - 25);
}

/** float16 words of `values`, each rounded to the nearest float16: data for a float16 upload. */
export function toFloat16(values: ArrayLike<number>): Uint16Array {
  const out = new Uint16Array(values.length);
  for (let k = 0; k < values.length; k++) out[k] = float16Bits(values[k]!);
  return out;
}

/** The values of float16 words (a float16 download), exactly, as float32. */
export function fromFloat16(words: Uint16Array): Float32Array {
  const out = new Float32Array(words.length);
  for (let k = 0; k < words.length; k++) out[k] = float16Value(words[k]!);
  return out;
}
