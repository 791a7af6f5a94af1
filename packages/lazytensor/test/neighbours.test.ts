/**
 * Nearest neighbours and K smallest values: argmin / argkmin / kmin / min / max against brute-force
 * float64 searches, in float64 and float32, over j and over i.
 */
import { describe, expect, it } from 'vitest';
import { Vi, Vj } from '../src/index.js';
import { expectClose, expectEqual, f32, f64, normal, read, rng, sqdist } from './helpers.js';

const [N, M, D] = [300, 500, 4];

/** Indices of the K nearest rows of y to each row of x (ties by index), float64. */
function bruteForce(x: Float64Array, y: Float64Array, K: number): { idx: number[]; dist: number[] } {
  const idx: number[] = [];
  const dist: number[] = [];
  for (let i = 0; i < x.length / D; i++) {
    const d = Array.from({ length: y.length / D }, (_, j) => sqdist(x, i, y, j, D));
    const order = d.map((_, j) => j).sort((a, b) => d[a]! - d[b]! || a - b);
    idx.push(...order.slice(0, K));
    dist.push(...order.slice(0, K).map((j) => d[j]!));
  }
  return { idx, dist };
}

describe('nearest neighbours', () => {
  it('argmin over j equals a brute-force float64 search (float64 data)', async () => {
    const r = rng();
    const x = normal(r, N * D);
    const y = normal(r, M * D);
    const nn = Vi(f64(x, [N, D]))
      .sqdist(Vj(f64(y, [M, D])))
      .argmin('j');
    expect(nn.shape).toEqual([N, 1]);
    expect(nn.dtype).toBe('int32');
    expectEqual(await nn.data(), bruteForce(x, y, 1).idx);
  });

  it('argmin in float32 picks a float64 nearest neighbour up to float32 near-ties', async () => {
    const r = rng();
    const x = Float64Array.from(Float32Array.from(normal(r, N * D)));
    const y = Float64Array.from(Float32Array.from(normal(r, M * D)));
    const got = await Vi(f32(x, [N, D]))
      .sqdist(Vj(f32(y, [M, D])))
      .argmin('j')
      .data();
    const { idx, dist } = bruteForce(x, y, 1);
    for (let i = 0; i < N; i++) {
      if (got[i] === idx[i]) continue;
      // A different index must be a tie within float32 rounding of the distances.
      expect(Math.abs(sqdist(x, i, y, got[i]!, D) - dist[i]!), `row ${i}`).toBeLessThanOrEqual(
        1e-6 * Math.max(1, dist[i]!),
      );
    }
  });

  it('kminArgkmin with K = 5 gives the sorted distances and their indices; argkmin and kmin agree', async () => {
    const r = rng();
    const x = normal(r, N * D);
    const y = normal(r, M * D);
    const D_ij = Vi(f64(x, [N, D])).sqdist(Vj(f64(y, [M, D])));
    const [vals, idx] = D_ij.kminArgkmin('j', 5);
    expect(vals.shape).toEqual([N, 5]);
    expect(idx.shape).toEqual([N, 5]);
    const want = bruteForce(x, y, 5);
    expectEqual(await idx.data(), want.idx, 'indices');
    expectClose(await read(vals), want.dist, { rtol: 1e-14 }, 'values');
    expectEqual(await D_ij.argkmin('j', 5).data(), want.idx, 'argkmin');
    expectClose(await read(D_ij.kmin('j', 5)), want.dist, { rtol: 1e-14 }, 'kmin');
  });

  it('kmin of a vector formula is [N, K, D], componentwise', async () => {
    const r = rng();
    const x = normal(r, 20 * 2);
    const y = normal(r, 30 * 2);
    const out = Vi(f64(x, [20, 2]))
      .sub(Vj(f64(y, [30, 2])))
      .abs()
      .kmin('j', 3);
    expect(out.shape).toEqual([20, 3, 2]);
    const got = await read(out);
    for (let i = 0; i < 20; i++)
      for (let d = 0; d < 2; d++) {
        const sorted = Array.from({ length: 30 }, (_, j) => Math.abs(x[i * 2 + d]! - y[j * 2 + d]!)).sort(
          (a, b) => a - b,
        );
        expectClose(
          [0, 1, 2].map((k) => got[(i * 3 + k) * 2 + d]!),
          sorted.slice(0, 3),
          { rtol: 1e-15 },
          `row ${i} dim ${d}`,
        );
      }
  });

  it('min, max, argmax and maxArgmax over i', async () => {
    const r = rng();
    const x = normal(r, N * D);
    const y = normal(r, M * D);
    const F = Vi(f64(x, [N, D])).dot(Vj(f64(y, [M, D])));
    const dots = (j: number) =>
      Array.from({ length: N }, (_, i) =>
        x.subarray(i * D, i * D + D).reduce((s, v, k) => s + v * y[j * D + k]!, 0),
      );
    const wantMax = Array.from({ length: M }, (_, j) => Math.max(...dots(j)));
    const wantMin = Array.from({ length: M }, (_, j) => Math.min(...dots(j)));
    const wantArg = Array.from({ length: M }, (_, j) => dots(j).indexOf(wantMax[j]!));
    expectClose(await read(F.max('i')), wantMax, { rtol: 1e-14 }, 'max');
    expectClose(await read(F.min('i')), wantMin, { rtol: 1e-14 }, 'min');
    expectEqual(await F.argmax('i').data(), wantArg, 'argmax');
    const [v, a] = F.maxArgmax('i');
    expectClose(await read(v), wantMax, { rtol: 1e-14 }, 'maxArgmax values');
    expectEqual(await a.data(), wantArg, 'maxArgmax indices');
  });
});
