/**
 * Batch dimensions with broadcasting: output batch [2, 3] with arguments of batch [2, 3], [2, 1],
 * [1, 3] and [1, 1]; ranges inside each batch entry; a batch with no entry; maps with batches.
 */
import { exp, minus, mul, sin, sqDist, sub, variable } from '../../formula/build.js';
import { mapSpec } from '../../kernel/spec.js';
import { Reduction } from '../../reductions/types.js';
import { uniform } from '../domain.js';
import { randomRanges } from '../random-ranges.js';
import type { Case } from '../run-case.js';
import {
  AXES,
  type Axis,
  axisVars,
  type ConformanceTest,
  casesTest,
  type ReductionCaseInit,
  reductionCase,
  type TestGroup,
} from './common.js';

const BATCHED: readonly Reduction[] = [
  Reduction.Sum,
  Reduction.LogSumExp,
  Reduction.SumSoftMaxWeight,
  Reduction.MaxArgMax,
  Reduction.ArgKMin,
];

/** x (row, 3) batch [2, 3]; y (reduced, 3) batch [2, 1]; b (reduced, 2) batch [1, 3]; p (param) batch [1, 1]. */
const ARG_BATCH = { 0: [2, 3], 1: [2, 1], 2: [1, 3], 3: [1, 1] } as const;

function batchedFormula(
  r: Reduction,
  axis: Axis,
): Pick<ReductionCaseInit, 'formula' | 'weight' | 'k' | 'domains'> {
  const { row, red } = axisVars(axis);
  const x = row(0, 3);
  const y = red(1, 3);
  const b = red(2, 2);
  const p = variable(3, 1, 'p');
  const d2 = mul(p, sqDist(x, y));
  switch (r) {
    case Reduction.Sum:
      return { formula: mul(exp(minus(d2)), b), domains: { 3: uniform(0.5, 2) } };
    case Reduction.LogSumExp:
      return { formula: minus(d2), weight: b, domains: { 2: uniform(0.5, 2) } };
    case Reduction.SumSoftMaxWeight:
      return { formula: minus(d2), weight: b };
    case Reduction.ArgKMin:
      return { formula: d2, k: 2 };
    default:
      return { formula: mul(p, sub(x, y)) };
  }
}

function batchTest(r: Reduction, axis: Axis): ConformanceTest {
  const base = { reduction: r, axis, ...batchedFormula(r, axis) };
  const cases: Case[] = [
    reductionCase({
      ...base,
      label: 'batch [2, 3], broadcast args',
      rows: 5,
      reduced: 9,
      batch: [2, 3],
      argBatch: ARG_BATCH,
    }),
    reductionCase({
      ...base,
      label: 'batch [2, 3] with ranges',
      rows: 11,
      reduced: 13,
      batch: [2, 3],
      argBatch: ARG_BATCH,
      ranges: randomRanges,
    }),
    reductionCase({
      ...base,
      label: 'batch [4], every arg broadcast',
      rows: 3,
      reduced: 6,
      batch: [4],
      argBatch: { 0: [1], 1: [1], 2: [1], 3: [1] },
    }),
    reductionCase({
      ...base,
      label: 'batch [2, 0] (no entry)',
      rows: 3,
      reduced: 4,
      batch: [2, 0],
      argBatch: { 1: [2, 0], 3: [1, 1] },
    }),
  ];
  return casesTest(`${r} over ${axis}`, cases);
}

function mapBatchTest(): ConformanceTest {
  const x = variable(0, 3, 'i');
  const p = variable(1, 3, 'p');
  const q = variable(2, 1, 'p');
  const formula = mul(sin(sub(x, p)), q);
  const c: Case = {
    label: 'map, batch [2, 3]',
    nx: 4,
    ny: 0,
    batch: [2, 3],
    argBatch: { 0: [2, 3], 1: [2, 1], 2: [1, 1] },
    spec: (dtype) => mapSpec({ formula, dtype }),
  };
  return casesTest('map with batch [2, 3]', [c]);
}

export function batchGroup(): TestGroup {
  return {
    name: 'batch',
    tests: [...BATCHED.flatMap((r) => AXES.map((axis) => batchTest(r, axis))), mapBatchTest()],
  };
}
