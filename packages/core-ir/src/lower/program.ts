/**
 * The backend-neutral lowered program. A kernel spec lowers to typed scalar statements (SSA `let`s,
 * mutable `var`s, small local arrays and counted loops) that every backend prints in its own dialect
 * (JavaScript, WebAssembly, WGSL, CUDA C++) inside its own tiling skeleton. Backends never walk the
 * formula DAG.
 */

/** Scalar ALU operations. Every printer implements each of them once. */
export enum Alu {
  Neg = 'neg',
  Add = 'add',
  Sub = 'sub',
  Mul = 'mul',
  Div = 'div',
  /** 1 / x. */
  Inv = 'inv',
  Exp = 'exp',
  Log = 'log',
  Sin = 'sin',
  Cos = 'cos',
  Asin = 'asin',
  Acos = 'acos',
  Atan = 'atan',
  Atan2 = 'atan2',
  Sqrt = 'sqrt',
  /** 1 / sqrt(x), with rsqrt(0) = 0 (KeOps' convention, which keeps gradients at 0 finite). */
  Rsqrt = 'rsqrt',
  Abs = 'abs',
  /** -1, 0 or 1; NaN for NaN. */
  Sign = 'sign',
  /** 1 where x >= 0, 0 where x < 0, NaN for NaN (as the op table's Step). */
  Step = 'step',
  /** max(x, 0); NaN for NaN. */
  Relu = 'relu',
  Floor = 'floor',
  /** Round half away from zero (C's `round`). */
  Round = 'round',
  /** NaN when either operand is NaN (like Math.min, not C's fminf or WGSL's min). */
  Min = 'min',
  /** NaN when either operand is NaN (like Math.max). */
  Max = 'max',
  /** x^y for floats (NaN for a negative base with a non-integer exponent). */
  Pow = 'pow',
  /** x^n, n a compile-time integer (second argument is an `int` constant). */
  PowI = 'powi',
  /** x log x with 0 at 0. */
  XLogX = 'xlogx',
  /** sin(x) / x with 1 at 0. */
  SinXDivX = 'sinxdivx',
  /**
   * Comparisons, IsNan, And and Or give a truth value 1 or 0. Operands may be floats or ints
   * (index comparisons); a printer may keep truth values as booleans and convert them to 1/0 only
   * where they are stored in a typed local.
   */
  Lt = 'lt',
  Le = 'le',
  Eq = 'eq',
  Ne = 'ne',
  /** 1 when x is NaN, else 0. */
  IsNan = 'isnan',
  /** select(c, a, b) = c != 0 ? a : b. */
  Select = 'select',
  /** Logical and / or of 0/1 values. */
  And = 'and',
  Or = 'or',
}

/**
 * Scalar types of program values: `f` is the kernel's data dtype, `acc` the accumulator dtype
 * (equal to `f` unless a wider accumulator was requested), `i` a 32-bit integer.
 */
export type ScalarType = 'f' | 'acc' | 'i';

/**
 * An affine index `offset + sum(loopVar * stride)`. Constant indices have no terms, so unrolled
 * code indexes with plain integers and loops with strides.
 */
export interface Idx {
  readonly terms: readonly (readonly [loop: number, stride: number])[];
  readonly offset: number;
}

export type Expr =
  /** A float constant in the expression's float type. */
  | { readonly t: 'num'; readonly v: number }
  /** An integer constant. */
  | { readonly t: 'int'; readonly v: number }
  /** A local value declared by `let` or `var`. */
  | { readonly t: 'ref'; readonly id: number }
  /** Component `idx` of input variable `input` (an index into `LoweredKernel.inputs`). */
  | { readonly t: 'in'; readonly input: number; readonly idx: Idx }
  /** Element of a local array. */
  | { readonly t: 'arr'; readonly arr: number; readonly idx: Idx }
  /** Element of reduction state slot `slot`, copy 0 (the accumulator) or 1 (the merged one). */
  | { readonly t: 'st'; readonly slot: number; readonly copy: 0 | 1; readonly idx: Idx }
  /** An index value as a float. */
  | { readonly t: 'ix'; readonly idx: Idx }
  /** The current reduction index (global, an `i` value). */
  | { readonly t: 'j' }
  | { readonly t: 'alu'; readonly op: Alu; readonly args: readonly Expr[] }
  | { readonly t: 'cast'; readonly to: ScalarType; readonly e: Expr };

