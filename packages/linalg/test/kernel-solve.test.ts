/**
 * kernelSolve: value and gradient through one `grad` call. In float64 the gradients with respect to
 * the points, the bandwidth (through the ops that produced the kernel's parameter) and b are
 * checked against central finite differences, every element; second derivatives through
 * `createGraph` against finite differences of gradients and a dense float64 A^{-2} v; a
 * block-sparse K (ranges) against a dense masked solve and finite differences. In float32
 * the value and gradients are checked against a dense float64 solve as in KeOps' KernelSolve test
 * (alpha = 0.1). A too-small adjoint budget gives NaN gradients and says so.
 */
import { grad, Pm, ShapeError, type Tensor, tensor, ValueError, Vi, Vj } from '@symtensor/lazytensor';
import { describe, expect, it } from 'vitest';
import { kernelSolve } from '../src/index.js';
import { denseSolve, expectClose, gaussianMatrix, normals, seeded } from './helpers.js';

const f64 = (d: Float64Array | number[], shape: number[], requiresGrad = false) =>
  tensor(Float64Array.from(d), shape, { dtype: 'float64', requiresGrad });

/** exp(-|x_i - x_j|^2 / (2 sigma^2)), sigma = exp(logSigma): K reads 2 sigma^2, an op's output. */
const kernel = (x: Tensor, logSigma: Tensor) =>
  Vi(x)
    .sqdist(Vj(x))
    .div(Pm(logSigma.mul(2).exp().mul(2)))
    .neg()
    .exp();

/** L(a) = <w, a> + |a|^2 / 2, so that G = dL/da = w + a depends on the solution. */
const lossOf = (a: Tensor, w: Tensor) => a.mul(w).sum().add(a.square().sum().mul(0.5));

