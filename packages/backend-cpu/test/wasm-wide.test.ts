/**
 * Wide outputs on the WebAssembly path: programs whose vectors exceed core-ir's unroll limit
 * (DEFAULT_UNROLL_LIMIT = 16) lower to counted loops over local arrays and loop-indexed state,
 * which the generator keeps in memory cells (one v128 per element) and fuses where a loop only
 * consumes the array the previous loop filled (`src/wasm/fuse.ts`). Every case runs as WebAssembly
 * (asserted) and matches the float64 reference element by element:
 * - Sum of a kernel times a wide weight (the `K @ V` of many right-hand sides) and of a chain of
 *   wide elementwise operations, at dims leaving every remainder of the loops unrolled by 4, with
 *   the reduced indices of a pass interleaved in one loop (short rows) and not;
 * - the LogSumExp family with a wide weight, read directly (two-pass tiles) or computed (then the
 *   one-pass fold, as pass two would not recompute it), with tiles that split the reduced range;
 * - Min / ArgMin / MinArgMin of wide formulas and KMin with large K or D (the insertion loop runs
 *   down the K slots: negative strides), with exact ties on grid values;
 * - block-sparse ranges, and worker threads.
 */
import {
  abs,
  DEFAULT_UNROLL_LIMIT,
  exp,
  type FormulaSpec,
  lowerKernel,
  minus,
  mul,
  Reduction,
  reductionSpec,
  sqDist,
  sub,
  variable,
} from '@symtensor/core-ir';
import { afterAll, describe, expect, it } from 'vitest';
import { cpu } from '../src/index.js';
import { generateWasm } from '../src/wasm/codegen.js';
import { ranges } from './cases.js';
import { type Case, expectMatchesReference, freshSeed, gridArray, randomArray, rng, TOL } from './helpers.js';

type D = 'float32' | 'float64';

/**
 * Every remainder of the loops unrolled by 4; a Sum's fold runs the 4 reduced indices of a pass
 * interleaved in one loop up to 112 float32 / 56 float64 components, one loop per index past that
 * (`INTERLEAVE_LIMIT`).
 */
const DIMS = [17, 19, 32, 33, 100, 130];
const X3 = variable(0, 3, 'i');
const Y3 = variable(1, 3, 'j');
const G = variable(3, 1, 'p');
const gaussian = exp(mul(minus(G), sqDist(X3, Y3)));

function param(dtype: D, v: number) {
  return dtype === 'float32' ? Float32Array.of(v) : Float64Array.of(v);
}

/** Rows and reduced indices that are no multiple of the lanes (4, 2) nor of the 4 j per pass. */
const NX = 13;
const NY = 47;

interface WideCase {
  name: string;
  spec: FormulaSpec;
  args: (rand: () => number) => Case['args'];
}

function cases(r: number, dtype: D): WideCase[] {
  const V = variable(2, r, 'j');
  const gaussArgs = (rand: () => number) => [
    randomArray(dtype, NX * 3, rand),
    randomArray(dtype, NY * 3, rand),
    randomArray(dtype, NY * r, rand),
    param(dtype, 2),
  ];
  return [
    {
      name: `Sum exp(-g|x-y|^2) v_j, v of dim ${r}`,
      spec: reductionSpec({ formula: mul(gaussian, V), reduction: Reduction.Sum, axis: 'j', dtype }),
      args: gaussArgs,
    },
    {
      // Three wide loops (a_i - v_j, its product with the kernel, the fold): fused into one.
      name: `Sum exp(-g|x-y|^2) (a_i - v_j), dim ${r}`,
      spec: reductionSpec({
        formula: mul(gaussian, sub(variable(4, r, 'i'), V)),
        reduction: Reduction.Sum,
        axis: 'j',
        dtype,
      }),
      args: (rand) => [...gaussArgs(rand), randomArray(dtype, NX * r, rand)],
    },
    {
      name: `SumSoftMaxWeight, weight v_j of dim ${r} (two-pass tiles)`,
      spec: reductionSpec({
        formula: mul(minus(G), sqDist(X3, Y3)),
        weight: V,
        reduction: Reduction.SumSoftMaxWeight,
        axis: 'j',
        dtype,
      }),
      args: gaussArgs,
    },
    {
      name: `SumSoftMaxWeight, weight v_j * v_j of dim ${r} (computed: one pass)`,
      spec: reductionSpec({
        formula: mul(minus(G), sqDist(X3, Y3)),
        weight: mul(V, V),
        reduction: Reduction.SumSoftMaxWeight,
        axis: 'j',
        dtype,
      }),
      args: gaussArgs,
    },
    {
      name: `LogSumExp, weight v_j of dim ${r}`,
      spec: reductionSpec({
        formula: mul(minus(G), sqDist(X3, Y3)),
        weight: V,
        reduction: Reduction.LogSumExp,
        axis: 'j',
        dtype,
      }),
      // Positive weights: the log of a sum of signed terms could be NaN.
      args: (rand) => [
        randomArray(dtype, NX * 3, rand),
        randomArray(dtype, NY * 3, rand),
        randomArray(dtype, NY * r, rand, 0.1, 1),
        param(dtype, 2),
      ],
    },
  ];
}

/**
 * Selections on grid values, so that many values tie exactly and the first index must win; each
 * row's choice depends on the row (lanes take their branches apart).
 */
