/**
 * The scalar ALU of core-ir's lowered programs as JavaScript expressions. JavaScript numbers are
 * float64, so every operation is computed in float64 here; float32 kernels round at let / var /
 * state / output points (see `printer.ts`).
 */
import { Alu, UnsupportedError } from '@symtensor/core-ir';

/**
 * Helpers the printed expressions call, declared once in the factory around each kernel (V8
 * inlines them). Each follows the semantics documented on `Alu` and matches core-ir's float64
 * reference rules exactly (for example Round is sign(x) * round(|x|), like `roundHalfAway`).
 */
export const ALU_HELPERS = `const rsqrt = (x) => (x === 0 ? 0 : 1 / Math.sqrt(x));
const step = (x) => (x >= 0 ? 1 : x < 0 ? 0 : x);
const relu = (x) => (x !== x ? x : Math.max(x, 0));
const round = (x) => Math.sign(x) * Math.round(Math.abs(x));
const xlogx = (x) => (x === 0 ? 0 : x * Math.log(x));
const sinxdivx = (x) => (x === 0 ? 1 : Math.sin(x) / x);`;

const UNARY: Partial<Record<Alu, string>> = {
  [Alu.Exp]: 'Math.exp',
  [Alu.Log]: 'Math.log',
  [Alu.Sin]: 'Math.sin',
  [Alu.Cos]: 'Math.cos',
  [Alu.Asin]: 'Math.asin',
  [Alu.Acos]: 'Math.acos',
  [Alu.Atan]: 'Math.atan',
  [Alu.Sqrt]: 'Math.sqrt',
  [Alu.Rsqrt]: 'rsqrt',
  [Alu.Abs]: 'Math.abs',
  [Alu.Sign]: 'Math.sign',
  [Alu.Step]: 'step',
  [Alu.Relu]: 'relu',
  [Alu.Floor]: 'Math.floor',
  [Alu.Round]: 'round',
  [Alu.XLogX]: 'xlogx',
  [Alu.SinXDivX]: 'sinxdivx',
};

const INFIX: Partial<Record<Alu, string>> = {
  [Alu.Add]: '+',
  [Alu.Sub]: '-',
  [Alu.Mul]: '*',
  [Alu.Div]: '/',
};

const COMPARE: Partial<Record<Alu, string>> = {
  [Alu.Lt]: '<',
  [Alu.Le]: '<=',
  [Alu.Eq]: '===',
  [Alu.Ne]: '!==',
};

/** One ALU operation applied to already printed operands. */
export function printAlu(op: Alu, a: readonly string[]): string {
  const [x, y, z] = a;
  const unary = UNARY[op];
  if (unary) return `${unary}(${x})`;
  const infix = INFIX[op];
  if (infix) return `(${x} ${infix} ${y})`;
  const cmp = COMPARE[op];
  if (cmp) return `(${x} ${cmp} ${y} ? 1 : 0)`;
  switch (op) {
    case Alu.Neg:
      return `(-${x})`;
    case Alu.Inv:
      return `(1 / ${x})`;
    case Alu.Atan2:
      return `Math.atan2(${x}, ${y})`;
    case Alu.Min:
      return `Math.min(${x}, ${y})`;
    case Alu.Max:
      return `Math.max(${x}, ${y})`;
    case Alu.Pow:
    case Alu.PowI:
      return `Math.pow(${x}, ${y})`;
    case Alu.IsNan:
      return `(${x} !== ${x} ? 1 : 0)`;
    case Alu.Select:
      // c != 0 holds for NaN too, as in C; JavaScript truthiness would treat NaN as false.
      return `(${x} !== 0 ? ${y} : ${z})`;
    case Alu.And:
      return `(${x} !== 0 && ${y} !== 0 ? 1 : 0)`;
    case Alu.Or:
      return `(${x} !== 0 || ${y} !== 0 ? 1 : 0)`;
    default:
      throw new UnsupportedError(
        `the cpu backend has no JavaScript form for ALU op '${op}'; update @symtensor/backend-cpu to match @symtensor/core-ir`,
      );
  }
}
