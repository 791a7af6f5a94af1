/**
 * k-means by Lloyd's iteration, on the device: the assignment is one `minArgmin` reduction of a
 * LazyTensor over the centroids (never an N x K matrix), the update one segment sum of the points
 * and a column of ones (sums and counts together). Each iteration reads back two numbers: how many
 * labels changed and how many clusters are empty (plus the centroid shift when `tol > 0`).
 */
import { concat, ones, scatterAdd, type Tensor, tidy, ValueError, Vi, Vj } from '@symtensor/lazytensor';
import { freshSeed } from '../seed.js';
import {
  checkCount,
  checkFinite,
  checkIterations,
  checkNonNegative,
  checkPoints,
  checkSameSpace,
} from '../validate.js';
import { type KMeansMetric, kmeansGeometry } from './geometry.js';
import { kmeansPlusPlusRows, randomRows } from './init.js';
import { relocateEmptyClusters } from './relocate.js';

export interface KMeansOptions {
  /** Number of clusters, 1 <= k <= N. */
  readonly k: number;
  /** Initial centroids: `'k-means++'` (default), `'random'` (k distinct points), or a `[k, D]` tensor. */
  readonly init?: 'k-means++' | 'random' | Tensor;
  /** Maximum number of Lloyd iterations (default 300, as scikit-learn). */
  readonly maxIter?: number;
  /**
   * Stop when the total squared centroid shift is at most `tol` times the mean per-coordinate
   * variance of the data (scikit-learn's relative tolerance; default 1e-4). Iterations stop anyway
   * once no label changes ("strict convergence"); `tol: 0` waits for that.
   */
  readonly tol?: number;
  /** Seed of the random initialisation (default: a different one on each call). */
  readonly seed?: number;
  /** `'euclidean'` (default; Lloyd) or `'cosine'` (spherical k-means: unit-norm centroids, 1 - cos). */
  readonly metric?: KMeansMetric;
}

export interface KMeansResult {
  /** Cluster of each point, `[N]` int32. */
  readonly labels: Tensor;
  /** `[k, D]` (unit vectors for the cosine metric). */
  readonly centroids: Tensor;
  /** Sum over the points of the distance to their centroid: squared Euclidean, or 1 - cos. */
  readonly inertia: number;
  /** Lloyd iterations run. */
  readonly iterations: number;
  /** True when the labels stopped changing or the shift fell below the tolerance before `maxIter`. */
  readonly converged: boolean;
}

/**
 * Clusters the rows of `x` (`[N, D]`, float32 or float64) into `k` groups. From the same initial
 * centroids it follows scikit-learn's `KMeans(algorithm='lloyd')` step by step, including its
 * relocation of empty clusters to far points and its final re-assignment.
 */
