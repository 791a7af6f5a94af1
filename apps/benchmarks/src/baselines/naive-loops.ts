/**
 * The naive dense JavaScript baseline: plain nested loops over Float32Array inputs, what a
 * developer writes without a library. Arithmetic runs in JavaScript numbers (float64) and results
 * are stored as float32. No threads, no tiling, no SIMD: it is the floor any library must beat.
 */

import { KERNEL_FUNCTIONS } from '../suites/kernel-functions.js';
import type { KernelSumProblem, KnnProblem, SoftminProblem } from '../suites/types.js';

/** out_i = sum_j k(|x_i - y_j|^2) b_j. */
export function naiveKernelSum(p: KernelSumProblem): Float32Array {
  const { x, y, b, N, M, D } = p;
  const k = KERNEL_FUNCTIONS.find((f) => f.name === p.kernel)!.scalar(p.scale);
  const out = new Float32Array(N);
  for (let i = 0; i < N; i++) {
    let acc = 0;
    for (let j = 0; j < M; j++) {
      let r2 = 0;
      for (let d = 0; d < D; d++) {
        const t = x[i * D + d]! - y[j * D + d]!;
        r2 += t * t;
      }
      acc += k(r2) * b[j]!;
    }
    out[i] = acc;
  }
  return out;
}

/** Indices of the K nearest y_j of each x_i, nearest first (N x K, row-major), by insertion into a sorted list. */
export function naiveKnn(p: KnnProblem): Int32Array {
  const { x, y, N, M, D, K } = p;
  const out = new Int32Array(N * K);
  const best = new Float64Array(K);
  const idx = new Int32Array(K);
  for (let i = 0; i < N; i++) {
    best.fill(Number.POSITIVE_INFINITY);
    idx.fill(-1);
    for (let j = 0; j < M; j++) {
      let r2 = 0;
      for (let d = 0; d < D; d++) {
        const t = x[i * D + d]! - y[j * D + d]!;
        r2 += t * t;
      }
      if (r2 >= best[K - 1]!) continue;
      let s = K - 1;
      while (s > 0 && best[s - 1]! > r2) {
        best[s] = best[s - 1]!;
        idx[s] = idx[s - 1]!;
        s--;
      }
      best[s] = r2;
      idx[s] = j;
    }
    out.set(idx, i * K);
  }
  return out;
}

/** out_i = log sum_j exp(-|x_i - y_j|^2 / eps + h_j), one streaming pass with a running maximum. */
export function naiveSoftmin(p: SoftminProblem): Float32Array {
  const { x, y, h, N, M, D, eps } = p;
  const out = new Float32Array(N);
  for (let i = 0; i < N; i++) {
    let m = Number.NEGATIVE_INFINITY;
    let s = 0;
    for (let j = 0; j < M; j++) {
      let r2 = 0;
      for (let d = 0; d < D; d++) {
        const t = x[i * D + d]! - y[j * D + d]!;
        r2 += t * t;
      }
      const v = -r2 / eps + h[j]!;
      // Rescale the running sum when a new maximum appears, so exp never overflows.
      if (v > m) {
        s = s * Math.exp(m - v) + 1;
        m = v;
      } else s += Math.exp(v - m);
    }
    out[i] = m + Math.log(s);
  }
  return out;
}