describe('kernelSolve differentiated by grad (float64)', () => {
  const [N, D, E, alpha, tol] = [12, 2, 2, 0.3, 1e-14];
  const next = seeded(31);
  const x0 = normals(next, N * D);
  const b0 = normals(next, N * E);
  const w0 = normals(next, N * E);
  const logSigma0 = Math.log(0.9);
  const w = f64(w0, [N, E]);

  /** L at the given inputs, by a forward solve only. */
  const lossAt = async (x: Float64Array, logSigma: number, b: Float64Array) => {
    const sol = await kernelSolve(kernel(f64(x, [N, D]), f64([logSigma], [])), f64(b, [N, E]), {
      alpha,
      tol,
    });
    expect(sol.converged).toBe(true);
    return lossOf(sol.x, w).item();
  };
  /** Central differences of L along every element of one input. */
  const centralDiff = async (which: 'x' | 's' | 'b', size: number, h = 1e-5) => {
    const out = new Float64Array(size);
    for (let k = 0; k < size; k++) {
      const at = async (d: number) => {
        const [xs, bs] = [Float64Array.from(x0), Float64Array.from(b0)];
        if (which === 'x') xs[k]! += d;
        if (which === 'b') bs[k]! += d;
        return lossAt(xs, which === 's' ? logSigma0 + d : logSigma0, bs);
      };
      out[k] = ((await at(h)) - (await at(-h))) / (2 * h);
    }
    return out;
  };

  it('one grad call gives dL/dx, dL/dlogSigma and dL/db, matching central differences', async () => {
    const x = f64(x0, [N, D], true);
    const logSigma = f64([logSigma0], [], true);
    const b = f64(b0, [N, E], true);
    const sol = await kernelSolve(kernel(x, logSigma), b, { alpha, tol });
    expect(sol.converged).toBe(true);
    expect(sol.x.requiresGrad).toBe(true);
    expect(await sol.lastAdjoint()).toBeUndefined();
    const [gx, gs, gb] = grad(lossOf(sol.x, w), [x, logSigma, b]);
    const report = await sol.lastAdjoint();
    console.log(
      `kernelSolve float64 N=${N}: forward ${sol.iterations} iterations; adjoint budget ${report!.budget}, used ${report!.columns.map((c) => c.iterations)}, residuals ${report!.columns.map((c) => c.residual.toExponential(1))}`,
    );
    expect(report!.converged).toBe(true);
    expect(report!.budget).toBe(2 * sol.iterations + 10);
    // Central differences: O(h^2) ~ 1e-10 truncation, plus solves at 1e-14 divided by h.
    const fdTol = { atol: 1e-7, rtol: 1e-6 };
    expectClose(await gx!.data(), await centralDiff('x', N * D), fdTol, 'dL/dx');
    expectClose(await gs!.data(), await centralDiff('s', 1), fdTol, 'dL/dlogSigma');
    expectClose(await gb!.data(), await centralDiff('b', N * E), fdTol, 'dL/db');
  });

  it('second order with createGraph: d/dlogSigma <dL/dx, v> and d/db <dL/db, v>', async () => {
    const v = normals(seeded(32), N * D);
    const u = normals(seeded(33), N * E);
    const directional = async (logSigma: number) => {
      const x = f64(x0, [N, D], true);
      const sol = await kernelSolve(kernel(x, f64([logSigma], [])), f64(b0, [N, E]), { alpha, tol });
      const [gx] = grad(lossOf(sol.x, w), [x]);
      return gx!
        .mul(f64(v, [N, D]))
        .sum()
        .item();
    };
    const x = f64(x0, [N, D], true);
    const logSigma = f64([logSigma0], [], true);
    const b = f64(b0, [N, E], true);
    const sol = await kernelSolve(kernel(x, logSigma), b, { alpha, tol });
    const [gx, gb] = grad(lossOf(sol.x, w), [x, b], undefined, { createGraph: true });
    const [hsx] = grad(gx!.mul(f64(v, [N, D])).sum(), [logSigma]);
    const h = 1e-5;
    const fd = ((await directional(logSigma0 + h)) - (await directional(logSigma0 - h))) / (2 * h);
    expectClose(await hsx!.data(), [fd], { atol: 1e-7, rtol: 1e-6 }, 'd2L/dlogSigma dx . v');
    // dL/db = A^{-1} (w + a) with a = A^{-1} b: d/db <dL/db, u> = A^{-1} A^{-1} u (A symmetric).
    const [hbb] = grad(gb!.mul(f64(u, [N, E])).sum(), [b]);
    const A = gaussianMatrix(x0, x0, D, Math.exp(logSigma0));
    for (let i = 0; i < N; i++) A[i * N + i]! += alpha;
    const want = new Float64Array(N * E);
    for (let e = 0; e < E; e++) {
      const twice = denseSolve(
        A,
        denseSolve(
          A,
          Array.from({ length: N }, (_, i) => u[i * E + e]!),
          N,
        ),
        N,
      );
      for (let i = 0; i < N; i++) want[i * E + e] = twice[i]!;
    }
    expectClose(await hbb!.data(), want, { atol: 1e-10, rtol: 1e-9 }, 'd2L/db2 . u');
  });

  it('block-sparse K (ranges): the solve and dL/dx match a dense masked solve and central differences', async () => {
    // Clusters [0, 5), [5, 8), [8, 12) with the symmetric pattern {AA, AB, BA, BB, CC}: K is
    // block diagonal (A u B, C), so alpha I + K stays positive definite.
    const ranges = {
      rows: Int32Array.from([0, 5, 5, 8, 8, 12]),
      slices: Int32Array.from([2, 4, 5]),
      redRanges: Int32Array.from([0, 5, 5, 8, 0, 5, 5, 8, 8, 12]),
    };
    const block = (i: number) => (i < 8 ? 0 : 1);
    const solveAt = (xs: Float64Array, requiresGrad = false) => {
      const x = f64(xs, [N, D], requiresGrad);
      const sol = kernelSolve(kernel(x, f64([logSigma0], [])), f64(b0, [N, E]), {
        alpha,
        tol,
        reduction: { ranges },
      });
      return { x, sol };
    };
    const { x, sol: pending } = solveAt(x0, true);
    const sol = await pending;
    const A = gaussianMatrix(x0, x0, D, Math.exp(logSigma0)).map((v, k) =>
      block(Math.floor(k / N)) === block(k % N) ? v : 0,
    );
    for (let i = 0; i < N; i++) A[i * N + i]! += alpha;
    const want = new Float64Array(N * E);
    for (let e = 0; e < E; e++) {
      const col = denseSolve(
        A,
        Array.from({ length: N }, (_, i) => b0[i * E + e]!),
        N,
      );
      for (let i = 0; i < N; i++) want[i * E + e] = col[i]!;
    }
    expectClose(await sol.x.data(), want, { atol: 1e-12, rtol: 1e-10 }, 'a vs the dense masked solve');
    const [gx] = grad(lossOf(sol.x, w), [x]);
    const fd = new Float64Array(N * D);
    const h = 1e-5;
    for (let k = 0; k < N * D; k++) {
      const at = async (d: number) => {
        const xs = Float64Array.from(x0);
        xs[k]! += d;
        return lossOf((await solveAt(xs).sol).x, w).item();
      };
      fd[k] = ((await at(h)) - (await at(-h))) / (2 * h);
    }
    expectClose(await gx!.data(), fd, { atol: 1e-7, rtol: 1e-6 }, 'dL/dx with ranges');
  });

  it('a too-small adjoint budget gives NaN gradients and a report that says why', async () => {
    const x = f64(x0, [N, D], true);
    const sol = await kernelSolve(kernel(x, f64([logSigma0], [])), f64(b0, [N, E]), {
      alpha,
      tol,
      adjointIterations: 2,
    });
    expect(sol.converged).toBe(true);
    const [gx] = grad(lossOf(sol.x, w), [x]);
    expect(Array.from(await gx!.data()).every(Number.isNaN)).toBe(true);
    const report = await sol.lastAdjoint();
    expect(report!.converged).toBe(false);
    expect(report!.budget).toBe(2);
    for (const c of report!.columns) {
      expect(c.reason).toBe('max-iterations');
      expect(c.iterations).toBe(2);
      expect(c.residual).toBeGreaterThan(tol);
    }
  });

  it('a NaN in the cotangent gives NaN gradients and a non-finite report for its column', async () => {
    const x = f64(x0, [N, D], true);
    const sol = await kernelSolve(kernel(x, f64([logSigma0], [])), f64(b0, [N, E]), { alpha, tol });
    const g = Float64Array.from(w0);
    g[2 * E] = Number.NaN;
    const [gx] = grad(sol.x, [x], f64(g, [N, E]));
    expect(Array.from(await gx!.data()).every(Number.isNaN)).toBe(true);
    const report = await sol.lastAdjoint();
    expect(report!.columns.map((c) => c.reason)).toEqual(['non-finite', 'converged']);
  });

  it('is off the tape when nothing requires grad, and rejects bad options and inputs', async () => {
    const K = kernel(f64(x0, [N, D]), f64([0], []));
    const plain = await kernelSolve(K, f64(b0, [N, E]), { alpha });
    expect(plain.x.requiresGrad).toBe(false);
    await expect(kernelSolve(K, f64(b0, [N, E]), { alpha: -1 })).rejects.toThrow(ValueError);
    await expect(kernelSolve(K, f64(b0, [N, E]), { adjointIterations: 0 })).rejects.toThrow(
      /adjointIterations must be a positive integer/,
    );
    await expect(kernelSolve(K, f64(b0, [N, E]), { adjointTol: Number.NaN })).rejects.toThrow(ValueError);
    const nan = Float64Array.from(b0);
    nan[3] = Number.NaN;
    await expect(kernelSolve(K, f64(nan, [N, E]))).rejects.toThrow(/b contains NaN/);
    await expect(kernelSolve(K, f64(b0.slice(0, 2 * E), [2, E]))).rejects.toThrow(ShapeError);
  });
});

