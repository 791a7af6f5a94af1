/**
 * Kernel specs: what a backend compiles. A spec holds no sizes (N and M are run-time values), so
 * one compiled kernel serves every size; its `key` is stable across processes and keys every
 * compile cache.
 */

import { varsOf } from '../diff/grad.js';
import type { FloatDType } from '../dtype.js';
import { DTypeError, ShapeError, UnsupportedError, ValueError } from '../errors.js';
import { varInfo } from '../formula/build.js';
import type { Category, Formula } from '../formula/formula.js';
import { hashString } from '../formula/hash.js';
import type { ProgramInput, ProgramOutput } from '../lower/program.js';
import { reductionDef } from '../reductions/table.js';
import { Reduction } from '../reductions/types.js';
import type { TakeSpec } from './take.js';

/** out[i] = finalize(fold over j of F(p, x_i, y_j)), or the same over i when `axis` is 'i'. */
export interface ReductionSpec {
  readonly kind: 'reduction';
  readonly formula: Formula;
  readonly reduction: Reduction;
  /** The reduced index. */
  readonly axis: 'i' | 'j';
  /** Weight formula of LogSumExp (optional) and SumSoftMaxWeight (required). */
  readonly weight?: Formula;
  /** K of the KMin family. */
  readonly k?: number;
  /** Dtype of the data and of the formula's evaluation. */
  readonly dtype: FloatDType;
  /** Dtype sums are accumulated in (Sum and the LogSumExp family); defaults to `dtype`. */
  readonly accumulator: FloatDType;
  readonly key: string;
}

/** out[i] = F(p, x_i): elementwise work on dense rows (no j variables). */
export interface MapSpec {
  readonly kind: 'map';
  readonly formula: Formula;
  readonly dtype: FloatDType;
  readonly key: string;
}

/** Kernels whose body is a formula (lowered by `lowerKernel`). */
export type FormulaSpec = ReductionSpec | MapSpec;

/** Everything a backend runs: formula kernels and the data-movement kernel `take`. */
export type KernelSpec = FormulaSpec | TakeSpec;

export interface ReductionSpecInit {
  formula: Formula;
  reduction: Reduction | `${Reduction}`;
  axis: 'i' | 'j';
  weight?: Formula;
  k?: number;
  dtype?: FloatDType;
  accumulator?: FloatDType;
}

const SUM_LIKE = new Set<Reduction>([Reduction.Sum, Reduction.LogSumExp, Reduction.SumSoftMaxWeight]);

/** Builds and validates a reduction spec. */
export function reductionSpec(init: ReductionSpecInit): ReductionSpec {
  const def = reductionDef(init.reduction);
  const dtype = init.dtype ?? 'float32';
  const accumulator = init.accumulator ?? dtype;
  if (init.axis !== 'i' && init.axis !== 'j')
    throw new ValueError(`axis must be 'i' or 'j' (the reduced index), got '${String(init.axis)}'`);
  if (def.scalarFormula && init.formula.dim !== 1)
    throw new ShapeError(`${def.name} reduces a scalar formula; this formula has dim ${init.formula.dim}`);
  if (def.weight === 'none' && init.weight)
    throw new ValueError(`${def.name} takes no weight; weights belong to LogSumExp and SumSoftMaxWeight`);
  if (def.weight === 'required' && !init.weight)
    throw new ValueError(`${def.name} requires a weight formula`);
  if (def.usesK) {
    if (init.k === undefined || !Number.isInteger(init.k) || init.k < 1)
      throw new ValueError(`${def.name} needs an integer k >= 1, got ${init.k}`);
  } else if (init.k !== undefined) throw new ValueError(`${def.name} takes no k`);
  if (accumulator !== dtype && !SUM_LIKE.has(def.name))
    throw new UnsupportedError(
      `a separate accumulator dtype applies to Sum and the LogSumExp family only, not ${def.name}`,
    );
  if (dtype === 'float64' && accumulator !== 'float64')
    throw new DTypeError(`accumulator ${accumulator} is narrower than the data dtype float64; use float64`);
  const spec = {
    kind: 'reduction' as const,
    formula: init.formula,
    reduction: def.name,
    axis: init.axis,
    ...(init.weight ? { weight: init.weight } : {}),
    ...(def.usesK ? { k: init.k! } : {}),
    dtype,
    accumulator,
  };
  specInputs(spec);
  const key = hashString(
    `red|${spec.reduction}|${spec.axis}|${spec.formula.key}|${spec.weight?.key ?? ''}|${spec.k ?? ''}|${dtype}|${accumulator}`,
  );
  return { ...spec, key };
}

/** Builds and validates a map spec. */
export function mapSpec(init: { formula: Formula; dtype?: FloatDType }): MapSpec {
  const dtype = init.dtype ?? 'float32';
  const spec = { kind: 'map' as const, formula: init.formula, dtype };
  const inputs = specInputs(spec);
  const jVar = inputs.find((v) => v.cat === 'j');
  if (jVar) throw new ValueError(`a map kernel reads rows only; variable ${jVar.pos} is j-indexed`);
  return { ...spec, key: hashString(`map|${spec.formula.key}|${dtype}`) };
}

/**
 * The variables a spec reads, sorted by position, with their categories as written in the
 * formula (`i` rows, `j` columns, `p` parameters). A position used twice must agree.
 */
export function specInputs(spec: Pick<FormulaSpec, 'formula'> & { weight?: Formula }): ProgramInput[] {
  const byPos = new Map<number, { dim: number; cat: Category }>();
  for (const v of varsOf(spec.formula, ...(spec.weight ? [spec.weight] : []))) {
    const { pos, dim, cat } = varInfo(v);
    if (pos < 0)
      throw new ValueError(`variable position ${pos} is negative; positions are argument slots 0, 1, ...`);
    const seen = byPos.get(pos);
    if (seen && (seen.dim !== dim || seen.cat !== cat))
      throw new ShapeError(
        `variable ${pos} is used as Var(${pos},${seen.dim},${seen.cat}) and Var(${pos},${dim},${cat}); one argument slot has one dim and category`,
      );
    byPos.set(pos, { dim, cat });
  }
  return [...byPos.entries()].sort(([a], [b]) => a - b).map(([pos, { dim, cat }]) => ({ pos, dim, cat }));
}

/** Outputs of a spec (dims per row and types). */
export function specOutputs(spec: KernelSpec): ProgramOutput[] {
  if (spec.kind === 'take') return [{ dim: 1, type: spec.dtype === 'int32' ? 'i' : 'f' }];
  if (spec.kind === 'map') return [{ dim: spec.formula.dim, type: 'f' }];
  return reductionDef(spec.reduction).outputs(reductionSizes(spec));
}

export function reductionSizes(spec: ReductionSpec) {
  return { D: spec.formula.dim, E: spec.weight?.dim ?? 0, K: spec.k ?? 1 };
}
