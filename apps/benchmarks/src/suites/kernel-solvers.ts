/**
 * Kernel-matrix solver suites of @symtensor/linalg on the Gaussian kernel of x = uniform(601 / 701):
 * - cg: (alpha I + K) a = b by conjugate gradients, checked by the true relative residual
 *   |b - (alpha I + K) a| / |b| in float64, <= 2 tol;
 * - eigsh: the k largest eigenpairs by Lanczos, checked by the float64 residuals
 *   |K v - lambda v| / (|lambda_1| |v|).
 */

import { normal, uniform } from '@symtensor/core-ir/peer-inputs';
import { type Tensor, tensor, Vi, Vj } from '@symtensor/lazytensor';
import { aslinearoperator, cg, eigsh, shiftOperator } from '@symtensor/linalg';
import { sqDist64 } from '../check/float64.js';
import { algorithmWorkload, algorithmCheck as check, invalid, on } from './algorithm.js';
import type { Suite } from './types.js';

const D = 3;

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
      const k = Math.exp(c * sqDist64(x, i, x, j, D));
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

export const KERNEL_SOLVER_SUITES: readonly Suite[] = [CG, EIGSH];
