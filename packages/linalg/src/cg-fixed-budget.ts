/**
 * Conjugate gradient with a fixed number of iterations and no readback, for callers that cannot
 * wait: a backward pass, which `grad` runs synchronously. Every iteration is enqueued up front;
 * the device masks of `cg` freeze a column once |r| <= tol |b| (or at a breakdown), so the
 * iterations past convergence cost their products but change nothing. What happened is returned
 * as a small device tensor that the caller may read later, and the columns that did not converge
 * within the budget come back as NaN, so a truncated solve can never pass for a converged one.
 */
import { concat, noGrad, type Tensor, tidy, where } from '@symtensor/lazytensor';
import { type CGState, disposeState, initialState, step } from './cg-step.js';
import { colDot } from './column-ops.js';
import type { LinearOperator } from './linear-operator.js';

export interface FixedBudgetOptions {
  /** Iterations to run (each is one product with the operator). */
  readonly iterations: number;
  /** Relative tolerance on |b - A x| / |b| per column. */
  readonly tol: number;
  /** M^{-1}, an SPD approximation of A^{-1}. */
  readonly preconditioner?: LinearOperator | undefined;
}

/** Rows of `FixedBudgetResult.status`, one column per right-hand side. */
export const STATUS_ROWS = ['relativeResidualSquared', 'converged', 'breakdown', 'iterations'] as const;

export interface FixedBudgetResult {
  /** The solution, shaped like b; NaN in every column that did not converge. */
  readonly x: Tensor;
  /** [4, E] on the device, rows as named by STATUS_ROWS (flags are 1 or 0). */
  readonly status: Tensor;
}

/**
 * Solves A x = b (A symmetric positive definite, b `[N]` or `[N, E]`) by running exactly
 * `iterations` CG iterations on the device. Nothing is recorded on the autograd tape.
 */
export function cgFixedBudget(op: LinearOperator, b: Tensor, options: FixedBudgetOptions): FixedBudgetResult {
  const N = op.shape[0];
  const E = b.rank === 1 ? 1 : b.shape[1]!;
  const M = options.preconditioner;
  const precondition = (r: Tensor) => (M ? M.matvec(r) : r);
  return noGrad(() => {
    const bCols = b.reshape([N, E]);
    const bb = colDot(bCols, bCols);
    const thresholds = bb.mul(options.tol * options.tol);
    let { state, iterations } = tidy(() => {
      const start = initialState(op, bCols, undefined, precondition);
      const active = start.state.active.mul(start.rr.gt(thresholds));
      return { state: { ...start.state, active }, iterations: start.rr.mul(0) };
    });
    for (let k = 0; k < options.iterations; k++) {
      const next: { state: CGState; iterations: Tensor } = tidy(() => ({
        state: step(state, op, precondition, thresholds).state,
        iterations: iterations.add(state.active),
      }));
      disposeState(state);
      iterations.dispose();
      ({ state, iterations } = next);
    }
    const result = tidy(() => {
      const converged = state.alive.mul(state.active.neg().add(1));
      // |r|^2 / |b|^2: 0 for b = 0, NaN for a non-finite right-hand side.
      const rr = colDot(state.r, state.r);
      const relative = rr.div(where(bb.gt(0), bb, 1));
      return {
        x: where(converged, state.x, Number.NaN).reshape(b.shape),
        status: concat([relative, converged, state.alive.neg().add(1), iterations], 0),
      };
    });
    disposeState(state);
    for (const t of [iterations, bCols, bb, thresholds]) t.dispose();
    return result;
  });
}
