/**
 * float16 kernels: data stored in f16, formulas evaluated in f16, sums and LogSumExps accumulated
 * in f32, on devices with `shader-f16` (lavapipe has it). core-ir's conformance suite takes
 * float32 and float64 data only, so this file covers float16 itself: each result is checked
 * against core-ir's float64 reference interpreter run on the same inputs (decoded exactly from
 * their float16 words), with tolerances in units of float16's machine epsilon EPS = 2^-10.
 * WGSL lets f16 operations round either way (one ulp, EPS relative) and allows f16 builtins
 * more: sqrt 2.5 ulp, exp 3 + 2|x| ulp. Hence:
 *
 * - values of a formula of a few operations (maps, Min/KMin values, LogSumExp's values): the
 *   operations' ulps add up to a few EPS of the intermediate magnitudes, which are those of the
 *   result here: TOL_VALUE = 8 EPS, relative to the row's scale (largest |ref|, at least 1, as in
 *   the conformance suite) or, for distances, to the distance itself (differences of nearby
 *   float16 values are exact, so a small squared distance keeps its relative accuracy).
 * - sums of exp(-a) b with 0 <= a <= 6: a term's argument carries ~3 EPS relative error (18 EPS
 *   absolute at a = 6), which exp turns into a relative one, plus exp's own allowance (up to 15
 *   ulp at |x| = 6) and the product's ulp; the f32 sum adds nothing measurable and the final
 *   rounding one ulp: TOL_SUM = 32 EPS of sum_j |term_j|, the scale of a sum's rounding error.
 *   That accumulators are f32 is checked on the generated WGSL (codegen.test.ts): lavapipe
 *   evaluates f16 arithmetic at f32 precision (only loads and stores round), so no result here
 *   could tell an f16 accumulator from an f32 one.
 * - LogSumExp is 1-Lipschitz in each value: TOL_VALUE of the values' magnitude (up to 6) plus
 *   that of the result.
 * - indices (ArgMin, ArgKMin): float16 rounding makes ties between near-equal distances, so an
 *   index may differ from the reference's only where the float64 distances at both indices agree
 *   within TOL_VALUE.
 */
import {
  abs,
  add,
  BackendUnavailableError,
  type DeviceBuffer,
  DTypeError,
  exp,
  type Formula,
  mapSpec,
  minus,
  mul,
  type ReductionSpecInit,
  reductionSpec,
  referenceRun,
  sqDist,
  sqNorm2,
  sqrt,
  variable,
} from '@symtensor/core-ir';
import { Rng, rowScale } from '@symtensor/core-ir/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadNodeGpu } from '../src/device.js';
import { float16Bits, float16Value, fromFloat16, toFloat16 } from '../src/float16.js';
import { type WebGpuBackend, webgpu } from '../src/index.js';
import { REQUIRE_WEBGPU, webgpuUnavailable } from './gpu.js';

const EPS = 2 ** -10;
const TOL_VALUE = 8 * EPS;
const TOL_SUM = 32 * EPS;

