/**
 * Min-type reductions give bit-identical results on the calling thread, 1 worker and 2 workers,
 * whatever the tiling, and ties keep the first index: the data hold exact duplicates of points,
 * spread across tiles and worker chunks. Sums agree within float32 tolerance.
 */
import { exp, minus, mul, Reduction, reductionSpec, sqDist, variable } from '@symtensor/core-ir';
import { afterAll, describe, expect, it } from 'vitest';
import { cpu } from '../src/index.js';
import { freshSeed, gridArray, randomArray, rng, runCase } from './helpers.js';

const X = variable(0, 2, 'i');
const Y = variable(1, 2, 'j');

describe('1 vs N threads', () => {
  const backends = [
    cpu({ threads: 0, tile: 13 }),
    cpu({ threads: 1, inlineWork: 0, tile: 2048 }),
    cpu({ threads: 2, inlineWork: 0, tile: 37 }),
  ];
  afterAll(() => Promise.all(backends.map((b) => b.dispose())));

  /** y: 20 distinct grid points repeated 40 times in a shuffled order, so every distance ties. */
  function tiedData(seed: number) {
    const rand = rng(seed);
    const base = gridArray('float32', 20 * 2, rand);
    const order = Array.from({ length: 800 }, (_, k) => k % 20).sort(() => rand() - 0.5);
    const y = new Float32Array(800 * 2);
    for (const [j, p] of order.entries()) y.set(base.subarray(2 * p, 2 * p + 2), 2 * j);
    return { x: gridArray('float32', 64 * 2, rand), y };
  }

  for (const reduction of [
    Reduction.Min,
    Reduction.ArgMin,
    Reduction.MinArgMin,
    Reduction.KMinArgKMin,
  ] as const) {
    it(`${reduction}: identical results, first index on ties`, async () => {
      const seed = freshSeed();
      const { x, y } = tiedData(seed);
      const spec = reductionSpec({
        formula: sqDist(X, Y),
        reduction,
        axis: 'j',
        dtype: 'float32',
        ...(reduction === Reduction.KMinArgKMin ? { k: 4 } : {}),
      });
      const results = await Promise.all(
        backends.map((b) => runCase(b, { spec, args: [x, y], nx: 64, ny: 800 })),
      );
      for (const r of results.slice(1)) expect(r, `seed ${seed}`).toEqual(results[0]);
      if (reduction === Reduction.ArgMin || reduction === Reduction.MinArgMin) {
        const idx = results[0]![reduction === Reduction.ArgMin ? 0 : 1] as Int32Array;
        // The winning point's first occurrence is the index every backend must return.
        const firstEqual = (j: number) => {
          for (let k = 0; k <= j; k++) if (y[2 * k] === y[2 * j] && y[2 * k + 1] === y[2 * j + 1]) return k;
          return j;
        };
        for (let i = 0; i < 64; i++) expect(idx[i], `seed ${seed}, row ${i}`).toBe(firstEqual(idx[i]!));
      }
    });
  }

  it('Sum: within float32 tolerance across thread counts', async () => {
    const seed = freshSeed();
    const rand = rng(seed);
    const spec = reductionSpec({
      formula: exp(mul(minus(variable(2, 1, 'p')), sqDist(X, Y))),
      reduction: Reduction.Sum,
      axis: 'j',
    });
    const args = [
      randomArray('float32', 100 * 2, rand),
      randomArray('float32', 5000 * 2, rand),
      Float32Array.of(0.5),
    ];
    const results = await Promise.all(backends.map((b) => runCase(b, { spec, args, nx: 100, ny: 5000 })));
    const first = results[0]![0]!;
    for (const r of results.slice(1))
      for (const [i, v] of r[0]!.entries())
        expect(Math.abs(v - first[i]!), `seed ${seed}, row ${i}`).toBeLessThanOrEqual(1e-5 * first[i]!);
  });
});
