/** Block-sparse ranges (KeOps' cluster ranges and slices) for every reduction on both axes. */
import type { Reduction } from '../../reductions/types.js';
import { randomRanges } from '../random-ranges.js';
import { AXES, type Axis, casesTest, reductionCase, type TestGroup } from './common.js';
import { REDUCTIONS, standardFormula } from './reductions.js';

function rangesTest(r: Reduction, axis: Axis) {
  return casesTest(`${r} over ${axis}`, [
    reductionCase({
      label: 'random ranges',
      reduction: r,
      axis,
      rows: 23,
      reduced: 31,
      ...standardFormula(r, axis, 3),
      ranges: randomRanges,
    }),
    reductionCase({
      label: 'random ranges, D=17',
      reduction: r,
      axis,
      rows: 12,
      reduced: 40,
      ...standardFormula(r, axis, 17),
      ranges: randomRanges,
    }),
  ]);
}

export function rangesGroup(): TestGroup {
  return { name: 'ranges', tests: REDUCTIONS.flatMap((r) => AXES.map((axis) => rangesTest(r, axis))) };
}
