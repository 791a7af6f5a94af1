/**
 * Clustering suites of @symtensor/ml, on the peers' inputs so that the imported scikit-learn /
 * FAISS rows were measured on the same points from the same starting parameters:
 * - kmeans-d2, kmeans-d10 (peers "d"): x = normal(401, (N, D)), K = 100 centroids starting at
 *   x[:100], 10 Lloyd iterations. A result is the final centroids; the check compares their float64
 *   inertia (every point to its nearest centroid) with that of a float64 Lloyd from the same start.
 * - gmm-full, gmm-diag (peers "e"): 10 centres f32(10 uniform(501)), x_i = f32(centre_(i mod 10) +
 *   0.5 normal(502)_i), D = 2, K = 10, EM from means x[:10], uniform weights and identity
 *   precisions, tol 0, 10 iterations. EM never lowers the likelihood, so the float64 mean
 *   log-likelihood of the returned parameters must not be below the reported one (that of the last
 *   E-step, scikit-learn's lower_bound_).
 */

import { normal, uniform } from '@symtensor/core-ir/peer-inputs';
import { tensor } from '@symtensor/lazytensor';
import { gaussianMixture, kmeans } from '@symtensor/ml';
import { sqDist64 } from '../check/float64.js';
import { algorithmWorkload, algorithmCheck as check, invalid, on } from './algorithm.js';
import type { Suite } from './types.js';

// --- k-means -------------------------------------------------------------------------------------

const KM_K = 100;
const KM_ITER = 10;

/** Sum over the points of the squared distance to the nearest of the K centroids `c`, in float64. */
export function inertia64(x: Float32Array, n: number, D: number, c: ArrayLike<number>, K: number): number {
  let total = 0;
  for (let i = 0; i < n; i++) {
    let best = Number.POSITIVE_INFINITY;
    for (let k = 0; k < K; k++) best = Math.min(best, sqDist64(x, i, c, k, D));
    total += best;
  }
  return total;
}

/** Float64 Lloyd from `init`: `iterations` (assign, update) steps; an empty cluster keeps its centroid. */
function lloyd64(x: Float32Array, n: number, D: number, init: Float32Array, K: number, iterations: number) {
  const c = Float64Array.from(init);
  const sums = new Float64Array(K * D);
  const counts = new Float64Array(K);
  for (let it = 0; it < iterations; it++) {
    sums.fill(0);
    counts.fill(0);
    for (let i = 0; i < n; i++) {
      let best = Number.POSITIVE_INFINITY;
      let arg = 0;
      for (let k = 0; k < K; k++) {
        const d = sqDist64(x, i, c, k, D);
        if (d < best) [best, arg] = [d, k];
      }
      counts[arg]!++;
      for (let d = 0; d < D; d++) sums[arg * D + d]! += x[i * D + d]!;
    }
    for (let k = 0; k < K; k++)
      if (counts[k]! > 0) for (let d = 0; d < D; d++) c[k * D + d] = sums[k * D + d]! / counts[k]!;
  }
  return c;
}