describe("KeOps' KernelSolve test: alpha = 0.1, float32 vs a dense float64 solve", () => {
  it('value and gradient with respect to x and b', async () => {
    const [N, D, E, alpha, sigma] = [100, 3, 2, 0.1, 0.1];
    const next = seeded(41);
    const xs = Float64Array.from({ length: N * D }, next).map((v) => Math.fround(v));
    const bs = normals(next, N * E).map((v) => Math.fround(v));
    const ws = normals(next, N * E).map((v) => Math.fround(v));
    const x = tensor(Float32Array.from(xs), [N, D], { requiresGrad: true });
    const b = tensor(Float32Array.from(bs), [N, E], { requiresGrad: true });
    const K = Vi(x)
      .sqdist(Vj(x))
      .mul(-1 / (2 * sigma * sigma))
      .exp();
    const sol = await kernelSolve(K, b, { alpha, tol: 1e-6, reduction: { accumulator: 'float64' } });
    expect(sol.converged).toBe(true);
    const [gx, gb] = grad(sol.x, [x, b], tensor(Float32Array.from(ws), [N, E]));
    const report = await sol.lastAdjoint();
    console.log(
      `KernelSolve float32 N=${N}: ${sol.reason} in ${sol.iterations} iterations, true residuals ${sol.trueResiduals.map((r) => r.toExponential(1))}; adjoint ${report!.columns.map((c) => `${c.reason} in ${c.iterations}`)} of ${report!.budget}`,
    );
    expect(report!.converged).toBe(true);

    // Dense float64 reference: a = (alpha I + K)^{-1} b, abar = (alpha I + K)^{-1} w,
    // dL/dx_k = sum_j (abar_k . a_j + abar_j . a_k) K_kj (x_k - x_j) / sigma^2, dL/db = abar.
    const Km = gaussianMatrix(xs, xs, D, sigma);
    const A = Float64Array.from(Km);
    for (let i = 0; i < N; i++) A[i * N + i]! += alpha;
    const col = (v: Float64Array, e: number) => Float64Array.from({ length: N }, (_, i) => v[i * E + e]!);
    const a = new Float64Array(N * E);
    const abar = new Float64Array(N * E);
    for (let e = 0; e < E; e++) {
      const ae = denseSolve(A, col(bs, e), N);
      const abarE = denseSolve(A, col(ws, e), N);
      for (let i = 0; i < N; i++) [a[i * E + e], abar[i * E + e]] = [ae[i]!, abarE[i]!];
    }
    const want = new Float64Array(N * D);
    for (let k = 0; k < N; k++)
      for (let j = 0; j < N; j++) {
        let c = 0;
        for (let e = 0; e < E; e++) c += abar[k * E + e]! * a[j * E + e]! + abar[j * E + e]! * a[k * E + e]!;
        const f = (c * Km[k * N + j]!) / (sigma * sigma);
        for (let d = 0; d < D; d++) want[k * D + d]! += f * (xs[k * D + d]! - xs[j * D + d]!);
      }
    expectClose(await sol.x.data(), a, { atol: 1e-4 }, 'a');
    // dL/dx carries the 1/sigma^2 = 100 of the kernel's derivative and reaches ~1e2: float32 sums
    // of such terms round at ~1e-5 relative, so its atol is 1e-4 times its largest entry.
    const gmax = want.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
    expectClose(await gx!.data(), want, { atol: 1e-4 * gmax }, 'dL/dx');
    expectClose(await gb!.data(), abar, { atol: 1e-4 }, 'dL/db');
  });
});
