/**
 * Numbers of rows and reduced indices in {1, 7, 256, 1000+} on both axes: a Gaussian kernel sum,
 * a LogSumExp and an ArgKMin at pairs of sizes, and one 1003 x 1000 kernel sum. 'full' runs every
 * pair up to 256 x 256 plus the million-pair sum (the float64 reference interpreter alone needs
 * several seconds for it); 'quick' keeps the pairs up to 10^4 (1 x 1003, 7 x 1003, 1003 x 7, ...):
 * every size still appears on each side, and each row still reduces over 1000+ indices.
 */
import { exp, minus, mul, sqDist } from '../../formula/build.js';
import { Reduction } from '../../reductions/types.js';
import type { Case } from '../run-case.js';
import {
  AXES,
  type Axis,
  axisVars,
  type ConformanceTest,
  casesTest,
  reductionCase,
  type TestGroup,
} from './common.js';

export const SIZES: readonly number[] = [1, 7, 256, 1003];

function sizeCases(axis: Axis, rows: number, reduced: number, reductions: readonly Reduction[]): Case[] {
  const { row, red } = axisVars(axis);
  const x = row(0, 3);
  const y = red(1, 3);
  const d2 = sqDist(x, y);
  return reductions.map((r) =>
    reductionCase({
      label: `${r}, ${rows} rows x ${reduced} reduced`,
      reduction: r,
      axis,
      rows,
      reduced,
      ...(r === Reduction.Sum
        ? { formula: mul(exp(minus(d2)), red(2, 2)) }
        : r === Reduction.LogSumExp
          ? { formula: minus(d2) }
          : { formula: d2, k: 3 }),
    }),
  );
}

export type SizeMode = 'full' | 'quick';

export function sizeGroup(mode: SizeMode): TestGroup {
  const maxPairs = mode === 'full' ? 70_000 : 10_000;
  const tests: ConformanceTest[] = [];
  for (const axis of AXES)
    for (const rows of SIZES)
      for (const reduced of SIZES) {
        // Pairs of large sizes cost the most; the 1003 x 1000 corner is the single test below.
        if (rows * reduced > maxPairs) continue;
        tests.push(
          casesTest(
            `${rows} x ${reduced} over ${axis}`,
            sizeCases(axis, rows, reduced, [Reduction.Sum, Reduction.LogSumExp, Reduction.ArgKMin]),
          ),
        );
      }
  if (mode === 'full')
    tests.push(casesTest('1003 x 1000 kernel sum over j', sizeCases('j', 1003, 1000, [Reduction.Sum])));
  return { name: 'sizes', tests };
}
