/**
 * Initial centroids: k-means++ (greedy, as scikit-learn), uniformly random distinct points, or
 * given ones. Everything runs on the device: weighted sampling uses the exponential race (the
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
 * they are distinct, which only removes wasted duplicate trials.
 */
export function kmeansPlusPlus(x: Tensor, k: number, seed: number, geometry: KMeansGeometry): Tensor {
  const n = x.shape[0]!;
  const trials = Math.min(n, 2 + Math.floor(Math.log(k)));
  const distanceTo = (c: Tensor): LazyTensor => geometry.distance(Vi(x), Vj(c));
  const first = tidy(() => x.gather(sampleRows(n, 1, derivedSeed(seed, 0), x)));
  const chosen: Tensor[] = [first];
  let closest = tidy(() => distanceTo(first).sum('j'));
  for (let c = 1; c < k; c++) {
    const [centroid, nextClosest] = tidy(() => {
      const candidates = sampleRows(n, trials, derivedSeed(seed, c), x, closest);
      const candidatePoints = x.gather(candidates);
      // Decrease of the total distance if candidate j joined: sum_i max(closest_i - d_ij, 0).
      const gain = Vi(closest).sub(distanceTo(candidatePoints)).relu().sum('i');
      const best = candidates.gather(Vj(gain).argmax('j').reshape([1]));
      const centroid = x.gather(best);
      return [centroid, closest.minimum(distanceTo(centroid).sum('j'))];
    });
    closest.dispose();
    closest = nextClosest;
    chosen.push(centroid);
  }
  closest.dispose();
  const centroids = concat(chosen, 0);
  for (const t of chosen) t.dispose();
  return centroids;
}

/** k distinct points of x chosen uniformly at random. */
export function randomRows(x: Tensor, k: number, seed: number): Tensor {
  return tidy(() => x.gather(sampleRows(x.shape[0]!, k, derivedSeed(seed, 0), x)));
}
