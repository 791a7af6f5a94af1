/**
 * Every reduction on both axes: the standard formula of each family, the weight variants of the
 * LogSumExp family, K below, equal to and above the reduced size for the KMin family, and exact
 * ties (equal values must resolve to the first index, in every dtype).
 */
import { abs, exp, mul, scalprod, sub } from '../../formula/build.js';
import type { Formula } from '../../formula/formula.js';
import { reductionDef } from '../../reductions/table.js';
import { Reduction } from '../../reductions/types.js';
import { type Domain, grid, uniform } from '../domain.js';
import type { Case } from '../run-case.js';
import {
  AXES,
  type Axis,
  axisVars,
  casesTest,
  type ReductionCaseInit,
  reductionCase,
  type TestGroup,
} from './common.js';

export const REDUCTIONS: readonly Reduction[] = Object.values(Reduction);

/** Reductions whose formula must be a scalar (and that may take a weight). */
export const isLogSumExpFamily = (r: Reduction) => reductionDef(r).scalarFormula;

export interface StandardFormula {
  readonly formula: Formula;
  readonly weight?: Formula;
  readonly k?: number;
  readonly domains?: Record<number, Domain>;
}

/**
 * The suite's standard formula for reduction `r` over `axis`, with D-dim variables x (row, pos 0)
 * and y (reduced, pos 1): exp(x) * (y - x) (a row-hoisted factor times a pair term) for
 * componentwise reductions; <x, y> for the LogSumExp family, weighted by w (reduced, pos 2, dim
 * E, positive for LogSumExp since it takes the log of the weighted sum).
 */
export function standardFormula(
  r: Reduction,
  axis: Axis,
  D: number,
  opts: { E?: number; k?: number } = {},
): StandardFormula {
  const { row, red } = axisVars(axis);
  const x = row(0, D);
  const y = red(1, D);
  const k = reductionDef(r).usesK ? (opts.k ?? 3) : undefined;
  if (!isLogSumExpFamily(r)) return { formula: mul(exp(x), sub(y, x)), ...(k ? { k } : {}) };
  const E = opts.E ?? (r === Reduction.SumSoftMaxWeight ? 2 : 0);
  if (E === 0) return { formula: scalprod(x, y) };
  return {
    formula: scalprod(x, y),
    weight: red(2, E),
    domains: r === Reduction.LogSumExp ? { 2: uniform(0.5, 2) } : {},
  };
}

function init(
  label: string,
  r: Reduction,
  axis: Axis,
  rows: number,
  reduced: number,
  f: StandardFormula,
  extra: Partial<ReductionCaseInit> = {},
): ReductionCaseInit {
  return { label, reduction: r, axis, rows, reduced, ...f, ...extra };
}

function reductionTest(r: Reduction, axis: Axis) {
  const cases: Case[] = [reductionCase(init('D=3', r, axis, 6, 11, standardFormula(r, axis, 3)))];
  if (r === Reduction.LogSumExp)
    for (const E of [1, 3])
      cases.push(
        reductionCase(init(`weight of dim ${E}`, r, axis, 6, 11, standardFormula(r, axis, 3, { E }))),
      );
  if (r === Reduction.SumSoftMaxWeight)
    cases.push(reductionCase(init('weight of dim 1', r, axis, 6, 11, standardFormula(r, axis, 3, { E: 1 }))));
  if (reductionDef(r).usesK) {
    cases.push(reductionCase(init('K=1', r, axis, 6, 11, standardFormula(r, axis, 3, { k: 1 }))));
    cases.push(
      reductionCase(
        init('K equal to the reduced size', r, axis, 5, 4, standardFormula(r, axis, 2, { k: 4 })),
      ),
    );
    cases.push(
      reductionCase(init('K above the reduced size', r, axis, 5, 3, standardFormula(r, axis, 2, { k: 5 }))),
    );
  }
  if (!isLogSumExpFamily(r) && r !== Reduction.Sum) {
    // |x - y| on a quarter grid: exact in float32, full of equal values.
    const { row, red } = axisVars(axis);
    const q = grid(-1, 1, 0.25);
    cases.push(
      reductionCase({
        label: 'exact ties',
        reduction: r,
        axis,
        rows: 9,
        reduced: 17,
        formula: abs(sub(row(0, 3), red(1, 3))),
        ...(reductionDef(r).usesK ? { k: 4 } : {}),
        domains: { 0: q, 1: q },
        exactIndices: true,
      }),
    );
  }
  return casesTest(`${r} over ${axis}`, cases);
}

export function reductionGroup(): TestGroup {
  return { name: 'reductions', tests: REDUCTIONS.flatMap((r) => AXES.map((axis) => reductionTest(r, axis))) };
}
