/**
 * `kernelSolve(K, b, { alpha })`: a = (alpha I + K)^{-1} b for a symmetric kernel LazyTensor K,
 * differentiable like KeOps' KernelSolve: `a` is recorded on the autograd tape (a lazytensor
 * `customOp`), so one `grad` call reaches b, the tensors K reads (points, bandwidth) and whatever
 * produced them.
 *
 * Gradient. For the cotangent G = dL/da, implicit differentiation of (alpha I + K) a = b gives
 *   dL/db = z,   dL/dtheta = -sum_ij (z_i . a_j) dK_ij/dtheta,   where (alpha I + K) z = G
 * (K symmetric): a second solve, then one symbolic gradient reduction of K per way a tensor is
 * bound in it. `grad` runs backward passes synchronously, so the adjoint solve cannot read
 * residuals back to decide when to stop: it runs a fixed budget of CG iterations on the device
 * (`cgFixedBudget`), and columns that miss the tolerance within it come out NaN rather than as a
 * silently truncated gradient. The adjoint solve is itself a custom op with the same backward
 * rule and the gradient reductions are ordinary recorded reductions, so `createGraph` gives
 * second and higher derivatives.
 */
import {
  customOp,
  keep,
  type LazyTensor,
  noGrad,
  Pm,
  ShapeError,
  type Tensor,
  ValueError,
  Vi,
  Vj,
} from '@symtensor/lazytensor';
import { type CGOptions, type CGResult, cg } from './cg.js';
import { cgFixedBudget, STATUS_ROWS } from './cg-fixed-budget.js';
import { shiftOperator } from './compose.js';
import {
  aslinearoperator,
  boundTensors,
  type LazyOperatorOptions,
  type LinearOperator,
} from './linear-operator.js';
import { defaultTol } from './tolerance.js';

export interface KernelSolveOptions extends Pick<CGOptions, 'tol' | 'maxIter' | 'checkEvery' | 'x0'> {
  /** The ridge alpha in (alpha I + K) a = b (default 1e-10, KeOps' default; > 0 is advised). */
  readonly alpha?: number;
  /** A preconditioner for alpha I + K (e.g. `nystromPreconditioner(K, { rank, alpha })`). */
  readonly preconditioner?: CGOptions['preconditioner'];
  /** Reduction options of the products K @ v and of the gradient reductions. */
  readonly reduction?: LazyOperatorOptions;
  /**
   * CG iterations of each adjoint solve run by a backward pass (each costs one product K @ v),
   * default `min(maxIter, 2 k + 10)` for a forward solve of k iterations.
   */
  readonly adjointIterations?: number;
  /** Relative tolerance of the adjoint solves (default: `tol`). */
  readonly adjointTol?: number;
}

/** Why an adjoint column stopped. */
export type AdjointReason = 'converged' | 'max-iterations' | 'breakdown' | 'non-finite';

/** What an adjoint solve of a backward pass did. */
export interface AdjointReport {
  /** The iteration budget it ran (the products it cost). */
  readonly budget: number;
  /** True when every column converged (otherwise those columns' gradients are NaN). */
  readonly converged: boolean;
  /** Per column of G: why it stopped, the iterations it needed, |G - A z| / |G| by the recurrence. */
  readonly columns: readonly {
    readonly reason: AdjointReason;
    readonly iterations: number;
    readonly residual: number;
  }[];
}

export interface KernelSolveResult extends CGResult {
  /**
   * The solution a, shaped like b. It is on the autograd tape when b or a tensor K reads requires
   * grad: `grad(loss(a), [x, sigma, b])` differentiates through the solve.
   */
  readonly x: Tensor;
  /** The iteration budget of each adjoint solve. */
  readonly adjointIterations: number;
  /**
   * The report of the most recent adjoint solve that a backward pass through `x` ran (including
   * those of higher-order passes), or undefined before any. Reads a few numbers back.
   */
  lastAdjoint(): Promise<AdjointReport | undefined>;
}

/**
 * Solves (alpha I + K) a = b by conjugate gradient for a scalar, symmetric positive semi-definite
 * kernel LazyTensor K (N x N), b `[N]` or `[N, E]`. Throws like `cg` on bad input; a forward solve
 * that stops short returns `converged: false` with the reason. For a block-sparse K
 * (`reduction.ranges`), the gradients reuse the ranges for the reductions over i, which is exact
 * for the symmetric sparsity pattern a symmetric K has.
 */
