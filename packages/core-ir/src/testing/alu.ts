/**
 * The scalar semantics of every `Alu` operation, in float64, as the test program backend runs them
 * (the caller rounds results to float32 where the value's type asks for it). Each case follows the
 * doc comment on `Alu` and the op table's float64 rules, which the reference interpreter uses.
 */
import { Alu } from '../lower/program.js';
import { ProgramError } from './program-error.js';

/** Checks that a logical operand is 0 or 1 (And, Or and conditions take comparison results). */
function bit(v: number, what: string): number {
  if (v !== 0 && v !== 1) throw new ProgramError(`${what} takes 0/1 values, got ${v}`);
  return v;
}

const b01 = (c: boolean) => (c ? 1 : 0);

export function aluValue(op: Alu, a: number, b: number, c: number): number {
  switch (op) {
    case Alu.Neg:
      return -a;
    case Alu.Add:
      return a + b;
    case Alu.Sub:
      return a - b;
    case Alu.Mul:
      return a * b;
    case Alu.Div:
      return a / b;
    case Alu.Inv:
      return 1 / a;
    case Alu.Exp:
      return Math.exp(a);
    case Alu.Log:
      return Math.log(a);
    case Alu.Sin:
      return Math.sin(a);
    case Alu.Cos:
      return Math.cos(a);
    case Alu.Asin:
      return Math.asin(a);
    case Alu.Acos:
      return Math.acos(a);
    case Alu.Atan:
      return Math.atan(a);
    case Alu.Atan2:
      return Math.atan2(a, b);
    case Alu.Sqrt:
      return Math.sqrt(a);
    case Alu.Rsqrt:
      return a === 0 ? 0 : 1 / Math.sqrt(a);
    case Alu.Abs:
      return Math.abs(a);
    case Alu.Sign:
      return Math.sign(a);
    case Alu.Step:
      // NaN propagates, as the op table's Step (and the package README) define it.
      return Number.isNaN(a) ? a : b01(a >= 0);
    case Alu.Relu:
      return Number.isNaN(a) ? a : Math.max(a, 0);
    case Alu.Floor:
      return Math.floor(a);
    case Alu.Round:
      // Half away from zero; Math.round alone rounds -2.5 to -2.
      return Math.sign(a) * Math.round(Math.abs(a));
    case Alu.Min:
      // NaN propagates (Math.min), as in the op table's Min, Clamp and ClampInt.
      return Math.min(a, b);
    case Alu.Max:
      return Math.max(a, b);
    case Alu.Pow:
      return a ** b;
    case Alu.PowI:
      if (!Number.isInteger(b)) throw new ProgramError(`powi takes an integer exponent, got ${b}`);
      return a ** b;
    case Alu.XLogX:
      return a === 0 ? 0 : a * Math.log(a);
    case Alu.SinXDivX:
      return a === 0 ? 1 : Math.sin(a) / a;
    case Alu.Lt:
      return b01(a < b);
    case Alu.Le:
      return b01(a <= b);
    case Alu.Eq:
      return b01(a === b);
    case Alu.Ne:
      return b01(a !== b);
    case Alu.IsNan:
      return b01(Number.isNaN(a));
    case Alu.Select:
      // c != 0 ? a : b (so a NaN condition selects a); conditions come from comparisons here.
      return bit(a, 'select') !== 0 ? b : c;
    case Alu.And:
      return b01(bit(a, 'and') === 1 && bit(b, 'and') === 1);
    case Alu.Or:
      return b01(bit(a, 'or') === 1 || bit(b, 'or') === 1);
  }
}
