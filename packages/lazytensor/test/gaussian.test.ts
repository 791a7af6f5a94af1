/**
 * Gaussian kernel products (KeOps test suite item 7): values against a dense float64 computation,
 * the transposed product, batch dims against a loop, and gradients (first and second order) against
 * analytic float64 gradients and central finite differences.
 */
import { describe, expect, it } from 'vitest';
import { grad, Pm, type Tensor, tensor, Vi, Vj } from '../src/index.js';
import { expectClose, f32, f64, finiteDiff, normal, read, rng, sqdist, uniform } from './helpers.js';

/** a_i = sum_j exp(-|x_i - y_j|^2 / (2 s^2)) b_j, dense float64. */
function conv(
  x: Float64Array,
  y: Float64Array,
  b: Float64Array,
  D: number,
  E: number,
  s: number,
): Float64Array {
  const N = x.length / D;
  const M = y.length / D;
  const out = new Float64Array(N * E);
  for (let i = 0; i < N; i++)
    for (let j = 0; j < M; j++) {
      const k = Math.exp(-sqdist(x, i, y, j, D) / (2 * s * s));
      for (let e = 0; e < E; e++) out[i * E + e]! += k * b[j * E + e]!;
    }
  return out;
}

/** The kernel norm loss sum_i |a_i|^2 with a = K(x, y) b. */
function loss(x: Float64Array, y: Float64Array, b: Float64Array, D: number, E: number, s: number): number {
  return conv(x, y, b, D, E, s).reduce((acc, v) => acc + v * v, 0);
}

/** Analytic d loss / d x, dense float64. */
function lossGradX(
  x: Float64Array,
  y: Float64Array,
  b: Float64Array,
  D: number,
  E: number,
  s: number,
): Float64Array {
  const N = x.length / D;
  const M = y.length / D;
  const a = conv(x, y, b, D, E, s);
  const g = new Float64Array(x.length);
  for (let i = 0; i < N; i++)
    for (let j = 0; j < M; j++) {
      const k = Math.exp(-sqdist(x, i, y, j, D) / (2 * s * s));
      let ab = 0;
      for (let e = 0; e < E; e++) ab += a[i * E + e]! * b[j * E + e]!;
      for (let d = 0; d < D; d++) g[i * D + d]! += (2 * ab * k * -(x[i * D + d]! - y[j * D + d]!)) / (s * s);
    }
  return g;
}

/** The symbolic kernel of x and y with bandwidth s (a number or a tensor parameter). */
function kernel(x: Tensor, y: Tensor, s: number | Tensor) {
  const D = Vi(x).sqdist(Vj(y));
  return typeof s === 'number' ? D.mul(-1 / (2 * s * s)).exp() : D.div(Pm(s).square().mul(-2)).exp();
}

describe('Gaussian convolution, M = N = 1000', () => {
  const N = 1000;
  const M = 1000;
  const D = 3;
  const E = 2;
  const s = 0.4;

  it('matches a dense float64 computation in float64 and float32', async () => {
    const r = rng();
    const x = uniform(r, N * D);
    const y = uniform(r, M * D);
    const b = normal(r, M * E);
    const want = conv(x, y, b, D, E, s);
    const a64 = kernel(f64(x, [N, D]), f64(y, [M, D]), s).matmul(f64(b, [M, E]));
    expect(a64.shape).toEqual([N, E]);
    expect(a64.dtype).toBe('float64');
    expectClose(await read(a64), want, { atol: 1e-11, rtol: 1e-11 }, 'float64');
    const a32 = kernel(f32(x, [N, D]), f32(y, [M, D]), s).matmul(f32(b, [M, E]));
    expect(a32.dtype).toBe('float32');
    // float32 inputs are rounded (relative 6e-8) and sums of 1000 O(1) terms accumulate in float32:
    // an absolute budget of 1e-3 on values of size up to ~10 (measured: 1.1e-5).
    expectClose(
      await read(a32),
      conv(
        Float64Array.from(Float32Array.from(x)),
        Float64Array.from(Float32Array.from(y)),
        Float64Array.from(Float32Array.from(b)),
        D,
        E,
        s,
      ),
      { atol: 1e-3, rtol: 1e-5 },
      'float32',
    );
  });

  it('K.t() @ w is the transposed product', async () => {
    const r = rng();
    const x = uniform(r, N * D);
    const y = uniform(r, M * D);
    const w = normal(r, N);
    const K = kernel(f64(x, [N, D]), f64(y, [M, D]), s);
    const out = K.t().matmul(f64(w, [N]));
    expect(out.shape).toEqual([M]);
    expectClose(await read(out), conv(y, x, w, D, 1, s), { atol: 1e-11, rtol: 1e-11 });
  });

  it('batch dims (3, 4, 20, 25) equal a loop over the batch', async () => {
    const r = rng();
    const [B1, B2, n, m] = [3, 4, 20, 25];
    const x = uniform(r, B1 * B2 * n * D);
    const y = uniform(r, B1 * B2 * m * D);
    const b = normal(r, B1 * B2 * m);
    const out = kernel(f64(x, [B1, B2, n, D]), f64(y, [B1, B2, m, D]), s).matmul(f64(b, [B1, B2, m, 1]));
    expect(out.shape).toEqual([B1, B2, n, 1]);
    const got = await read(out);
    for (let q = 0; q < B1 * B2; q++) {
      const want = conv(
        x.subarray(q * n * D, (q + 1) * n * D),
        y.subarray(q * m * D, (q + 1) * m * D),
        b.subarray(q * m, (q + 1) * m),
        D,
        1,
        s,
      );
      expectClose(got.subarray(q * n, (q + 1) * n), want, { atol: 1e-12, rtol: 1e-12 }, `batch entry ${q}`);
      // The same entry computed alone, unbatched.
      const alone = kernel(
        f64(x.slice(q * n * D, (q + 1) * n * D), [n, D]),
        f64(y.slice(q * m * D, (q + 1) * m * D), [m, D]),
        s,
      ).matmul(f64(b.slice(q * m, (q + 1) * m), [m, 1]));
      expectClose(
        got.subarray(q * n, (q + 1) * n),
        await read(alone),
        { atol: 1e-13, rtol: 1e-13 },
        `batch entry ${q} vs alone`,
      );
    }
  });

  it('gradient of the kernel norm w.r.t. x at N = M = 1000 matches the analytic float64 gradient', async () => {
    const r = rng();
    const x = uniform(r, N * D);
    const y = uniform(r, M * D);
    const b = normal(r, M * E);
    const xt = f64(x, [N, D], true);
    const a = kernel(xt, f64(y, [M, D]), s).matmul(f64(b, [M, E]));
    const [gx] = grad(a.square().sum(), [xt]);
    expectClose(await read(gx!), lossGradX(x, y, b, D, E, s), { atol: 1e-8, rtol: 1e-9 });
  });
});

