/**
 * The host-side pieces of the multiscale backend against brute force: voxel clustering, the kernel
 * truncation bound (no dropped block may hold a pair with f + g - C >= -truncate eps, checked pair
 * by pair with the extrapolated potentials computed densely), and the ranges built from a mask.
 */
import { describe, expect, it } from 'vitest';
import { type Clustering, voxelClusters, voxelGrid } from '../src/multiscale/clusters.js';
import { blockMask, maskRanges, transposeMask } from '../src/multiscale/truncation.js';
import { uniform, weights } from './helpers.js';

const D = 2;

function bounds(...clouds: Float64Array[]): [Float64Array, Float64Array] {
  const lo = new Float64Array(D).fill(Infinity);
  const hi = new Float64Array(D).fill(-Infinity);
  for (const c of clouds)
    for (let k = 0; k < c.length; k++) {
      lo[k % D] = Math.min(lo[k % D]!, c[k]!);
      hi[k % D] = Math.max(hi[k % D]!, c[k]!);
    }
  return [lo, hi];
}

describe('voxelClusters', () => {
  const N = 500;
  const x = uniform(71, N * D, -1, 2);
  const w = weights(72, N);
  w[5] = 0; // a masked point still belongs to its cell
  const scale = 0.37;
  const grid = voxelGrid(...bounds(x), scale);
  const c = voxelClusters(x, w, grid);
  const cell = (i: number) =>
    Array.from({ length: D }, (_, d) => Math.floor((x[i * D + d]! - grid.origin[d]!) / scale)).join(',');

  it('sorts the points into contiguous runs of one cell each, distinct cells per run', () => {
    expect([...c.order].sort((p, q) => p - q)).toEqual(Array.from({ length: N }, (_, i) => i));
    expect(c.bounds[0]).toBe(0);
    expect(c.bounds[c.bounds.length - 1]).toBe(N);
    const seen = new Set<string>();
    for (let k = 0; k + 1 < c.bounds.length; k++) {
      const id = cell(c.order[c.bounds[k]!]!);
      for (let t = c.bounds[k]!; t < c.bounds[k + 1]!; t++) expect(cell(c.order[t]!)).toBe(id);
      expect(seen.has(id)).toBe(false);
      seen.add(id);
    }
    // 3 / 0.37 -> 9 cells a side: many clusters, several points each.
    expect(c.weights.length).toBeGreaterThan(50);
    expect(c.weights.length).toBeLessThan(N / 3);
  });

  it('summarizes each cluster by its total weight, weighted centroid and radius', () => {
    for (let k = 0; k + 1 < c.bounds.length; k++) {
      const members = Array.from(c.order.slice(c.bounds[k]!, c.bounds[k + 1]!));
      const mass = members.reduce((s, i) => s + w[i]!, 0);
      expect(c.weights[k]).toBeCloseTo(mass, 15);
      for (let d = 0; d < D; d++) {
        const mean = members.reduce((s, i) => s + w[i]! * x[i * D + d]!, 0) / mass;
        expect(Math.abs(c.centroids[k * D + d]! - mean)).toBeLessThan(1e-14);
      }
      const far = Math.max(
        ...members.map((i) =>
          Math.hypot(...Array.from({ length: D }, (_, d) => x[i * D + d]! - c.centroids[k * D + d]!)),
        ),
      );
      expect(Math.abs(c.radii[k]! - far)).toBeLessThan(1e-14);
    }
  });
});

/** Dense float64 softmin potentials and their barycentric maps, at arbitrary points u. */
function extrapolated(
  u: Float64Array,
  c: Clustering,
  h: Float64Array,
  p: 1 | 2,
  eps: number,
  lam: number,
): { f: Float64Array; T: Float64Array } {
  const n = u.length / D;
  const K = h.length;
  const f = new Float64Array(n);
  const T = new Float64Array(n * D);
  for (let i = 0; i < n; i++) {
    const e = new Float64Array(K);
    for (let l = 0; l < K; l++) {
      let d2 = 0;
      for (let d = 0; d < D; d++) d2 += (u[i * D + d]! - c.centroids[l * D + d]!) ** 2;
      e[l] = h[l]! - (p === 2 ? d2 / 2 : Math.sqrt(d2)) / eps;
    }
    const top = Math.max(...e);
    let s = 0;
    for (let l = 0; l < K; l++) s += Math.exp(e[l]! - top);
    f[i] = -lam * eps * (top + Math.log(s));
    for (let l = 0; l < K; l++)
      for (let d = 0; d < D; d++) T[i * D + d]! += (Math.exp(e[l]! - top) / s) * c.centroids[l * D + d]!;
  }
  return { f, T };
}