function selections(r: number, dtype: D): WideCase[] {
  const A = variable(0, r, 'i');
  const B = variable(1, r, 'j');
  const gridArgs = (rand: () => number) => [gridArray(dtype, NX * r, rand), gridArray(dtype, NY * r, rand)];
  return [
    ...[Reduction.Min, Reduction.ArgMin, Reduction.MaxArgMax].map((reduction) => ({
      name: `${reduction} of |a_i - b_j|, dim ${r}`,
      spec: reductionSpec({ formula: abs(sub(A, B)), reduction, axis: 'j', dtype }),
      args: gridArgs,
    })),
    {
      name: `KMinArgKMin K=2 of |a_i - b_j|, dim ${r}`,
      spec: reductionSpec({
        formula: abs(sub(A, B)),
        reduction: Reduction.KMinArgKMin,
        k: 2,
        axis: 'j',
        dtype,
      }),
      args: gridArgs,
    },
  ];
}

function runAll(label: string, dtype: D, list: WideCase[], options: { tile: number; threads: number }) {
  describe(`${label}, ${dtype}, tile ${options.tile}, ${options.threads} worker threads`, () => {
    const backend = cpu({ engine: 'wasm', inlineWork: 0, ...options });
    afterAll(() => backend.dispose());
    for (const c of list)
      it(c.name, async () => {
        expect(backend.kernelEngine(c.spec)).toEqual({ engine: 'wasm' });
        const seed = freshSeed();
        await expectMatchesReference(
          backend,
          { spec: c.spec, args: c.args(rng(seed)), nx: NX, ny: NY },
          TOL[dtype],
          seed,
        );
      });
  });
}

for (const dtype of ['float32', 'float64'] as const) {
  // Tiles of 10 over 47 indices: four merges of a partial tile state into the row's.
  runAll(
    `wide sums and the LogSumExp family (dims ${DIMS.join(', ')})`,
    dtype,
    DIMS.flatMap((r) => cases(r, dtype)),
    { tile: 10, threads: 0 },
  );
  runAll(
    'wide selections (dims 17, 33)',
    dtype,
    [17, 33].flatMap((r) => selections(r, dtype)),
    { tile: 10, threads: 0 },
  );
  runAll('wide kernels over worker threads', dtype, cases(40, dtype), { tile: 2048, threads: 2 });
}

describe('KMin with K above the unroll limit (insertion loop of negative stride)', () => {
  const backend = cpu({ engine: 'wasm', threads: 0, tile: 10 });
  afterAll(() => backend.dispose());
  for (const dtype of ['float32', 'float64'] as const)
    for (const k of [DEFAULT_UNROLL_LIMIT + 4, 30])
      it(`ArgKMin and KMinArgKMin K=${k}, D=3, grid values (${dtype})`, async () => {
        for (const reduction of [Reduction.ArgKMin, Reduction.KMinArgKMin]) {
          const spec = reductionSpec({ formula: sqDist(X3, Y3), reduction, k, axis: 'j', dtype });
          expect(backend.kernelEngine(spec)).toEqual({ engine: 'wasm' });
          const seed = freshSeed();
          const rand = rng(seed);
          await expectMatchesReference(
            backend,
            { spec, args: [gridArray(dtype, NX * 3, rand), gridArray(dtype, NY * 3, rand)], nx: NX, ny: NY },
            TOL[dtype],
            seed,
          );
        }
      });
});

describe('wide Sum with block-sparse ranges', () => {
  for (const dtype of ['float32', 'float64'] as const)
    it(`Sum exp(-g|x-y|^2) v_j, dim 33, ranges with empty rows (${dtype})`, async () => {
      const backend = cpu({ engine: 'wasm', threads: 0, tile: 16 });
      const r = 33;
      const nx = 130;
      const ny = 300;
      const spec = reductionSpec({
        formula: mul(gaussian, variable(2, r, 'j')),
        reduction: Reduction.Sum,
        axis: 'j',
        dtype,
      });
      expect(backend.kernelEngine(spec)).toEqual({ engine: 'wasm' });
      const seed = freshSeed();
      const rand = rng(seed);
      const args = [
        randomArray(dtype, nx * 3, rand),
        randomArray(dtype, ny * 3, rand),
        randomArray(dtype, ny * r, rand),
        param(dtype, 2),
      ];
      // Rows 90-120 reduce over nothing; rows 20-60 over two slices.
      await expectMatchesReference(backend, { spec, args, nx, ny, ranges: ranges(nx, ny) }, TOL[dtype], seed);
      await backend.dispose();
    });
});

describe('the generated module', () => {
  it('fuses the wide Sum into one loop: no local array left, state in cells past the constants', () => {
    const spec = reductionSpec({
      formula: mul(gaussian, variable(2, 200, 'j')),
      reduction: Reduction.Sum,
      axis: 'j',
      dtype: 'float32',
    });
    const wasm = generateWasm(lowerKernel(spec), 'float32', 'float32', { reduction: spec.reduction });
    // Two copies of the state (200 cells each) and no array: had the array stayed, 200 more.
    expect(wasm.reserved).toBeGreaterThanOrEqual(2 * 200 * 16);
    expect(wasm.reserved).toBeLessThan(3 * 200 * 16);
    // The state's cells carry no initial image: the module stays small.
    expect(wasm.bytes.length).toBeLessThan(4 * 200 * 16);
  });

  it('the LogSumExp family with a wide weight read directly keeps the two-pass tile', () => {
    const spec = reductionSpec({
      formula: mul(minus(G), sqDist(X3, Y3)),
      weight: variable(2, 64, 'j'),
      reduction: Reduction.SumSoftMaxWeight,
      axis: 'j',
      dtype: 'float32',
    });
    expect(generateWasm(lowerKernel(spec), 'float32', 'float32', { reduction: spec.reduction }).scratch).toBe(
      true,
    );
  });
});
