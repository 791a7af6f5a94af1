/**
 * Tensor creation and reading back: data layouts, shapes, dtypes, constant fills, ranges, and the
 * counter-based random generator (reproducible, dtype-independent, with the right moments).
 */
import { describe, expect, it } from 'vitest';
import { arange, full, manualSeed, ones, rand, randn, tensor, zeros } from '../src/index.js';
import { expectEqual, read } from './helpers.js';

describe('creation and reading back', () => {
  it('from nested arrays, typed arrays and numbers', async () => {
    const a = tensor([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    expect(a.shape).toEqual([2, 3]);
    expect(a.dtype).toBe('float32');
    expect(await a.array()).toEqual([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    const b = tensor(Float64Array.of(1, 2, 3, 4, 5, 6), [3, 2]);
    expect(b.dtype).toBe('float64');
    expect(await b.array()).toEqual([
      [1, 2],
      [3, 4],
      [5, 6],
    ]);
    const c = tensor([1, 2, 3, 4], [2, 2], { dtype: 'int32' });
    expect(c.dtype).toBe('int32');
    expect(await c.data()).toBeInstanceOf(Int32Array);
    const s = tensor(2.5, undefined, { dtype: 'float64' });
    expect(s.shape).toEqual([]);
    expect(await s.array()).toBe(2.5);
    expect(await s.item()).toBe(2.5);
    // The data are copied: later changes to the source do not reach the tensor.
    const src = Float32Array.of(1, 2);
    const t = tensor(src);
    src[0] = 9;
    expectEqual(await t.data(), [1, 2]);
    expect(tensor([]).shape).toEqual([0]);
  });

  it('zeros, ones, full and arange', async () => {
    expectEqual(await zeros([2, 2]).data(), [0, 0, 0, 0]);
    expectEqual(await ones([3], { dtype: 'float64' }).data(), [1, 1, 1]);
    expectEqual(await full([2], 7, { dtype: 'int32' }).data(), [7, 7]);
    expectEqual(await arange(4).data(), [0, 1, 2, 3]);
    expectEqual(await arange(1, 2, 0.25, { dtype: 'float64' }).data(), [1, 1.25, 1.5, 1.75]);
    expectEqual(await arange(5, 0, -2, { dtype: 'int32' }).data(), [5, 3, 1]);
    expect(() => arange(0, 1, 0.5, { dtype: 'int32' })).toThrow(/integer start and step/);
    expect(() => full([2], 0.5, { dtype: 'int32' })).toThrow(/integer value/);
  });
});

describe('random numbers', () => {
  it('are reproducible from a seed, in any dtype, and differ between seeds', async () => {
    const a = await read(rand([1000], { seed: 42, dtype: 'float64' }));
    const b = await read(rand([1000], { seed: 42, dtype: 'float64' }));
    const c = await rand([1000], { seed: 42 }).data();
    const d = await read(rand([1000], { seed: 43, dtype: 'float64' }));
    expectEqual(a, b, 'same seed');
    expectEqual(c, Float32Array.from(a), 'float32 is the rounded float64 stream');
    expect(a.filter((v, k) => v === d[k]).length).toBe(0);
    // A longer stream starts with the shorter one (values depend on (seed, index) only).
    expectEqual((await read(rand([2000], { seed: 42, dtype: 'float64' }))).subarray(0, 1000), a, 'prefix');
    manualSeed(7);
    const e = await read(randn([10], { dtype: 'float64' }));
    const e2 = await read(randn([10], { dtype: 'float64' }));
    manualSeed(7);
    expectEqual(await read(randn([10], { dtype: 'float64' })), e, 'manualSeed restarts the sequence');
    expect(Array.from(e2)).not.toEqual(Array.from(e));
  });

  it('have the moments of U[0, 1) and N(0, 1) within 5 standard errors (n = 200000)', async () => {
    const n = 200_000;
    const u = await read(rand([n], { seed: 1, dtype: 'float64' }));
    const z = await read(randn([n], { seed: 2, dtype: 'float64' }));
    const mean = (v: Float64Array) => v.reduce((s, x) => s + x, 0) / v.length;
    const variance = (v: Float64Array, m: number) => v.reduce((s, x) => s + (x - m) ** 2, 0) / v.length;
    expect(u.every((v) => v >= 0 && v < 1)).toBe(true);
    // Standard errors: mean sqrt(1/12/n), variance sqrt((1/80 - 1/144)/n); N(0,1): 1/sqrt(n), sqrt(2/n).
    expect(Math.abs(mean(u) - 0.5)).toBeLessThan(5 * Math.sqrt(1 / 12 / n));
    expect(Math.abs(variance(u, 0.5) - 1 / 12)).toBeLessThan(5 * Math.sqrt((1 / 80 - 1 / 144) / n));
    expect(Math.abs(mean(z))).toBeLessThan(5 / Math.sqrt(n));
    expect(Math.abs(variance(z, 0) - 1)).toBeLessThan(5 * Math.sqrt(2 / n));
    // Fraction within one standard deviation: 0.6827 (binomial standard error sqrt(p(1-p)/n)).
    const within = z.filter((x) => Math.abs(x) < 1).length / n;
    expect(Math.abs(within - 0.682689)).toBeLessThan(5 * Math.sqrt((0.6827 * 0.3173) / n));
  });
});
