/**
 * `kernelSolve(K, b, { alpha })`: a = (alpha I + K)^{-1} b for a symmetric kernel LazyTensor K, and
 * its gradient, like KeOps' KernelSolve.
 *
 * Gradient. For a loss L(a) with G = dL/da, implicit differentiation gives
 *   dL/db = abar,   dL/dtheta = -abar^T (dK/dtheta) a,   with (alpha I + K) abar = G,
 * so the backward pass is a second CG solve and one symbolic gradient of K @ a. lazytensor has no
 * public API for custom autograd nodes, and its backward functions are synchronous while CG waits
 * on readbacks, so the backward cannot be a tape node. Instead `implicitLoss(G)` solves for abar and
 * returns the scalar surrogate
 *   s = < stop(abar), b - alpha stop(a) - K(theta) @ stop(a) >,
 * whose value is ~0 (abar dotted with the residual) and whose gradient with respect to anything
 * upstream (the kernel's points and bandwidth through K's symbolic gradient, b through whatever
 * produced it) is exactly the gradient of <G, a>; `vjp` calls `grad` on it.
 */
import {
  grad,
  type LazyTensor,
  noGrad,
  ShapeError,
  type Tensor,
  tidy,
  ValueError,
} from '@symtensor/lazytensor';
import { type CGOptions, type CGResult, cg } from './cg.js';
import { shiftOperator } from './compose.js';
import { aslinearoperator, type LazyOperatorOptions } from './linear-operator.js';

export interface KernelSolveOptions extends Pick<CGOptions, 'tol' | 'maxIter' | 'checkEvery' | 'x0'> {
  /** The ridge alpha in (alpha I + K) a = b (default 1e-10, KeOps' default; > 0 is advised). */
  readonly alpha?: number;
  /** A preconditioner for alpha I + K (e.g. `nystromPreconditioner(K, { rank, alpha })`). */
  readonly preconditioner?: CGOptions['preconditioner'];
  /** Reduction options of the products K @ v (e.g. `{ accumulator: 'float64' }`). */
  readonly reduction?: LazyOperatorOptions;
}

/** The adjoint solve of a backward pass and the surrogate loss it gives. */
export interface ImplicitLoss {
  /** Scalar tensor on the autograd tape, value ~0, gradient = gradient of <G, a>. */
  readonly loss: Tensor;
  /** The CG result of (alpha I + K) abar = G (check `converged`). */
  readonly adjoint: CGResult;
}

export interface KernelSolveResult extends CGResult {
  /**
   * The surrogate loss of the backward pass for the output gradient G = dL/da (shaped like a):
   * `grad(loss, inputs)` gives the gradient of L with respect to K's tensors and b (and their
   * ancestors). Solves the adjoint system with the forward's options.
   */
  implicitLoss(gradA: Tensor): Promise<ImplicitLoss>;
  /**
   * Gradients of L with respect to `inputs` (tensors requiring grad that K or b depend on), zeros
   * for unused ones, given G = dL/da. `converged` is false when the adjoint solve did not converge
   * (its `adjoint.x` is already disposed; use `implicitLoss` to keep abar).
   */
  vjp(
    gradA: Tensor,
    inputs: readonly Tensor[],
  ): Promise<{ grads: Tensor[]; adjoint: CGResult; converged: boolean }>;
}

/**
 * Solves (alpha I + K) a = b by conjugate gradient for a scalar, symmetric positive semi-definite
 * kernel LazyTensor K (N x N), b `[N]` or `[N, E]`. The result's `x` is the solution (not on the
 * tape); differentiate through `vjp` or `implicitLoss`. Throws like `cg` on bad input.
 */
export async function kernelSolve(
  K: LazyTensor,
  b: Tensor,
  options: KernelSolveOptions = {},
): Promise<KernelSolveResult> {
  const alpha = options.alpha ?? 1e-10;
  if (!Number.isFinite(alpha) || alpha < 0)
    throw new ValueError(`kernelSolve: alpha must be >= 0, got ${alpha}`);
  const Kop = aslinearoperator(K, options.reduction);
  if (Kop.shape[0] !== Kop.shape[1])
    throw new ShapeError(`kernelSolve: K must be square, got ${Kop.shape[0]} x ${Kop.shape[1]}`);
  const A = shiftOperator(Kop, alpha);
  const cgOptions: CGOptions = {
    ...(options.tol === undefined ? {} : { tol: options.tol }),
    ...(options.maxIter === undefined ? {} : { maxIter: options.maxIter }),
    ...(options.checkEvery === undefined ? {} : { checkEvery: options.checkEvery }),
    ...(options.preconditioner === undefined ? {} : { preconditioner: options.preconditioner }),
  };
  const forward = await cg(A, b, options.x0 ? { ...cgOptions, x0: options.x0 } : cgOptions);
  const a = forward.x;

  const implicitLoss = async (gradA: Tensor): Promise<ImplicitLoss> => {
    if (gradA.shape.length !== a.shape.length || gradA.shape.some((d, k) => d !== a.shape[k]))
      throw new ShapeError(`kernelSolve backward: G has shape [${gradA.shape}], a has [${a.shape}]`);
    // K is symmetric, so the adjoint system is the forward one.
    const seed = noGrad(() => gradA.detach());
    const adjoint = await cg(A, seed, cgOptions).finally(() => seed.dispose());
    const abar = adjoint.x;
    const loss = tidy(() => {
      const cols = (t: Tensor) => (t.rank === 1 ? t.reshape([t.size, 1]) : t);
      const aCol = cols(a);
      const residual = cols(b).sub(aCol.mul(alpha)).sub(K.matmul(aCol, options.reduction));
      return cols(abar).mul(residual).sum();
    });
    return { loss, adjoint };
  };

  return {
    ...forward,
    implicitLoss,
    async vjp(gradA, inputs) {
      const { loss, adjoint } = await implicitLoss(gradA);
      const grads = tidy(() =>
        grad(loss, [...inputs], undefined, { allowUnused: true }).map(
          (g, k) => g ?? noGrad(() => inputs[k]!.detach().mul(0)),
        ),
      );
      loss.dispose();
      adjoint.x.dispose();
      return { grads, adjoint, converged: adjoint.converged };
    },
  };
}
