import type { LowerCtx, Val } from '../lower/context.js';
import type { Expr, Idx, ProgramOutput, StateSlot } from '../lower/program.js';

/** The reductions, with KeOps' semantics (componentwise over a vector formula unless stated). */
export enum Reduction {
  Sum = 'Sum',
  /** log sum_j exp(F) (F scalar), or log sum_j exp(F) w_j with a weight of any dim. */
  LogSumExp = 'LogSumExp',
  /** sum_j exp(F) w_j / sum_j exp(F) (F scalar). */
  SumSoftMaxWeight = 'SumSoftMaxWeight',
  Min = 'Min',
  Max = 'Max',
  ArgMin = 'ArgMin',
  ArgMax = 'ArgMax',
  MinArgMin = 'MinArgMin',
  MaxArgMax = 'MaxArgMax',
  KMin = 'KMin',
  ArgKMin = 'ArgKMin',
  KMinArgKMin = 'KMinArgKMin',
}

/** Sizes a reduction is instantiated with: formula dim D, weight dim E (0 if none), K. */
export interface ReductionSizes {
  readonly D: number;
  readonly E: number;
  readonly K: number;
}

/** Emission helpers a reduction's lowering uses to read and write its state and outputs. */
export interface ReduceEmitter {
  readonly ctx: LowerCtx;
  readonly sizes: ReductionSizes;
  /** Element `idx` of state slot `slot`, copy 0 (accumulator) or 1 (the one merged in). */
  st(slot: number, copy: 0 | 1, idx: Idx): Expr;
  setSt(slot: number, copy: 0 | 1, idx: Idx, e: Expr): void;
  /** Writes component `idx` of output `out`. */
  out(out: number, idx: Idx, e: Expr): void;
  /** The current reduction index (an int). */
  readonly j: Expr;
}

/**
 * A reduction defined once: its outputs, a direct float64 definition (for the reference
 * interpreter: "obviously right", no accumulator) and its accumulator lowering
 * (`init`, `fold`, `merge`, `finalize`).
 */
export interface ReductionDef {
  readonly name: Reduction;
  /** Whether a weight formula is accepted or required. */
  readonly weight: 'none' | 'optional' | 'required';
  /** True when the formula must be a scalar (the LogSumExp family). */
  readonly scalarFormula: boolean;
  readonly usesK: boolean;
  /** Output layout (KMin family: K-major, `k * D + d`). */
  outputs(s: ReductionSizes): ProgramOutput[];
  /**
   * Direct float64 definition over the values F_j (and weights w_j) of one output row, in
   * increasing j order, with their global indices.
   */
  reference(
    values: readonly Float64Array[],
    weights: readonly Float64Array[] | undefined,
    indices: readonly number[],
    s: ReductionSizes,
  ): Float64Array[];
  state(s: ReductionSizes): StateSlot[];
  init(r: ReduceEmitter): void;
  fold(r: ReduceEmitter, value: Val, weight: Val | undefined): void;
  /** Folds state copy 1 into copy 0. */
  merge(r: ReduceEmitter): void;
  finalize(r: ReduceEmitter): void;
}