export async function kmeans(x: Tensor, options: KMeansOptions): Promise<KMeansResult> {
  const [N, D] = checkPoints(x, 'kmeans(x)');
  const K = checkCount(options?.k, N, 'kmeans(options.k)', 'the number of points N');
  const maxIter = checkIterations(options.maxIter ?? 300, 'kmeans(options.maxIter)');
  const tol = checkNonNegative(options.tol ?? 1e-4, 'kmeans(options.tol)');
  const geometry = kmeansGeometry(options.metric ?? 'euclidean', 'kmeans(options.metric)');
  const init = options.init ?? 'k-means++';
  if (typeof init !== 'string') {
    checkPoints(init, 'kmeans(options.init)');
    checkSameSpace(x, 'kmeans(x)', init, 'kmeans(options.init)');
    if (init.shape[0] !== K)
      throw new ValueError(
        `kmeans(options.init) has ${init.shape[0]} rows but options.k is ${K}; pass one initial centroid per cluster`,
      );
    await checkFinite(init, 'kmeans(options.init)');
  } else if (init !== 'k-means++' && init !== 'random')
    throw new ValueError(
      `kmeans(options.init) must be 'k-means++', 'random' or a [k, D] tensor, got ${init}`,
    );
  await checkFinite(x, 'kmeans(x)');

  const points = await geometry.prepare(x, 'kmeans(x)');
  const seed = options.seed ?? freshSeed();
  const unitCounts = ones([K, 1], { dtype: x.dtype, backend: x.backend });
  let centroids = tidy(() => {
    const start =
      init === 'k-means++'
        ? points.gather(kmeansPlusPlusRows(points, K, seed, geometry))
        : init === 'random'
          ? points.gather(randomRows(N, K, seed, points))
          : init;
    // Cosine: given centroids are projected on the sphere like the points.
    return geometry.centroids(start, unitCounts);
  });
  unitCounts.dispose();
  const withOnes = tidy(() => concat([points, ones([N, 1], { dtype: x.dtype, backend: x.backend })], 1));
  const shiftBound = tol > 0 ? tol * (await meanVariance(points)) : 0;

  let labels: Tensor | undefined;
  let nearest: Tensor | undefined;
  let iterations = 0;
  let converged = false;
  // True when the last iteration changed no label and relocated nothing: its labels and distances
  // then hold for the final centroids too (the means of the same points, bit for bit).
  let settled = false;
  for (let it = 0; it < maxIter && !converged; it++) {
    iterations = it + 1;
    const previous = labels;
    const step = tidy(() => {
      const [dist, index] = geometry.distance(Vi(points), Vj(centroids)).minArgmin('j');
      const assigned = index.reshape([N]);
      const sums = scatterAdd(withOnes, assigned, K);
      const nEmpty = sums
        .slice(1, D, D + 1)
        .eq(0)
        .sum()
        .reshape([1]);
      // The first iteration has no previous labels: every label counts as changed.
      const changed = previous
        ? assigned.cast(x.dtype).ne(previous.cast(x.dtype)).sum().reshape([1])
        : nEmpty.mul(0).add(N);
      return { dist, assigned, sums, stats: concat([changed, nEmpty]) };
    });
    const [changed, nEmpty] = (await step.stats.data()) as unknown as [number, number];
    step.stats.dispose();
    let sums = step.sums;
    if (nEmpty > 0) {
      sums = await relocateEmptyClusters(withOnes, step.assigned, step.dist, step.sums, nEmpty);
      step.sums.dispose();
    }
    const next = tidy(() => geometry.centroids(sums.slice(1, 0, D), sums.slice(1, D, D + 1)));
    sums.dispose();
    previous?.dispose();
    nearest?.dispose();
    labels = step.assigned;
    nearest = step.dist;
    settled = changed === 0 && nEmpty === 0;
    converged = changed === 0 || (shiftBound > 0 && (await squaredShift(centroids, next)) <= shiftBound);
    centroids.dispose();
    centroids = next;
  }
  if (!settled) {
    // As scikit-learn: assign once more, to the final centroids.
    labels!.dispose();
    nearest!.dispose();
    const [dist, index] = geometry.distance(Vi(points), Vj(centroids)).minArgmin('j');
    nearest = dist;
    labels = index.reshape([N]);
    index.dispose();
  }
  // Dense reductions run inside tidy: their intermediate tensors are freed with the scope.
  const total = tidy(() => nearest!.sum());
  const inertia = await total.item();
  total.dispose();
  nearest!.dispose();
  withOnes.dispose();
  if (points !== x) points.dispose();
  return { labels: labels!, centroids, inertia, iterations, converged };
}

/** Mean over the coordinates of the per-coordinate variance (scikit-learn's scale for `tol`). */
async function meanVariance(points: Tensor): Promise<number> {
  const v = tidy(() =>
    points
      .sub(points.mean(0, { keepDims: true }))
      .square()
      .mean(0)
      .mean(),
  );
  const value = await v.item();
  v.dispose();
  return value;
}

/** Total squared displacement between two centroid sets. */
async function squaredShift(a: Tensor, b: Tensor): Promise<number> {
  const s = tidy(() => a.sub(b).square().sum());
  const value = await s.item();
  s.dispose();
  return value;
}
