/**
 * Exact k nearest neighbours: one `kminArgkmin` reduction over the data points per query (a fused
 * kernel; the query x data distance matrix is never stored), then the metric's monotone map on the
 * k kept values.
 */
import { type Tensor, tidy, Vi, Vj } from '@symtensor/lazytensor';
import { checkCount, checkFinite, checkPoints, checkSameSpace } from '../validate.js';
import { type KnnMetric, metricPlan } from './metrics.js';

export interface KnnOptions {
  /** Number of neighbours, 1 <= k <= number of data points. */
  readonly k: number;
  /** Default `'euclidean'`. */
  readonly metric?: KnnMetric;
}

export interface KnnResult {
  /** `[Nq, k]` int32 rows of `data`, nearest first (ties: the smaller index first). */
  readonly indices: Tensor;
  /** `[Nq, k]` the matching distances, ascending. */
  readonly distances: Tensor;
}

/** The k nearest rows of `data` (`[M, D]`) to each row of `query` (`[Nq, D]`), exactly. */
export async function knn(query: Tensor, data: Tensor, options: KnnOptions): Promise<KnnResult> {
  checkPoints(query, 'knn(query)');
  const [M] = checkPoints(data, 'knn(data)');
  checkSameSpace(query, 'knn(query)', data, 'knn(data)');
  const k = checkCount(options?.k, M, 'knn(options.k)', 'the number of data points M');
  const plan = metricPlan(options.metric ?? 'euclidean', 'knn(options.metric)');
  await checkFinite(query, 'knn(query)');
  await checkFinite(data, 'knn(data)');
  const q = await plan.prepare(query, 'knn(query)');
  const d = data === query ? q : await plan.prepare(data, 'knn(data)');
  const result = tidy(() => {
    const [values, indices] = plan.rank(Vi(q), Vj(d)).kminArgkmin('j', k);
    return { indices, distances: plan.toDistance(values) };
  });
  if (q !== query) q.dispose();
  if (d !== data && d !== q) d.dispose();
  return result;
}