function kmeansSuite(D: number): Suite {
  const id = `kmeans-d${D}`;
  return {
    id,
    group: 'ml',
    title: `k-means (Lloyd), K=${KM_K}, D=${D}, ${KM_ITER} iterations`,
    kind: 'kmeans',
    formula: `${KM_ITER} Lloyd iterations from centroids x[:${KM_K}], x = normal(401) (@symtensor/ml kmeans, tol 0)`,
    defaultSizes: [10_000, 100_000, 1_000_000],
    quickSizes: [10_000],
    minSize: { n: KM_K, why: `k-means needs at least K = ${KM_K} points` },
    workload(n) {
      const x = normal(401, n, D);
      const init = x.slice(0, KM_K * D);
      let ref: number | undefined;
      const tolerance = 1e-4;
      const metric = '|inertia - inertia64| / inertia64 (float64, nearest centroid)';
      return algorithmWorkload(id, n, `N=${n}, K=${KM_K}, D=${D}`, n * KM_K * KM_ITER, {
        kind: 'kmeans',
        x,
        N: n,
        D,
        K: KM_K,
        init,
        maxIter: KM_ITER,
        run: (backend) =>
          on(backend, async () => {
            const tx = tensor(x, [n, D]);
            const ti = tensor(init, [KM_K, D]);
            try {
              const r = await kmeans(tx, { k: KM_K, init: ti, maxIter: KM_ITER, tol: 0 });
              r.labels.dispose();
              const centroids = await r.centroids.data();
              r.centroids.dispose();
              return centroids;
            } finally {
              tx.dispose();
              ti.dispose();
            }
          }),
        check(out) {
          if (out.length !== KM_K * D)
            return invalid(metric, tolerance, `expected ${KM_K * D} centroid values, got ${out.length}`);
          ref ??= inertia64(x, n, D, lloyd64(x, n, D, init, KM_K, KM_ITER), KM_K);
          const got = inertia64(x, n, D, out, KM_K);
          const err = Math.abs(got - ref) / ref;
          return check(
            err,
            tolerance,
            metric,
            1,
            `inertia ${got.toPrecision(8)}, float64 Lloyd ${ref.toPrecision(8)}`,
          );
        },
      });
    },
  };
}

// --- Gaussian mixture ------------------------------------------------------------------------------

const GMM_K = 10;
const GMM_D = 2;
const GMM_ITER = 10;

/** Whether entry `e` of a row-major D x D matrix is on its diagonal. */
const isDiagonal = (e: number, D: number) => Math.floor(e / D) === e % D;

/** The peers' "e" points: f32(centre_(i mod 10) + 0.5 normal(502)_i), centres f32(10 uniform(501)). */
function gmmPoints(n: number): Float32Array {
  const centres = uniform(501, GMM_K, GMM_D).map((v) => 10 * v);
  const noise = normal(502, n, GMM_D);
  return Float32Array.from(
    noise,
    (v, k) => centres[(Math.floor(k / GMM_D) % GMM_K) * GMM_D + (k % GMM_D)]! + 0.5 * v,
  );
}

/**
 * Float64 mean log-likelihood of a mixture with full covariances `cov` (K x D x D), by a Cholesky
 * factorisation per component; NaN when a covariance is not positive definite.
 */
export function meanLogLikelihood64(
  x: Float32Array,
  n: number,
  D: number,
  w: ArrayLike<number>,
  m: ArrayLike<number>,
  cov: ArrayLike<number>,
  K: number,
): number {
  const chol = new Float64Array(K * D * D);
  const logNorm = new Float64Array(K);
  for (let k = 0; k < K; k++) {
    const L = chol.subarray(k * D * D, (k + 1) * D * D);
    let logDet = 0;
    for (let r = 0; r < D; r++)
      for (let c = 0; c <= r; c++) {
        let s = cov[k * D * D + r * D + c]!;
        for (let t = 0; t < c; t++) s -= L[r * D + t]! * L[c * D + t]!;
        if (r === c) {
          L[r * D + r] = Math.sqrt(s);
          logDet += 2 * Math.log(L[r * D + r]!);
        } else L[r * D + c] = s / L[c * D + c]!;
      }
    logNorm[k] = Math.log(w[k]!) - 0.5 * (D * Math.log(2 * Math.PI) + logDet);
  }
  const z = new Float64Array(D);
  const terms = new Float64Array(K);
  let total = 0;
  for (let i = 0; i < n; i++) {
    let mx = Number.NEGATIVE_INFINITY;
    for (let k = 0; k < K; k++) {
      // Solve L z = x_i - m_k; the Mahalanobis distance is |z|^2.
      let q = 0;
      for (let r = 0; r < D; r++) {
        let s = x[i * D + r]! - m[k * D + r]!;
        for (let t = 0; t < r; t++) s -= chol[k * D * D + r * D + t]! * z[t]!;
        z[r] = s / chol[k * D * D + r * D + r]!;
        q += z[r]! * z[r]!;
      }
      terms[k] = logNorm[k]! - 0.5 * q;
      mx = Math.max(mx, terms[k]!);
    }
    let s = 0;
    for (let k = 0; k < K; k++) s += Math.exp(terms[k]! - mx);
    total += mx + Math.log(s);
  }
  return total / n;
}

