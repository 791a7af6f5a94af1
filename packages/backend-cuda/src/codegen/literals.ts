/**
 * C++ literals for CUDA source. Float literals carry their type (`1.5f` for float, `1.5` for
 * double) because an unsuffixed literal in a float expression would promote the whole expression
 * to double. Values print as JavaScript's shortest round-trip decimal of the value rounded to the
 * target type, which the C++ compiler parses back to the same bits.
 */
import { ValueError } from '@symtensor/core-ir';

export type CType = 'float' | 'double' | 'int';

/** A literal of `value` in C type `type` (non-finite values through the prelude's helpers). */
export function literal(value: number, type: CType): string {
  if (type === 'int') return intLiteral(value);
  const f = type === 'float';
  if (Number.isNaN(value)) return f ? 'st_nanf()' : 'st_nan()';
  if (value === Number.POSITIVE_INFINITY) return f ? 'st_inff()' : 'st_inf()';
  if (value === Number.NEGATIVE_INFINITY) return f ? '(-st_inff())' : '(-st_inf())';
  const v = f ? Math.fround(value) : value;
  // fround may overflow a finite double to infinity.
  if (!Number.isFinite(v)) return literal(v, type);
  if (Object.is(v, -0)) return f ? '(-0.0f)' : '(-0.0)';
  let text = String(Math.abs(v));
  if (!/[.e]/.test(text)) text += '.0';
  if (f) text += 'f';
  return v < 0 ? `(-${text})` : text;
}

/** An int literal; INT_MIN is spelled as an expression since `2147483648` alone is not an int. */
export function intLiteral(value: number): string {
  if (!Number.isInteger(value) || value < -2147483648 || value > 2147483647)
    throw new ValueError(`${value} is not a 32-bit integer and cannot be an int literal`);
  if (value === -2147483648) return '(-2147483647 - 1)';
  return value < 0 ? `(${value})` : String(value);
}
