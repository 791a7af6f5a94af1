/**
 * The randomized Nystrom preconditioner of Frangella, Tropp & Udell ("Randomized Nystrom
 * preconditioning", SIAM J. Matrix Anal. Appl. 2023) for (alpha I + K) with K symmetric positive
 * semi-definite.
 *
 * A sketch Y = K Omega (Omega a seeded Gaussian N x r matrix) costs one fused multi-right-hand-side
 * kernel reduction: the kernel entries are evaluated once and reused by the r columns, so it costs a
 * few plain products, not r. The rank-r approximation K ~ U diag(lambda) U^T follows from small r x r
 * problems solved in float64 on the host (Cholesky of Omega^T Y, eigen-decomposition), and
 *   P^{-1} = U diag((lambda_r + alpha) / (lambda + alpha)) U^T + (I - U U^T)
 * maps the top of the spectrum of alpha I + K onto ~lambda_r + alpha: CG then converges like for a
 * matrix of condition ~(lambda_r + alpha) / alpha.
 */
import { DTypeError, noGrad, randn, type Tensor, tensor, tidy, ValueError } from '@symtensor/lazytensor';
import { cholesky, invertUpper } from './host/cholesky.js';
import { symmetricEigen } from './host/symmetric-eigen.js';
import { aslinearoperator, type LazyOperatorOptions, LinearOperator } from './linear-operator.js';
import { unitRoundoff } from './tolerance.js';

export interface NystromOptions {
  /** Sketch size r (the number of eigen-directions captured), 1 <= r < N. */
  readonly rank: number;
  /** The alpha of the system alpha I + K being preconditioned (> 0). */
  readonly alpha: number;
  /** Seed of the Gaussian sketch (default 0). */
  readonly seed?: number;
  /** Reduction options of the sketch product. */
  readonly reduction?: LazyOperatorOptions;
}

/** P^{-1} as a LinearOperator, with the captured eigenvalues; `dispose()` frees its [N, r] basis. */
export interface NystromPreconditioner extends LinearOperator {
  /** The approximate top eigenvalues of K (descending) that were kept. */
  readonly eigenvalues: Float64Array;
  dispose(): void;
}

/**
 * Builds the Nystrom preconditioner of alpha I + K (K a symmetric PSD LazyTensor, dense Tensor or
 * LinearOperator). Directions whose eigenvalue is lost in the rounding of the sketch are dropped,
 * so the kept rank can be below `rank`.
 */
