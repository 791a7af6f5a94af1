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
 * - approximate kNN (hnswlib-node): indices valid and distinct, and recall@K (the share of returned
 *   neighbours no farther than the true K-th nearest, up to the kNN rounding allowance) at least
 *   APPROXIMATE_KNN_MIN_RECALL; the recall is reported.
 */
import type { TypedArray } from '@symtensor/core-ir';
import { type KnnProblem, selfChecking, type Workload } from '../suites/types.js';
import { sqDist64, sqNorm64 } from './float64.js';
import type { Reference } from './reference.js';

export const TOLERANCES = { 'kernel-sum': 1e-4, softmin: 1e-4, knn: 1e-6 } as const;

/**
 * Approximate kNN methods (hnswlib-node) pass when at least this share of their neighbours are true
 * K nearest neighbours: below it their answer is not a usable kNN graph, and a time would mislead.
 */
export const APPROXIMATE_KNN_MIN_RECALL = 0.9;

/** Algorithm suites (sinkhorn, k-means, GMM, CG, eigsh) state their own metric and tolerance. */

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

export interface CheckOptions {
  /** The contender is approximate: kNN results are checked by recall (see APPROXIMATE_KNN_MIN_RECALL). */
  readonly approximate?: boolean;
}

export function checkResult(
  w: Workload,
  ref: Reference,
  out: TypedArray,
  options: CheckOptions = {},
): CheckOutcome {
  const p = w.problem;
  if (selfChecking(p)) {
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
  if (p.kind === 'knn') return checkKnn(p, ref, out, options.approximate ?? false);
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

function checkKnn(p: KnnProblem, ref: Reference, out: TypedArray, approximate: boolean): CheckOutcome {
  const { x, y, M, D, K } = p;
  let maxY2 = 0;
  for (let j = 0; j < M; j++) maxY2 = Math.max(maxY2, sqNorm64(y, j, D));
  const metric = approximate ? `1 - recall@${K}` : 'max sqdist error / scale';
  const tolerance = approximate ? 1 - APPROXIMATE_KNN_MIN_RECALL : TOLERANCES.knn;
  let worst = 0;
  let exact = 0;
  let hits = 0;
  for (let r = 0; r < ref.rows.length; r++) {
    const i = ref.rows[r]!;
    const scale = 1 + sqNorm64(x, i, D) + maxY2;
    // A neighbour is a true one when it is no farther than the K-th nearest, up to rounding.
    const kth = sqDist64(x, i, y, ref.values[r * K + K - 1]!, D) + TOLERANCES.knn * scale;
    const seen = new Set<number>();
    let same = true;
    for (let k = 0; k < K; k++) {
      const got = out[i * K + k]!;
      if (!Number.isInteger(got) || got < 0 || got >= M || seen.has(got))
        return outcome(
          Number.POSITIVE_INFINITY,
          tolerance,
          metric,
          ref.rows.length,
          `row ${i} has an invalid or repeated index ${got}`,
        );
      seen.add(got);
      const want = ref.values[r * K + k]!;
      if (got !== want) same = false;
      const d = sqDist64(x, i, y, got, D);
      if (d <= kth) hits++;
      worst = Math.max(worst, Math.abs(d - sqDist64(x, i, y, want, D)) / scale);
    }
    if (same) exact++;
  }
  const identical = `${exact}/${ref.rows.length} rows identical to the reference`;
  if (!approximate) return outcome(worst, tolerance, metric, ref.rows.length, identical);
  const recall = hits / (K * ref.rows.length);
  return outcome(
    1 - recall,
    tolerance,
    metric,
    ref.rows.length,
    `recall@${K} ${recall.toFixed(4)}; ${identical}`,
  );
}