export async function kernelSolve(
  K: LazyTensor,
  b: Tensor,
  options: KernelSolveOptions = {},
): Promise<KernelSolveResult> {
  const alpha = options.alpha ?? 1e-10;
  if (!Number.isFinite(alpha) || alpha < 0)
    throw new ValueError(`kernelSolve: alpha must be >= 0, got ${alpha}`);
  const reduction = options.reduction ?? {};
  const Kop = aslinearoperator(K, reduction);
  const N = Kop.shape[0];
  if (Kop.shape[1] !== N) throw new ShapeError(`kernelSolve: K must be square, got ${N} x ${Kop.shape[1]}`);
  const { adjointIterations, adjointTol } = options;
  if (adjointIterations !== undefined && (!Number.isSafeInteger(adjointIterations) || adjointIterations < 1))
    throw new ValueError(
      `kernelSolve: adjointIterations must be a positive integer, got ${adjointIterations}`,
    );
  if (adjointTol !== undefined && !(adjointTol >= 0))
    throw new ValueError(`kernelSolve: adjointTol must be >= 0, got ${adjointTol}`);
  const A = shiftOperator(Kop, alpha);
  const cgOptions: CGOptions = {
    ...(options.tol === undefined ? {} : { tol: options.tol }),
    ...(options.maxIter === undefined ? {} : { maxIter: options.maxIter }),
    ...(options.checkEvery === undefined ? {} : { checkEvery: options.checkEvery }),
    ...(options.preconditioner === undefined ? {} : { preconditioner: options.preconditioner }),
    ...(options.x0 === undefined ? {} : { x0: options.x0 }),
  };
  const forward = await cg(A, b, cgOptions);
  const budget = adjointIterations ?? Math.min(options.maxIter ?? 10 * N, 2 * forward.iterations + 10);
  const solver = new ImplicitSolver(K, A, reduction, {
    iterations: budget,
    tol: adjointTol ?? options.tol ?? defaultTol(A.dtype),
    preconditioner: options.preconditioner,
  });
  const [x] = customOp({
    name: 'kernelSolve',
    forward: () => forward.x,
    backward: ([g], ctx) => solver.backward(g!, ctx.outputs[0]!, ctx.needs),
  })(b, ...solver.sources);
  return {
    ...forward,
    x: x!,
    adjointIterations: budget,
    lastAdjoint: () => solver.report(),
  };
}

/** The backward rule of y = (alpha I + K)^{-1} r, shared by the forward solve and the adjoint solves. */
class ImplicitSolver {
  /** The tensors K reads that require grad: inputs of the solve ops after the right-hand side. */
  readonly sources: readonly Tensor[];
  private readonly adjoint: (g: Tensor, ...sources: Tensor[]) => Tensor[];
  private status: Tensor | undefined;

  constructor(
    private readonly K: LazyTensor,
    A: LinearOperator,
    private readonly reduction: LazyOperatorOptions,
    private readonly budget: { iterations: number; tol: number; preconditioner: LinearOperator | undefined },
  ) {
    this.sources = boundTensors(K).filter((t) => t.requiresGrad);
    this.adjoint = customOp({
      name: 'kernelSolve.adjoint',
      forward: (g) => {
        const { x, status } = cgFixedBudget(A, g, this.budget);
        this.status?.dispose();
        this.status = keep(status);
        return x;
      },
      backward: ([g], ctx) => this.backward(g!, ctx.outputs[0]!, ctx.needs),
    });
  }

  /**
   * Cotangents of [r, ...sources] for y = A^{-1} r and the output cotangent g: z = A^{-1} g
   * (recorded when recording is on), then dL/dr = z and dL/dtheta = -d/dtheta sum_ij (z_i . y_j) K_ij.
   */
  backward(g: Tensor, y: Tensor, needs: readonly boolean[]): (Tensor | null)[] {
    const [z] = this.adjoint(g, ...this.sources);
    const columns = (t: Tensor) => (t.rank === 1 ? t.reshape([t.size, 1]) : t);
    const weight = needs.slice(1).some(Boolean) ? Vi(columns(z!)).dot(Vj(columns(y))) : undefined;
    return [
      needs[0] ? z! : null,
      ...this.sources.map((t, k) => (needs[k + 1] ? this.kernelGradient(t, weight!).neg() : null)),
    ];
  }

  /** d/dt sum_ij w_ij K_ij: one reduction per way t is bound in K (Vi, Vj, Pm). */
  private kernelGradient(t: Tensor, w: LazyTensor): Tensor {
    let total: Tensor | undefined;
    for (const binding of this.K.bindings.values()) {
      if (binding.source !== t) continue;
      const part =
        binding.cat === 'i'
          ? this.K.grad(Vi(t), w).sum('j', this.reduction)
          : binding.cat === 'j'
            ? this.K.grad(Vj(t), w).sum('i', this.reduction)
            : this.K.grad(Pm(t), w).sum('j', this.reduction).sum(0);
      total = total ? total.add(part) : part;
    }
    return total!.reshape(t.shape);
  }

  /** Reads the status of the last adjoint solve. */
  async report(): Promise<AdjointReport | undefined> {
    if (!this.status) return undefined;
    // A view of its own, in case a backward pass replaces the status while this one downloads.
    const view = noGrad(() => this.status!.reshape(this.status!.shape));
    const values = await view.data().finally(() => view.dispose());
    const E = values.length / STATUS_ROWS.length;
    const row = (name: (typeof STATUS_ROWS)[number], e: number) => values[STATUS_ROWS.indexOf(name) * E + e]!;
    const columns = Array.from({ length: E }, (_, e) => {
      const residual = Math.sqrt(row('relativeResidualSquared', e));
      const reason: AdjointReason = !Number.isFinite(residual)
        ? 'non-finite'
        : row('converged', e) === 1
          ? 'converged'
          : row('breakdown', e) === 1
            ? 'breakdown'
            : 'max-iterations';
      return { reason, iterations: row('iterations', e), residual };
    });
    return {
      budget: this.budget.iterations,
      converged: columns.every((c) => c.reason === 'converged'),
      columns,
    };
  }
}
