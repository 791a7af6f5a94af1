/**
 * Empty clusters, handled as scikit-learn's Lloyd iteration does (`_relocate_empty_clusters_dense`):
 * each empty cluster takes one of the points farthest from their own (old) centroid, the farthest
 * point going to the empty cluster with the smallest id, the next to the next, and so on. The point
 * is moved between the per-cluster sums (removed from its cluster's sum, which becomes the sum of
 * the empty one) while the labels stay as assigned, so the next assignment step decides again.
 * scikit-learn takes the farthest points from `np.argpartition`, whose order among them is not
 * specified; here the order is by decreasing distance, ties going to the smaller point index.
 */
import { scatterAdd, type Tensor, tensor, tidy, Vj } from '@symtensor/lazytensor';

/**
 * Returns new per-cluster sums `[K, D + 1]` (the last column counts the points) with every empty
 * cluster given one far point. `points` is `[N, D + 1]` with a trailing column of ones, `labels` the
 * int32 assignment `[N]`, `nearest` `[N, 1]` each point's distance to its centroid. Reads back the
 * K counts (to know which clusters are empty): called only when some are.
 */
export async function relocateEmptyClusters(
  points: Tensor,
  labels: Tensor,
  nearest: Tensor,
  sums: Tensor,
  nEmpty: number,
): Promise<Tensor> {
  const [K, width] = sums.shape as [number, number];
  const countColumn = sums.slice(1, width - 1, width);
  const counts = await countColumn.data();
  countColumn.dispose();
  const empty = Int32Array.from(counts.keys()).filter((c) => counts[c] === 0);
  return tidy(() => {
    const far = Vj(nearest.neg()).argkmin('j', nEmpty).reshape([nEmpty]);
    const moved = points.gather(far);
    const from = labels.gather(far);
    const to = tensor(empty, [nEmpty], { backend: points.backend });
    return sums.add(scatterAdd(moved, to, K)).sub(scatterAdd(moved, from, K));
  });
}
