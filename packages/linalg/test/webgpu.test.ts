/**
 * The solvers on a GPU backend: `cg` (several right-hand sides, with and without the Nystrom
 * preconditioner), `eigsh` and the `kernelSolve` gradient on `webgpu()` (lavapipe in CI, any adapter
 * elsewhere), in float32, against float64 references: a dense Cholesky solve on the host, and
 * `eigsh` / `kernelSolve` on the CPU backend in float64. The package never names a backend, so this
 * checks that every product, preconditioner and adjoint solve stays on the backend of its inputs.
 * Without an adapter the file skips with the reason, unless SYMTENSOR_REQUIRE_WEBGPU=1 (CI).
 */
import { cpu } from '@symtensor/backend-cpu';
import { webgpu } from '@symtensor/backend-webgpu';
import type { Backend } from '@symtensor/core-ir';
import { normal, uniform } from '@symtensor/core-ir/peer-inputs';
import { backendOrReason } from '@symtensor/core-ir/testing';
import { grad, type Tensor, tensor, Vi, Vj } from '@symtensor/lazytensor';
import { afterAll, describe, expect, it, vi } from 'vitest';
import {
  aslinearoperator,
  cg,
  eigsh,
  kernelSolve,
  nystromPreconditioner,
  shiftOperator,
} from '../src/index.js';
import { denseSolve, expectClose, gaussianMatrix, norm } from './helpers.js';

// lavapipe compiles each pipeline at its first dispatch (about a second each on 2 cores).
vi.setConfig({ testTimeout: 120_000 });

const gpu = await backendOrReason(() => webgpu(), {
  required: process.env.SYMTENSOR_REQUIRE_WEBGPU === '1',
});
const host = cpu();
afterAll(async () => {
  if (typeof gpu !== 'string') await gpu.dispose();
  await host.dispose();
});

const [N, D, E, SIGMA, ALPHA] = [600, 3, 2, 0.3, 0.5];
const gaussian = (x: Tensor, sigma: number) =>
  Vi(x)
    .sqdist(Vj(x))
    .mul(-1 / (2 * sigma * sigma))
    .exp();

describe.skipIf(typeof gpu === 'string')(
  `linalg on webgpu (float32) ${typeof gpu === 'string' ? `(skipped: ${gpu})` : ''}`,
  () => {
    const backend = gpu as Backend;
    const x = uniform(905, N, D);
    const b = normal(906, N, E);
    // Column c of (ALPHA I + K)^-1 b in float64 (b is [N, E] row-major).
    const A = gaussianMatrix(x, x, D, SIGMA);
    for (let i = 0; i < N; i++) A[i * N + i]! += ALPHA;
    const want = new Float64Array(N * E);
    for (let c = 0; c < E; c++) {
      const col = denseSolve(
        A,
        Float64Array.from({ length: N }, (_, i) => b[i * E + c]!),
        N,
      );
      col.forEach((v, i) => {
        want[i * E + c] = v;
      });
    }
    // The float32 CG floor: a relative residual of 1e-5 leaves an error up to cond(A) 1e-5 (cond ~ 1e2).
    const solutionAtol = 2e-3 * Math.max(...want.map(Math.abs));

    it('cg solves (alpha I + K) a = b for two right-hand sides, like a dense float64 solve', async () => {
      const K = gaussian(tensor(x, [N, D], { backend }), SIGMA);
      const sol = await cg(shiftOperator(aslinearoperator(K), ALPHA), tensor(b, [N, E], { backend }), {
        tol: 1e-5,
      });
      expect(sol.converged, sol.reason).toBe(true);
      expect(sol.x.backend).toBe(backend);
      expectClose(await sol.x.data(), want, { atol: solutionAtol }, 'cg solution');
      expect(Math.max(...sol.trueResiduals)).toBeLessThan(1e-4);
      sol.x.dispose();
    });

    it('the Nystrom preconditioner cuts the iterations and keeps the solution', async () => {
      const K = gaussian(tensor(x, [N, D], { backend }), SIGMA);
      const op = shiftOperator(aslinearoperator(K), ALPHA);
      const rhs = tensor(b, [N, E], { backend });
      const plain = await cg(op, rhs, { tol: 1e-5 });
      const P = await nystromPreconditioner(K, { rank: 60, alpha: ALPHA, seed: 3 });
      const pre = await cg(op, rhs, { tol: 1e-5, preconditioner: P });
      expect(pre.converged, pre.reason).toBe(true);
      // Measured on lavapipe: 49 iterations plain, 12 with rank 60; asserted with margin.
      expect(pre.iterations).toBeLessThan(plain.iterations * 0.6);
      expectClose(await pre.x.data(), want, { atol: solutionAtol }, 'preconditioned cg solution');
      P.dispose();
    });

    it('eigsh finds the top eigenpairs of the float64 CPU run', async () => {
      const onGpu = await eigsh(gaussian(tensor(x, [N, D], { backend }), 1), { k: 4 });
      const ref = await eigsh(gaussian(tensor(x, [N, D], { backend: host, dtype: 'float64' }), 1), {
        k: 4,
        tol: 1e-10,
      });
      expect(onGpu.converged && ref.converged).toBe(true);
      expectClose(onGpu.eigenvalues, ref.eigenvalues, { rtol: 1e-4 }, 'eigenvalues');
      // Eigenvectors up to sign: |<v_gpu, v_ref>| = 1 (the top gaps are wide at sigma = 1).
      const [vg, vr] = [await onGpu.vectors.data(), await ref.vectors.data()];
      for (let c = 0; c < 4; c++) {
        let dot = 0;
        for (let i = 0; i < N; i++) dot += vg[i * 4 + c]! * vr[i * 4 + c]!;
        expect(Math.abs(dot), `eigenvector ${c}`).toBeGreaterThan(1 - 1e-4);
      }
    });

    it('the kernelSolve gradient with respect to the points equals the float64 CPU gradient', async () => {
      const run = async (on: Backend, dtype: 'float32' | 'float64') => {
        const xt = tensor(x, [N, D], { backend: on, dtype, requiresGrad: true });
        const sol = await kernelSolve(gaussian(xt, SIGMA), tensor(b, [N, E], { backend: on, dtype }), {
          alpha: ALPHA,
          tol: dtype === 'float32' ? 1e-5 : 1e-12,
        });
        expect(sol.converged, sol.reason).toBe(true);
        const [g] = grad(sol.x.square().sum(), [xt]);
        const out = await g!.data();
        expect((await sol.lastAdjoint())!.converged).toBe(true);
        return out;
      };
      const [got, want64] = [await run(backend, 'float32'), await run(host, 'float64')];
      expectClose(got, want64, { atol: (2e-3 * norm(want64)) / Math.sqrt(N * D), rtol: 2e-2 }, 'grad x');
    });
  },
);
