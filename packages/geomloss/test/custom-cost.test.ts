/**
 * A custom ground cost given as a LazyTensor formula of (x_i, y_j), against dense float64 Sinkhorn
 * on the same cost written out by hand: the debiased divergence for a symmetric anisotropic cost
 * (with its gradient against finite differences of the dense reference), and raw OT for an
 * asymmetric cost (which also checks that C_yx(y_i, x_j) is evaluated as C(x_j, y_i)).
 */
import { grad, type LazyTensor } from '@symtensor/lazytensor';
import { describe, expect, it } from 'vitest';
import { samplesLoss } from '../src/index.js';
import { denseEntropicOT, expectClose, f64, finiteDiff, read, uniform, weights } from './helpers.js';

const blur = 0.3;
const eps = blur * blur;
const [N, M, D] = [8, 6, 2];
const X = uniform(101, N * D);
const Y = uniform(102, M * D, 0.2, 1.2);
const A = weights(103, N);
const B = weights(104, M);

/** 1/2 |x - y|^2 + 1/2 (x_1 - y_1)^2: the quadratic cost of the metric diag(1, 2). */
const anisotropic = (xi: LazyTensor, yj: LazyTensor) =>
  xi
    .sqdist(yj)
    .add(xi.elem(1).sub(yj.elem(1)).square())
    .mul(0.5);
/** The same plus 0.2 exp(y_0 - x_0): moving right costs more than moving left. */
const asymmetric = (xi: LazyTensor, yj: LazyTensor) =>
  anisotropic(xi, yj).add(yj.elem(0).sub(xi.elem(0)).exp().mul(0.2));

function dense(u: Float64Array, v: Float64Array, skew: boolean): Float64Array {
  const [n, m] = [u.length / D, v.length / D];
  const C = new Float64Array(n * m);
  for (let i = 0; i < n; i++)
    for (let j = 0; j < m; j++) {
      const [d0, d1] = [u[i * D]! - v[j * D]!, u[i * D + 1]! - v[j * D + 1]!];
      C[i * m + j] = 0.5 * (d0 * d0 + 2 * d1 * d1) + (skew ? 0.2 * Math.exp(-d0) : 0);
    }
  return C;
}

const divergence = (x: Float64Array) =>
  denseEntropicOT(A, B, dense(x, Y, false), eps) -
  0.5 * denseEntropicOT(A, A, dense(x, x, false), eps) -
  0.5 * denseEntropicOT(B, B, dense(Y, Y, false), eps);

describe('custom cost (xi, yj) => LazyTensor', () => {
  it('symmetric anisotropic cost: S_eps and d/dx match dense float64 Sinkhorn', async () => {
    const x = f64(X, [N, D], true);
    const S = await samplesLoss({ cost: anisotropic, blur, tol: 1e-13 })(
      f64(A, [N]),
      x,
      f64(B, [M]),
      f64(Y, [M, D]),
    );
    const want = divergence(X);
    expectClose([await S.item()], [want], { rtol: 1e-11 }, 'S');
    // Far from the built-in cost's value on the same clouds: the custom formula is what ran.
    const builtin = await samplesLoss({ blur, tol: 1e-13 })(
      f64(A, [N]),
      f64(X, [N, D]),
      f64(B, [M]),
      f64(Y, [M, D]),
    );
    expect(Math.abs((await builtin.item()) - want)).toBeGreaterThan(0.05 * want);
    const fd = await finiteDiff(async (v) => divergence(v), X, 1e-6);
    expectClose(await read(grad(S, [x])[0]!), fd, { atol: 1e-9 }, 'd/dx');
  });

  it('asymmetric cost: raw OT_eps matches dense float64 Sinkhorn, and differs from the transposed cost', async () => {
    const loss = samplesLoss({ cost: asymmetric, blur, debias: false, tol: 1e-13 });
    const got = await (await loss(f64(A, [N]), f64(X, [N, D]), f64(B, [M]), f64(Y, [M, D]))).item();
    expectClose([got], [denseEntropicOT(A, B, dense(X, Y, true), eps)], { rtol: 1e-11 }, 'OT(a, b)');
    // Swapping the measures transposes the cost: OT(b, a) with C(y, x) is a different number.
    const swapped = await (await loss(f64(B, [M]), f64(Y, [M, D]), f64(A, [N]), f64(X, [N, D]))).item();
    expectClose([swapped], [denseEntropicOT(B, A, dense(Y, X, true), eps)], { rtol: 1e-11 }, 'OT(b, a)');
    expect(Math.abs(swapped - got)).toBeGreaterThan(0.01 * got);
  });
});
