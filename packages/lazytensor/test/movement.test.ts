/**
 * Data movement and dense linear algebra (take kernels and index arithmetic): reshape, transpose,
 * permute, slice, concat, gather / indexSelect, scatterAdd, cast, broadcastTo, matmul and dot,
 * against float64 loops written here, with gradients against central finite differences.
 */
import { describe, expect, it } from 'vitest';
import { concat, grad, MATMUL_PARAM_LIMIT, scatterAdd, type Tensor, tensor } from '../src/index.js';
import { expectClose, expectEqual, f32, f64, finiteDiff, normal, read, rng } from './helpers.js';

type Shape = number[];
const size = (s: Shape) => s.reduce((a, b) => a * b, 1);
const strides = (s: Shape) => s.map((_, k) => size(s.slice(k + 1)));

/** Checks value and gradient of `op` on float64 data of `shape` against a float64 loop `ref`. */
async function check(
  shape: Shape,
  op: (t: Tensor) => Tensor,
  ref: (x: Float64Array) => Float64Array,
  what: string,
) {
  const r = rng(what);
  const x = normal(r, size(shape));
  const xt = f64(x, shape, true);
  const out = op(xt);
  const want = ref(x);
  expectClose(await read(out), want, {}, `${what}: value`);
  const w = normal(r, want.length);
  const [g] = grad(out, [xt], f64(w, out.shape));
  const fd = finiteDiff((p) => ref(p).reduce((s, v, k) => s + v * w[k]!, 0), x, 1e-6);
  expectClose(await read(g!), fd, { atol: 1e-8, rtol: 1e-7 }, `${what}: gradient`);
  return out;
}

