/**
 * Float32 kernels break ties between values that are equal in float32 by index, on both engines,
 * even where the values differ in float64. The JavaScript engine computes intermediate values
 * in float64 and rounds where a value enters a comparison or the reduction state (see
 * `printer.ts`); rounding after the comparison would let a later index whose float64 value is a
 * hair smaller win a float32 tie. The float64 reference picks that later index, so this test
 * states the float32 answer itself.
 */
import { mul, Reduction, reductionSpec, variable } from '@symtensor/core-ir';
import { afterAll, describe, expect, it } from 'vitest';
import { cpu } from '../src/index.js';

/**
 * Two float32 values ya > yb (adjacent) whose products with 0.75 round to the same float32, so
 * that 0.75 * ya > 0.75 * yb in float64 while fround(0.75 * ya) === fround(0.75 * yb).
 */
function tiePair(): [number, number] {
  const bits = new Uint32Array(2);
  const values = new Float32Array(bits.buffer);
  const start = new Uint32Array(Float32Array.of(1.5).buffer)[0]!;
  for (let k = 0; k < 1000; k++) {
    bits[0] = start + k;
    bits[1] = start + k + 1;
    const yb = values[0]!;
    const ya = values[1]!;
    if (Math.fround(0.75 * ya) === Math.fround(0.75 * yb) && 0.75 * ya > 0.75 * yb) return [ya, yb];
  }
  throw new Error('no tie pair found');
}

describe('float32 ties break by index on both engines', () => {
  const [ya, yb] = tiePair();
  const x = Float32Array.of(0.75, 0.75, 0.75);
  // j = 0: ya (larger in float64), j = 1: yb, j = 2: 2 (larger in float32 too).
  const y = Float32Array.of(ya, yb, 2);
  for (const engine of ['js', 'wasm'] as const) {
    const backend = cpu({ engine, threads: 0 });
    afterAll(() => backend.dispose());
    for (const [reduction, want] of [
      [Reduction.ArgMin, [0, 0, 0]],
      [Reduction.ArgKMin, [0, 1, 0, 1, 0, 1]],
    ] as const)
      it(`${engine}: ${reduction} of x_i * y_j picks the first of two float32-equal values`, async () => {
        const spec = reductionSpec({
          formula: mul(variable(0, 1, 'i'), variable(1, 1, 'j')),
          reduction,
          axis: 'j',
          dtype: 'float32',
          ...(reduction === Reduction.ArgKMin ? { k: 2 } : {}),
        });
        const [out] = backend.run(spec, { args: [backend.upload(x), backend.upload(y)], nx: 3, ny: 3 });
        expect(Array.from(await backend.download(out!))).toEqual(want);
      });
  }
});
