/**
 * What distinguishes Euclidean k-means from spherical (cosine) k-means: how points are prepared,
 * the dissimilarity the assignment minimises, and how a cluster's sum becomes its centroid.
 */
import { type LazyTensor, type Tensor, tidy, ValueError } from '@symtensor/lazytensor';

/** The k-means metrics. */
export type KMeansMetric = 'euclidean' | 'cosine';

export interface KMeansGeometry {
  /** The points the iterations work on (unit rows for cosine; `x` itself for Euclidean). */
  prepare(x: Tensor, what: string): Promise<Tensor>;
  /** The dissimilarity of point x_i to centroid c_j, minimised by the assignment. */
  distance(xi: LazyTensor, cj: LazyTensor): LazyTensor;
  /** Centroids `[K, D]` from the per-cluster sums `[K, D]` and counts `[K, 1]`. */
  centroids(sums: Tensor, counts: Tensor): Tensor;
}

/** Lloyd's k-means: squared Euclidean distances (the inertia), centroids are cluster means. */
const euclidean: KMeansGeometry = {
  prepare: async (x) => x,
  distance: (xi, cj) => xi.sqdist(cj),
  // A cluster left empty after relocation keeps a zero sum; max(count, 1) keeps it at 0 instead of
  // 0/0 (scikit-learn skips the division for empty clusters, with the same result).
  centroids: (sums, counts) => tidy(() => sums.div(counts.maximum(1))),
};

/**
 * Spherical k-means: points and centroids on the unit sphere, dissimilarity 1 - cos, and the
 * centroid is the normalised sum (the mean direction).
 */
const cosine: KMeansGeometry = {
  async prepare(x, what) {
    const norms = tidy(() => x.square().sum(1, { keepDims: true }).sqrt());
    const smallest = tidy(() => norms.min());
    const zero = (await smallest.item()) === 0;
    smallest.dispose();
    if (zero) {
      norms.dispose();
      throw new ValueError(
        `${what} has a zero row, which has no direction; the cosine metric needs non-zero rows (drop them or use metric: 'euclidean')`,
      );
    }
    const unit = x.div(norms);
    norms.dispose();
    return unit;
  },
  distance: (xi, cj) => xi.dot(cj).neg().add(1),
  // A zero sum (an empty cluster) stays a zero vector rather than 0/0.
  centroids: (sums) => tidy(() => sums.div(sums.square().sum(1, { keepDims: true }).sqrt().maximum(1e-30))),
};

/** The geometry of a metric name (throws a typed error naming `what` for anything else). */
export function kmeansGeometry(metric: unknown, what: string): KMeansGeometry {
  if (metric === 'euclidean') return euclidean;
  if (metric === 'cosine') return cosine;
  throw new ValueError(`${what} must be 'euclidean' or 'cosine', got ${String(metric)}`);
}