describe('movement', () => {
  it('transpose and permute', async () => {
    const shape = [2, 3, 4];
    const perm = [2, 0, 1];
    const out = await check(
      shape,
      (t) => t.permute(perm),
      (x) => {
        const os = perm.map((a) => shape[a]!);
        const st = strides(shape);
        return Float64Array.from({ length: x.length }, (_, o) => {
          let at = 0;
          os.forEach((d, k) => {
            const c = Math.floor(o / size(os.slice(k + 1))) % d;
            at += c * st[perm[k]!]!;
          });
          return x[at]!;
        });
      },
      'permute',
    );
    expect(out.shape).toEqual([4, 2, 3]);
    const t = await check(
      [3, 5],
      (x) => x.transpose(),
      (x) => Float64Array.from({ length: 15 }, (_, o) => x[(o % 3) * 5 + Math.floor(o / 3)]!),
      'transpose',
    );
    expect(t.shape).toEqual([5, 3]);
  });

  it('slice with negative and clamped bounds, and its gradient (zero padding)', async () => {
    const out = await check(
      [4, 6],
      (t) => t.slice(1, -4, 100),
      (x) => Float64Array.from({ length: 16 }, (_, o) => x[Math.floor(o / 4) * 6 + 2 + (o % 4)]!),
      'slice',
    );
    expect(out.shape).toEqual([4, 4]);
    expect(f64(new Float64Array(6), [2, 3]).slice(0, 5, 9).shape).toEqual([0, 3]);
  });

  it('concat along an inner axis', async () => {
    const r = rng();
    const [a, b] = [normal(r, 6), normal(r, 4)];
    const [at, bt] = [f64(a, [2, 3], true), f64(b, [2, 2], true)];
    const out = concat([at, bt, at], 1);
    expect(out.shape).toEqual([2, 8]);
    const want = [0, 1].flatMap((i) => [
      ...a.slice(i * 3, i * 3 + 3),
      ...b.slice(i * 2, i * 2 + 2),
      ...a.slice(i * 3, i * 3 + 3),
    ]);
    expectClose(await read(out), want, {}, 'value');
    const w = normal(r, 16);
    const [ga, gb] = grad(out, [at, bt], f64(w, [2, 8]));
    const wantA = [0, 1].flatMap((i) => [0, 1, 2].map((c) => w[i * 8 + c]! + w[i * 8 + 5 + c]!));
    expectClose(await read(ga!), wantA, { rtol: 1e-15 }, 'gradient of a (used twice)');
    expectClose(await read(gb!), [w[3]!, w[4]!, w[11]!, w[12]!], {}, 'gradient of b');
  });

  it('gather along axis 1 with 2-D indices, repeated entries, and out-of-range indices', async () => {
    const r = rng();
    const shape = [3, 5, 2];
    const x = normal(r, 30);
    const idx = [4, 0, 4, 2, 1, 4];
    const xt = f64(x, shape, true);
    const out = xt.gather(tensor(idx, [2, 3], { dtype: 'int32' }), 1);
    expect(out.shape).toEqual([3, 2, 3, 2]);
    const want = Float64Array.from({ length: 36 }, (_, o) => {
      const [a, k, b] = [Math.floor(o / 12), Math.floor(o / 2) % 6, o % 2];
      return x[(a * 5 + idx[k]!) * 2 + b]!;
    });
    expectClose(await read(out), want, {}, 'value');
    const w = normal(r, 36);
    const [g] = grad(out, [xt], f64(w, out.shape));
    const wantG = new Float64Array(30);
    for (let o = 0; o < 36; o++) {
      const [a, k, b] = [Math.floor(o / 12), Math.floor(o / 2) % 6, o % 2];
      wantG[(a * 5 + idx[k]!) * 2 + b]! += w[o]!;
    }
    expectClose(await read(g!), wantG, { rtol: 1e-15 }, 'gradient (repeated indices accumulate)');
    // Out of range: NaN for float data, -1 for int32 data; never another element.
    const bad = tensor([0, 5, -1, 2], undefined, { dtype: 'int32' });
    const picked = await read(f64(Float64Array.of(10, 11, 12, 13, 14), [5]).gather(bad));
    expect(Array.from(picked)).toEqual([10, Number.NaN, Number.NaN, 12]);
    const ints = tensor([7, 8, 9], undefined, { dtype: 'int32' }).indexSelect(
      0,
      tensor([2, 3, 0], undefined, { dtype: 'int32' }),
    );
    expect(ints.dtype).toBe('int32');
    expectEqual(await ints.data(), [9, -1, 7]);
  });

  it('indexSelect in float32 along axis 0', async () => {
    const r = rng();
    const x = normal(r, 40);
    const out = f32(x, [10, 4]).indexSelect(0, tensor([9, 0, 3], undefined, { dtype: 'int32' }));
    expect(out.shape).toEqual([3, 4]);
    expectClose(
      await read(out),
      [9, 0, 3].flatMap((i) => Array.from(Float32Array.from(x.slice(i * 4, i * 4 + 4)))),
      {},
    );
  });

  it('scatterAdd: segment sums, dropped out-of-range ids, gradient', async () => {
    const r = rng();
    const ids = [2, 0, 2, 5, 1, -1, 2];
    const x = normal(r, 7 * 3);
    const xt = f64(x, [7, 3], true);
    const out = scatterAdd(xt, tensor(ids, undefined, { dtype: 'int32' }), 4);
    expect(out.shape).toEqual([4, 3]);
    const want = new Float64Array(12);
    ids.forEach((s, k) => {
      if (s >= 0 && s < 4) for (let d = 0; d < 3; d++) want[s * 3 + d]! += x[k * 3 + d]!;
    });
    expectClose(await read(out), want, { rtol: 1e-15 }, 'value');
    const w = normal(r, 12);
    const [g] = grad(out, [xt], f64(w, [4, 3]));
    const wantG = Float64Array.from({ length: 21 }, (_, o) => {
      const s = ids[Math.floor(o / 3)]!;
      return s >= 0 && s < 4 ? w[s * 3 + (o % 3)]! : 0;
    });
    expectClose(await read(g!), wantG, {}, 'gradient');
  });

  it('cast: float rounding, truncation toward zero, invalid values to -1, gradients through float casts', async () => {
    const v = [1.7, -1.7, 2.5, -0.4, Number.NaN, 3e9, 0.1];
    const t = f64(Float64Array.from(v), [7]);
    expectEqual(await t.cast('int32').data(), [1, -1, 2, 0, -1, -1, 0]);
    expectEqual(await t.cast('float32').data(), Float32Array.from(v));
    expectEqual(await tensor([3, -4], undefined, { dtype: 'int32' }).cast('float64').data(), [3, -4]);
    const xt = tensor([0.5, 2], undefined, { dtype: 'float64', requiresGrad: true });
    const [g] = grad(xt.cast('float32').square().sum(), [xt]);
    expect(g!.dtype).toBe('float64');
    expectClose(await read(g!), [1, 4], {});
  });

  it('broadcastTo materialises and its gradient sums back', async () => {
    const out = await check(
      [3, 1],
      (t) => t.broadcastTo([2, 3, 4]),
      (x) => Float64Array.from({ length: 24 }, (_, o) => x[Math.floor(o / 4) % 3]!),
      'broadcastTo',
    );
    expect(out.shape).toEqual([2, 3, 4]);
  });
});

