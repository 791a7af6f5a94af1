/**
 * The engine choice: which kernels run as WebAssembly, the `engine` option, and the target kernels
 * (Gaussian product, LSE softmin, kNN) on the WebAssembly path against the float64 reference at
 * D = 3 and D = 50, with row counts that are no multiple of the 8 rows a pass computes and tiles
 * that split the reduced range unevenly.
 */
import {
  atan2,
  exp,
  type FormulaSpec,
  minus,
  mul,
  Reduction,
  reductionSpec,
  sqDist,
  ValueError,
  variable,
} from '@symtensor/core-ir';
import { afterAll, describe, expect, it } from 'vitest';
import { cpu } from '../src/index.js';
import { expectMatchesReference, freshSeed, randomArray, rng, TOL } from './helpers.js';

type D = 'float32' | 'float64';

function targets(d: number, dtype: D): { name: string; spec: FormulaSpec }[] {
  const X = variable(0, d, 'i');
  const Y = variable(1, d, 'j');
  return [
    {
      name: `Gaussian product D=${d}`,
      spec: reductionSpec({
        formula: mul(exp(mul(minus(variable(3, 1, 'p')), sqDist(X, Y))), variable(2, 1, 'j')),
        reduction: Reduction.Sum,
        axis: 'j',
        dtype,
      }),
    },
    {
      name: `LSE softmin D=${d}`,
      spec: reductionSpec({
        formula: mul(minus(variable(3, 1, 'p')), sqDist(X, Y)),
        reduction: Reduction.LogSumExp,
        axis: 'j',
        dtype,
      }),
    },
    {
      name: `kNN ArgKMin K=10 D=${d}`,
      spec: reductionSpec({ formula: sqDist(X, Y), reduction: Reduction.ArgKMin, k: 10, axis: 'j', dtype }),
    },
  ];
}

describe('engine option', () => {
  it("'js' keeps every kernel on JavaScript; an unknown engine is a ValueError", async () => {
    const js = cpu({ engine: 'js', threads: 0 });
    expect(js.engine).toBe('js');
    expect(js.kernelEngine(targets(3, 'float32')[0]!.spec).engine).toBe('js');
    await js.dispose();
    expect(() => cpu({ engine: 'fast' as 'js' })).toThrow(ValueError);
  });

  it("'auto' picks WebAssembly on this Node (SIMD validates)", async () => {
    const auto = cpu({ threads: 0 });
    expect(auto.engine).toBe('wasm');
    await auto.dispose();
  });

  it('the target kernels run as WebAssembly; atan2 and a float64 accumulator fall back, with the reason', async () => {
    const b = cpu({ engine: 'wasm', threads: 0 });
    for (const dtype of ['float32', 'float64'] as const)
      for (const d of [3, 50])
        for (const t of targets(d, dtype)) expect(b.kernelEngine(t.spec), t.name).toEqual({ engine: 'wasm' });
    const X = variable(0, 1, 'i');
    const Y = variable(1, 1, 'j');
    expect(
      b.kernelEngine(
        reductionSpec({ formula: atan2(X, Y), reduction: Reduction.Sum, axis: 'j', dtype: 'float32' }),
      ),
    ).toEqual({
      engine: 'js',
      fallback: "ALU op 'atan2'",
    });
    const acc = b.kernelEngine(
      reductionSpec({
        formula: mul(X, Y),
        reduction: Reduction.Sum,
        axis: 'j',
        dtype: 'float32',
        accumulator: 'float64',
      }),
    );
    expect(acc.engine).toBe('js');
    await b.dispose();
  });
});

for (const threads of [0, 2]) {
  describe(`target kernels on WebAssembly, ${threads} worker threads, tile 1000`, () => {
    const backend = cpu({ engine: 'wasm', threads, inlineWork: 0, tile: 1000 });
    afterAll(() => backend.dispose());
    for (const dtype of ['float32', 'float64'] as const)
      for (const d of [3, 50])
        for (const t of targets(d, dtype))
          it(`${t.name} (${dtype})`, async () => {
            const seed = freshSeed();
            const rand = rng(seed);
            const nx = 203;
            const ny = 2501;
            const args = [
              randomArray(dtype, nx * d, rand),
              randomArray(dtype, ny * d, rand),
              randomArray(dtype, ny, rand, 0.1, 1),
              randomArray(dtype, 1, rand, 0.5, 2),
            ];
            await expectMatchesReference(backend, { spec: t.spec, args, nx, ny }, TOL[dtype], seed);
          });
  });
}
