/**
 * The kNN graph of a point set for UMAP: each point's k nearest other points. Self-matches are
 * excluded inside the reduction (the pair i = j ranks as the largest finite number), which stays
 * right when duplicates of a point tie with it at distance 0 (dropping the first column would not).
 */
import { arange, type Tensor, tidy, Vi, Vj } from '@symtensor/lazytensor';
import { checkCount, checkFinite, checkPoints } from '../validate.js';
import { type KnnMetric, metricPlan } from './metrics.js';

export interface KnnGraphOptions {
  /** Neighbours per point, 1 <= k <= N - 1. */
  readonly k: number;
  /** Default `'euclidean'`. */
  readonly metric?: KnnMetric;
}

/** What `umap-js`'s `setPrecomputedKNN(indices, distances)` takes: one row per point. */
export interface KnnGraph {
  readonly indices: number[][];
  readonly distances: number[][];
}

const LARGEST = { float32: 3.4028234663852886e38, float64: Number.MAX_VALUE } as const;

/** The k nearest other rows of each row of `x` (`[N, D]`), exactly, as host arrays. */
export async function knnGraph(x: Tensor, options: KnnGraphOptions): Promise<KnnGraph> {
  const [N] = checkPoints(x, 'knnGraph(x)');
  const k = checkCount(options?.k, N - 1, 'knnGraph(options.k)', 'the number of other points N - 1');
  const plan = metricPlan(options.metric ?? 'euclidean', 'knnGraph(options.metric)');
  await checkFinite(x, 'knnGraph(x)');
  const points = await plan.prepare(x, 'knnGraph(x)');
  const largest = LARGEST[x.dtype as 'float32' | 'float64'];
  const { indices, distances } = tidy(() => {
    const ids = arange(0, N, 1, { dtype: x.dtype, backend: x.backend }).reshape([N, 1]);
    // (i - j)^2 - 1/4 is negative only on the diagonal, where ifelse picks the largest float.
    const offDiagonal = Vi(ids).sub(Vj(ids)).square().sub(0.25);
    const rank = offDiagonal.ifelse(plan.rank(Vi(points), Vj(points)), largest);
    const [values, indices] = rank.kminArgkmin('j', k);
    return { indices, distances: plan.toDistance(values) };
  });
  if (points !== x) points.dispose();
  const [idx, dst] = await Promise.all([indices.data(), distances.data()]);
  indices.dispose();
  distances.dispose();
  return { indices: rows(idx, N, k), distances: rows(dst, N, k) };
}

/** A row-major `[n, k]` array as n number arrays. */
function rows(flat: ArrayLike<number>, n: number, k: number): number[][] {
  return Array.from({ length: n }, (_, i) => Array.from({ length: k }, (_, c) => flat[i * k + c]!));
}
