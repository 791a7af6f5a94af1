/**
 * Batched LazyTensors (KeOps test suite item 4): X (5,3,10,3), Y (1,3,6,3) broadcast over the
 * first batch dim, S (5,3,1) a batched parameter. Values against a loop over the batch in float64,
 * gradients (with the sum over broadcast dims) and second order against finite differences.
 */
import { describe, expect, it } from 'vitest';
import { grad, Pm, Vi, Vj } from '../src/index.js';
import { expectClose, f64, finiteDiff, normal, read, rng, uniform } from './helpers.js';

const [B1, B2, N, M, D] = [5, 3, 10, 6, 3];

/** Offset of row n of a [b1?, B2, rows, D] array (b1 broadcast when the array has one entry). */
function row(b1: number, b2: number, n: number, rows: number, b1Size: number): number {
  return (((b1Size === 1 ? 0 : b1) * B2 + b2) * rows + n) * D;
}

/** out[b1, b2, i] = sum_j exp(-s[b1, b2]^2 |x - y|^2), dense float64 over the batch. */
function gaussianSum(x: Float64Array, y: Float64Array, s: Float64Array): Float64Array {
  const out = new Float64Array(B1 * B2 * N);
  for (let b1 = 0; b1 < B1; b1++)
    for (let b2 = 0; b2 < B2; b2++)
      for (let i = 0; i < N; i++)
        for (let j = 0; j < M; j++) {
          let d2 = 0;
          for (let d = 0; d < D; d++)
            d2 += (x[row(b1, b2, i, N, B1) + d]! - y[row(b1, b2, j, M, 1) + d]!) ** 2;
          out[(b1 * B2 + b2) * N + i]! += Math.exp(-(s[b1 * B2 + b2]! ** 2) * d2);
        }
  return out;
}

