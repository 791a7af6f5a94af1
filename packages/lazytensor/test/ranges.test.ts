/**
 * Block-sparse reductions (ranges): values against a dense float64 computation restricted to the
 * kept blocks, gradients over both indices (the one over the other index uses the transposed
 * interactions), with and without batch dims.
 */
import type { Ranges } from '@symtensor/core-ir';
import type { Rng } from '@symtensor/core-ir/testing';
import { describe, expect, it } from 'vitest';
import { grad, Vi, Vj } from '../src/index.js';
import { transposeRanges } from '../src/lazy/ranges.js';
import { expectClose, f64, finiteDiff, normal, read, rng } from './helpers.js';

/** Random clusters of [0, n) (some empty), as boundaries. */
function clusters(r: Rng, n: number, count: number): number[] {
  const cuts = Array.from({ length: count - 1 }, () => r.int(0, n + 1)).sort((a, b) => a - b);
  return [0, ...cuts, n];
}

/** Ranges keeping each (row cluster, column cluster) pair with probability 1/2, and the dense mask. */
function randomRanges(
  r: Rng,
  N: number,
  M: number,
): { ranges: Ranges; keep: (i: number, j: number) => boolean } {
  const ci = clusters(r, N, 5);
  const cj = clusters(r, M, 6);
  const rows: number[] = [];
  const slices: number[] = [];
  const red: number[] = [];
  const kept = new Set<string>();
  for (let a = 0; a < ci.length - 1; a++) {
    rows.push(ci[a]!, ci[a + 1]!);
    for (let b = 0; b < cj.length - 1; b++)
      if (r.next() < 0.5) {
        red.push(cj[b]!, cj[b + 1]!);
        kept.add(`${a},${b}`);
      }
    slices.push(red.length / 2);
  }
  const clusterOf = (bounds: number[], k: number) =>
    bounds.findIndex((_, c) => k >= bounds[c]! && k < bounds[c + 1]!);
  return {
    ranges: { rows: Int32Array.from(rows), slices: Int32Array.from(slices), redRanges: Int32Array.from(red) },
    keep: (i, j) => kept.has(`${clusterOf(ci, i)},${clusterOf(cj, j)}`),
  };
}

describe('block-sparse ranges', () => {
  const [N, M, D] = [40, 50, 2];

  it('Sum over j matches the dense masked sum; gradients w.r.t. x and y (transposed ranges) match finite differences', async () => {
    const r = rng();
    const { ranges, keep } = randomRanges(r, N, M);
    const x = normal(r, N * D);
    const y = normal(r, M * D);
    const c = normal(r, N);
    const dense = (xx: Float64Array, yy: Float64Array) => {
      const out = new Float64Array(N);
      for (let i = 0; i < N; i++)
        for (let j = 0; j < M; j++)
          if (keep(i, j))
            out[i]! += Math.exp(-((xx[i * D]! - yy[j * D]!) ** 2) - (xx[i * D + 1]! - yy[j * D + 1]!) ** 2);
      return out;
    };
    const [xt, yt] = [f64(x, [N, D], true), f64(y, [M, D], true)];
    const out = Vi(xt).sqdist(Vj(yt)).neg().exp().sum('j', { ranges });
    expectClose(await read(out), dense(x, y), { atol: 1e-13, rtol: 1e-13 }, 'value');
    const L = (xx: Float64Array, yy: Float64Array) => dense(xx, yy).reduce((s, v, i) => s + v * c[i]!, 0);
    const [gx, gy] = grad(out, [xt, yt], f64(c, [N, 1]));
    expectClose(
      await read(gx!),
      finiteDiff((p) => L(p, y), x),
      { atol: 1e-8, rtol: 1e-6 },
      'd/dx',
    );
    expectClose(
      await read(gy!),
      finiteDiff((p) => L(x, p), y),
      { atol: 1e-8, rtol: 1e-6 },
      'd/dy',
    );
  });

  it('apply inside each batch entry', async () => {
    const r = rng();
    const { ranges, keep } = randomRanges(r, N, M);
    const B = 3;
    const x = normal(r, B * N * D);
    const y = normal(r, B * M * D);
    const out = Vi(f64(x, [B, N, D]))
      .dot(Vj(f64(y, [B, M, D])))
      .sum('j', { ranges });
    const want = new Float64Array(B * N);
    for (let b = 0; b < B; b++)
      for (let i = 0; i < N; i++)
        for (let j = 0; j < M; j++)
          if (keep(i, j))
            want[b * N + i]! +=
              x[(b * N + i) * D]! * y[(b * M + j) * D]! + x[(b * N + i) * D + 1]! * y[(b * M + j) * D + 1]!;
    expectClose(await read(out), want, { atol: 1e-13, rtol: 1e-13 });
  });

  it('transposeRanges gives the same interactions seen from the other index', () => {
    const r = rng();
    const { ranges, keep } = randomRanges(r, N, M);
    const t = transposeRanges(ranges);
    const pairs = (rg: Ranges, swap: boolean) => {
      const out = new Set<string>();
      for (let c = 0; c < rg.slices.length; c++)
        for (let row = rg.rows[2 * c]!; row < rg.rows[2 * c + 1]!; row++)
          for (let s = c === 0 ? 0 : rg.slices[c - 1]!; s < rg.slices[c]!; s++)
            for (let k = rg.redRanges[2 * s]!; k < rg.redRanges[2 * s + 1]!; k++)
              out.add(swap ? `${k},${row}` : `${row},${k}`);
      return out;
    };
    const direct = pairs(ranges, false);
    expect([...pairs(t, true)].sort()).toEqual([...direct].sort());
    let count = 0;
    for (let i = 0; i < N; i++) for (let j = 0; j < M; j++) if (keep(i, j)) count++;
    expect(direct.size).toBe(count);
  });
});
