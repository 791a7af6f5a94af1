/**
 * Algorithm suites: whole solvers of the symtensor packages built on lazytensor, run on the
 * measured backend (lazytensor's current backend during the run). Each result is checked against
 * a float64 computation of the same problem, kept cheap:
 * - sinkhorn: the debiased Sinkhorn divergence vs the same loss run in float64 on a cpu backend;
 * - kmeans: the inertia vs a float64 Lloyd in JavaScript from the same initial centroids;
 * - gmm: EM never lowers the likelihood, so the float64 mean log-likelihood of the returned
 *   parameters must not be below the reported one (the one of the last E-step);
 * - cg: the true relative residual |b - (alpha I + K) x| / |b| in float64, <= 2 tol;
 * - eigsh: the float64 residuals |K v - lambda v| / (|lambda_1| |v|) of the k eigenpairs.
 */
import { cpu } from '@symtensor/backend-cpu';
import type { Backend } from '@symtensor/core-ir';
import { samplesLoss } from '@symtensor/geomloss';
import { type Tensor, tensor, useBackend, Vi, Vj } from '@symtensor/lazytensor';
import { aslinearoperator, cg, eigsh, shiftOperator } from '@symtensor/linalg';
import { gaussianMixture, kmeans } from '@symtensor/ml';
import { normal, uniform } from '../inputs/generator.js';
import type { AlgorithmCheck, AlgorithmProblem, Suite, Workload } from './types.js';

const D = 3;

function algorithmWorkload(
  suite: string,
  n: number,
  sizeLabel: string,
  pairs: number,
  problem: AlgorithmProblem,
): Workload {
  return { suite, n, sizeLabel, pairs, problem, args: [], nx: n, ny: n };
}

/** Runs `body` with lazytensor's tensors created on `backend`. */
async function on<T>(backend: Backend, body: () => Promise<T>): Promise<T> {
  useBackend(backend);
  return body();
}

const check = (
  error: number,
  tolerance: number,
  metric: string,
  rows: number,
  note?: string,
): AlgorithmCheck => ({ error, tolerance, metric, rows, ...(note ? { note } : {}) });

const invalid = (metric: string, tolerance: number, note: string) =>
  check(Number.POSITIVE_INFINITY, tolerance, metric, 0, note);

function sqDist(a: ArrayLike<number>, i: number, b: ArrayLike<number>, j: number, dim: number): number {
  let s = 0;
  for (let d = 0; d < dim; d++) {
    const t = a[i * dim + d]! - b[j * dim + d]!;
    s += t * t;
  }
  return s;
}

// --- Sinkhorn ------------------------------------------------------------------------------------

const BLUR = 0.05;
const sinkhornLoss = samplesLoss({ loss: 'sinkhorn', p: 2, blur: BLUR, scaling: 0.5 });

async function sinkhornValue(x: Float32Array, y: Float32Array, n: number, dtype: 'float32' | 'float64') {
  const tx = tensor(dtype === 'float64' ? Float64Array.from(x) : x, [n, D], { dtype });
  const ty = tensor(dtype === 'float64' ? Float64Array.from(y) : y, [n, D], { dtype });
  try {
    const S = await sinkhornLoss(tx, ty);
    const value = await S.item();
    S.dispose();
    return value;
  } finally {
    tx.dispose();
    ty.dispose();
  }
}

const SINKHORN: Suite = {
  id: 'sinkhorn',
  group: 'ot',
  title: 'Sinkhorn divergence',
  kind: 'algorithm',
  formula: `S_eps(x, y), p = 2, blur = ${BLUR}, scaling = 0.5 (eps-scaling, debiased; @symtensor/geomloss)`,
  defaultSizes: [500, 2_000, 10_000],
  quickSizes: [500],
  workload(n) {
    const x = uniform(301, n, D);
    const y = uniform(302, n, D);
    let ref: number | undefined;
    const tolerance = 1e-3;
    const metric = '|S - S64| / max(1e-6, |S64|)';
    return algorithmWorkload('sinkhorn', n, `N=M=${n}, D=${D}`, n * n, {
      kind: 'algorithm',
      run: (backend) => on(backend, async () => Float64Array.of(await sinkhornValue(x, y, n, 'float32'))),
      check(out) {
        if (out.length !== 1) return invalid(metric, tolerance, `expected 1 value, got ${out.length}`);
        if (ref === undefined) throw new Error('sinkhorn reference not computed');
        const err = Math.abs(out[0]! - ref) / Math.max(1e-6, Math.abs(ref));
        return check(err, tolerance, metric, 1, `S = ${out[0]}, float64 S = ${ref}`);
      },
      async reference() {
        if (ref !== undefined) return;
        const backend = cpu();
        try {
          ref = await on(backend, () => sinkhornValue(x, y, n, 'float64'));
        } finally {
          await backend.dispose();
        }
      },
    });
  },
};

