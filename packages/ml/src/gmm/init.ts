/**
 * Initial responsibilities of a Gaussian mixture, drawn as scikit-learn's `GaussianMixture` draws
 * them for its `init_params`; the first M-step turns them into the starting parameters.
 * - `'kmeans'`: hard assignments of a k-means++ then Lloyd clustering;
 * - `'k-means++'`: the k seeding rows alone, one per component (no Lloyd step);
 * - `'random'`: uniform random responsibilities, normalised per point;
 * - `'random_from_data'`: k distinct rows drawn uniformly, one per component.
 * With one row per component the first covariances are just `regCovar` times the identity and the
 * weights sum to k / N, exactly as in scikit-learn.
 */
import { arange, type LazyTensor, rand, scatterAdd, type Tensor, tidy, Vi, Vj } from '@symtensor/lazytensor';
import { kmeansGeometry } from '../kmeans/geometry.js';
import { kmeansPlusPlusRows, randomRows } from '../kmeans/init.js';
import { kmeans } from '../kmeans/kmeans.js';
import { derivedSeed } from '../seed.js';

/** scikit-learn's `init_params` names. */
export type GaussianMixtureInitMethod = 'kmeans' | 'k-means++' | 'random' | 'random_from_data';

export const INIT_METHODS: readonly GaussianMixtureInitMethod[] = [
  'kmeans',
  'k-means++',
  'random',
  'random_from_data',
];

/**
 * Responsibilities `r_ij` of component j for point i, in the cheapest exact form: hard labels
 * (`[N, 1]` in the data dtype, the component of each point or -1 for none) or a dense `[N, k]`
 * matrix.
 */
export type Responsibilities =
  | { readonly kind: 'labels'; readonly labels: Tensor }
  | { readonly kind: 'matrix'; readonly matrix: Tensor };

/** Draws the initial responsibilities of `method` for the rows of `x`. */
export async function initialResponsibilities(
  x: Tensor,
  method: GaussianMixtureInitMethod,
  k: number,
  seed: number,
): Promise<Responsibilities> {
  const N = x.shape[0]!;
  switch (method) {
    case 'kmeans': {
      const clusters = await kmeans(x, { k, seed });
      clusters.centroids.dispose();
      const labels = tidy(() => clusters.labels.cast(x.dtype).reshape([N, 1]));
      clusters.labels.dispose();
      return { kind: 'labels', labels };
    }
    case 'k-means++': {
      const rows = kmeansPlusPlusRows(x, k, seed, kmeansGeometry('euclidean', 'init'));
      return { kind: 'labels', labels: labelRows(rows, N, x) };
    }
    case 'random_from_data':
      return { kind: 'labels', labels: labelRows(randomRows(N, k, seed, x), N, x) };
    case 'random':
      return {
        kind: 'matrix',
        matrix: tidy(() => {
          const u = rand([N, k], { seed: derivedSeed(seed, 0), dtype: x.dtype, backend: x.backend });
          return u.div(u.sum(1, { keepDims: true }));
        }),
      };
  }
}

/** Labels `[N, 1]`: component c for row `rows[c]`, -1 for every other row. Disposes `rows`. */
function labelRows(rows: Tensor, N: number, like: Tensor): Tensor {
  const k = rows.shape[0]!;
  const labels = tidy(() => {
    const opts = { dtype: like.dtype, backend: like.backend };
    // Each chosen row gets c + 1, the others 0; then shift by one.
    return scatterAdd(arange(1, k + 1, 1, opts).reshape([k, 1]), rows, N).sub(1);
  });
  rows.dispose();
  return labels;
}

/** The component ids `[k, 1]` (0 .. k - 1) in the dtype and on the backend of `like`. */
export function componentIds(k: number, like: Tensor): Tensor {
  return arange(0, k, 1, { dtype: like.dtype, backend: like.backend }).reshape([k, 1]);
}

/** The k x k identity in the dtype and on the backend of `like`: row j is the unit vector e_j. */
export function unitVectors(k: number, like: Tensor): Tensor {
  return tidy(() => {
    const ids = componentIds(k, like);
    return ids.eq(ids.reshape([1, k]));
  });
}

/** The symbolic N x k matrix of `r_ij` read by the M-step (call inside `tidy`: it allocates). */
export function responsibilityMatrix(r: Responsibilities, k: number): LazyTensor {
  if (r.kind === 'labels') return Vi(r.labels).eq(Vj(componentIds(k, r.labels)));
  // r_ij = <R_i, e_j>: row i of the dense matrix against the j-th unit vector.
  return Vi(r.matrix).dot(Vj(unitVectors(k, r.matrix)));
}

export function disposeResponsibilities(r: Responsibilities): void {
  (r.kind === 'labels' ? r.labels : r.matrix).dispose();
}