describe('batched LazyTensors X (5,3,10,3), Y (1,3,6,3), S (5,3,1)', () => {
  it('Sum of a Gaussian kernel: value, gradients w.r.t. x, y, s and a second order', async () => {
    const r = rng();
    const x = normal(r, B1 * B2 * N * D);
    const y = normal(r, B2 * M * D);
    const s = uniform(r, B1 * B2, 0.5, 1.5);
    const c = normal(r, B1 * B2 * N);
    const [xt, yt, st] = [
      f64(x, [B1, B2, N, D], true),
      f64(y, [1, B2, M, D], true),
      f64(s, [B1, B2, 1], true),
    ];
    const K = Vi(xt).sqdist(Vj(yt)).mul(Pm(st).square()).neg().exp();
    expect(K.shape).toEqual([B1, B2, N, M, 1]);
    const out = K.sum('j');
    expect(out.shape).toEqual([B1, B2, N, 1]);
    expectClose(await read(out), gaussianSum(x, y, s), { atol: 1e-12, rtol: 1e-12 }, 'value');
    const L = (xx: Float64Array, yy: Float64Array, ss: Float64Array) =>
      gaussianSum(xx, yy, ss).reduce((a, v, k) => a + v * c[k]!, 0);
    const [gx, gy, gs] = grad(out, [xt, yt, st], f64(c, [B1, B2, N, 1]), { createGraph: true });
    expect(gy!.shape).toEqual([1, B2, M, D]);
    expect(gs!.shape).toEqual([B1, B2, 1]);
    const tol = { atol: 1e-7, rtol: 1e-6 };
    expectClose(
      await read(gx!),
      finiteDiff((p) => L(p, y, s), x),
      tol,
      'd/dx',
    );
    expectClose(
      await read(gy!),
      finiteDiff((p) => L(x, p, s), y),
      tol,
      'd/dy (summed over the broadcast batch dim)',
    );
    expectClose(
      await read(gs!),
      finiteDiff((p) => L(x, y, p), s),
      tol,
      'd/ds',
    );
    // Second order: d/dy <d L/d s, u> against finite differences of the float64 gradient in s.
    const u = normal(r, B1 * B2);
    const [hy] = grad(gs!.mul(f64(u, [B1, B2, 1])).sum(), [yt]);
    const dsDot = (yy: Float64Array) =>
      finiteDiff((p) => L(x, yy, p), s, 1e-4).reduce((a, g, k) => a + g * u[k]!, 0);
    expectClose(await read(hy!), finiteDiff(dsDot, y, 1e-4), { atol: 1e-4, rtol: 1e-3 }, 'd2 L / dy ds');
  });

  it('float64 LogSumExp of -1/(1 + relu(x.y)): gradients and a mixed second order', async () => {
    const r = rng();
    const x = normal(r, B1 * B2 * N * D);
    const y = normal(r, B2 * M * D);
    const [xt, yt] = [f64(x, [B1, B2, N, D], true), f64(y, [1, B2, M, D], true)];
    const F = (a: number) => -1 / (1 + Math.max(0, a));
    const lseRef = (xx: Float64Array, yy: Float64Array) => {
      const out = new Float64Array(B1 * B2 * N);
      for (let b1 = 0; b1 < B1; b1++)
        for (let b2 = 0; b2 < B2; b2++)
          for (let i = 0; i < N; i++) {
            const f = Array.from({ length: M }, (_, j) => {
              let dot = 0;
              for (let d = 0; d < D; d++)
                dot += xx[row(b1, b2, i, N, B1) + d]! * yy[row(b1, b2, j, M, 1) + d]!;
              return F(dot);
            });
            const m = Math.max(...f);
            out[(b1 * B2 + b2) * N + i] = m + Math.log(f.reduce((a, v) => a + Math.exp(v - m), 0));
          }
      return out;
    };
    const out = Vi(xt).dot(Vj(yt)).relu().add(1).inv().neg().logsumexp('j');
    expectClose(await read(out), lseRef(x, y), { atol: 1e-13, rtol: 1e-12 }, 'value');
    const [gx, gy] = grad(out.sum(), [xt, yt], undefined, { createGraph: true });
    const L = (xx: Float64Array, yy: Float64Array) => lseRef(xx, yy).reduce((a, v) => a + v, 0);
    // relu's kink is crossed with probability ~0 at these random points; step 1e-6 keeps it so.
    const tol = { atol: 1e-6, rtol: 1e-5 };
    expectClose(
      await read(gx!),
      finiteDiff((p) => L(p, y), x, 1e-6),
      tol,
      'd/dx',
    );
    expectClose(
      await read(gy!),
      finiteDiff((p) => L(x, p), y, 1e-6),
      tol,
      'd/dy',
    );
    // Analytic d L / d x in float64: sum_j softmax_ij F'(x_i.y_j) y_j with F'(a) = 1/(1+a)^2 above 0.
    const gradX = (yy: Float64Array) => {
      const g = new Float64Array(x.length);
      for (let b1 = 0; b1 < B1; b1++)
        for (let b2 = 0; b2 < B2; b2++)
          for (let i = 0; i < N; i++) {
            const dots = Array.from({ length: M }, (_, j) => {
              let dot = 0;
              for (let d = 0; d < D; d++)
                dot += x[row(b1, b2, i, N, B1) + d]! * yy[row(b1, b2, j, M, 1) + d]!;
              return dot;
            });
            const f = dots.map(F);
            const m = Math.max(...f);
            const z = f.reduce((a, v) => a + Math.exp(v - m), 0);
            dots.forEach((dot, j) => {
              const w = (Math.exp(f[j]! - m) / z) * (dot > 0 ? 1 / (1 + dot) ** 2 : 0);
              for (let d = 0; d < D; d++) g[row(b1, b2, i, N, B1) + d]! += w * yy[row(b1, b2, j, M, 1) + d]!;
            });
          }
      return g;
    };
    expectClose(await read(gx!), gradX(y), { atol: 1e-13, rtol: 1e-12 }, 'd/dx analytic');
    const u = normal(r, B1 * B2 * N * D);
    const [hy] = grad(gx!.mul(f64(u, [B1, B2, N, D])).sum(), [yt]);
    const gxDot = (yy: Float64Array) => gradX(yy).reduce((a, g, k) => a + g * u[k]!, 0);
    expectClose(
      await read(hy!),
      finiteDiff(gxDot, y, 1e-6),
      { atol: 1e-6, rtol: 1e-5 },
      'mixed second order',
    );
  });

  it('minArgmin over j equals a brute-force search in each batch entry', async () => {
    const r = rng();
    const x = normal(r, B1 * B2 * N * D);
    const y = normal(r, B2 * M * D);
    const [val, idx] = Vi(f64(x, [B1, B2, N, D]))
      .sqdist(Vj(f64(y, [1, B2, M, D])))
      .minArgmin('j');
    expect(idx.dtype).toBe('int32');
    expect(idx.shape).toEqual([B1, B2, N, 1]);
    const [gotV, gotI] = [await read(val), await idx.data()];
    for (let b1 = 0; b1 < B1; b1++)
      for (let b2 = 0; b2 < B2; b2++)
        for (let i = 0; i < N; i++) {
          let best = Number.POSITIVE_INFINITY;
          let at = -1;
          for (let j = 0; j < M; j++) {
            let d2 = 0;
            for (let d = 0; d < D; d++)
              d2 += (x[row(b1, b2, i, N, B1) + d]! - y[row(b1, b2, j, M, 1) + d]!) ** 2;
            if (d2 < best) [best, at] = [d2, j];
          }
          const k = (b1 * B2 + b2) * N + i;
          expect(gotI[k], `index at ${k}`).toBe(at);
          expectClose([gotV[k]!], [best], { rtol: 1e-14 }, `value at ${k}`);
        }
  });
});
