/**
 * The multiscale Sinkhorn loop (GeomLoss's `sinkhorn_multiscale`, two scales): points clustered on
 * a voxel grid and sorted so that clusters are contiguous; the eps-scaling schedule runs on the
 * cluster centroids (weights summed) while blur >= clusterScale; at the jump the coarse duals give
 * (1) the kept blocks of the fine cost matrices (kernel truncation, `truncation.ts`) and (2) the fine
 * potentials in closed form, f(x_i) = lam softmin_eps(C(x_i, y~), log b~ + g~ / eps), one softmin step
 * of the fine points against the coarse measure; the rest of the schedule, the `tol` iterations and
 * the final differentiable step run on the fine points over the kept blocks only. The potentials come
 * back in the caller's point order, so gradients flow through the sorting gather.
 */
import { noGrad, type Tensor, tensor, tidy, UnsupportedError, Vj } from '@symtensor/lazytensor';
import { costMatrix } from '../cost.js';
import type { Measures } from '../inputs.js';
import {
  type DualPotentials,
  damping,
  detachedScale,
  disposePotentials,
  disposeScale,
  extrapolate,
  initialPotentials,
  iterateToTolerance,
  type LoopSettings,
  type PairRanges,
  potentialList,
  runSchedule,
  type Scale,
  update,
} from '../sinkhorn-loop.js';
import { type Clustering, voxelClusters, voxelGrid } from './clusters.js';
import { type BlockMask, blockMask, maskRanges, transposeMask } from './truncation.js';

/** Kept blocks of cluster pairs out of all, and kept pairs of points out of all. */
export interface BlockCount {
  kept: number;
  total: number;
  keptPairs: number;
  allPairs: number;
}

/** What the multiscale backend did, for tuning `clusterScale` and `truncate`. */
export interface MultiscaleReport {
  /** Side of the voxels. */
  clusterScale: number;
  /** Number of non-empty clusters of x and of y. */
  clusters: [number, number];
  /** Updates run on the clusters (the first, from zero potentials, included) and on the points. */
  coarseUpdates: number;
  fineUpdates: number;
  /** The blur at which the loop jumped from clusters to points (eps = jumpBlur^p). */
  jumpBlur: number;
  /**
   * The truncation of C(x, y) and, when debiasing, of C(x, x) and C(y, y) (`undefined` with
   * `truncate: Infinity`: nothing is cut).
   */
  blocks: { xy: BlockCount; xx?: BlockCount; yy?: BlockCount } | undefined;
}

export interface MultiscaleSettings {
  p: 1 | 2;
  clusterScale: number | undefined;
  truncate: number;
  report: ((r: MultiscaleReport) => void) | undefined;
}

/** GeomLoss's default voxel side: about 2000 cells over the bounding box. */
export function defaultClusterScale(diameter: number, D: number): number {
  return diameter / (Math.sqrt(D) * 2000 ** (1 / D));
}

/**
 * Index of the last update on clusters: the one before the first eps (from the third on, as
 * GeomLoss) below clusterScale^p, or the last one when the clusters are finer than every blur.
 */
export function jumpIndex(eps: readonly number[], clusterScale: number, p: number): number {
  for (let t = 2; t < eps.length; t++) if (eps[t]! < clusterScale ** p) return t - 1;
  return eps.length - 1;
}

/** Refuses what the multiscale backend cannot do, before any work. */
export function checkMultiscaleInput(m: Measures): void {
  if (m.batch !== undefined)
    throw new UnsupportedError(
      `samplesLoss({ backend: 'multiscale' }): batched inputs [B, N, D] are not supported (each batch entry would need its own clustering); loop over the batch, or use backend 'online'`,
    );
  const D = m.x.shape[1]!;
  if (D > 3)
    throw new UnsupportedError(
      `samplesLoss({ backend: 'multiscale' }): voxel clustering needs D <= 3, got D = ${D}; use backend 'online' (linear memory in any dimension)`,
    );
}

