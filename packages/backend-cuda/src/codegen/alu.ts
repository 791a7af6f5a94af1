/**
 * The scalar ALU of core-ir's lowered programs as CUDA C++ expressions over already printed
 * operands. Precision follows the operands' C++ types through the prelude's overloads.
 */
import { Alu, UnsupportedError } from '@symtensor/core-ir';

const HELPER: Partial<Record<Alu, string>> = {
  [Alu.Inv]: 'st_inv',
  [Alu.Exp]: 'st_exp',
  [Alu.Log]: 'st_log',
  [Alu.Sin]: 'st_sin',
  [Alu.Cos]: 'st_cos',
  [Alu.Asin]: 'st_asin',
  [Alu.Acos]: 'st_acos',
  [Alu.Atan]: 'st_atan',
  [Alu.Atan2]: 'st_atan2',
  [Alu.Sqrt]: 'st_sqrt',
  [Alu.Rsqrt]: 'st_rsqrt',
  [Alu.Abs]: 'st_abs',
  [Alu.Sign]: 'st_sign',
  [Alu.Step]: 'st_step',
  [Alu.Relu]: 'st_relu',
  [Alu.Floor]: 'st_floor',
  [Alu.Round]: 'st_round',
  [Alu.Min]: 'st_min',
  [Alu.Max]: 'st_max',
  [Alu.Pow]: 'st_pow',
  [Alu.PowI]: 'st_powi',
  [Alu.XLogX]: 'st_xlogx',
  [Alu.SinXDivX]: 'st_sinxdivx',
};

const INFIX: Partial<Record<Alu, string>> = {
  [Alu.Add]: '+',
  [Alu.Sub]: '-',
  [Alu.Mul]: '*',
  [Alu.Div]: '/',
  [Alu.Lt]: '<',
  [Alu.Le]: '<=',
  [Alu.Eq]: '==',
  [Alu.Ne]: '!=',
  [Alu.And]: '&&',
  [Alu.Or]: '||',
};

/** One ALU operation applied to printed operands (comparisons, IsNan, And, Or give a `bool`). */
export function printAlu(op: Alu, a: readonly string[]): string {
  const [x, y, z] = a;
  const helper = HELPER[op];
  if (helper) return `${helper}(${a.join(', ')})`;
  const infix = INFIX[op];
  if (infix) return `(${x} ${infix} ${y})`;
  switch (op) {
    case Alu.Neg:
      return `(-${x})`;
    case Alu.IsNan:
      return `(${x} != ${x})`;
    case Alu.Select:
      return `(${x} ? ${y} : ${z})`;
    default:
      throw new UnsupportedError(
        `the cuda backend has no CUDA form for ALU op '${op}'; update @symtensor/backend-cuda to match @symtensor/core-ir`,
      );
  }
}
