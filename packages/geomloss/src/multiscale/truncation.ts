/**
 * Kernel truncation (Schmitzer 2016, Feydy's thesis): at the coarse-to-fine jump, the coarse dual
 * potentials say which pairs of clusters can still carry transport. Block (k, l) is dropped when
 * every pair (x_i, y_j) of it has f(x_i) + g(y_j) - C(x_i, y_j) < -truncate * eps, i.e. a kernel
 * weight below exp(-truncate) that only shrinks as eps decreases. The kept blocks become the
 * block-sparse `ranges` of the fine softmins.
 *
 * Unlike GeomLoss, which tests the centroids only, the test bounds the whole block. The fine
 * potentials start from the closed-form extrapolation f(x) = lam softmin_eps(C(x, y~), log b~ + g~ /
 * eps) of the coarse duals, and Q(x, y) = f(x) + g(y) - C(x, y) is bounded on a block around the
 * centroids (x~_k, y~_l) of radii r_k, r_l by
 *   p = 2: Q <= Q~ + r_k |grad_x Q~| + r_l |grad_y Q~| + r_k r_l,
 *     since Q = A(x) + B(y) + <x, y> with A, B concave (a LogSumExp of affine functions, minus
 *     (1 - lam)|x|^2 / 2), so each is below its tangent plane; grad_x Q~ = y~ - lam T(x~) - (1 - lam) x~
 *     with T the softmin's barycentric map;
 *   p = 1: Q <= Q~ + (1 + lam)(r_k + r_l), since f, g and C are lam-, lam- and 1-Lipschitz.
 */
import type { Ranges } from '@symtensor/lazytensor';

/** One side of a block matrix: the clusters of one cloud and the extrapolated potential on them. */
export interface TruncationSide {
  centroids: Float64Array;
  radii: Float64Array;
  /** Sorted point ranges of the clusters (`bounds[c]` to `bounds[c + 1]`). */
  bounds: Int32Array;
  /** The extrapolated potential at the centroids. */
  potential: ArrayLike<number>;
  /** p = 2: its softmin's barycentric map at the centroids, `[K * D]`. */
  map?: ArrayLike<number> | undefined;
}

export interface TruncationSettings {
  p: 1 | 2;
  eps: number;
  truncate: number;
  /** The damping lam = 1 / (1 + eps / rho) of the potentials (1 when balanced). */
  damping: number;
}

/** Kept blocks, row-major `[Kr * Kc]`, with their counts. */
export interface BlockMask {
  keep: Uint8Array;
  rows: number;
  cols: number;
  keptBlocks: number;
  /** Pairs of points in the kept blocks, and in all blocks. */
  keptPairs: number;
  allPairs: number;
}

/** Which blocks of C(rows, cols) the fine softmins keep. */
export function blockMask(r: TruncationSide, c: TruncationSide, s: TruncationSettings): BlockMask {
  const Kr = r.radii.length;
  const Kc = c.radii.length;
  const D = r.centroids.length / Math.max(Kr, 1);
  const lam = s.damping;
  const floor = -s.truncate * s.eps;
  const bound = new Float64Array(Kr * Kc);
  for (let k = 0; k < Kr; k++)
    for (let l = 0; l < Kc; l++) {
      let d2 = 0;
      for (let d = 0; d < D; d++) d2 += (r.centroids[k * D + d]! - c.centroids[l * D + d]!) ** 2;
      const rk = r.radii[k]!;
      const rl = c.radii[l]!;
      let Q = r.potential[k]! + c.potential[l]!;
      if (s.p === 2) {
        let gx2 = 0;
        let gy2 = 0;
        for (let d = 0; d < D; d++) {
          const xk = r.centroids[k * D + d]!;
          const yl = c.centroids[l * D + d]!;
          gx2 += (yl - lam * r.map![k * D + d]! - (1 - lam) * xk) ** 2;
          gy2 += (xk - lam * c.map![l * D + d]! - (1 - lam) * yl) ** 2;
        }
        Q += rk * Math.sqrt(gx2) + rl * Math.sqrt(gy2) + rk * rl - d2 / 2;
      } else {
        Q += (1 + lam) * (rk + rl) - Math.sqrt(d2);
      }
      bound[k * Kc + l] = Q;
    }
  const keep = new Uint8Array(Kr * Kc);
  for (let t = 0; t < keep.length; t++) keep[t] = bound[t]! >= floor ? 1 : 0;
  // Every row and column keeps at least its most likely block: an empty softmin would be +inf.
  for (let k = 0; k < Kr; k++) keep[k * Kc + argmaxOf(bound, k * Kc, 1, Kc)] = 1;
  for (let l = 0; l < Kc; l++) keep[l + Kc * argmaxOf(bound, l, Kc, Kr)] = 1;
  let keptBlocks = 0;
  let keptPairs = 0;
  for (let k = 0; k < Kr; k++)
    for (let l = 0; l < Kc; l++)
      if (keep[k * Kc + l]) {
        keptBlocks++;
        keptPairs += (r.bounds[k + 1]! - r.bounds[k]!) * (c.bounds[l + 1]! - c.bounds[l]!);
      }
  const allPairs = r.bounds[Kr]! * c.bounds[Kc]!;
  return { keep, rows: Kr, cols: Kc, keptBlocks, keptPairs, allPairs };
}

function argmaxOf(v: Float64Array, start: number, stride: number, count: number): number {
  let best = 0;
  for (let t = 1; t < count; t++) if (v[start + t * stride]! > v[start + best * stride]!) best = t;
  return best;
}

/** The transposed mask (columns become rows). */
export function transposeMask(m: BlockMask): BlockMask {
  const keep = new Uint8Array(m.keep.length);
  for (let k = 0; k < m.rows; k++)
    for (let l = 0; l < m.cols; l++) keep[l * m.rows + k] = m.keep[k * m.cols + l]!;
  return { ...m, keep, rows: m.cols, cols: m.rows };
}

/**
 * KeOps-style ranges of a mask: row cluster k covers its sorted points and reduces over the point
 * ranges of its kept column clusters, consecutive clusters merged into one range.
 */
export function maskRanges(m: BlockMask, rowBounds: Int32Array, colBounds: Int32Array): Ranges {
  const rows = new Int32Array(2 * m.rows);
  const slices = new Int32Array(m.rows);
  const red: number[] = [];
  for (let k = 0; k < m.rows; k++) {
    rows[2 * k] = rowBounds[k]!;
    rows[2 * k + 1] = rowBounds[k + 1]!;
    let l = 0;
    while (l < m.cols) {
      if (!m.keep[k * m.cols + l]) {
        l++;
        continue;
      }
      const first = l;
      while (l < m.cols && m.keep[k * m.cols + l]) l++;
      red.push(colBounds[first]!, colBounds[l]!);
    }
    slices[k] = red.length / 2;
  }
  return { rows, slices, redRanges: Int32Array.from(red) };
}