// --- k-means -------------------------------------------------------------------------------------

const KM_ITER = 20;

/** Float64 Lloyd from `init` with kmeans' stopping rule (tol 0: stop when no label changes). */
function lloydInertia(x: Float32Array, n: number, init: Float32Array, K: number): number {
  const c = Float64Array.from(init);
  const labels = new Int32Array(n).fill(-1);
  const assign = () => {
    let changed = false;
    let inertia = 0;
    for (let i = 0; i < n; i++) {
      let best = Number.POSITIVE_INFINITY;
      let arg = 0;
      for (let k = 0; k < K; k++) {
        const d = sqDist(x, i, c, k, D);
        if (d < best) {
          best = d;
          arg = k;
        }
      }
      if (labels[i] !== arg) changed = true;
      labels[i] = arg;
      inertia += best;
    }
    return { changed, inertia };
  };
  let last = assign();
  for (let it = 0; it < KM_ITER; it++) {
    const sums = new Float64Array(K * D);
    const counts = new Float64Array(K);
    for (let i = 0; i < n; i++) {
      counts[labels[i]!]!++;
      for (let d = 0; d < D; d++) sums[labels[i]! * D + d]! += x[i * D + d]!;
    }
    for (let k = 0; k < K; k++)
      if (counts[k]! > 0) for (let d = 0; d < D; d++) c[k * D + d] = sums[k * D + d]! / counts[k]!;
    last = assign();
    if (!last.changed) break;
  }
  return last.inertia;
}

function kmeansSuite(K: number): Suite {
  const id = 'kmeans';
  return {
    id,
    group: 'ml',
    title: `k-means (Lloyd), K=${K}, D=${D}`,
    kind: 'algorithm',
    formula: `Lloyd iterations from K given centroids, at most ${KM_ITER} (@symtensor/ml kmeans)`,
    defaultSizes: [10_000, 100_000],
    quickSizes: [10_000],
    workload(n) {
      const x = normal(401, n, D);
      const init = x.slice(0, K * D);
      let ref: number | undefined;
      const tolerance = 1e-3;
      const metric = '|inertia - inertia64| / inertia64';
      return algorithmWorkload(id, n, `N=${n}, K=${K}, D=${D}`, n * K * KM_ITER, {
        kind: 'algorithm',
        run: (backend) =>
          on(backend, async () => {
            const tx = tensor(x, [n, D]);
            const ti = tensor(init, [K, D]);
            try {
              const r = await kmeans(tx, { k: K, init: ti, maxIter: KM_ITER, tol: 0 });
              r.labels.dispose();
              r.centroids.dispose();
              return Float64Array.of(r.inertia);
            } finally {
              tx.dispose();
              ti.dispose();
            }
          }),
        check(out) {
          if (out.length !== 1) return invalid(metric, tolerance, `expected 1 value, got ${out.length}`);
          ref ??= lloydInertia(x, n, init, K);
          const err = Math.abs(out[0]! - ref) / ref;
          return check(err, tolerance, metric, 1, `inertia ${out[0]}, float64 Lloyd ${ref}`);
        },
      });
    },
  };
}

// --- Gaussian mixture ------------------------------------------------------------------------------

const GMM_ITER = 20;