describe('gradients of a Gaussian kernel norm (finite differences, float64)', () => {
  const [N, M, D, E] = [20, 15, 3, 2];

  it('w.r.t. x, y, b and sigma', async () => {
    const r = rng();
    const x = uniform(r, N * D);
    const y = uniform(r, M * D);
    const b = normal(r, M * E);
    const s = 0.7;
    const [xt, yt, bt] = [f64(x, [N, D], true), f64(y, [M, D], true), f64(b, [M, E], true)];
    const st = tensor([s], [1], { dtype: 'float64', requiresGrad: true });
    const value = kernel(xt, yt, st).matmul(bt).square().sum();
    expectClose(await read(value), [loss(x, y, b, D, E, s)], { rtol: 1e-12 }, 'value');
    const [gx, gy, gb, gs] = grad(value, [xt, yt, bt, st]);
    const tol = { atol: 1e-7, rtol: 1e-6 };
    expectClose(
      await read(gx!),
      finiteDiff((v) => loss(v, y, b, D, E, s), x),
      tol,
      'd/dx',
    );
    expectClose(
      await read(gy!),
      finiteDiff((v) => loss(x, v, b, D, E, s), y),
      tol,
      'd/dy',
    );
    expectClose(
      await read(gb!),
      finiteDiff((v) => loss(x, y, v, D, E, s), b),
      tol,
      'd/db',
    );
    expectClose(
      await read(gs!),
      finiteDiff((v) => loss(x, y, b, D, E, v[0]!), Float64Array.of(s)),
      tol,
      'd/dsigma',
    );
    expect(gs!.shape).toEqual([1]);
  });

  it('second order: Hessian-vector products w.r.t. x and mixed x, y', async () => {
    const r = rng();
    const x = uniform(r, N * D);
    const y = uniform(r, M * D);
    const b = normal(r, M * E);
    const v = normal(r, N * D);
    const s = 0.6;
    const [xt, yt] = [f64(x, [N, D], true), f64(y, [M, D], true)];
    const value = kernel(xt, yt, s)
      .matmul(f64(b, [M, E]))
      .square()
      .sum();
    const [gx] = grad(value, [xt], undefined, { createGraph: true });
    expect(gx!.requiresGrad).toBe(true);
    expectClose(await read(gx!), lossGradX(x, y, b, D, E, s), { atol: 1e-10, rtol: 1e-10 }, 'first order');
    const [hx, hy] = grad(gx!.mul(f64(v, [N, D])).sum(), [xt, yt]);
    const dot = (g: Float64Array) => g.reduce((acc, gk, k) => acc + gk * v[k]!, 0);
    const tol = { atol: 1e-6, rtol: 1e-5 };
    expectClose(
      await read(hx!),
      finiteDiff((p) => dot(lossGradX(p, y, b, D, E, s)), x),
      tol,
      'H_xx v',
    );
    expectClose(
      await read(hy!),
      finiteDiff((p) => dot(lossGradX(x, p, b, D, E, s)), y),
      tol,
      'H_xy v',
    );
  });
});

describe('accumulator option', () => {
  it('float32 data accumulated in float64 give the correctly rounded sum of 200000 float32 terms', async () => {
    const r = rng();
    const M = 200_000;
    const x = Float64Array.from(Float32Array.from(uniform(r, 4, 0.5, 2)));
    const y = Float64Array.from(Float32Array.from(uniform(r, M, 0, 1)));
    const out = Vi(f32(x, [4, 1]))
      .mul(Vj(f32(y, [M, 1])))
      .sum('j', { accumulator: 'float64' });
    expect(out.dtype).toBe('float32');
    // Each term is a float32 product; their float64 sum, rounded once to float32.
    const want = Float64Array.from(x, (xi) => Math.fround(y.reduce((s, yj) => s + Math.fround(xi * yj), 0)));
    // One float32 ulp (2^-23 relative); a float32 accumulator drifts far more over 200000 terms.
    expectClose(await read(out), want, { rtol: 2 ** -23 });
  });
});