export type Stmt =
  | { readonly t: 'let'; readonly id: number; readonly ty: ScalarType; readonly e: Expr }
  | { readonly t: 'var'; readonly id: number; readonly ty: ScalarType; readonly e: Expr }
  | { readonly t: 'set'; readonly id: number; readonly e: Expr }
  | { readonly t: 'array'; readonly arr: number; readonly size: number; readonly ty: ScalarType }
  | { readonly t: 'store'; readonly arr: number; readonly idx: Idx; readonly e: Expr }
  | { readonly t: 'stset'; readonly slot: number; readonly copy: 0 | 1; readonly idx: Idx; readonly e: Expr }
  /** Writes component `idx` of output `out` for the current row. */
  | { readonly t: 'out'; readonly out: number; readonly idx: Idx; readonly e: Expr }
  | { readonly t: 'for'; readonly loop: number; readonly n: number; readonly body: readonly Stmt[] }
  | { readonly t: 'if'; readonly cond: Expr; readonly then: readonly Stmt[]; readonly else: readonly Stmt[] };

/** An input variable of a lowered kernel: argument `pos`, indexed by `cat`, of vector size `dim`. */
export interface ProgramInput {
  readonly pos: number;
  readonly cat: 'i' | 'j' | 'p';
  readonly dim: number;
}

/** One output of a kernel: `dim` components per row, of the data dtype or `int32`. */
export interface ProgramOutput {
  readonly dim: number;
  readonly type: 'f' | 'i';
}

/** A state slot of a reduction accumulator: `size` scalars of type `ty`. */
export interface StateSlot {
  readonly size: number;
  readonly ty: ScalarType;
}

/**
 * A lowered kernel. For a reduction over `j` (a reduction over `i` is lowered with the roles of
 * `i` and `j` swapped, so the program always reads: rows are `i`, the reduced index is `j`):
 *
 * ```
 * for each row i:            row      (statements that read only i-variables and parameters)
 *   init                     (state copy 0)
 *   for each j:              pair     (reads j-variables too; ends by folding into copy 0)
 *   finalize                 (writes the outputs from copy 0)
 * ```
 * `merge` folds state copy 1 into copy 0; it is what lets a backend accumulate a tile (or a
 * thread's share of j) in one copy and merge it into the other (block summation, split schemes).
 * A backend that accumulates a tile in copy 1 prints `init` and `pair` with the copies swapped.
 *
 * A map kernel has only `row` (which writes the outputs) and empty reduction parts.
 */
export interface LoweredKernel {
  readonly kind: 'reduction' | 'map';
  readonly inputs: readonly ProgramInput[];
  readonly outputs: readonly ProgramOutput[];
  readonly state: readonly StateSlot[];
  readonly row: readonly Stmt[];
  readonly init: readonly Stmt[];
  readonly pair: readonly Stmt[];
  readonly merge: readonly Stmt[];
  readonly finalize: readonly Stmt[];
  /** Number of local ids, arrays and loops used (printers may preallocate names). */
  readonly counts: { readonly ids: number; readonly arrays: number; readonly loops: number };
}

/** A constant index. */
export function cidx(offset: number): Idx {
  return { terms: [], offset };
}

/** `idx * scale + add`. */
export function idxAffine(idx: Idx, scale: number, add: number): Idx {
  return {
    terms: scale === 0 ? [] : idx.terms.map(([l, s]) => [l, s * scale] as const),
    offset: idx.offset * scale + add,
  };
}

/** Sum of two indices. */
export function idxAdd(a: Idx, b: Idx): Idx {
  return { terms: [...a.terms, ...b.terms], offset: a.offset + b.offset };
}

/** A loop variable as an index. */
export function loopIdx(loop: number): Idx {
  return { terms: [[loop, 1]], offset: 0 };
}

/** True when the index is a compile-time constant. */
export function isConstIdx(idx: Idx): boolean {
  return idx.terms.length === 0;
}
