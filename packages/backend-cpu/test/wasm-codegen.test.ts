/**
 * The WebAssembly generator's own schemes, each against the float64 reference:
 * - the LogSumExp family's two-pass tiles (values and their maximum, then the shifted sums), with
 *   maxima that change inside tiles, tiles of -inf only, NaN and +inf values, small tiles;
 * - counted loops (D > 16) unrolled by 4 with partial sums, at dims that leave every remainder,
 *   including exact ties of ArgKMin on grid values (partial sums of exact terms are exact);
 * - modules that share one memory across instances, each with its own cells (`bench/memory.ts`).
 */
import {
  add,
  DEFAULT_UNROLL_LIMIT,
  exp,
  lowerKernel,
  minus,
  mul,
  Reduction,
  reductionSpec,
  scalprod,
  sqDist,
  variable,
} from '@symtensor/core-ir';
import { afterAll, describe, expect, it } from 'vitest';
import { cpu } from '../src/index.js';
import { generateWasm } from '../src/wasm/codegen.js';
import { expectMatchesReference, freshSeed, gridArray, randomArray, rng, TOL } from './helpers.js';

const NEG = Number.NEGATIVE_INFINITY;
const X = variable(0, 1, 'i');
const Y = variable(1, 1, 'j');

/** LogSumExp-family specs of F = x_i + y_j, so that y alone places special values. */
const lseSpecs = (dtype: 'float32' | 'float64') => [
  {
    name: 'LogSumExp',
    spec: reductionSpec({ formula: add(X, Y), reduction: Reduction.LogSumExp, axis: 'j', dtype }),
  },
  {
    name: 'LogSumExp with a weight of dim 2',
    spec: reductionSpec({
      formula: add(X, Y),
      reduction: Reduction.LogSumExp,
      weight: variable(2, 2, 'j'),
      axis: 'j',
      dtype,
    }),
  },
  {
    name: 'SumSoftMaxWeight, weight of dim 3',
    spec: reductionSpec({
      formula: add(X, Y),
      reduction: Reduction.SumSoftMaxWeight,
      weight: variable(2, 3, 'j'),
      axis: 'j',
      dtype,
    }),
  },
];

/** y values over 23 indices (tiles of 5: 5, 5, 5, 5, 3), each case stressing the two passes. */
const Y_CASES: { name: string; y: (k: number, r: () => number) => number }[] = [
  { name: 'increasing (a new maximum at every index)', y: (k) => k / 4 },
  { name: 'decreasing', y: (k) => -k / 4 },
  { name: 'a tile of -inf only', y: (k, r) => (k >= 5 && k < 10 ? NEG : r() * 4 - 2) },
  { name: 'all -inf', y: () => NEG },
  { name: 'NaN inside the third tile', y: (k, r) => (k === 12 ? Number.NaN : r() * 4 - 2) },
  // The tile's maximum must be NaN here: a tile state of maximum -inf would merge as empty.
  {
    name: 'a tile of NaN and -inf only',
    y: (k, r) => (k === 12 ? Number.NaN : k >= 10 && k < 15 ? NEG : r() * 4 - 2),
  },
  { name: '+inf in the second tile', y: (k, r) => (k === 7 ? Number.POSITIVE_INFINITY : r() * 4 - 2) },
  { name: 'large values (exp overflows unshifted)', y: (_k, r) => 300 + r() * 100 },
];

describe('LogSumExp family: two-pass tiles', () => {
  it('the generator takes the two-pass scheme for the family, not for other reductions', () => {
    for (const { spec } of lseSpecs('float32'))
      expect(
        generateWasm(lowerKernel(spec), 'float32', 'float32', { reduction: spec.reduction }).scratch,
      ).toBe(true);
    const sum = reductionSpec({ formula: add(X, Y), reduction: Reduction.Sum, axis: 'j', dtype: 'float32' });
    expect(generateWasm(lowerKernel(sum), 'float32', 'float32', { reduction: sum.reduction }).scratch).toBe(
      false,
    );
  });

  for (const dtype of ['float32', 'float64'] as const) {
    const backend = cpu({ engine: 'wasm', threads: 0, tile: 5 });
    afterAll(() => backend.dispose());
    for (const { name, spec } of lseSpecs(dtype))
      for (const c of Y_CASES)
        it(`${name}, ${dtype}: ${c.name}`, async () => {
          expect(backend.kernelEngine(spec).engine).toBe('wasm');
          const seed = freshSeed();
          const rand = rng(seed);
          const nx = 9;
          const ny = 23;
          const y = dtype === 'float32' ? new Float32Array(ny) : new Float64Array(ny);
          for (let k = 0; k < ny; k++) y[k] = c.y(k, rand);
          const wdim = spec.weight?.dim ?? 0;
          const args = [
            randomArray(dtype, nx, rand),
            y,
            ...(wdim ? [randomArray(dtype, ny * wdim, rand, 0.1, 1)] : []),
          ];
          await expectMatchesReference(backend, { spec, args, nx, ny }, TOL[dtype], seed);
        });
  }
});

