/**
 * Preconditioned conjugate gradient for symmetric positive definite operators, with E right-hand
 * sides `b: [N, E]` solved side by side (one operator product per iteration serves all of them).
 *
 * Everything per iteration stays on the device: the step sizes are [1, E] tensors, and the
 * decisions "this column converged" / "this column broke down" are 0/1 masks computed there, which
 * freeze a finished column (its step becomes 0). The host only reads the per-iteration scalars
 * (curvature p^T A p and |r|^2 for each column) in one readback every `checkEvery` iterations and
 * replays the same comparisons on the same float values, so the reported iteration of convergence
 * or breakdown is exact whatever `checkEvery` is; only up to checkEvery - 1 wasted products are
 * spent after the last column finishes.
 */
import { concat, noGrad, ShapeError, type Tensor, tensor, tidy, ValueError } from '@symtensor/lazytensor';
import { type CGState, disposeState, initialState, step } from './cg-step.js';
import { colDot } from './column-ops.js';
import { aslinearoperator, type LinearOperator } from './linear-operator.js';
import { defaultTol } from './tolerance.js';

/** Why a column (or the solve) stopped. */
export type CGReason =
  /** |b - A x| <= tol |b| by the recurrence, and confirmed by the true residual. */
  | 'converged'
  /** maxIter iterations without reaching tol. */
  | 'max-iterations'
  /** p^T A p <= 0: A (or the preconditioner) is not positive definite. */
  | 'breakdown'
  /** A NaN or infinity appeared (the operator produced one). */
  | 'non-finite'
  /**
   * The recurrence reached tol but the recomputed residual |b - A x| did not: the precision of the
   * operator's products (e.g. float32) cannot deliver tol. Use float64 or a larger tol.
   */
  | 'precision-floor';

/** Reported after each iteration (in bursts of checkEvery). */
export interface CGIterationInfo {
  readonly iteration: number;
  /** |r_k| / |b| per column (recurrence residual). */
  readonly residuals: readonly number[];
}

export interface CGOptions {
  /** Initial guess, shaped like b (default zeros). */
  readonly x0?: Tensor;
  /** Relative tolerance on |b - A x| / |b| per column (default 1e-5 for float32, 1e-10 for float64). */
  readonly tol?: number;
  /** Iteration limit (default 10 N). */
  readonly maxIter?: number;
  /** M^{-1}, an SPD approximation of A^{-1} (e.g. `nystromPreconditioner`). */
  readonly preconditioner?: LinearOperator;
  /** Called for every iteration, with the residuals. */
  readonly onIteration?: (info: CGIterationInfo) => void;
  /** Read the per-iteration scalars back every k iterations (default 1). */
  readonly checkEvery?: number;
  /**
   * Recompute |b - A x| after the iterations (one more product) and report 'precision-floor' for a
   * column whose true residual exceeds 2 tol (default true).
   */
  readonly checkTrueResidual?: boolean;
}

export interface CGBreakdown {
  readonly column: number;
  /** The iteration (1-based) at which p^T A p <= 0 appeared; x holds the iterate before it. */
  readonly iteration: number;
  /** The offending p^T A p. */
  readonly curvature: number;
}

export interface CGResult {
  /** The solution, shaped like b (a new tensor the caller owns). */
  readonly x: Tensor;
  /** Iterations run (the largest over the columns). */
  readonly iterations: number;
  /** True when every column converged. */
  readonly converged: boolean;
  /** 'converged', or the reason of the first column that did not converge. */
  readonly reason: CGReason;
  /** Per column: why it stopped, and at which iteration. */
  readonly columns: readonly { readonly reason: CGReason; readonly iterations: number }[];
  /** residuals[k][e] = |r_k| / |b_e| of column e after k iterations (k = 0 is the start). */
  readonly residuals: readonly (readonly number[])[];
  /** |b - A x| / |b| per column, recomputed at the end (NaN when checkTrueResidual is false). */
  readonly trueResiduals: readonly number[];
  /** The breakdowns detected (non-SPD operator), one per affected column. */
  readonly breakdowns: readonly CGBreakdown[];
}

