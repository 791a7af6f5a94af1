/**
 * The correctness check of one result against the float64 reference on the sampled rows. A result
 * that misses its tolerance is a FAILED measurement and is never reported as a time. The measured
 * error is always kept, so precision differences between contenders stay visible even when all pass.
 *
 * Tolerances (float32 data, float64 reference):
 * - kernel sums: per-row relative error |out - ref| / |ref| <= 1e-4. Float32 evaluation with block
 *   summation lands near 1e-6, the matmul expansion near 1e-5; a wrong bandwidth or a dropped
 *   tile is off by percents.
 * - softmin (LogSumExp): |out - ref| / max(1, |ref|) <= 1e-4.
 * - kNN: for each sampled row, the K returned indices must be valid and distinct, and their float64
 *   squared distances, in the returned order, must match the K smallest ones within
 *   1e-6 (1 + |x_i|^2 + max_j |y_j|^2): float32 rounding and the expansion's cancellation scale with
 *   the squared norms. Near-ties may thus swap neighbours (as in FAISS or PyTorch) without failing;
 *   the share of rows whose index list equals the reference exactly is reported beside.
 */
import type { TypedArray } from '@symtensor/core-ir';
import type { KnnProblem, Workload } from '../suites/types.js';
import type { Reference } from './reference.js';

export const TOLERANCES = { 'kernel-sum': 1e-4, softmin: 1e-4, knn: 1e-6 } as const;

/** Algorithm suites (sinkhorn, kmeans, gmm, cg, eigsh) state their own metric and tolerance. */

export interface CheckOutcome {
  readonly passed: boolean;
  /** The worst error over the sampled rows, in the metric's unit (NaN or Infinity when invalid). */
  readonly error: number;
  readonly tolerance: number;
  /** What `error` measures. */
  readonly metric: string;
  /** Number of rows compared. */
  readonly rows: number;
  /** Extra facts: why a result is invalid, or kNN's exact-agreement share. */
  readonly note?: string;
}

function outcome(
  error: number,
  tolerance: number,
  metric: string,
  rows: number,
  note?: string,
): CheckOutcome {
  // Written so that NaN fails: NaN <= tolerance is false.
  return { passed: error <= tolerance, error, tolerance, metric, rows, ...(note ? { note } : {}) };
}

export function checkResult(w: Workload, ref: Reference, out: TypedArray): CheckOutcome {
  const p = w.problem;
  if (p.kind === 'algorithm') {
    const c = p.check(out);
    return outcome(c.error, c.tolerance, c.metric, c.rows, c.note);
  }
  const perRow = p.kind === 'knn' ? p.K : 1;
  const expected = w.nx * perRow;
  if (out.length !== expected)
    return outcome(
      Number.POSITIVE_INFINITY,
      TOLERANCES[p.kind],
      'output length',
      0,
      `output has ${out.length} elements, expected ${expected}`,
    );
  if (p.kind === 'knn') return checkKnn(p, ref, out);
  let worst = 0;
  ref.rows.forEach((row, r) => {
    const want = ref.values[r]!;
    const diff = Math.abs(out[row]! - want);
    const err =
      p.kind === 'kernel-sum'
        ? want === 0
          ? diff
          : diff / Math.abs(want)
        : diff / Math.max(1, Math.abs(want));
    // A NaN error must stick: Math.max would keep it, but a plain comparison would drop it.
    worst = Number.isNaN(err) || err > worst ? err : worst;
  });
  const metric = p.kind === 'kernel-sum' ? 'max rel. error' : 'max error / max(1,|ref|)';
  return outcome(worst, TOLERANCES[p.kind], metric, ref.rows.length);
}

function sqDist64(a: Float32Array, ia: number, b: Float32Array, jb: number, D: number): number {
  let s = 0;
  for (let d = 0; d < D; d++) {
    const t = a[ia * D + d]! - b[jb * D + d]!;
    s += t * t;
  }
  return s;
}

function sqNorm64(a: Float32Array, ia: number, D: number): number {
  let s = 0;
  for (let d = 0; d < D; d++) s += a[ia * D + d]! * a[ia * D + d]!;
  return s;
}

function checkKnn(p: KnnProblem, ref: Reference, out: TypedArray): CheckOutcome {
  const { x, y, M, D, K } = p;
  let maxY2 = 0;
  for (let j = 0; j < M; j++) maxY2 = Math.max(maxY2, sqNorm64(y, j, D));
  let worst = 0;
  let exact = 0;
  for (let r = 0; r < ref.rows.length; r++) {
    const i = ref.rows[r]!;
    const scale = 1 + sqNorm64(x, i, D) + maxY2;
    const seen = new Set<number>();
    let same = true;
    for (let k = 0; k < K; k++) {
      const got = out[i * K + k]!;
      if (!Number.isInteger(got) || got < 0 || got >= M || seen.has(got))
        return outcome(
          Number.POSITIVE_INFINITY,
          TOLERANCES.knn,
          'max sqdist error / scale',
          ref.rows.length,
          `row ${i} has an invalid or repeated index ${got}`,
        );
      seen.add(got);
      const want = ref.values[r * K + k]!;
      if (got !== want) same = false;
      const err = Math.abs(sqDist64(x, i, y, got, D) - sqDist64(x, i, y, want, D)) / scale;
      worst = Math.max(worst, err);
    }
    if (same) exact++;
  }
  return outcome(
    worst,
    TOLERANCES.knn,
    'max sqdist error / scale',
    ref.rows.length,
    `${exact}/${ref.rows.length} rows identical to the reference`,
  );
}
