import type { Formula } from '../formula/formula.js';
import type { LowerCtx, Val } from '../lower/context.js';

/** Names of the formula operations (KeOps' names). */
export enum Op {
  // leaves
  Var = 'Var',
  Zero = 'Zero',
  IntCst = 'IntCst',
  RatCst = 'RatCst',
  FloatCst = 'FloatCst',
  // elementwise unary
  Minus = 'Minus',
  Inv = 'Inv',
  Exp = 'Exp',
  Log = 'Log',
  XLogX = 'XLogX',
  Sin = 'Sin',
  Cos = 'Cos',
  SinXDivX = 'SinXDivX',
  Asin = 'Asin',
  Acos = 'Acos',
  Atan = 'Atan',
  Sqrt = 'Sqrt',
  Rsqrt = 'Rsqrt',
  Square = 'Square',
  Pow = 'Pow',
  Abs = 'Abs',
  ReLU = 'ReLU',
  Sign = 'Sign',
  Step = 'Step',
  Floor = 'Floor',
  Round = 'Round',
  ClampInt = 'ClampInt',
  // elementwise binary
  Add = 'Add',
  Subtract = 'Subtract',
  Mult = 'Mult',
  Divide = 'Divide',
  Powf = 'Powf',
  Atan2 = 'Atan2',
  LessThan = 'LessThan',
  LessOrEqual = 'LessOrEqual',
  Equal = 'Equal',
  NotEqual = 'NotEqual',
  // elementwise ternary
  Clamp = 'Clamp',
  IfElse = 'IfElse',
  // vector -> scalar
  Sum = 'Sum',
  Max = 'Max',
  Min = 'Min',
  ArgMax = 'ArgMax',
  ArgMin = 'ArgMin',
  Scalprod = 'Scalprod',
  SqNorm2 = 'SqNorm2',
  Norm2 = 'Norm2',
  SqDist = 'SqDist',
  WeightedSqNorm = 'WeightedSqNorm',
  // vector
  Elem = 'Elem',
  ElemT = 'ElemT',
  Extract = 'Extract',
  ExtractT = 'ExtractT',
  Concat = 'Concat',
  OneHot = 'OneHot',
  SumT = 'SumT',
  // tensor algebra (row-major)
  MatVecMult = 'MatVecMult',
  VecMatMult = 'VecMatMult',
  TensorProd = 'TensorProd',
  TensorDot = 'TensorDot',
}

/**
 * Everything about one operation, in one place: its arity, dimension rule, float64 evaluation,
 * vector-Jacobian product (as new formulas) and lowering. Adding an op is one table entry.
 */
export interface OpDef {
  readonly op: Op;
  /** Number of formula children. */
  readonly arity: number;
  /** Output dimension from the children's dims and the op's static attributes; throws ShapeError. */
  dim(childDims: readonly number[], attrs: readonly number[]): number;
  /** Float64 reference evaluation (leaves are evaluated by the interpreter itself). */
  eval(args: readonly Float64Array[], attrs: readonly number[], dim: number): Float64Array;
  /** Cotangents for each child given the output cotangent `g` (a formula of dim `node.dim`). */
  vjp(node: Formula, g: Formula): Formula[];
  /** Emits the op's scalar program (leaves are lowered by the lowering driver). */
  lower(ctx: LowerCtx, node: Formula, kids: readonly Val[]): Val;
}

/** Operations the user may call in formula strings with these static integer arguments. */
export const OP_ATTR_COUNT: Partial<Record<Op, number>> = {
  [Op.Pow]: 1,
  [Op.Round]: 1,
  [Op.ClampInt]: 2,
  [Op.Elem]: 1,
  [Op.ElemT]: 2,
  [Op.Extract]: 2,
  [Op.ExtractT]: 2,
  [Op.OneHot]: 1,
  [Op.SumT]: 1,
};