describe('float16 conversions', () => {
  // Element checks collect mismatches and assert once: an expect() per word is slow.
  it('decode every float16 word and encode it back to the same word (NaN to the quiet NaN)', () => {
    const wrong: number[] = [];
    for (let h = 0; h < 0x10000; h++) {
      const v = float16Value(h);
      const isNan = (h & 0x7c00) === 0x7c00 && (h & 0x3ff) !== 0;
      if (Number.isNaN(v) !== isNan || (!isNan && float16Bits(v) !== h)) wrong.push(h);
    }
    expect(wrong).toEqual([]);
    expect(float16Bits(Number.NaN)).toBe(0x7e00);
    expect(float16Value(0x3c00)).toBe(1);
    expect(float16Value(0x7bff)).toBe(65504);
    expect(float16Value(0x0001)).toBe(2 ** -24);
    expect(Object.is(float16Value(0x8000), -0)).toBe(true);
  });

  it('round to nearest, ties to even, overflowing to infinity from 65520 on', () => {
    // Between consecutive positive finite words: the midpoint goes to the even word, anything
    // off the midpoint to the nearer one.
    const wrong: number[] = [];
    for (let h = 0; h < 0x7bff; h++) {
      const [a, b] = [float16Value(h), float16Value(h + 1)];
      const mid = (a + b) / 2;
      const quarter = (b - a) / 4;
      const even = h % 2 === 0 ? h : h + 1;
      if (
        float16Bits(mid) !== even ||
        float16Bits(-mid) !== (even | 0x8000) ||
        float16Bits(mid - quarter) !== h ||
        float16Bits(mid + quarter) !== h + 1
      )
        wrong.push(h);
    }
    expect(wrong).toEqual([]);
    expect(float16Bits(65519.99)).toBe(0x7bff);
    expect(float16Bits(65520)).toBe(0x7c00);
    expect(float16Bits(-1e6)).toBe(0xfc00);
    expect(float16Bits(2 ** -26)).toBe(0);
    expect(float16Bits(2 ** -25 * 1.5)).toBe(1);
    expect(Array.from(fromFloat16(toFloat16([1.5, -0.1, 70000])))).toEqual([
      1.5,
      float16Value(float16Bits(-0.1)),
      Number.POSITIVE_INFINITY,
    ]);
  });
});

const unavailable = await webgpuUnavailable();

/** Whether the default device has shader-f16 (under SYMTENSOR_REQUIRE_WEBGPU=1 it must). */
async function float16Unavailable(): Promise<string | undefined> {
  if (unavailable !== undefined) return unavailable;
  const backend = await webgpu();
  const has = backend.dtypes.includes('float16');
  await backend.dispose();
  if (has) return undefined;
  const reason = "the adapter has no 'shader-f16' feature";
  if (REQUIRE_WEBGPU) throw new BackendUnavailableError('webgpu', `${reason} (SYMTENSOR_REQUIRE_WEBGPU=1)`);
  return reason;
}

const noFloat16 = await float16Unavailable();

/** Random float16 words of values uniform in [lo, hi). */
function halfData(rng: Rng, n: number, lo: number, hi: number): Uint16Array {
  return toFloat16(Float64Array.from({ length: n }, () => rng.uniform(lo, hi)));
}

const decode = (words: Uint16Array) => Float64Array.from(fromFloat16(words));

const x = variable(0, 3, 'i');
const y = variable(1, 3, 'j');
const b = variable(2, 2, 'j');
const g = variable(3, 1, 'p');
/** exp(-g |x - y|^2) b_j: with x, y in [-1, 1]^3 and g = 0.5, arguments down to -6. */
const gaussian = mul(exp(minus(mul(g, sqDist(x, y)))), b);