function gmmSuite(covariance: 'full' | 'diag'): Suite {
  const id = `gmm-${covariance}`;
  const K = GMM_K;
  const D = GMM_D;
  const covSize = covariance === 'full' ? K * D * D : K * D;
  return {
    id,
    group: 'ml',
    title: `Gaussian mixture EM, K=${K}, D=${D}, ${covariance} covariances, ${GMM_ITER} iterations`,
    kind: 'algorithm',
    formula: `EM from means x[:${K}], uniform weights, identity precisions, tol 0 (@symtensor/ml gaussianMixture)`,
    defaultSizes: [10_000, 100_000],
    quickSizes: [10_000],
    workload(n) {
      const x = gmmPoints(n);
      const tolerance = 1e-4;
      const metric = 'max(0, LL - LL64(params)) / max(1, |LL|)';
      const size = 1 + K + K * D + covSize;
      // Identity precisions: ones on every diagonal (all entries of a diag model are diagonal).
      const precisions = Float32Array.from({ length: covSize }, (_, k) =>
        covariance === 'diag' || isDiagonal(k % (D * D), D) ? 1 : 0,
      );
      return algorithmWorkload(id, n, `N=${n}, K=${K}, D=${D}`, n * K * GMM_ITER, {
        kind: 'algorithm',
        run: (backend) =>
          on(backend, async () => {
            const tx = tensor(x, [n, D]);
            const init = {
              weights: tensor(new Float32Array(K).fill(1 / K), [K]),
              means: tensor(x.slice(0, K * D), [K, D]),
              precisions: tensor(precisions, covariance === 'full' ? [K, D, D] : [K, D]),
            };
            try {
              const g = await gaussianMixture(tx, { k: K, covariance, init, tol: 0, maxIter: GMM_ITER });
              try {
                const packed = new Float64Array(size);
                packed[0] = g.logLikelihood;
                packed.set(await g.weights.data(), 1);
                packed.set(await g.means.data(), 1 + K);
                packed.set(await g.covariances.data(), 1 + K + K * D);
                return packed;
              } finally {
                g.dispose();
              }
            } finally {
              for (const t of [tx, init.weights, init.means, init.precisions]) t.dispose();
            }
          }),
        check(out) {
          if (out.length !== size)
            return invalid(metric, tolerance, `expected ${size} values, got ${out.length}`);
          const w = out.subarray(1, 1 + K);
          const wsum = Array.from(w).reduce((a, b) => a + b, 0);
          if (!(Math.abs(wsum - 1) <= 1e-4))
            return invalid(metric, tolerance, `mixture weights sum to ${wsum}, not 1`);
          const cov = out.subarray(1 + K + K * D);
          // Diagonal covariances as full K x D x D matrices.
          const full =
            covariance === 'full'
              ? cov
              : Float64Array.from({ length: K * D * D }, (_, k) =>
                  isDiagonal(k % (D * D), D) ? cov[Math.floor(k / (D * D)) * D + (k % D)]! : 0,
                );
          const ll = out[0]!;
          const ll64 = meanLogLikelihood64(x, n, D, w, out.subarray(1 + K, 1 + K + K * D), full, K);
          const err = Number.isNaN(ll64) ? Number.NaN : Math.max(0, ll - ll64) / Math.max(1, Math.abs(ll));
          return check(err, tolerance, metric, 1, `LL ${ll}, float64 LL of the returned parameters ${ll64}`);
        },
      });
    },
  };
}

export const CLUSTERING_SUITES: readonly Suite[] = [
  kmeansSuite(2),
  kmeansSuite(10),
  gmmSuite('full'),
  gmmSuite('diag'),
];
