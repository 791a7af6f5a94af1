/**
 * Voxel-grid clustering on the host (GeomLoss's `grid_cluster` + `cluster_ranges_centroids`): each
 * point gets the cubic cell of side `scale` it falls in, points are sorted by cell so that every
 * cluster is a contiguous run of the sorted order, and each cluster is summarized by its total
 * weight, its weighted centroid and its radius (the farthest point from the centroid, which the
 * kernel truncation needs to bound the cost over a block).
 */
import { ValueError } from '@symtensor/lazytensor';

/** The cell grid shared by both clouds. */
export interface VoxelGrid {
  /** Lower corner of the grid. */
  origin: Float64Array;
  /** Number of cells along each axis. */
  cells: Int32Array;
  /** Side of a cell. */
  scale: number;
}

export interface Clustering {
  /** `order[k]` is the original index of the k-th point in sorted order. */
  order: Int32Array;
  /** Cluster c holds the sorted points `[bounds[c], bounds[c + 1])`. */
  bounds: Int32Array;
  /** Weighted centroids, `[K * D]` row-major. */
  centroids: Float64Array;
  /** Total weight of each cluster (the weights' positive parts). */
  weights: Float64Array;
  /** Largest distance from a point of the cluster to its centroid. */
  radii: Float64Array;
}

/**
 * The grid of cells of side `scale` covering the bounding box [lo, hi] of both clouds. Cell indices
 * are combined into one integer key per point, so their product must stay exact in a double.
 */
export function voxelGrid(lo: Float64Array, hi: Float64Array, scale: number): VoxelGrid {
  const D = lo.length;
  const cells = new Int32Array(D);
  let total = 1;
  for (let d = 0; d < D; d++) {
    const n = Math.floor((hi[d]! - lo[d]!) / scale) + 1;
    total *= n;
    if (!Number.isFinite(n) || total > 2 ** 48)
      throw new ValueError(
        `samplesLoss({ clusterScale: ${scale} }): the grid would have more than 2^48 cells over the data's bounding box; use a larger clusterScale (the default gives about 2000 cells)`,
      );
    cells[d] = n;
  }
  return { origin: Float64Array.from(lo), cells, scale };
}

/** Clusters of `points` (`[N * D]`, with weights `[N]`) on `grid`. */
export function voxelClusters(
  points: ArrayLike<number>,
  weights: ArrayLike<number>,
  grid: VoxelGrid,
): Clustering {
  const D = grid.cells.length;
  const N = weights.length;
  const keys = new Float64Array(N);
  for (let i = 0; i < N; i++) {
    let key = 0;
    for (let d = D - 1; d >= 0; d--) {
      const c = Math.floor((points[i * D + d]! - grid.origin[d]!) / grid.scale);
      // Points on the upper face of the box land in the last cell.
      key = key * grid.cells[d]! + Math.min(Math.max(c, 0), grid.cells[d]! - 1);
    }
    keys[i] = key;
  }
  // Ties by index keep the sort deterministic.
  const order = new Int32Array(N);
  for (let i = 0; i < N; i++) order[i] = i;
  order.sort((p, q) => keys[p]! - keys[q]! || p - q);

  const bounds: number[] = [0];
  for (let k = 1; k < N; k++) if (keys[order[k]!] !== keys[order[k - 1]!]) bounds.push(k);
  bounds.push(N);
  const K = bounds.length - 1;
  const centroids = new Float64Array(K * D);
  const mass = new Float64Array(K);
  const radii = new Float64Array(K);
  for (let c = 0; c < K; c++) {
    const [from, to] = [bounds[c]!, bounds[c + 1]!];
    let w = 0;
    for (let k = from; k < to; k++) w += Math.max(weights[order[k]!]!, 0);
    // A cluster of zero weight (all its points masked out) still needs a position: its mean.
    for (let k = from; k < to; k++) {
      const i = order[k]!;
      const share = w > 0 ? Math.max(weights[i]!, 0) / w : 1 / (to - from);
      for (let d = 0; d < D; d++) centroids[c * D + d]! += share * points[i * D + d]!;
    }
    let r2 = 0;
    for (let k = from; k < to; k++) {
      const i = order[k]!;
      let s = 0;
      for (let d = 0; d < D; d++) s += (points[i * D + d]! - centroids[c * D + d]!) ** 2;
      r2 = Math.max(r2, s);
    }
    mass[c] = w;
    radii[c] = Math.sqrt(r2);
  }
  return { order, bounds: Int32Array.from(bounds), centroids, weights: mass, radii };
}
