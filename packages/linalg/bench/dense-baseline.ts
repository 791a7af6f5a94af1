/**
 * The dense JavaScript baseline of the linalg benchmark: the kernel matrix stored as float32 on the
 * host (N^2 x 4 bytes), products in plain loops on one thread with float64 vectors, and the same
 * algorithms as symtensor (CG; Lanczos with full reorthogonalisation, Ritz values by the package's
 * host Jacobi solver). What it shows is the cost of a stored matrix without a fused kernel.
 */
import { symmetricEigen } from '../src/host/symmetric-eigen.js';

/** exp(-|x_i - x_j|^2 / (2 sigma^2)) + shift on the diagonal, float32, row-major. */
export function denseGaussian(x: Float32Array, d: number, sigma: number, shift: number): Float32Array {
  const n = x.length / d;
  const k = new Float32Array(n * n);
  const c = 1 / (2 * sigma * sigma);
  for (let i = 0; i < n; i++)
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let t = 0; t < d; t++) s += (x[i * d + t]! - x[j * d + t]!) ** 2;
      k[i * n + j] = Math.exp(-s * c) + (i === j ? shift : 0);
    }
  return k;
}

function denseMatvec(a: Float32Array, v: Float64Array, out: Float64Array): void {
  const n = v.length;
  for (let i = 0; i < n; i++) {
    let s = 0;
    const row = i * n;
    for (let j = 0; j < n; j++) s += a[row + j]! * v[j]!;
    out[i] = s;
  }
}

function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
}

/** Plain CG on the host, relative tolerance tol. */
export function denseCg(
  a: Float32Array,
  b: Float64Array,
  tol: number,
): { x: Float64Array; iterations: number } {
  const n = b.length;
  const x = new Float64Array(n);
  const r = Float64Array.from(b);
  const p = Float64Array.from(b);
  const ap = new Float64Array(n);
  let rr = dot(r, r);
  const stop = tol * tol * rr;
  let k = 0;
  while (rr > stop && k < 10 * n) {
    denseMatvec(a, p, ap);
    const alpha = rr / dot(p, ap);
    for (let i = 0; i < n; i++) {
      x[i]! += alpha * p[i]!;
      r[i]! -= alpha * ap[i]!;
    }
    const next = dot(r, r);
    for (let i = 0; i < n; i++) p[i] = r[i]! + (next / rr) * p[i]!;
    rr = next;
    k++;
  }
  return { x, iterations: k };
}

/**
 * The k largest eigenvalues by Lanczos with full reorthogonalisation (twice) and no restart, from
 * the start vector of ones (as the SciPy reference), until every wanted Ritz pair has the residual
 * estimate |beta_m s_mi| <= tol |theta_i|, or maxSteps products.
 */
export function denseLanczos(
  a: Float32Array,
  n: number,
  k: number,
  tol: number,
  maxSteps = 300,
): { values: number[]; products: number; converged: boolean } {
  const basis: Float64Array[] = [new Float64Array(n).fill(1 / Math.sqrt(n))];
  const alphas: number[] = [];
  const betas: number[] = [];
  const w = new Float64Array(n);
  const limit = Math.min(maxSteps, n);
  if (limit < k) throw new Error(`denseLanczos: maxSteps = ${maxSteps} is below k = ${k}`);
  for (let m = 1; ; m++) {
    const v = basis[m - 1]!;
    denseMatvec(a, v, w);
    alphas.push(dot(w, v));
    for (let pass = 0; pass < 2; pass++)
      for (const u of basis) {
        const c = dot(w, u);
        for (let i = 0; i < n; i++) w[i]! -= c * u[i]!;
      }
    const beta = Math.sqrt(dot(w, w));
    betas.push(beta);
    if (m >= k) {
      const t = new Float64Array(m * m);
      for (let i = 0; i < m; i++) {
        t[i * m + i] = alphas[i]!;
        if (i + 1 < m) t[i * m + i + 1] = t[(i + 1) * m + i] = betas[i]!;
      }
      const { values, vectors } = symmetricEigen(t, m);
      const top = Array.from({ length: k }, (_, c) => m - 1 - c);
      const done = top.every((c) => Math.abs(beta * vectors[(m - 1) * m + c]!) <= tol * Math.abs(values[c]!));
      if (done || m === limit) return { values: top.map((c) => values[c]!), products: m, converged: done };
    }
    basis.push(w.map((t) => t / beta));
  }
}
