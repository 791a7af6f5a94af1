/**
 * Functional autodiff (KeOps test suite item 10, torch.func): valueAndGrad, vector-Jacobian
 * products and Hessian-vector products of a batched weighted LogSumExp (batch 5 x 4, N = 10,
 * M = 20, D = 2) against float64 finite differences, and a full Hessian by basis products.
 */
import { describe, expect, it } from 'vitest';
import { grad, type Tensor, Vi, Vj, valueAndGrad } from '../src/index.js';
import { expectClose, f64, finiteDiff, normal, read, rng, uniform } from './helpers.js';

const [B1, B2, N, M, D] = [5, 4, 10, 20, 2];
const B = B1 * B2;

/** out[q, i] = log sum_j exp(-|x_qi - y_qj|^2) b_qj and its analytic gradient in x (float64). */
function weightedLse(x: Float64Array, y: Float64Array, b: Float64Array, c?: Float64Array) {
  const out = new Float64Array(B * N);
  const gx = new Float64Array(x.length);
  for (let q = 0; q < B; q++)
    for (let i = 0; i < N; i++) {
      const f = Array.from({ length: M }, (_, j) => {
        let d2 = 0;
        for (let d = 0; d < D; d++) d2 += (x[(q * N + i) * D + d]! - y[(q * M + j) * D + d]!) ** 2;
        return -d2;
      });
      const m = Math.max(...f);
      const w = f.map((fj, j) => Math.exp(fj - m) * b[q * M + j]!);
      const z = w.reduce((s, v) => s + v, 0);
      out[q * N + i] = m + Math.log(z);
      if (c)
        for (let j = 0; j < M; j++)
          for (let d = 0; d < D; d++)
            gx[(q * N + i) * D + d]! +=
              c[q * N + i]! * (w[j]! / z) * -2 * (x[(q * N + i) * D + d]! - y[(q * M + j) * D + d]!);
    }
  return { out, gx };
}

function inputs() {
  const r = rng();
  return {
    x: normal(r, B * N * D),
    y: normal(r, B * M * D),
    b: uniform(r, B * M, 0.2, 2),
    c: normal(r, B * N),
    u: normal(r, B * N * D),
  };
}

const lse = (x: Tensor, y: Tensor, b: Tensor) =>
  Vi(x)
    .sqdist(Vj(y))
    .neg()
    .logsumexp('j', { weight: Vj(b) });

describe('functional autodiff of a batched weighted LogSumExp', () => {
  it('valueAndGrad matches the value and finite differences in x, y and b', async () => {
    const { x, y, b, c } = inputs();
    const fn = valueAndGrad((xt: Tensor, yt: Tensor, bt: Tensor) =>
      lse(xt, yt, bt)
        .mul(f64(c, [B1, B2, N, 1]))
        .sum(),
    );
    const { value, grads } = fn(f64(x, [B1, B2, N, D]), f64(y, [B1, B2, M, D]), f64(b, [B1, B2, M, 1]));
    const L = (xx: Float64Array, yy: Float64Array, bb: Float64Array) =>
      weightedLse(xx, yy, bb).out.reduce((s, v, k) => s + v * c[k]!, 0);
    expectClose(await read(value), [L(x, y, b)], { rtol: 1e-13 }, 'value');
    const tol = { atol: 1e-7, rtol: 1e-6 };
    expectClose(
      await read(grads[0]!),
      finiteDiff((p) => L(p, y, b), x),
      tol,
      'd/dx',
    );
    expectClose(
      await read(grads[1]!),
      finiteDiff((p) => L(x, p, b), y),
      tol,
      'd/dy',
    );
    expectClose(
      await read(grads[2]!),
      finiteDiff((p) => L(x, y, p), b),
      tol,
      'd/db',
    );
  });

  it('vector-Jacobian product with a non-scalar output', async () => {
    const { x, y, b, c } = inputs();
    const xt = f64(x, [B1, B2, N, D], true);
    const out = lse(xt, f64(y, [B1, B2, M, D]), f64(b, [B1, B2, M, 1]));
    expect(() => grad(out, [xt])).toThrow(/gradOutputs/);
    const [vjp] = grad(out, [xt], f64(c, [B1, B2, N, 1]));
    expectClose(await read(vjp!), weightedLse(x, y, b, c).gx, { atol: 1e-13, rtol: 1e-12 });
  });

  it('Hessian-vector product (second order) in x and in (x, y)', async () => {
    const { x, y, b, c, u } = inputs();
    const [xt, yt] = [f64(x, [B1, B2, N, D], true), f64(y, [B1, B2, M, D], true)];
    const out = lse(xt, yt, f64(b, [B1, B2, M, 1]));
    const [gx] = grad(out, [xt], f64(c, [B1, B2, N, 1]), { createGraph: true });
    const [hx, hy] = grad(gx!.mul(f64(u, [B1, B2, N, D])).sum(), [xt, yt]);
    const dot = (g: Float64Array) => g.reduce((s, v, k) => s + v * u[k]!, 0);
    const tol = { atol: 1e-6, rtol: 1e-5 };
    expectClose(
      await read(hx!),
      finiteDiff((p) => dot(weightedLse(p, y, b, c).gx), x),
      tol,
      'H_xx u',
    );
    expectClose(
      await read(hy!),
      finiteDiff((p) => dot(weightedLse(x, p, b, c).gx), y),
      tol,
      'H_yx u',
    );
  });

  it('a full Hessian from basis products is symmetric and matches finite differences', async () => {
    const r = rng();
    const [n, m] = [3, 5];
    const x = normal(r, n * 2);
    const y = normal(r, m * 2);
    const xt = f64(x, [n, 2], true);
    const value = Vi(xt)
      .sqdist(Vj(f64(y, [m, 2])))
      .neg()
      .logsumexp('j')
      .sum();
    const [g] = grad(value, [xt], undefined, { createGraph: true });
    const H = new Float64Array(36);
    for (let k = 0; k < 6; k++) {
      const e = new Float64Array(6);
      e[k] = 1;
      const [hk] = grad(g!, [xt], f64(e, [n, 2]));
      H.set(await read(hk!), k * 6);
    }
    const L = (p: Float64Array) => {
      let s = 0;
      for (let i = 0; i < n; i++) {
        const f = Array.from(
          { length: m },
          (_, j) => -((p[2 * i]! - y[2 * j]!) ** 2) - (p[2 * i + 1]! - y[2 * j + 1]!) ** 2,
        );
        const mx = Math.max(...f);
        s += mx + Math.log(f.reduce((a, v) => a + Math.exp(v - mx), 0));
      }
      return s;
    };
    const Ht = Float64Array.from({ length: 36 }, (_, k) => H[(k % 6) * 6 + Math.floor(k / 6)]!);
    expectClose(H, Ht, { atol: 1e-13 }, 'symmetry');
    for (let k = 0; k < 6; k++) {
      const col = finiteDiff((p) => finiteDiff(L, p, 1e-4)[k]!, x, 1e-4);
      expectClose(H.subarray(k * 6, k * 6 + 6), col, { atol: 1e-5 }, `Hessian row ${k}`);
    }
  });
});