describe.skipIf(noFloat16 !== undefined)('float16 kernels', () => {
  let backend: WebGpuBackend;
  beforeAll(async () => {
    backend = await webgpu();
  });
  afterAll(async () => {
    await backend?.dispose();
  });

  /** Random float16 words of x, y, b (in [-1, 1]) and g = 0.5, by variable position. */
  function inputs(rng: Rng, nx: number, ny: number) {
    const words = [halfData(rng, nx * 3, -1, 1), halfData(rng, ny * 3, -1, 1), halfData(rng, ny * 2, -1, 1)];
    words.push(toFloat16([0.5]));
    return words;
  }

  /** Runs a float16 spec here and its float64 twin in the reference interpreter. */
  async function runBoth(
    on: WebGpuBackend,
    init: Omit<ReductionSpecInit, 'dtype'>,
    words: readonly Uint16Array[],
    nx: number,
    ny: number,
  ): Promise<{ got: Float32Array[]; ref: Float64Array[]; indices: Int32Array[] }> {
    const spec = reductionSpec({ ...init, dtype: 'float16', accumulator: 'float16' });
    const args = words.map((w) => on.upload(w));
    const outs = on.run(spec, { args, nx, ny });
    const downloaded = await Promise.all(outs.map((o) => on.download(o)));
    for (const buf of [...args, ...outs]) on.free(buf);
    const ref = referenceRun(reductionSpec({ ...init, dtype: 'float64' }), {
      args: words.map(decode),
      nx,
      ny,
    });
    const got: Float32Array[] = [];
    const indices: Int32Array[] = [];
    for (const d of downloaded) {
      if (d instanceof Uint16Array) got.push(fromFloat16(d));
      else if (d instanceof Int32Array) indices.push(d);
      else throw new Error(`a float16 kernel returned ${d.constructor.name}, not float16 words`);
    }
    return { got, ref, indices };
  }

  /** |got - ref| <= tol * scale(k) for every element k. */
  function expectClose(
    got: ArrayLike<number>,
    ref: ArrayLike<number>,
    tol: number,
    scale: (k: number) => number,
  ): void {
    expect(got.length).toBe(ref.length);
    for (let k = 0; k < ref.length; k++)
      if (!(Math.abs(got[k]! - ref[k]!) <= tol * scale(k)))
        throw new Error(
          `element ${k}: got ${got[k]}, float64 reference ${ref[k]}, tolerance ${tol * scale(k)}`,
        );
  }

  it('uploads and downloads float16 words bit for bit, odd lengths included', async () => {
    const words = Uint16Array.from({ length: 1001 }, (_, k) => (k * 40503) & 0xffff);
    words.set([0x7c00, 0xfc00, 0x7e01, 0x0001, 0x8000], 0);
    const buf = backend.upload(words);
    expect(buf.dtype).toBe('float16');
    const back = await backend.download(buf);
    backend.free(buf);
    expect(back).toBeInstanceOf(Uint16Array);
    expect(Array.from(back)).toEqual(Array.from(words));
  });

  it('sums a Gaussian kernel over j and over i', async () => {
    const rng = new Rng(1601);
    const [nx, ny] = [130, 700];
    const words = inputs(rng, nx, ny);
    for (const axis of ['j', 'i'] as const) {
      // Over i the roles swap: a formula of x_i summed for each y_j (b stays a j variable, so
      // over i it is Var(2) read per output row).
      const { got, ref } = await runBoth(
        backend,
        { formula: gaussian, reduction: 'Sum', axis },
        words,
        nx,
        ny,
      );
      const [absRef] = referenceRun(
        reductionSpec({ formula: abs(gaussian), reduction: 'Sum', axis, dtype: 'float64' }),
        { args: words.map(decode), nx, ny },
      );
      expectClose(got[0]!, ref[0]!, TOL_SUM, (k) => absRef![k]!);
    }
  });

  it('computes LogSumExp, with and without weights', async () => {
    const rng = new Rng(1602);
    const [nx, ny] = [100, 500];
    const words = inputs(rng, nx, ny);
    const value = minus(mul(g, sqDist(x, y)));
    for (const weight of [undefined, exp(b)] as const) {
      const init = {
        formula: value,
        reduction: 'LogSumExp' as const,
        axis: 'j' as const,
        ...(weight ? { weight } : {}),
      };
      const { got, ref } = await runBoth(backend, init, words, nx, ny);
      // The values reach -6; the results are O(1).
      expectClose(got[0]!, ref[0]!, TOL_VALUE, (k) => 6 + Math.abs(ref[0]![k]!));
    }
  });

  it('finds ArgMin and the K smallest values, breaking float16 ties only between near-equal values', async () => {
    const rng = new Rng(1603);
    const [nx, ny, K] = [130, 600, 4];
    const words = inputs(rng, nx, ny);
    const xs = decode(words[0]!);
    const ys = decode(words[1]!);
    const d2 = (i: number, j: number) => {
      let s = 0;
      for (let d = 0; d < 3; d++) s += (xs[3 * i + d]! - ys[3 * j + d]!) ** 2;
      return s;
    };
    const arg = await runBoth(
      backend,
      { formula: sqDist(x, y), reduction: 'ArgMin', axis: 'j' },
      words,
      nx,
      ny,
    );
    const kmin = await runBoth(
      backend,
      { formula: sqDist(x, y), reduction: 'KMinArgKMin', axis: 'j', k: K },
      words,
      nx,
      ny,
    );
    // Relative to the distance, floored at float16's smallest normal (below it, subnormal
    // spacing is absolute).
    const tol = (d: number) => TOL_VALUE * Math.max(d, 2 ** -14);
    for (let i = 0; i < nx; i++) {
      const best = d2(i, arg.ref[0]![i]!);
      expect(Math.abs(d2(i, arg.indices[0]![i]!) - best)).toBeLessThanOrEqual(tol(best));
      const seen = new Set<number>();
      for (let k = 0; k < K; k++) {
        const j = kmin.indices[0]![i * K + k]!;
        expect(seen.has(j)).toBe(false);
        seen.add(j);
        const want = kmin.ref[0]![i * K + k]!;
        expect(Math.abs(kmin.got[0]![i * K + k]! - want)).toBeLessThanOrEqual(tol(want));
        expect(Math.abs(d2(i, j) - want)).toBeLessThanOrEqual(tol(want));
      }
    }
  });

  it('maps elementwise formulas', async () => {
    const rng = new Rng(1604);
    const n = 777;
    const words = [halfData(rng, n * 3, -2, 2), toFloat16([0.75])];
    const formula: Formula = add(mul(sqrt(mul(g, sqNorm2(x))), x), exp(minus(abs(x))));
    const spec = mapSpec({ formula, dtype: 'float16' });
    const args = words.map((w) => backend.upload(w));
    const [out] = backend.run(spec, { args: [args[0], undefined, undefined, args[1]], nx: n, ny: 0 });
    const got = fromFloat16((await backend.download(out!)) as Uint16Array);
    const [ref] = referenceRun(mapSpec({ formula, dtype: 'float64' }), {
      args: [decode(words[0]!), undefined, undefined, decode(words[1]!)],
      nx: n,
      ny: 0,
    });
    expectClose(got, ref!, TOL_VALUE, (k) => rowScale(ref!, k - (k % 3), k - (k % 3) + 3));
  });

  it('takes the split scheme and bound sub-ranges with float16 data', async () => {
    const rng = new Rng(1605);
    const [nx, ny] = [5, 3001];
    const words = inputs(rng, nx, ny);
    const init = { formula: gaussian, reduction: 'Sum', axis: 'j' } as const;
    const [absRef] = referenceRun(reductionSpec({ ...init, formula: abs(gaussian), dtype: 'float64' }), {
      args: words.map(decode),
      nx,
      ny,
    });
    for (const options of [
      { tuning: { split: 7 } },
      { maxBindingBytes: 1024, tuning: { workgroupSize: 2 } },
    ]) {
      const other = await webgpu(options);
      try {
        const { got, ref } = await runBoth(other, init, words, nx, ny);
        expectClose(got[0]!, ref[0]!, TOL_SUM, (k) => absRef![k]!);
      } finally {
        await other.dispose();
      }
    }
  });
});

describe.skipIf(unavailable !== undefined)('float16 without shader-f16', () => {
  it('is refused with a DTypeError naming the feature, on upload and on run', async () => {
    const adapter = await (await loadNodeGpu()).requestAdapter();
    const device = await adapter!.requestDevice();
    const backend = await webgpu({ device });
    try {
      expect(backend.dtypes).not.toContain('float16');
      expect(() => backend.upload(new Uint16Array(3))).toThrow(DTypeError);
      expect(() => backend.upload(new Uint16Array(3))).toThrow(/shader-f16/);
      const buf: DeviceBuffer = backend.upload(new Float32Array(3));
      const spec = mapSpec({ formula: exp(x), dtype: 'float16' });
      expect(() => backend.run(spec, { args: [buf], nx: 1, ny: 0 })).toThrow(DTypeError);
      expect(() => backend.run(spec, { args: [buf], nx: 1, ny: 0 })).toThrow(/shader-f16/);
    } finally {
      await backend.dispose();
      device.destroy();
    }
  });
});