/** How far above tol the recomputed residual may lie (rounding of b - A x itself) before it counts. */
const TRUE_RESIDUAL_SLACK = 2;

/**
 * Solves A x = b for a symmetric positive definite A (a LinearOperator, LazyTensor or dense
 * Tensor) by (preconditioned) conjugate gradient. b is `[N]` or `[N, E]`. Throws a ValueError for
 * NaN or infinite entries in b or x0, a ShapeError for a non-square A or mismatched b; a solve that
 * stops short returns `converged: false` with the reason.
 */
export async function cg(
  A: LinearOperator | Parameters<typeof aslinearoperator>[0],
  b: Tensor,
  options: CGOptions = {},
): Promise<CGResult> {
  const op = aslinearoperator(A);
  const [N, N2] = op.shape;
  if (N !== N2) throw new ShapeError(`cg: A must be square, got shape [${op.shape}]`);
  if ((b.rank !== 1 && b.rank !== 2) || b.shape[0] !== N)
    throw new ShapeError(`cg: b has shape [${b.shape}]; expected [${N}] or [${N}, E]`);
  const E = b.rank === 1 ? 1 : b.shape[1]!;
  const tol = options.tol ?? defaultTol(op.dtype);
  if (!(tol >= 0)) throw new ValueError(`cg: tol must be >= 0, got ${tol}`);
  const maxIter = options.maxIter ?? 10 * N;
  const checkEvery = options.checkEvery ?? 1;
  for (const [name, v] of [
    ['maxIter', maxIter],
    ['checkEvery', checkEvery],
  ] as const)
    if (!Number.isSafeInteger(v) || v < 1)
      throw new ValueError(`cg: ${name} must be a positive integer, got ${v}`);
  const M = options.preconditioner;
  if (M && (M.shape[0] !== N || M.shape[1] !== N || M.dtype !== op.dtype))
    throw new ShapeError(
      `cg: the preconditioner is [${M.shape}] ${M.dtype}; it must be [${N}, ${N}] ${op.dtype} like A`,
    );
  const x0 = options.x0;
  if (x0 && (x0.shape.length !== b.shape.length || x0.shape.some((d, k) => d !== b.shape[k])))
    throw new ShapeError(`cg: x0 has shape [${x0.shape}] but b has [${b.shape}]`);
  const precondition = (r: Tensor) => (M ? M.matvec(r) : r);
  const round = op.dtype === 'float32' ? Math.fround : (v: number) => v;

  const bCols = noGrad(() => tidy(() => b.detach().reshape([N, E])));
  let state: CGState;
  const rrStart = noGrad(() =>
    tidy(() => {
      const { state, rr } = initialState(op, bCols, x0, precondition);
      return { state, read: concat([colDot(bCols, bCols), rr], 0) };
    }),
  );
  const start = await rrStart.read.data();
  rrStart.read.dispose();
  state = rrStart.state;
  const bb = Array.from(start.subarray(0, E));
  const rr0 = Array.from(start.subarray(E, 2 * E));
  const bad = bb.findIndex((v) => !Number.isFinite(v));
  const badX = rr0.findIndex((v) => !Number.isFinite(v));
  if (bad >= 0 || badX >= 0) {
    disposeState(state);
    bCols.dispose();
    throw new ValueError(
      bad >= 0
        ? `cg: b contains NaN or infinite values (column ${bad}); clean the right-hand side first`
        : `cg: x0 (or A x0) contains NaN or infinite values (column ${badX})`,
    );
  }
  // Convergence: |r|^2 <= tol^2 |b|^2, compared in the operator's dtype on both sides.
  const thresh = bb.map((v) => round(tol * tol * v));
  const thresholds = tensor(
    op.dtype === 'float32' ? Float32Array.from(thresh) : Float64Array.from(thresh),
    [1, E],
    {
      backend: b.backend,
    },
  );
  const norms = bb.map((v) => (v > 0 ? Math.sqrt(v) : 1));
  const rel = (rr: number, e: number) => Math.sqrt(Math.max(rr, 0)) / norms[e]!;
  const residuals: number[][] = [rr0.map(rel)];
  const columns: { reason: CGReason | undefined; iterations: number }[] = rr0.map((v, e) => ({
    reason: v <= thresh[e]! ? 'converged' : undefined,
    iterations: 0,
  }));
  const breakdowns: CGBreakdown[] = [];
  // The device masks, before the first iteration: active = rr > thresh.
  const first = noGrad(() => tidy(() => state.active.mul(colDot(state.r, state.r).gt(thresholds))));
  state.active.dispose();
  state = { ...state, active: first };

  let iteration = 0;
  let pending: Tensor[] = [];
  const done = () => columns.every((c) => c.reason !== undefined);
  while (!done() && iteration < maxIter) {
    const next = noGrad(() => tidy(() => step(state, op, precondition, thresholds)));
    disposeState(state);
    state = next.state;
    pending.push(next.record);
    iteration++;
    if (pending.length < checkEvery && iteration < maxIter) continue;
    const block = concat(pending, 0);
    for (const t of pending) t.dispose();
    pending = [];
    const values = await block.data();
    block.dispose();
    // Replay the device's decisions on the same values, iteration by iteration.
    const blockStart = iteration - values.length / (2 * E) + 1;
    for (let k = blockStart; k <= iteration; k++) {
      const row = (k - blockStart) * 2 * E;
      const hist: number[] = [];
      for (let e = 0; e < E; e++) {
        const curvature = values[row + e]!;
        const rr = values[row + E + e]!;
        hist.push(rel(rr, e));
        const col = columns[e]!;
        if (col.reason !== undefined) continue;
        col.iterations = k;
        if (Number.isNaN(curvature) || !Number.isFinite(rr)) col.reason = 'non-finite';
        else if (!(curvature > 0)) {
          col.reason = 'breakdown';
          breakdowns.push({ column: e, iteration: k, curvature });
        } else if (rr <= thresh[e]!) col.reason = 'converged';
      }
      residuals.push(hist);
      options.onIteration?.({ iteration: k, residuals: hist });
    }
  }
  for (const t of pending) t.dispose();
  thresholds.dispose();

  const trueResiduals = rr0.map(() => Number.NaN);
  if (options.checkTrueResidual ?? true) {
    const rt = noGrad(() =>
      tidy(() => {
        const r = bCols.sub(op.matvec(state.x));
        return colDot(r, r);
      }),
    );
    const v = await rt.data();
    rt.dispose();
    for (let e = 0; e < E; e++) {
      trueResiduals[e] = rel(v[e]!, e);
      const col = columns[e]!;
      if (col.reason === 'converged' && !(trueResiduals[e]! <= TRUE_RESIDUAL_SLACK * tol))
        col.reason = Number.isFinite(trueResiduals[e]!) ? 'precision-floor' : 'non-finite';
    }
  }
  const x = b.rank === 1 ? state.x.reshape([N]) : state.x;
  if (x !== state.x) state.x.dispose();
  for (const t of [state.r, state.p, state.rz, state.active, state.alive, bCols]) t.dispose();
  const finished = columns.map((c) => ({ reason: c.reason ?? 'max-iterations', iterations: c.iterations }));
  const failed = finished.find((c) => c.reason !== 'converged');
  return {
    x,
    iterations: Math.max(0, ...finished.map((c) => c.iterations)),
    converged: failed === undefined,
    reason: failed?.reason ?? 'converged',
    columns: finished,
    residuals,
    trueResiduals,
    breakdowns,
  };
}