describe.each([
  { p: 2 as const, lam: 1 },
  { p: 2 as const, lam: 0.7 },
  { p: 1 as const, lam: 1 },
  { p: 1 as const, lam: 0.7 },
])('blockMask p=$p damping=$lam', ({ p, lam }) => {
  const [N, M] = [400, 300];
  const x = uniform(81, N * D);
  const y = uniform(82, M * D, 0.2, 1.4);
  const grid = voxelGrid(...bounds(x, y), 0.12);
  const cx = voxelClusters(x, weights(83, N), grid);
  const cy = voxelClusters(y, weights(84, M), grid);
  const eps = p === 2 ? 0.01 : 0.05;
  const truncate = 3;
  // Arbitrary coarse duals: the bound holds for softmins of any h.
  const hx = uniform(85, cx.weights.length, -2, 2);
  const hy = uniform(86, cy.weights.length, -2, 2);
  const onX = extrapolated(cx.centroids, cy, hy, p, eps, lam);
  const onY = extrapolated(cy.centroids, cx, hx, p, eps, lam);
  const mask = blockMask(
    { ...cx, potential: onX.f, map: onX.T },
    { ...cy, potential: onY.f, map: onY.T },
    { p, eps, truncate, damping: lam },
  );

  it('drops no block holding a pair with f(x_i) + g(y_j) - C(x_i, y_j) >= -truncate eps', () => {
    const sortedX = Float64Array.from(Array.from(cx.order).flatMap((i) => [x[i * D]!, x[i * D + 1]!]));
    const sortedY = Float64Array.from(Array.from(cy.order).flatMap((j) => [y[j * D]!, y[j * D + 1]!]));
    const f = extrapolated(sortedX, cy, hy, p, eps, lam).f;
    const g = extrapolated(sortedY, cx, hx, p, eps, lam).f;
    let dropped = 0;
    let closest = -Infinity;
    for (let k = 0; k < mask.rows; k++)
      for (let l = 0; l < mask.cols; l++) {
        if (mask.keep[k * mask.cols + l]) continue;
        dropped++;
        for (let i = cx.bounds[k]!; i < cx.bounds[k + 1]!; i++)
          for (let j = cy.bounds[l]!; j < cy.bounds[l + 1]!; j++) {
            const d2 =
              (sortedX[2 * i]! - sortedY[2 * j]!) ** 2 + (sortedX[2 * i + 1]! - sortedY[2 * j + 1]!) ** 2;
            const Q = f[i]! + g[j]! - (p === 2 ? d2 / 2 : Math.sqrt(d2));
            closest = Math.max(closest, Q);
          }
      }
    expect(closest).toBeLessThan(-truncate * eps);
    // The test has teeth: most blocks are dropped, and the bound is not vacuous (a dropped pair
    // comes within a factor 3 of the threshold).
    expect(dropped).toBeGreaterThan(0.5 * mask.rows * mask.cols);
    expect(closest).toBeGreaterThan(-3 * truncate * eps);
    expect(mask.keptBlocks).toBe(mask.rows * mask.cols - dropped);
  });

  it('builds ranges that cover exactly the kept blocks, in both directions', () => {
    for (const [m, rb, cb] of [
      [mask, cx.bounds, cy.bounds],
      [transposeMask(mask), cy.bounds, cx.bounds],
    ] as const) {
      const r = maskRanges(m, rb, cb);
      const rows = rb[m.rows]!;
      const cols = cb[m.cols]!;
      const covered = new Uint8Array(rows * cols);
      for (let k = 0; k < m.rows; k++)
        for (let s = k === 0 ? 0 : r.slices[k - 1]!; s < r.slices[k]!; s++)
          for (let i = r.rows[2 * k]!; i < r.rows[2 * k + 1]!; i++)
            for (let j = r.redRanges[2 * s]!; j < r.redRanges[2 * s + 1]!; j++) covered[i * cols + j]! += 1;
      let pairs = 0;
      let wrong = 0;
      for (let k = 0; k < m.rows; k++)
        for (let l = 0; l < m.cols; l++)
          for (let i = rb[k]!; i < rb[k + 1]!; i++)
            for (let j = cb[l]!; j < cb[l + 1]!; j++) {
              if (covered[i * cols + j] !== m.keep[k * m.cols + l]) wrong++;
              pairs += m.keep[k * m.cols + l]!;
            }
      expect(wrong).toBe(0);
      expect(pairs).toBe(m.keptPairs);
    }
  });
});
