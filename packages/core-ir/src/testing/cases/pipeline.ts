/**
 * Enqueue-without-sync semantics: `download` alone waits for the work writing a buffer; `sync`
 * waits for everything; the output of one run feeds the next without a round trip to the host;
 * and an input may be freed as soon as the run reading it is enqueued (the backend keeps it alive
 * until that work is done).
 */
import type { DeviceBuffer } from '../../backend.js';
import { allocTyped } from '../../dtype.js';
import { exp, minus, mul, sin, sqDist, variable } from '../../formula/build.js';
import { referenceRun } from '../../interpret/reference.js';
import { mapSpec, reductionSpec } from '../../kernel/spec.js';
import { Reduction } from '../../reductions/types.js';
import { checkOutputs } from '../check-outputs.js';
import { prepare } from '../run-case.js';
import { type ConformanceTest, casesTest, reductionCase, type TestGroup } from './common.js';

const x = variable(0, 3, 'i');
const y = variable(1, 3, 'j');
const b = variable(2, 2, 'j');
const kernelSum = mul(exp(minus(sqDist(x, y))), b);

const chained: ConformanceTest = {
  name: 'a map output feeds a reduction, intermediate freed early',
  async run({ backend, dtype, rng }) {
    const nx = 37;
    const ny = 53;
    const first = mapSpec({ formula: sin(mul(x, variable(3, 1, 'p'))), dtype });
    const second = reductionSpec({ formula: kernelSum, reduction: Reduction.Sum, axis: 'j', dtype });
    const data = prepare(
      {
        label: 'inputs',
        nx,
        ny,
        spec: () =>
          reductionSpec({
            formula: mul(kernelSum, variable(3, 1, 'p')),
            reduction: Reduction.Sum,
            axis: 'j',
            dtype,
          }),
      },
      dtype,
      rng,
    ).run.args;
    // Reference: the map's result rounded to the dtype, as a backend stores it.
    const [u64] = referenceRun(first, { args: [data[0], undefined, undefined, data[3]], nx, ny: 0 });
    const u = allocTyped(dtype, u64!.length);
    u.set(u64!);
    const run = { args: [u, data[1], data[2]], nx, ny };
    const ref = referenceRun(second, run);

    const bufs: DeviceBuffer[] = data.map((a) => backend.upload(a!));
    const [ub] = backend.run(first, { args: [bufs[0], undefined, undefined, bufs[3]], nx, ny: 0 });
    const [out] = backend.run(second, { args: [ub, bufs[1], bufs[2]], nx, ny });
    backend.free(ub!);
    try {
      const got = await backend.download(out!);
      const problems = checkOutputs(
        { spec: second, run, batchSize: 1, rows: nx, reduced: ny, exactIndices: false },
        ref,
        [got],
      );
      if (problems.length > 0) throw new Error(`chained runs:\n  ${problems.join('\n  ')}`);
    } finally {
      for (const buf of [...bufs, out!]) backend.free(buf);
    }
  },
};

export function pipelineGroup(): TestGroup {
  return {
    name: 'enqueue and sync',
    tests: [
      casesTest('sync() then download', [
        {
          ...reductionCase({
            label: 'kernel sum',
            reduction: Reduction.Sum,
            axis: 'j',
            rows: 20,
            reduced: 30,
            formula: kernelSum,
          }),
          sync: true,
        },
      ]),
      chained,
    ],
  };
}