/** Float64 mean log-likelihood of a diagonal-covariance mixture. */
function meanLogLikelihood(
  x: Float32Array,
  n: number,
  w: ArrayLike<number>,
  m: ArrayLike<number>,
  v: ArrayLike<number>,
  K: number,
): number {
  const logNorm = new Float64Array(K);
  for (let k = 0; k < K; k++) {
    let s = Math.log(w[k]!) - 0.5 * D * Math.log(2 * Math.PI);
    for (let d = 0; d < D; d++) s -= 0.5 * Math.log(v[k * D + d]!);
    logNorm[k] = s;
  }
  const terms = new Float64Array(K);
  let total = 0;
  for (let i = 0; i < n; i++) {
    let mx = Number.NEGATIVE_INFINITY;
    for (let k = 0; k < K; k++) {
      let q = 0;
      for (let d = 0; d < D; d++) {
        const t = x[i * D + d]! - m[k * D + d]!;
        q += (t * t) / v[k * D + d]!;
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

function gmmSuite(K: number): Suite {
  const id = 'gmm';
  return {
    id,
    group: 'ml',
    title: `Gaussian mixture EM, K=${K}, D=${D}, diagonal`,
    kind: 'algorithm',
    formula: `EM from a k-means++ start, at most ${GMM_ITER} iterations (@symtensor/ml gaussianMixture)`,
    defaultSizes: [10_000, 100_000],
    quickSizes: [10_000],
    workload(n) {
      const x = normal(501, n, D);
      const tolerance = 1e-4;
      const metric = 'max(0, LL - LL64(params)) / max(1, |LL|)';
      const size = 1 + K + 2 * K * D;
      return algorithmWorkload(id, n, `N=${n}, K=${K}, D=${D}`, n * K * GMM_ITER, {
        kind: 'algorithm',
        run: (backend) =>
          on(backend, async () => {
            const tx = tensor(x, [n, D]);
            try {
              const g = await gaussianMixture(tx, { k: K, covariance: 'diag', maxIter: GMM_ITER, seed: 7 });
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
              tx.dispose();
            }
          }),
        check(out) {
          if (out.length !== size)
            return invalid(metric, tolerance, `expected ${size} values, got ${out.length}`);
          const w = out.subarray(1, 1 + K);
          const wsum = Array.from(w).reduce((a, b) => a + b, 0);
          if (!(Math.abs(wsum - 1) <= 1e-4))
            return invalid(metric, tolerance, `mixture weights sum to ${wsum}, not 1`);
          const ll = out[0]!;
          const ll64 = meanLogLikelihood(
            x,
            n,
            w,
            out.subarray(1 + K, 1 + K + K * D),
            out.subarray(1 + K + K * D),
            K,
          );
          const err = Math.max(0, ll - ll64) / Math.max(1, Math.abs(ll));
          return check(err, tolerance, metric, 1, `LL ${ll}, float64 LL of the returned parameters ${ll64}`);
        },
      });
    },
  };
}

// --- Kernel matrices: CG and Lanczos -------------------------------------------------------------------

const SIGMA = 0.2;
const gaussianKernel = (tx: Tensor) =>
  Vi(tx)
    .sqdist(Vj(tx))
    .mul(-1 / (2 * SIGMA * SIGMA))
    .exp();

/** y = (alpha I + K) v in float64, K the Gaussian kernel of x, v of shape [n, E]. */
function kernelProduct(
  x: Float32Array,
  n: number,
  v: ArrayLike<number>,
  E: number,
  alpha: number,
): Float64Array {
  const out = new Float64Array(n * E);
  const c = -1 / (2 * SIGMA * SIGMA);
  for (let i = 0; i < n; i++)
    for (let j = 0; j < n; j++) {
      const k = Math.exp(c * sqDist(x, i, x, j, D));
      for (let e = 0; e < E; e++) out[i * E + e]! += k * v[j * E + e]!;
    }
  if (alpha !== 0) for (let t = 0; t < n * E; t++) out[t]! += alpha * v[t]!;
  return out;
}

const CG_ALPHA = 0.1;
const CG_TOL = 1e-4;

const CG: Suite = {
  id: 'cg',
  group: 'linalg',
  title: `CG kernel solve, Gaussian kernel, sigma=${SIGMA}, D=${D}`,
  kind: 'algorithm',
  formula: `(${CG_ALPHA} I + K) a = b, K_ij = exp(-|x_i - x_j|^2 / (2 sigma^2)), tol ${CG_TOL} (@symtensor/linalg cg)`,
  defaultSizes: [1_000, 10_000],
  quickSizes: [1_000],
  workload(n) {
    const x = uniform(601, n, D);
    const b = normal(602, n, 1);
    const tolerance = 2 * CG_TOL;
    const metric = '|b - A x| / |b| (float64)';
    return algorithmWorkload('cg', n, `N=${n}, D=${D}`, n * n, {
      kind: 'algorithm',
      run: (backend) =>
        on(backend, async () => {
          const tx = tensor(x, [n, D]);
          const tb = tensor(b, [n, 1]);
          try {
            const A = shiftOperator(aslinearoperator(gaussianKernel(tx)), CG_ALPHA);
            const r = await cg(A, tb, { tol: CG_TOL, maxIter: 1000 });
            const sol = await r.x.data();
            r.x.dispose();
            return sol;
          } finally {
            tx.dispose();
            tb.dispose();
          }
        }),
      check(out) {
        if (out.length !== n) return invalid(metric, tolerance, `expected ${n} values, got ${out.length}`);
        const ax = kernelProduct(x, n, out, 1, CG_ALPHA);
        let rr = 0;
        let bb = 0;
        for (let i = 0; i < n; i++) {
          rr += (b[i]! - ax[i]!) ** 2;
          bb += b[i]! ** 2;
        }
        return check(Math.sqrt(rr / bb), tolerance, metric, n);
      },
    });
  },
};

const EIG_K = 5;

const EIGSH: Suite = {
  id: 'eigsh',
  group: 'linalg',
  title: `Kernel eigensolver (Lanczos), k=${EIG_K}, sigma=${SIGMA}, D=${D}`,
  kind: 'algorithm',
  formula: `${EIG_K} largest eigenpairs of K_ij = exp(-|x_i - x_j|^2 / (2 sigma^2)) (@symtensor/linalg eigsh)`,
  defaultSizes: [1_000, 10_000],
  quickSizes: [1_000],
  workload(n) {
    const x = uniform(701, n, D);
    const tolerance = 1e-3;
    const metric = 'max |K v - lambda v| / (|lambda_1| |v|) (float64)';
    const size = EIG_K + n * EIG_K;
    return algorithmWorkload('eigsh', n, `N=${n}, D=${D}, k=${EIG_K}`, n * n, {
      kind: 'algorithm',
      run: (backend) =>
        on(backend, async () => {
          const tx = tensor(x, [n, D]);
          try {
            const r = await eigsh(gaussianKernel(tx), { k: EIG_K });
            const packed = new Float64Array(size);
            packed.set(r.eigenvalues, 0);
            packed.set(await r.vectors.data(), EIG_K);
            r.vectors.dispose();
            r.values.dispose();
            return packed;
          } finally {
            tx.dispose();
          }
        }),
      check(out) {
        if (out.length !== size)
          return invalid(metric, tolerance, `expected ${size} values, got ${out.length}`);
        const lambda = out.subarray(0, EIG_K);
        const v = out.subarray(EIG_K);
        const kv = kernelProduct(x, n, v, EIG_K, 0);
        const scale = Math.abs(lambda[0]!);
        let worst = 0;
        for (let e = 0; e < EIG_K; e++) {
          let rr = 0;
          let vv = 0;
          for (let i = 0; i < n; i++) {
            const vi = v[i * EIG_K + e]!;
            rr += (kv[i * EIG_K + e]! - lambda[e]! * vi) ** 2;
            vv += vi * vi;
          }
          const err = Math.sqrt(rr / vv) / scale;
          worst = Number.isNaN(err) || err > worst ? err : worst;
        }
        return check(
          worst,
          tolerance,
          metric,
          EIG_K,
          `eigenvalues ${Array.from(lambda, (l) => l.toPrecision(6)).join(', ')}`,
        );
      },
    });
  },
};

export const ALGORITHM_SUITES: readonly Suite[] = [SINKHORN, kmeansSuite(10), gmmSuite(5), CG, EIGSH];
