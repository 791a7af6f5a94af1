/**
 * The two WGSL float types of generated code: f32, and f16 for float16 kernels (devices with the
 * `shader-f16` feature). Everything that differs between them in printed code lives here:
 * literals, the non-finite values (WGSL refuses non-finite constant expressions, so they are
 * read from the uniform block), and the bit tests that decide NaN and infinities (a comparison
 * such as `x != x` may be folded away by compilers that assume finite math).
 */
import { float16Bits, float16Value } from '../float16.js';

export type FloatType = 'f32' | 'f16';

export interface WgslFloat {
  readonly type: FloatType;
  /** Appended to helper function names, so that both types' helpers can share a module. */
  readonly suffix: string;
  /** `v` rounded to this type, as a WGSL literal or a read of the uniform block. */
  literal(v: number): string;
  /** A u32 expression holding the bits of `x` (f16: in both halves, so either half can be masked). */
  bits(x: string): string;
  /** Mask of the magnitude bits, and the all-ones exponent (infinities; NaN above it). */
  readonly magnitude: string;
  readonly exponent: string;
  /** `bits(x)` of negative infinity. */
  readonly negInfBits: string;
  /** The smallest magnitude from which every value is an even integer, as a literal. */
  readonly evenFrom: string;
}

/** Decimal text of a finite float, with enough digits to denote it exactly in its type. */
function decimal(x: number, digits: number, suffix: string): string {
  if (Object.is(x, -0)) return `(-0.0${suffix})`;
  const text = `${Number.isInteger(x) && Math.abs(x) < 1e9 ? x.toFixed(1) : x.toPrecision(digits)}${suffix}`;
  return x < 0 ? `(${text})` : text;
}

export const F32: WgslFloat = {
  type: 'f32',
  suffix: '',
  literal(v) {
    const x = Math.fround(v);
    if (Number.isNaN(x)) return 'u.nan';
    if (x === Number.POSITIVE_INFINITY) return 'u.pinf';
    if (x === Number.NEGATIVE_INFINITY) return 'u.ninf';
    // Nine significant digits round-trip every float32.
    return decimal(x, 9, 'f');
  },
  bits: (x) => `bitcast<u32>(${x})`,
  magnitude: '0x7fffffffu',
  exponent: '0x7f800000u',
  negInfBits: '0xff800000u',
  evenFrom: '16777216.0f',
};

export const F16: WgslFloat = {
  type: 'f16',
  suffix: '_h',
  literal(v) {
    const x = float16Value(float16Bits(v));
    // The uniform block holds each non-finite float16 twice in a u32 (see uniforms.ts).
    if (Number.isNaN(x)) return 'bitcast<vec2<f16>>(u.h_nan).x';
    if (x === Number.POSITIVE_INFINITY) return 'bitcast<vec2<f16>>(u.h_pinf).x';
    if (x === Number.NEGATIVE_INFINITY) return 'bitcast<vec2<f16>>(u.h_ninf).x';
    // Five significant digits round-trip every float16; nine keep subnormals exact enough.
    return decimal(x, 9, 'h');
  },
  bits: (x) => `bitcast<u32>(vec2<f16>(${x}, ${x}))`,
  magnitude: '0x7fffu',
  exponent: '0x7c00u',
  negInfBits: '0xfc00fc00u',
  evenFrom: '2048.0h',
};

export function wgslFloat(type: FloatType): WgslFloat {
  return type === 'f16' ? F16 : F32;
}

/** The directives a module of this float type starts with. */
export function enableDirectives(type: FloatType): string[] {
  return type === 'f16' ? ['enable f16;'] : [];
}
