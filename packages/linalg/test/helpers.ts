/**
 * Test helpers: a seeded generator, elementwise comparison with stated tolerances (every element
 * checked), dense float64 kernels and solves on the host.
 */
import { expect } from 'vitest';

/** A small seeded generator (mulberry32) for test data; the seed is fixed per call site. */
export function seeded(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** n standard normal values from `next`. */
export function normals(next: () => number, n: number): Float64Array {
  return Float64Array.from({ length: n }, () => {
    const u = 1 - next();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * next());
  });
}

/** Every element: |got - want| <= atol + rtol |want|; reports the first failures. */
export function expectClose(
  got: ArrayLike<number>,
  want: ArrayLike<number>,
  { atol = 0, rtol = 0 }: { atol?: number; rtol?: number },
  what = 'values',
): void {
  expect(got.length, `${what}: length`).toBe(want.length);
  const bad: string[] = [];
  for (let k = 0; k < want.length; k++) {
    const g = got[k]!;
    const w = want[k]!;
    if (!(Math.abs(g - w) <= atol + rtol * Math.abs(w))) bad.push(`[${k}] got ${g}, want ${w}`);
  }
  expect(bad.slice(0, 5), `${what}: ${bad.length} of ${want.length} elements out of tolerance`).toEqual([]);
}

/** Dense Gaussian kernel exp(-|x_i - y_j|^2 / (2 sigma^2)) in float64 (row-major n x m). */
export function gaussianMatrix(
  x: ArrayLike<number>,
  y: ArrayLike<number>,
  d: number,
  sigma: number,
): Float64Array {
  const n = x.length / d;
  const m = y.length / d;
  const k = new Float64Array(n * m);
  for (let i = 0; i < n; i++)
    for (let j = 0; j < m; j++) {
      let s = 0;
      for (let c = 0; c < d; c++) s += (x[i * d + c]! - y[j * d + c]!) ** 2;
      k[i * m + j] = Math.exp(-s / (2 * sigma * sigma));
    }
  return k;
}

/** y = A v for a dense n x n A and v [n, e] (row-major), float64. */
export function denseMul(a: Float64Array, v: ArrayLike<number>, n: number, e = 1): Float64Array {
  const out = new Float64Array(n * e);
  for (let i = 0; i < n; i++)
    for (let j = 0; j < n; j++) {
      const aij = a[i * n + j]!;
      for (let c = 0; c < e; c++) out[i * e + c]! += aij * v[j * e + c]!;
    }
  return out;
}

/** Solves the SPD system A x = b (n x n, b [n]) by Cholesky in float64. */
export function denseSolve(a: Float64Array, b: ArrayLike<number>, n: number): Float64Array {
  const l = new Float64Array(n * n);
  for (let j = 0; j < n; j++) {
    let d = a[j * n + j]!;
    for (let k = 0; k < j; k++) d -= l[j * n + k]! ** 2;
    l[j * n + j] = Math.sqrt(d);
    for (let i = j + 1; i < n; i++) {
      let s = a[i * n + j]!;
      for (let k = 0; k < j; k++) s -= l[i * n + k]! * l[j * n + k]!;
      l[i * n + j] = s / l[j * n + j]!;
    }
  }
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = b[i]!;
    for (let k = 0; k < i; k++) s -= l[i * n + k]! * y[k]!;
    y[i] = s / l[i * n + i]!;
  }
  const x = new Float64Array(n);
  for (let i = n - 1; i >= 0; i--) {
    let s = y[i]!;
    for (let k = i + 1; k < n; k++) s -= l[k * n + i]! * x[k]!;
    x[i] = s / l[i * n + i]!;
  }
  return x;
}

/** A random SPD matrix Q diag(eigs) Q^T (Q from Householder reflections), row-major float64. */
export function spdMatrix(next: () => number, eigs: readonly number[]): Float64Array {
  const n = eigs.length;
  const a = new Float64Array(n * n);
  for (let i = 0; i < n; i++) a[i * n + i] = eigs[i]!;
  for (let r = 0; r < 3; r++) {
    const v = normals(next, n);
    const vv = v.reduce((s, t) => s + t * t, 0);
    // A <- H A H with H = I - 2 v v^T / v^T v.
    const av = denseMul(a, v, n);
    const vav = v.reduce((s, t, k) => s + t * av[k]!, 0);
    for (let i = 0; i < n; i++)
      for (let j = 0; j < n; j++)
        a[i * n + j]! +=
          (-2 * (av[i]! * v[j]! + v[i]! * av[j]!)) / vv + (4 * vav * v[i]! * v[j]!) / (vv * vv);
  }
  return a;
}

/** Euclidean norm. */
export function norm(v: ArrayLike<number>): number {
  let s = 0;
  for (let k = 0; k < v.length; k++) s += v[k]! ** 2;
  return Math.sqrt(s);
}
