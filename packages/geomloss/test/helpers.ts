/**
 * Test helpers: float64 tensors, seeded data (the peers' counter-based generator), elementwise
 * comparison with stated tolerances (every element checked), central finite differences, and dense
 * float64 reference computations.
 */

import { uniform as peerUniform } from '@symtensor/core-ir/peer-inputs';
import { type Tensor, tensor } from '@symtensor/lazytensor';
import { expect } from 'vitest';

export function f64(data: ArrayLike<number>, shape: readonly number[], requiresGrad = false): Tensor {
  return tensor(Float64Array.from(data), shape, { dtype: 'float64', requiresGrad });
}

/** n values uniform in [lo, hi) from seed. */
export function uniform(seed: number, n: number, lo = 0, hi = 1): Float64Array {
  return Float64Array.from(peerUniform(seed, n, 1)).map((u) => lo + (hi - lo) * u);
}

/** Positive weights summing to `mass`. */
export function weights(seed: number, n: number, mass = 1): Float64Array {
  const w = uniform(seed, n, 0.5, 1.5);
  const s = w.reduce((p, v) => p + v, 0);
  return w.map((v) => (v * mass) / s);
}

export async function read(t: Tensor): Promise<Float64Array> {
  return Float64Array.from(await t.data());
}

export async function value(t: Promise<Tensor> | Tensor): Promise<number> {
  return (await t).item();
}

/** Every element: |got - want| <= atol + rtol |want|. */
export function expectClose(
  got: ArrayLike<number>,
  want: ArrayLike<number>,
  tol: { atol?: number; rtol?: number },
  what = 'values',
): void {
  expect(got.length, `${what}: length`).toBe(want.length);
  for (let k = 0; k < want.length; k++) {
    const bound = (tol.atol ?? 0) + (tol.rtol ?? 0) * Math.abs(want[k]!);
    const err = Math.abs(got[k]! - want[k]!);
    if (!(err <= bound))
      expect.fail(`${what}: element ${k} is ${got[k]}, expected ${want[k]} (error ${err} > ${bound})`);
  }
}

/** Central finite differences of an async scalar function of a Float64Array, step h. */
export async function finiteDiff(
  f: (v: Float64Array) => Promise<number>,
  at: Float64Array,
  h: number,
): Promise<Float64Array> {
  const out = new Float64Array(at.length);
  for (let k = 0; k < at.length; k++) {
    const plus = at.slice();
    const minus = at.slice();
    plus[k]! += h;
    minus[k]! -= h;
    out[k] = ((await f(plus)) - (await f(minus))) / (2 * h);
  }
  return out;
}

/** Dense cost matrix C(x_i, y_j) for p = 1 (|x - y|) or 2 (|x - y|^2 / 2), row-major [N, M]. */
export function denseCost(x: Float64Array, y: Float64Array, D: number, p: 1 | 2): Float64Array {
  const N = x.length / D;
  const M = y.length / D;
  const C = new Float64Array(N * M);
  for (let i = 0; i < N; i++)
    for (let j = 0; j < M; j++) {
      let s = 0;
      for (let d = 0; d < D; d++) s += (x[i * D + d]! - y[j * D + d]!) ** 2;
      C[i * M + j] = p === 1 ? Math.sqrt(s) : s / 2;
    }
  return C;
}

/** <u, K v> for a dense row-major K [N, M]. */
export function bilinear(u: ArrayLike<number>, K: Float64Array, v: ArrayLike<number>): number {
  const M = v.length;
  let s = 0;
  for (let i = 0; i < u.length; i++) for (let j = 0; j < M; j++) s += u[i]! * K[i * M + j]! * v[j]!;
  return s;
}

/** 1/2 |a - b|_k^2 for a dense kernel k given as a function of two points' cost-like matrices. */
export function halfKernelNorm(
  a: Float64Array,
  x: Float64Array,
  b: Float64Array,
  y: Float64Array,
  k: (x: Float64Array, y: Float64Array) => Float64Array,
): number {
  return 0.5 * bilinear(a, k(x, x), a) + 0.5 * bilinear(b, k(y, y), b) - bilinear(a, k(x, y), b);
}

/**
 * Entropic OT_eps(a, b) = min <pi, C> + eps KL(pi | a x b) for a dense row-major C [N, M] and weights
 * of equal mass, by alternating log-domain Sinkhorn run until the potentials stop moving (float64):
 * the dual value <a, f> + <b, g>, which equals the primal at convergence.
 */
export function denseEntropicOT(
  a: ArrayLike<number>,
  b: ArrayLike<number>,
  C: Float64Array,
  eps: number,
): number {
  const N = a.length;
  const M = b.length;
  const f = new Float64Array(N);
  const g = new Float64Array(M);
  const softmin = (
    out: Float64Array,
    n: number,
    m: number,
    w: ArrayLike<number>,
    h: Float64Array,
    at: (i: number, j: number) => number,
  ) => {
    let moved = 0;
    for (let i = 0; i < n; i++) {
      let top = -Infinity;
      for (let j = 0; j < m; j++) top = Math.max(top, Math.log(w[j]!) + (h[j]! - at(i, j)) / eps);
      let s = 0;
      for (let j = 0; j < m; j++) s += Math.exp(Math.log(w[j]!) + (h[j]! - at(i, j)) / eps - top);
      const v = -eps * (top + Math.log(s));
      moved = Math.max(moved, Math.abs(v - out[i]!));
      out[i] = v;
    }
    return moved;
  };
  for (let it = 0; it < 100000; it++) {
    const df = softmin(f, N, M, b, g, (i, j) => C[i * M + j]!);
    const dg = softmin(g, M, N, a, f, (j, i) => C[i * M + j]!);
    if (Math.max(df, dg) < 1e-14) break;
  }
  let value = 0;
  for (let i = 0; i < N; i++) value += a[i]! * f[i]!;
  for (let j = 0; j < M; j++) value += b[j]! * g[j]!;
  return value;
}
