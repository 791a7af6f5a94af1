/**
 * Empty reduction ranges: no reduced index at all, no output row, and ranges that leave rows
 * with nothing to reduce. Results must be the documented empty values (see `empty-values.ts`).
 */

import type { Reduction } from '../../reductions/types.js';
import { emptyishRanges } from '../random-ranges.js';
import type { Case } from '../run-case.js';
import { AXES, type Axis, casesTest, reductionCase, type TestGroup } from './common.js';
import { REDUCTIONS, standardFormula } from './reductions.js';

function emptyTest(r: Reduction, axis: Axis) {
  const f = standardFormula(r, axis, 3);
  const cases: Case[] = [
    reductionCase({ label: 'no reduced index', reduction: r, axis, rows: 5, reduced: 0, ...f }),
    reductionCase({ label: 'no output row', reduction: r, axis, rows: 0, reduced: 5, ...f }),
    reductionCase({ label: 'no row and no reduced index', reduction: r, axis, rows: 0, reduced: 0, ...f }),
    reductionCase({
      label: 'ranges with empty slices, an empty range and an uncovered row',
      reduction: r,
      axis,
      rows: 6,
      reduced: 8,
      ...f,
      ranges: emptyishRanges,
    }),
  ];
  return casesTest(`${r} over ${axis}`, cases);
}

export function emptyGroup(): TestGroup {
  return { name: 'empty ranges', tests: REDUCTIONS.flatMap((r) => AXES.map((axis) => emptyTest(r, axis))) };
}
