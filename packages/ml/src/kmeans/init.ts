/**
 * Initial centroids as row indices of the data: k-means++ (greedy, as scikit-learn) or uniformly
 * random distinct rows. Everything runs on the device: weighted sampling uses the exponential race (the
 * smallest `E_i / w_i` with `E_i ~ Exp(1)` is index i with probability `w_i / sum w`), which is an
 * argmin reduction instead of a cumulative sum and a host-side search.
 */
import { concat, type LazyTensor, rand, type Tensor, tidy, Vi, Vj, where } from '@symtensor/lazytensor';
import { derivedSeed } from '../seed.js';
import type { KMeansGeometry } from './geometry.js';

/**
 * k distinct row indices `[k]` (int32) drawn with probabilities proportional to `weights` `[N, 1]`
 * (uniform when omitted), without replacement.
 */
function sampleRows(n: number, k: number, seed: number, like: Tensor, weights?: Tensor): Tensor {
  const u = rand([n, 1], { seed, dtype: like.dtype, backend: like.backend });
  // -log(1 - u) is Exp(1) and finite (u < 1). Points with no weight (the centroids themselves, or
  // a rounding-negative cosine distance) get +Infinity: drawn only when nothing else is left.
  const exponential = u.neg().add(1).log().neg();
  const keys = weights
    ? where(weights.gt(0), exponential.div(weights), Number.POSITIVE_INFINITY)
    : exponential;
  return Vj(keys).argkmin('j', k).reshape([k]);
}

/**
 * Greedy k-means++ (Arthur & Vassilvitskii; scikit-learn's variant): the first centroid is a
 * uniform random point; each next one is the best of `2 + floor(ln k)` candidates drawn with
 * probability proportional to the current distance to the nearest centroid, "best" meaning the
 * one that lowers the total distance most. scikit-learn draws the candidates with replacement; here
 * they are distinct, which only removes wasted duplicate trials. Returns the chosen row indices
 * `[k]` (int32), in the order chosen (Gaussian mixtures start from the rows themselves).
 */
export function kmeansPlusPlusRows(x: Tensor, k: number, seed: number, geometry: KMeansGeometry): Tensor {
  const n = x.shape[0]!;
  const trials = Math.min(n, 2 + Math.floor(Math.log(k)));
  const distanceTo = (c: Tensor): LazyTensor => geometry.distance(Vi(x), Vj(c));
  const first = tidy(() => sampleRows(n, 1, derivedSeed(seed, 0), x));
  const rows: Tensor[] = [first];
  let closest = tidy(() => distanceTo(x.gather(first)).sum('j'));
  for (let c = 1; c < k; c++) {
    const [best, nextClosest] = tidy(() => {
      const candidates = sampleRows(n, trials, derivedSeed(seed, c), x, closest);
      // Decrease of the total distance if candidate j joined: sum_i max(closest_i - d_ij, 0).
      const gain = Vi(closest)
        .sub(distanceTo(x.gather(candidates)))
        .relu()
        .sum('i');
      const best = candidates.gather(Vj(gain).argmax('j').reshape([1]));
      return [best, closest.minimum(distanceTo(x.gather(best)).sum('j'))];
    });
    closest.dispose();
    closest = nextClosest;
    rows.push(best);
  }
  closest.dispose();
  // concat has no int32 form: the indices travel as float64 (exact for any row count).
  const indices = tidy(() =>
    concat(
      rows.map((r) => r.cast('float64')),
      0,
    ).cast('int32'),
  );
  for (const t of rows) t.dispose();
  return indices;
}

/** k distinct row indices `[k]` (int32) of an `n`-row tensor, uniformly at random. */
export function randomRows(n: number, k: number, seed: number, like: Tensor): Tensor {
  return tidy(() => sampleRows(n, k, derivedSeed(seed, 0), like));
}
