/**
 * kernelSolve: value and gradient. The gradient (adjoint solve + symbolic gradient of K @ a) is
 * checked against central finite differences in float64 for every element of the points, the
 * bandwidth and b, and against a dense float64 solve in float32 as in KeOps' KernelSolve test
 * (alpha = 0.1, atol 1e-4).
 */
import { Pm, type Tensor, tensor, ValueError, Vi, Vj } from '@symtensor/lazytensor';
import { describe, expect, it } from 'vitest';
import { kernelSolve } from '../src/index.js';
import { denseSolve, expectClose, gaussianMatrix, normals, seeded } from './helpers.js';

describe('kernelSolve gradient vs finite differences (float64)', () => {
  const [N, D, E, alpha] = [12, 2, 2, 0.3];
  const next = seeded(31);
  const x0 = normals(next, N * D);
  const b0 = normals(next, N * E);
  const w = normals(next, N * E);
  const sigma0 = 0.9;
  const f64 = (d: Float64Array | number[], shape: number[], requiresGrad = false) =>
    tensor(Float64Array.from(d), shape, { dtype: 'float64', requiresGrad });
  const kernel = (x: Tensor, sigma: Tensor) =>
    Vi(x)
      .sqdist(Vj(x))
      .div(Pm(sigma.square().mul(2)))
      .neg()
      .exp();
  const loss = async (x: Float64Array, sigma: number, b: Float64Array) => {
    const sol = await kernelSolve(kernel(f64(x, [N, D]), f64([sigma], [1])), f64(b, [N, E]), {
      alpha,
      tol: 1e-14,
    });
    expect(sol.converged).toBe(true);
    const a = Float64Array.from(await sol.x.data());
    return a.reduce((s, t, k) => s + t * w[k]!, 0);
  };

  it('matches central differences for the points, the bandwidth and b, every element', async () => {
    const x = f64(x0, [N, D], true);
    const sigma = f64([sigma0], [1], true);
    const b = f64(b0, [N, E], true);
    const sol = await kernelSolve(kernel(x, sigma), b, { alpha, tol: 1e-14 });
    const { grads, converged, adjoint } = await sol.vjp(f64(w, [N, E]), [x, sigma, b]);
    expect(converged).toBe(true);
    expect(adjoint.converged).toBe(true);
    const [gx, gs, gb] = await Promise.all(grads.map((g) => g.data()));
    const h = 1e-5;
    const fd = async (which: 'x' | 's' | 'b', k: number) => {
      const shift = async (d: number) => {
        const xs = Float64Array.from(x0);
        const bs = Float64Array.from(b0);
        let s = sigma0;
        if (which === 'x') xs[k]! += d;
        else if (which === 'b') bs[k]! += d;
        else s += d;
        return loss(xs, s, bs);
      };
      return ((await shift(h)) - (await shift(-h))) / (2 * h);
    };
    const want = { x: new Float64Array(N * D), s: new Float64Array(1), b: new Float64Array(N * E) };
    for (let k = 0; k < N * D; k++) want.x[k] = await fd('x', k);
    want.s[0] = await fd('s', 0);
    for (let k = 0; k < N * E; k++) want.b[k] = await fd('b', k);
    // Central differences: O(h^2) ~ 1e-10 truncation, plus 1e-14 solves / h ~ 1e-9.
    expectClose(gx!, want.x, { atol: 1e-7, rtol: 1e-6 }, 'dL/dx');
    expectClose(gs!, want.s, { atol: 1e-7, rtol: 1e-6 }, 'dL/dsigma');
    expectClose(gb!, want.b, { atol: 1e-7, rtol: 1e-6 }, 'dL/db');
  });

  it('implicitLoss is ~0 and lets grad flow through what produced b', async () => {
    const x = f64(x0, [N, D]);
    const c = f64([2], [1], true);
    const b = f64(b0, [N, E]).mul(c);
    const sol = await kernelSolve(kernel(x, f64([sigma0], [1])), b, { alpha, tol: 1e-14 });
    const { loss: s } = await sol.implicitLoss(f64(w, [N, E]));
    expect(Math.abs(await s.item())).toBeLessThan(1e-10);
    const { grads } = await sol.vjp(f64(w, [N, E]), [c]);
    // L = <w, a(c b0)> = c <w, a(b0)>: dL/dc = L / c.
    const L = Float64Array.from(await sol.x.data()).reduce((t, v, k) => t + v * w[k]!, 0);
    expectClose(await grads[0]!.data(), [L / 2], { rtol: 1e-10 }, 'dL/dc');
  });

  it('rejects a negative alpha and a mismatched gradient', async () => {
    const K = kernel(f64(x0, [N, D]), f64([1], [1]));
    await expect(kernelSolve(K, f64(b0, [N, E]), { alpha: -1 })).rejects.toThrow(ValueError);
    const sol = await kernelSolve(K, f64(b0, [N, E]), { alpha });
    await expect(sol.vjp(f64(w.slice(0, N), [N]), [])).rejects.toThrow(/G has shape/);
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
    console.log(
      `KernelSolve float32 N=${N}: ${sol.reason} in ${sol.iterations} iterations, true residuals ${sol.trueResiduals.map((r) => r.toExponential(1))}`,
    );
    expect(sol.converged).toBe(true);
    const { grads, converged } = await sol.vjp(tensor(Float32Array.from(ws), [N, E]), [x, b]);
    expect(converged).toBe(true);

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
    const gx = new Float64Array(N * D);
    for (let k = 0; k < N; k++)
      for (let j = 0; j < N; j++) {
        let c = 0;
        for (let e = 0; e < E; e++) c += abar[k * E + e]! * a[j * E + e]! + abar[j * E + e]! * a[k * E + e]!;
        const f = (c * Km[k * N + j]!) / (sigma * sigma);
        for (let d = 0; d < D; d++) gx[k * D + d]! += f * (xs[k * D + d]! - xs[j * D + d]!);
      }
    expectClose(await sol.x.data(), a, { atol: 1e-4 }, 'a');
    // dL/dx carries the 1/sigma^2 = 100 of the kernel's derivative and reaches ~1e2: float32 sums
    // of such terms round at ~1e-5 relative, so its atol is 1e-4 times its largest entry.
    const gmax = gx.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
    expectClose(await grads[0]!.data(), gx, { atol: 1e-4 * gmax }, 'dL/dx');
    expectClose(await grads[1]!.data(), abar, { atol: 1e-4 }, 'dL/db');
  });
});
