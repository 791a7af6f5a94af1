/**
 * LogSumExp and SumSoftMaxWeight reductions (KeOps test suite item 3): Gaussian, Laplacian,
 * Cauchy and inverse multiquadric log-kernels, with and without weights, values against dense
 * float64 computations and gradients against central finite differences.
 */
import { describe, expect, it } from 'vitest';
import { grad, type LazyTensor, Pm, Vi, Vj } from '../src/index.js';
import { expectClose, f32, f64, finiteDiff, normal, read, rng, sqdist, uniform } from './helpers.js';

const [N, M, D] = [12, 17, 3];

/** Log-kernels: symbolic (of x, y and a bandwidth tensor) and scalar float64 (of d2 = |x-y|^2). */
const KERNELS: Record<
  string,
  {
    lazy: (x: LazyTensor, y: LazyTensor, s: LazyTensor) => LazyTensor;
    ref: (d2: number, s: number) => number;
  }
> = {
  gaussian: {
    lazy: (x, y, s) => x.sqdist(y).div(s.square()).mul(-0.5),
    ref: (d2, s) => (-0.5 * d2) / (s * s),
  },
  laplacian: { lazy: (x, y, s) => x.sqdist(y).sqrt().div(s).neg(), ref: (d2, s) => -Math.sqrt(d2) / s },
  cauchy: {
    lazy: (x, y, s) => x.sqdist(y).div(s.square()).add(1).log().neg(),
    ref: (d2, s) => -Math.log(1 + d2 / (s * s)),
  },
  imq: {
    lazy: (x, y, s) => x.sqdist(y).div(s.square()).add(1).log().mul(-0.5),
    ref: (d2, s) => -0.5 * Math.log(1 + d2 / (s * s)),
  },
};

/** out_i = log sum_j exp(k(x_i, y_j)) w_j (w = 1 without weights), dense float64 with a max shift. */
function lse(
  x: Float64Array,
  y: Float64Array,
  w: Float64Array | undefined,
  s: number,
  k: (d2: number, s: number) => number,
): Float64Array {
  const out = new Float64Array(N);
  for (let i = 0; i < N; i++) {
    const f = Array.from({ length: M }, (_, j) => k(sqdist(x, i, y, j, D), s));
    const m = Math.max(...f);
    out[i] = m + Math.log(f.reduce((acc, v, j) => acc + Math.exp(v - m) * (w ? w[j]! : 1), 0));
  }
  return out;
}

describe.each(Object.entries(KERNELS))('LogSumExp with the %s log-kernel', (_name, kernel) => {
  it('value and gradients w.r.t. x, y, sigma, weighted and not (float64)', async () => {
    const r = rng();
    const x = uniform(r, N * D);
    const y = uniform(r, M * D);
    const w = uniform(r, M, 0.5, 2);
    const c = normal(r, N);
    const s = 0.8;
    for (const weighted of [false, true]) {
      const [xt, yt, wt] = [f64(x, [N, D], true), f64(y, [M, D], true), f64(w, [M, 1], true)];
      const st = f64(Float64Array.of(s), [1], true);
      const F = kernel.lazy(Vi(xt), Vj(yt), Pm(st));
      const out = weighted ? F.logsumexp('j', { weight: Vj(wt) }) : F.logsumexp('j');
      expect(out.shape).toEqual([N, 1]);
      const wv = weighted ? w : undefined;
      expectClose(await read(out), lse(x, y, wv, s, kernel.ref), { atol: 1e-12, rtol: 1e-12 }, 'value');
      // The gradient of sum_i c_i out_i.
      const L = (xx: Float64Array, yy: Float64Array, ww: Float64Array | undefined, ss: number) =>
        lse(xx, yy, ww, ss, kernel.ref).reduce((acc, v, i) => acc + c[i]! * v, 0);
      const inputs = weighted ? [xt, yt, st, wt] : [xt, yt, st];
      const grads = grad(out, inputs, f64(c, [N, 1]));
      const tol = { atol: 1e-7, rtol: 1e-6 };
      expectClose(
        await read(grads[0]!),
        finiteDiff((v) => L(v, y, wv, s), x),
        tol,
        'd/dx',
      );
      expectClose(
        await read(grads[1]!),
        finiteDiff((v) => L(x, v, wv, s), y),
        tol,
        'd/dy',
      );
      expectClose(
        await read(grads[2]!),
        finiteDiff((v) => L(x, y, wv, v[0]!), Float64Array.of(s)),
        tol,
        'd/dsigma',
      );
      if (weighted)
        expectClose(
          await read(grads[3]!),
          finiteDiff((v) => L(x, y, v, s), w),
          tol,
          'd/dw',
        );
    }
  });
});