describe(`counted loops (D > ${DEFAULT_UNROLL_LIMIT}): unrolled by 4, partial sums`, () => {
  const backend = cpu({ engine: 'wasm', threads: 0 });
  afterAll(() => backend.dispose());
  for (const dtype of ['float32', 'float64'] as const)
    for (const d of [17, 18, 19, 20, 50]) {
      const Xd = variable(0, d, 'i');
      const Yd = variable(1, d, 'j');
      it(`D=${d} ${dtype}: Gaussian product and scalar products against the reference`, async () => {
        for (const formula of [mul(exp(minus(sqDist(Xd, Yd))), variable(2, 1, 'j')), scalprod(Xd, Yd)]) {
          const spec = reductionSpec({ formula, reduction: Reduction.Sum, axis: 'j', dtype });
          expect(backend.kernelEngine(spec).engine).toBe('wasm');
          const seed = freshSeed();
          const rand = rng(seed);
          const nx = 13;
          const ny = 41;
          const args = [
            randomArray(dtype, nx * d, rand, -0.3, 0.3),
            randomArray(dtype, ny * d, rand, -0.3, 0.3),
            randomArray(dtype, ny, rand),
          ];
          await expectMatchesReference(backend, { spec, args, nx, ny }, TOL[dtype], seed);
        }
      });
      it(`D=${d} ${dtype}: ArgKMin on grid values keeps exact ties in index order`, async () => {
        const spec = reductionSpec({
          formula: sqDist(Xd, Yd),
          reduction: Reduction.KMinArgKMin,
          k: 4,
          axis: 'j',
          dtype,
        });
        expect(backend.kernelEngine(spec).engine).toBe('wasm');
        const seed = freshSeed();
        const rand = rng(seed);
        // Few distinct rows of y, so that many distances tie exactly.
        const nx = 7;
        const ny = 40;
        const ys = gridArray(dtype, 5 * d, rand);
        const y = dtype === 'float32' ? new Float32Array(ny * d) : new Float64Array(ny * d);
        for (let j = 0; j < ny; j++) y.set(ys.subarray((j % 5) * d, ((j % 5) + 1) * d), j * d);
        await expectMatchesReference(
          backend,
          { spec, args: [gridArray(dtype, nx * d, rand), y], nx, ny },
          TOL[dtype],
          seed,
        );
      });
    }
});

describe('modules sharing one memory', () => {
  it('two instances with their own cells compute what a private-memory instance computes', () => {
    // sum_j exp(-|x_i - y_j|^2) b_j: constants (exp), i-variable cells and j loads all in play.
    const spec = reductionSpec({
      formula: mul(exp(minus(sqDist(variable(0, 3, 'i'), variable(1, 3, 'j')))), variable(2, 1, 'j')),
      reduction: Reduction.Sum,
      axis: 'j',
      dtype: 'float32',
    });
    const lowered = lowerKernel(spec);
    const rand = rng(freshSeed());
    const groups = 3;
    const m = 37;
    const x = randomArray('float32', groups * 12, rand);
    const y = randomArray('float32', m * 3, rand);
    const b = randomArray('float32', m, rand);
    const memory = new WebAssembly.Memory({ initial: 4, maximum: 4, shared: true });
    // Inputs at 128 KiB (x interleaved as the kernel reads it), then y, b, and two outputs.
    const base = 2 * 65536;
    const S = new Float32Array(memory.buffer);
    const at = { x: base, y: base + 1024, b: base + 2048, out: [base + 2560, base + 2816] };
    S.set(x, at.x / 4);
    S.set(y, at.y / 4);
    S.set(b, at.b / 4);
    const outs = [0, 1].map((w) => {
      const wasm = generateWasm(lowered, 'float32', 'float32', {
        shared: { cellBase: w * 65536, minPages: 4, maxPages: 4 },
      });
      const inst = new WebAssembly.Instance(new WebAssembly.Module(wasm.bytes), { env: { mem: memory } });
      (inst.exports.k as (...a: number[]) => void)(groups, m, 16, 0, at.x, at.y, at.b, at.out[w]!);
      return S.slice(at.out[w]! / 4, at.out[w]! / 4 + groups * 4);
    });
    const own = generateWasm(lowered, 'float32', 'float32');
    const inst = new WebAssembly.Instance(new WebAssembly.Module(own.bytes), { env: {} });
    const mem = inst.exports.mem as WebAssembly.Memory;
    mem.grow(4);
    const M = new Float32Array(mem.buffer);
    M.set(S.subarray(base / 4, (base + 2560) / 4), base / 4);
    (inst.exports.k as (...a: number[]) => void)(groups, m, 16, 0, at.x, at.y, at.b, at.out[0]!);
    const want = M.slice(at.out[0]! / 4, at.out[0]! / 4 + groups * 4);
    expect(want.some((v) => v !== 0)).toBe(true);
    expect(outs[0]).toEqual(want);
    expect(outs[1]).toEqual(want);
  });
});