/** Potentials of the Sinkhorn problem, with the final step differentiable, in the caller's order. */
export async function solveMultiscale(
  m: Measures,
  s: LoopSettings,
  ms: MultiscaleSettings,
  diameter: number,
): Promise<DualPotentials> {
  const D = m.x.shape[1]!;
  const [xh, yh, ah, bh] = await Promise.all([m.x, m.y, m.a, m.b].map((t) => t.data()));
  const lo = new Float64Array(D).fill(Infinity);
  const hi = new Float64Array(D).fill(-Infinity);
  for (const pts of [xh!, yh!])
    for (let k = 0; k < pts.length; k++) {
      lo[k % D] = Math.min(lo[k % D]!, pts[k]!);
      hi[k % D] = Math.max(hi[k % D]!, pts[k]!);
    }
  const scale = ms.clusterScale ?? defaultClusterScale(diameter, D);
  const grid = voxelGrid(lo, hi, scale);
  const cx = voxelClusters(xh!, ah!, grid);
  const cy = voxelClusters(yh!, bh!, grid);
  const jump = jumpIndex(s.eps, scale, ms.p);
  const epsJump = s.eps[jump]!;

  const upload = (data: Float64Array, shape: number[]) =>
    tensor(m.x.dtype === 'float32' ? Float32Array.from(data) : data, shape, {
      dtype: m.x.dtype,
      backend: m.x.backend,
    });
  const coarseInputs = [
    upload(cx.weights, [cx.weights.length, 1]),
    upload(cx.centroids, [cx.weights.length, D]),
    upload(cy.weights, [cy.weights.length, 1]),
    upload(cy.centroids, [cy.weights.length, D]),
  ] as const;
  const coarse = detachedScale(...coarseInputs);
  for (const t of coarseInputs) t.dispose();

  let fine: Scale | undefined;
  let sorted: Measures | undefined;
  let pot: DualPotentials | undefined;
  try {
    pot = runSchedule(coarse, s, s.eps.slice(0, jump + 1), initialPotentials(coarse, s, s.eps[0]!));
    const masks =
      ms.truncate === Infinity ? undefined : await truncationMasks(coarse, s, ms, epsJump, pot, cx, cy);
    const ranges: PairRanges | undefined = masks && {
      xy: maskRanges(masks.xy, cx.bounds, cy.bounds),
      yx: maskRanges(transposeMask(masks.xy), cy.bounds, cx.bounds),
      ...(masks.xx && masks.yy
        ? { xx: maskRanges(masks.xx, cx.bounds, cx.bounds), yy: maskRanges(masks.yy, cy.bounds, cy.bounds) }
        : {}),
    };
    sorted = sortedMeasures(m, cx, cy);
    const points = detachedScale(sorted.a, sorted.x, sorted.b, sorted.y, ranges);
    fine = points; // for the finally below
    // Coarse to fine: one softmin step of the points against the coarse measures.
    const coarsePot = pot;
    pot = noGrad(() => tidy(() => update(coarse, s, epsJump, coarsePot, points)));
    disposePotentials(coarsePot);
    pot = runSchedule(fine, s, s.eps.slice(jump + 1), pot);
    let extra: number;
    [pot, extra] = await iterateToTolerance(fine, s, pot);
    const last = extrapolate(sorted, pot, s, ranges);
    ms.report?.({
      clusterScale: scale,
      clusters: [cx.weights.length, cy.weights.length],
      coarseUpdates: jump + 2,
      fineUpdates: s.eps.length - 1 - jump + extra,
      jumpBlur: epsJump ** (1 / ms.p),
      blocks: masks && {
        xy: blockCounts(masks.xy),
        ...(masks.xx && masks.yy ? { xx: blockCounts(masks.xx), yy: blockCounts(masks.yy) } : {}),
      },
    });
    return unsort(last, m.x.backend, cx.order, cy.order);
  } finally {
    disposeScale(coarse);
    if (fine) disposeScale(fine);
    if (pot) disposePotentials(pot);
    if (sorted) for (const t of [sorted.a, sorted.x, sorted.b, sorted.y]) t.dispose();
  }
}

interface Masks {
  xy: BlockMask;
  xx?: BlockMask;
  yy?: BlockMask;
}

function blockCounts(mask: BlockMask): BlockCount {
  return {
    kept: mask.keptBlocks,
    total: mask.rows * mask.cols,
    keptPairs: mask.keptPairs,
    allPairs: mask.allPairs,
  };
}

/**
 * The kept blocks of C(x, y) and, when debiasing, of C(x, x) and C(y, y), from the potentials
 * extrapolated to the centroids (one more softmin step on the coarse measures) and, for p = 2, the
 * barycentric maps of those softmins. Reads O(clusters) numbers back.
 */
