/**
 * A float64 accumulator for float32 data (`accumulator: 'float64'`), where the backend has
 * float64. The sum test is exact by construction: products of positive powers of two and 20-bit
 * fractions are exact in float32, and their sum over 4096 terms (33 significant bits) is exact in
 * float64, so the only rounding left is the final one and the result must be the correctly
 * rounded float32 of the reference, bit for bit. A float32 accumulator rounds at every step once
 * the partial sum passes 4 (where its ulp exceeds the terms' 2^-21), and misses by many ulps.
 */
import { planRun } from '../../backend.js';
import { mul, scalprod } from '../../formula/build.js';
import { referenceRun } from '../../interpret/reference.js';
import { Reduction } from '../../reductions/types.js';
import { grid, values } from '../domain.js';
import { prepare } from '../run-case.js';
import {
  AXES,
  type Axis,
  axisVars,
  type ConformanceTest,
  casesTest,
  needsFloat64,
  reductionCase,
  type TestGroup,
} from './common.js';

function exactSumTest(axis: Axis): ConformanceTest {
  const { row, red } = axisVars(axis);
  const c = reductionCase({
    label: 'exact float64 sum',
    reduction: Reduction.Sum,
    axis,
    rows: 5,
    reduced: 4096,
    formula: mul(row(0, 2), red(1, 2)),
    accumulator: 'float64',
    domains: { 0: values(0.5, 1, 2), 1: grid(0, 1, 2 ** -20) },
  });
  return {
    name: `Sum over ${axis} is correctly rounded`,
    async run({ backend, rng }) {
      const { spec, run } = prepare(c, 'float32', rng);
      const [ref] = referenceRun(spec, run);
      const args = run.args.map((a) => (a ? backend.upload(a) : undefined));
      const outs = backend.run(spec, { ...run, args });
      try {
        const [got] = await Promise.all(outs.map((o) => backend.download(o)));
        const plan = planRun(spec, { ...run, args }, backend.name);
        if (got!.length !== plan.outputLengths[0]) throw new Error(`output has ${got!.length} elements`);
        got!.forEach((v, k) => {
          if (v !== Math.fround(ref![k]!))
            throw new Error(
              `element ${k}: got ${v}, the correctly rounded sum is ${Math.fround(ref![k]!)} (${ref![k]})`,
            );
        });
      } finally {
        for (const b of [...args, ...outs]) if (b) backend.free(b);
      }
    },
  };
}

export function accumulatorGroup(): TestGroup {
  const lse = AXES.map((axis) => {
    const { row, red } = axisVars(axis);
    return casesTest(`LogSumExp family over ${axis}`, [
      reductionCase({
        label: 'LogSumExp, float64 accumulator',
        reduction: Reduction.LogSumExp,
        axis,
        rows: 6,
        reduced: 300,
        formula: scalprod(row(0, 3), red(1, 3)),
        accumulator: 'float64',
      }),
      reductionCase({
        label: 'SumSoftMaxWeight, float64 accumulator',
        reduction: Reduction.SumSoftMaxWeight,
        axis,
        rows: 6,
        reduced: 300,
        formula: scalprod(row(0, 3), red(1, 3)),
        weight: red(2, 2),
        accumulator: 'float64',
      }),
    ]);
  });
  return {
    name: 'float64 accumulator',
    dtypes: ['float32'],
    tests: [...AXES.map(exactSumTest), ...lse].map(needsFloat64),
  };
}
