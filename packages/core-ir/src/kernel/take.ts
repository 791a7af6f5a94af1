/**
 * The data-movement kernel: `out[k] = convert(src[index[k]])` (or `convert(src[k])` without an
 * index). With index arrays computed from shapes on the host, it expresses gather, slicing,
 * transposition, broadcasting, concatenation (with fill 0) and dtype casts, so dense tensor code
 * needs no host round trip.
 */
import type { DType, TypedArray } from '../dtype.js';
import { DTypeError, ValueError } from '../errors.js';
import { hashString } from '../formula/hash.js';

export interface TakeSpec {
  readonly kind: 'take';
  /** Output dtype. */
  readonly dtype: DType;
  /** Source dtype. */
  readonly srcDtype: DType;
  /**
   * Value written for an index outside [0, src.length), and for a float source value that an
   * int32 output cannot hold (NaN, infinite or out of range).
   */
  readonly fill: number;
  /** Whether an int32 index buffer is read (args[1]); otherwise out[k] = src[k]. */
  readonly indexed: boolean;
  readonly key: string;
}

const TAKE_DTYPES: readonly DType[] = ['float32', 'float64', 'int32'];

/** Builds a take spec; fill defaults to NaN for float outputs and -1 for int32. */
export function takeSpec(init: {
  dtype: DType;
  srcDtype?: DType;
  fill?: number;
  indexed?: boolean;
}): TakeSpec {
  const srcDtype = init.srcDtype ?? init.dtype;
  for (const [what, d] of [
    ['dtype', init.dtype],
    ['srcDtype', srcDtype],
  ] as const)
    if (!TAKE_DTYPES.includes(d))
      throw new DTypeError(`take: ${what} ${d} is not supported; use ${TAKE_DTYPES.join(', ')}`);
  const fill = init.fill ?? (init.dtype === 'int32' ? -1 : Number.NaN);
  if (init.dtype === 'int32' && !Number.isInteger(fill))
    throw new ValueError(`take: an int32 output needs an integer fill, got ${fill}`);
  const indexed = init.indexed ?? true;
  return {
    kind: 'take',
    dtype: init.dtype,
    srcDtype,
    fill,
    indexed,
    key: hashString(`take|${init.dtype}|${srcDtype}|${Object.is(fill, -0) ? '-0' : fill}|${indexed}`),
  };
}

/** Converts one source value to the output dtype (the rule every backend implements). */
export function takeConvert(spec: TakeSpec, v: number): number {
  if (spec.dtype !== 'int32') return v;
  if (!Number.isFinite(v)) return spec.fill;
  const t = Math.trunc(v);
  return t < -2147483648 || t > 2147483647 ? spec.fill : t;
}

/** Reference implementation (float64 values; the caller rounds to the output dtype). */
export function takeReference(
  spec: TakeSpec,
  src: TypedArray,
  index: Int32Array | undefined,
  n: number,
): Float64Array {
  const out = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    const at = spec.indexed ? index![k]! : k;
    out[k] = at >= 0 && at < src.length ? takeConvert(spec, src[at]!) : spec.fill;
  }
  return out;
}