async function truncationMasks(
  coarse: Scale,
  s: LoopSettings,
  ms: MultiscaleSettings,
  eps: number,
  pot: DualPotentials,
  cx: Clustering,
  cy: Clustering,
): Promise<Masks> {
  // T(u~_k) = sum_l softmax_l(h_l - C(u~_k, v~_l) / eps) v~_l, for each softmin of the update.
  const map = (rows: Tensor, cols: Tensor, logW: Tensor, dual: Tensor | undefined, rowsAreX: boolean) =>
    Vj(dual ? logW.add(dual.mul(1 / eps)) : logW)
      .sub(costMatrix(s.cost, rows, cols, rowsAreX).mul(1 / eps))
      .sumsoftmaxweight('j', Vj(cols));
  const [ext, maps] = noGrad(() =>
    tidy(() => {
      const next = update(coarse, s, eps, pot);
      if (ms.p === 1) return [next, undefined] as const;
      const T: DualPotentials = {
        fba: map(coarse.x, coarse.y, coarse.logB, pot.gab, true),
        gab: map(coarse.y, coarse.x, coarse.logA, pot.fba, false),
      };
      if (pot.faa && pot.gbb) {
        T.faa = map(coarse.x, coarse.x, coarse.logA, pot.faa, true);
        T.gbb = map(coarse.y, coarse.y, coarse.logB, pot.gbb, false);
      }
      return [next, T] as const;
    }),
  );
  const host = async (p: DualPotentials | undefined) => {
    const [fba, gab, faa, gbb] = await Promise.all([p?.fba, p?.gab, p?.faa, p?.gbb].map((t) => t?.data()));
    return { fba, gab, faa, gbb };
  };
  const [f, T] = await Promise.all([host(ext), host(maps)]);
  disposePotentials(ext);
  if (maps) disposePotentials(maps);
  const settings = { p: ms.p, eps, truncate: ms.truncate, damping: damping(eps, s.rho) };
  const side = (c: Clustering, potential: ArrayLike<number>, map: ArrayLike<number> | undefined) => ({
    centroids: c.centroids,
    radii: c.radii,
    bounds: c.bounds,
    potential,
    map,
  });
  return {
    xy: blockMask(side(cx, f.fba!, T.fba), side(cy, f.gab!, T.gab), settings),
    ...(f.faa && f.gbb
      ? {
          xx: blockMask(side(cx, f.faa, T.faa), side(cx, f.faa, T.faa), settings),
          yy: blockMask(side(cy, f.gbb, T.gbb), side(cy, f.gbb, T.gbb), settings),
        }
      : {}),
  };
}

/** The measures in clustered order (a differentiable gather, so gradients reach the caller's points). */
function sortedMeasures(m: Measures, cx: Clustering, cy: Clustering): Measures {
  const index = (order: Int32Array) =>
    tensor(order, [order.length], { dtype: 'int32', backend: m.x.backend });
  const [ix, iy] = [index(cx.order), index(cy.order)];
  const out: Measures = {
    a: m.a.gather(ix),
    x: m.x.gather(ix),
    b: m.b.gather(iy),
    y: m.y.gather(iy),
    batch: undefined,
    owned: [],
  };
  ix.dispose();
  iy.dispose();
  return out;
}

/** Potentials back in the caller's order: entry order[k] of the result is entry k of `p`. */
function unsort(
  p: DualPotentials,
  backend: Tensor['backend'],
  orderX: Int32Array,
  orderY: Int32Array,
): DualPotentials {
  const inverse = (order: Int32Array) => {
    const inv = new Int32Array(order.length);
    for (let k = 0; k < order.length; k++) inv[order[k]!] = k;
    return tensor(inv, [inv.length], { dtype: 'int32', backend });
  };
  const [ix, iy] = [inverse(orderX), inverse(orderY)];
  const out: DualPotentials = { fba: p.fba.gather(ix), gab: p.gab.gather(iy) };
  if (p.faa && p.gbb) {
    out.faa = p.faa.gather(ix);
    out.gbb = p.gbb.gather(iy);
  }
  for (const t of [ix, iy, ...potentialList(p)]) t.dispose();
  return out;
}