describe('LogSumExp in float32', () => {
  it('stays finite and accurate for large values (no overflow)', async () => {
    const r = rng();
    const x = uniform(r, N * D, -30, 30);
    const y = uniform(r, M * D, -30, 30);
    const out = Vi(f32(x, [N, D]))
      .sqdist(Vj(f32(y, [M, D])))
      .logsumexp('j');
    const xr = Float64Array.from(Float32Array.from(x));
    const yr = Float64Array.from(Float32Array.from(y));
    // Values reach ~1e4 (exp would overflow float32 at 89): relative float32 accuracy.
    expectClose(
      await read(out),
      lse(xr, yr, undefined, 1, (d2) => d2),
      { rtol: 1e-6 },
    );
  });
});

describe('SumSoftMaxWeight', () => {
  it('value and gradients w.r.t. x, y and the weights (float64)', async () => {
    const r = rng();
    const E = 2;
    const x = uniform(r, N * D);
    const y = uniform(r, M * D);
    const v = normal(r, M * E);
    const c = normal(r, N * E);
    const ref = (xx: Float64Array, yy: Float64Array, vv: Float64Array) => {
      const out = new Float64Array(N * E);
      for (let i = 0; i < N; i++) {
        const f = Array.from({ length: M }, (_, j) => -sqdist(xx, i, yy, j, D));
        const m = Math.max(...f);
        const z = f.reduce((acc, fj) => acc + Math.exp(fj - m), 0);
        for (let j = 0; j < M; j++)
          for (let e = 0; e < E; e++) out[i * E + e]! += (Math.exp(f[j]! - m) / z) * vv[j * E + e]!;
      }
      return out;
    };
    const L = (xx: Float64Array, yy: Float64Array, vv: Float64Array) =>
      ref(xx, yy, vv).reduce((acc, o, k) => acc + o * c[k]!, 0);
    const [xt, yt, vt] = [f64(x, [N, D], true), f64(y, [M, D], true), f64(v, [M, E], true)];
    const out = Vi(xt).sqdist(Vj(yt)).neg().sumsoftmaxweight('j', vt);
    expect(out.shape).toEqual([N, E]);
    expectClose(await read(out), ref(x, y, v), { atol: 1e-12, rtol: 1e-12 }, 'value');
    const [gx, gy, gv] = grad(out, [xt, yt, vt], f64(c, [N, E]));
    const tol = { atol: 1e-7, rtol: 1e-6 };
    expectClose(
      await read(gx!),
      finiteDiff((p) => L(p, y, v), x),
      tol,
      'd/dx',
    );
    expectClose(
      await read(gy!),
      finiteDiff((p) => L(x, p, v), y),
      tol,
      'd/dy',
    );
    expectClose(
      await read(gv!),
      finiteDiff((p) => L(x, y, p), v),
      tol,
      'd/dv',
    );
  });

  it('second order through the saved LogSumExp (float64)', async () => {
    const r = rng();
    const x = uniform(r, N * D);
    const y = uniform(r, M * D);
    const v = normal(r, M);
    const u = normal(r, N * D);
    const first = (xx: Float64Array): Float64Array => {
      // d/dx of sum_i softmax-average_i, analytic: sum_j p_ij (v_j - out_i) d f_ij / dx_i.
      const g = new Float64Array(N * D);
      for (let i = 0; i < N; i++) {
        const f = Array.from({ length: M }, (_, j) => -sqdist(xx, i, y, j, D));
        const m = Math.max(...f);
        const p = f.map((fj) => Math.exp(fj - m));
        const z = p.reduce((a, b) => a + b, 0);
        const o = p.reduce((acc, pj, j) => acc + (pj / z) * v[j]!, 0);
        for (let j = 0; j < M; j++)
          for (let d = 0; d < D; d++)
            g[i * D + d]! += (p[j]! / z) * (v[j]! - o) * -2 * (xx[i * D + d]! - y[j * D + d]!);
      }
      return g;
    };
    const xt = f64(x, [N, D], true);
    const out = Vi(xt)
      .sqdist(Vj(f64(y, [M, D])))
      .neg()
      .sumsoftmaxweight('j', f64(v, [M, 1]));
    const [gx] = grad(out.sum(), [xt], undefined, { createGraph: true });
    expectClose(await read(gx!), first(x), { atol: 1e-12, rtol: 1e-10 }, 'first order');
    const [hx] = grad(gx!.mul(f64(u, [N, D])).sum(), [xt]);
    const hv = finiteDiff((p) => first(p).reduce((acc, g, k) => acc + g * u[k]!, 0), x);
    expectClose(await read(hx!), hv, { atol: 1e-6, rtol: 1e-5 }, 'Hessian-vector product');
  });
});