export async function nystromPreconditioner(
  K: Parameters<typeof aslinearoperator>[0],
  options: NystromOptions,
): Promise<NystromPreconditioner> {
  const op = aslinearoperator(K, options.reduction);
  const N = op.shape[0];
  const r = options.rank;
  if (op.shape[1] !== N) throw new ValueError(`nystromPreconditioner: K must be square, got [${op.shape}]`);
  if (!Number.isSafeInteger(r) || r < 1 || r >= N)
    throw new ValueError(`nystromPreconditioner: rank must be an integer in [1, ${N - 1}], got ${r}`);
  const alpha = options.alpha;
  if (!(alpha > 0) || !Number.isFinite(alpha))
    throw new ValueError(`nystromPreconditioner: alpha must be a positive number, got ${alpha}`);
  // The small problems square the sketch's condition number (Gram matrices): they are formed in
  // float64 whenever the backend has it, so float32 data lose only their own rounding.
  const work = canUseFloat64(op) ? 'float64' : op.dtype;
  const sketch = noGrad(() => {
    const omega = randn([N, r], { seed: options.seed ?? 0, dtype: work, backend: op.backend });
    const omegaOp = work === op.dtype ? omega : omega.cast(op.dtype);
    const yRaw = op.matvec(omegaOp);
    const y = work === op.dtype ? yRaw : tidy(() => yRaw.cast(work));
    if (omegaOp !== omega) omegaOp.dispose();
    if (y !== yRaw) yRaw.dispose();
    return { omega, y, read: tidy(() => omega.transpose().matmul(y)) };
  });
  const core = await readAndDispose(sketch.read);
  // Shift nu keeps Omega^T (Y + nu Omega) numerically positive definite (Tropp et al. 2017).
  let trace = 0;
  for (let k = 0; k < r; k++) trace += Math.abs(core[k * r + k]!);
  let nu = Math.sqrt(N) * unitRoundoff(work) * Math.max(trace, Number.MIN_VALUE);
  let chol: Float64Array | null = null;
  for (let attempt = 0; attempt < 20 && !chol; attempt++, nu *= 10) {
    const shifted = Float64Array.from(core);
    for (let k = 0; k < r; k++) shifted[k * r + k]! += nu;
    chol = cholesky(shifted, r);
    if (chol) break;
  }
  if (!chol) {
    sketch.omega.dispose();
    sketch.y.dispose();
    throw new ValueError(
      'nystromPreconditioner: the sketch is not positive semi-definite; is K symmetric PSD?',
    );
  }
  const yNu = noGrad(() => tidy(() => sketch.y.add(sketch.omega.mul(nu))));
  sketch.omega.dispose();
  sketch.y.dispose();
  const gram = await readAndDispose(noGrad(() => tidy(() => yNu.transpose().matmul(yNu))));
  // B = Y_nu C^{-1} has B^T B = C^{-T} Gram C^{-1}; its eigenvectors V and eigenvalues s^2 give
  // the approximate eigenvectors U = B V / s and eigenvalues s^2 - nu.
  const cInv = invertUpper(chol, r);
  const { values, vectors } = symmetricEigen(congruence(cInv, gram, r), r);
  const top = values[r - 1]!;
  // The sketch holds the data's rounding (~eps |K| per entry), squared in the Gram matrix:
  // eigenvalues below that level are noise and their directions are dropped.
  const floor = Math.max(Math.sqrt(N) * unitRoundoff(op.dtype), Math.sqrt(unitRoundoff(work))) * top;
  const keep: number[] = [];
  for (let c = r - 1; c >= 0; c--) if (values[c]! > floor && values[c]! - nu > 0) keep.push(c);
  if (keep.length === 0) {
    yNu.dispose();
    throw new ValueError('nystromPreconditioner: the sketch captured no direction (is K zero?)');
  }
  const q = keep.length;
  const transform = new Float64Array(r * q);
  for (let i = 0; i < r; i++)
    for (let c = 0; c < q; c++) {
      let s = 0;
      for (let k = i; k < r; k++) s += cInv[i * r + k]! * vectors[k * r + keep[c]!]!;
      transform[i * q + c] = s / Math.sqrt(values[keep[c]!]!);
    }
  const eigenvalues = Float64Array.from(keep, (c) => values[c]! - nu);
  const lambdaR = eigenvalues[q - 1]!;
  const host = (v: Float64Array, dtype: string) => (dtype === 'float32' ? Float32Array.from(v) : v);
  const rough = noGrad(() =>
    tidy(() => yNu.matmul(tensor(host(transform, work), [r, q], { backend: yNu.backend }))),
  );
  yNu.dispose();
  // One Cholesky-QR pass restores the orthonormality the Gram route loses (P^{-1} is SPD only
  // when U^T U = I to well below (lambda_r + alpha) / (lambda_1 + alpha)).
  const uu = await readAndDispose(noGrad(() => tidy(() => rough.transpose().matmul(rough))));
  const rq = cholesky(uu, q);
  if (!rq) {
    rough.dispose();
    throw new ValueError('nystromPreconditioner: the sketch basis is rank deficient; lower the rank');
  }
  const basis = noGrad(() =>
    tidy(() => {
      const u = rough.matmul(tensor(host(invertUpper(rq, q), work), [q, q], { backend: rough.backend }));
      return work === op.dtype ? u : u.cast(op.dtype);
    }),
  );
  rough.dispose();
  const scale = tensor(
    host(
      Float64Array.from(eigenvalues, (l) => (lambdaR + alpha) / (l + alpha) - 1),
      op.dtype,
    ),
    [q, 1],
    { backend: basis.backend },
  );
  // U^T v as (v^T U)^T: each output row then reduces over N contiguous entries of U, where
  // U^T @ v reads U by columns (30x slower on the CPU backend at N = 1e5, rank 200).
  const apply = (v: Tensor) => v.add(basis.matmul(v.transpose().matmul(basis).transpose().mul(scale)));
  const pre = new LinearOperator({
    shape: [N, N],
    dtype: op.dtype,
    backend: op.backend,
    matvec: apply,
    rmatvec: apply,
  });
  return Object.assign(pre, {
    eigenvalues,
    dispose() {
      basis.dispose();
      scale.dispose();
    },
  });
}

/** C^T M C for C and M r x r (row-major), symmetrised. */
function congruence(c: Float64Array, m: ArrayLike<number>, r: number): Float64Array {
  const mc = new Float64Array(r * r);
  for (let i = 0; i < r; i++)
    for (let k = 0; k < r; k++) {
      const mik = m[i * r + k]!;
      if (mik !== 0) for (let j = 0; j < r; j++) mc[i * r + j]! += mik * c[k * r + j]!;
    }
  const out = new Float64Array(r * r);
  for (let i = 0; i < r; i++)
    for (let k = 0; k < r; k++) {
      const cki = c[k * r + i]!;
      if (cki !== 0) for (let j = 0; j < r; j++) out[i * r + j]! += cki * mc[k * r + j]!;
    }
  for (let i = 0; i < r; i++)
    for (let j = 0; j < i; j++) out[i * r + j] = out[j * r + i] = (out[i * r + j]! + out[j * r + i]!) / 2;
  return out;
}

/** The data of a tensor, then frees it. */
async function readAndDispose(t: Tensor): Promise<Float64Array> {
  const v = await t.data();
  t.dispose();
  return Float64Array.from(v);
}

/** True when the current backend can create float64 tensors. */
function canUseFloat64(op: LinearOperator): boolean {
  if (op.dtype === 'float64') return true;
  try {
    tensor(new Float64Array(1), [1], { backend: op.backend }).dispose();
    return true;
  } catch (e) {
    if (e instanceof DTypeError) return false;
    throw e;
  }
}
