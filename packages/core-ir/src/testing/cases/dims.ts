/**
 * Formula dims 1, 3, 17 (just above the default unroll limit), 100 and 784 (MNIST-sized, which
 * must lower to loops), for vector-valued and scalar-valued reductions on both axes.
 */
import { Reduction } from '../../reductions/types.js';
import type { Case } from '../run-case.js';
import { AXES, type Axis, casesTest, reductionCase, type TestGroup } from './common.js';
import { standardFormula } from './reductions.js';

export const DIMS: readonly number[] = [1, 3, 17, 100, 784];

/** Reductions run at each dim: vector sums, value+index pairs, KMin, and the LogSumExp family. */
const AT_EACH_DIM: readonly { r: Reduction; k?: number; E?: (D: number) => number }[] = [
  { r: Reduction.Sum },
  { r: Reduction.MinArgMin },
  { r: Reduction.KMinArgKMin, k: 2 },
  { r: Reduction.LogSumExp },
  { r: Reduction.SumSoftMaxWeight, E: (D) => D },
];

function dimTest(D: number, axis: Axis) {
  // Large D costs ~D per pair: keep N and M small there.
  const [rows, reduced] = D >= 784 ? [3, 7] : D >= 100 ? [5, 17] : [7, 33];
  const cases: Case[] = AT_EACH_DIM.map(({ r, k, E }) =>
    reductionCase({
      label: `${r}, D=${D}`,
      reduction: r,
      axis,
      rows,
      reduced,
      ...standardFormula(r, axis, D, { ...(k ? { k } : {}), ...(E ? { E: E(D) } : {}) }),
    }),
  );
  return casesTest(`D=${D} over ${axis}`, cases);
}

export function dimGroup(): TestGroup {
  return { name: 'dims', tests: DIMS.flatMap((D) => AXES.map((axis) => dimTest(D, axis))) };
}