describe('matmul and dot', () => {
  const mm = (a: Float64Array, b: Float64Array, n: number, k: number, m: number) =>
    Float64Array.from({ length: n * m }, (_, o) => {
      let s = 0;
      for (let q = 0; q < k; q++) s += a[Math.floor(o / m) * k + q]! * b[q * m + (o % m)]!;
      return s;
    });

  it.each([
    [5, 4, 3],
    [7, 40, 30],
  ])('[%i, %i] @ [%i x m] (both kernels): value and gradients', async (n, k, m) => {
    expect(k * m <= MATMUL_PARAM_LIMIT).toBe(k === 4);
    const r = rng();
    const [a, b] = [normal(r, n * k), normal(r, k * m)];
    const [at, bt] = [f64(a, [n, k], true), f64(b, [k, m], true)];
    const out = at.matmul(bt);
    expectClose(await read(out), mm(a, b, n, k, m), { atol: 1e-13, rtol: 1e-13 }, 'value');
    const w = normal(r, n * m);
    const [ga, gb] = grad(out, [at, bt], f64(w, [n, m]));
    const L = (aa: Float64Array, bb: Float64Array) =>
      mm(aa, bb, n, k, m).reduce((s, v, o) => s + v * w[o]!, 0);
    expectClose(
      await read(ga!),
      finiteDiff((p) => L(p, b), a, 1e-6),
      { atol: 1e-7, rtol: 1e-6 },
      'd/da',
    );
    expectClose(
      await read(gb!),
      finiteDiff((p) => L(a, p), b, 1e-6),
      { atol: 1e-7, rtol: 1e-6 },
      'd/db',
    );
  });

  it('batch dims broadcast and 1-D operands follow NumPy', async () => {
    const r = rng();
    const [a, b] = [normal(r, 2 * 3 * 4), normal(r, 4 * 5)];
    const bt = f64(b, [4, 5], true);
    const out = f64(a, [2, 3, 4]).matmul(bt);
    expect(out.shape).toEqual([2, 3, 5]);
    const want = Float64Array.from([...mm(a.slice(0, 12), b, 3, 4, 5), ...mm(a.slice(12), b, 3, 4, 5)]);
    expectClose(await read(out), want, { atol: 1e-14, rtol: 1e-13 }, 'batched');
    const [gb] = grad(out.sum(), [bt]);
    expect(gb!.shape).toEqual([4, 5]);
    const wantGb = Float64Array.from({ length: 20 }, (_, o) => {
      let s = 0;
      for (let q = 0; q < 6; q++) s += a[q * 4 + Math.floor(o / 5)]!;
      return s;
    });
    expectClose(await read(gb!), wantGb, { atol: 1e-14, rtol: 1e-13 }, 'gradient summed over the batch');
    const v = normal(r, 4);
    const mv = f64(a.slice(0, 12), [3, 4]).matmul(f64(v, [4]));
    expect(mv.shape).toEqual([3]);
    expectClose(await read(mv), mm(a.slice(0, 12), v, 3, 4, 1), { rtol: 1e-13 }, 'matrix @ vector');
    const d = f64(v, [4], true).dot(f64(v, [4]));
    expect(d.shape).toEqual([]);
    expectClose([await d.item()], [v.reduce((s, x) => s + x * x, 0)], { rtol: 1e-15 }, 'dot');
  });
});
