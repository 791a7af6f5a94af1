/**
 * `eigsh`: a few eigenpairs of a symmetric operator by thick-restart Lanczos (the symmetric case of
 * Stewart's Krylov-Schur method; Wu & Simon 2000).
 *
 * The Krylov basis V (N x m) lives on the device. Each new vector is orthogonalised against the whole
 * basis twice ("twice is enough", full reorthogonalisation), and the coefficients of that step
 * (the column of H = V^T A V) plus the new norm are the only readback, once per iteration. The
 * small projected matrix H is kept and diagonalised in float64 on the host (Jacobi). At a restart
 * the wanted Ritz vectors are kept, H becomes diagonal plus one coupling row (an arrowhead), and the
 * basis grows again from the last residual vector, so the wanted directions are never thrown away.
 */
import {
  concat,
  noGrad,
  randn,
  ShapeError,
  type Tensor,
  tensor,
  tidy,
  ValueError,
} from '@symtensor/lazytensor';
import { colDot } from './column-ops.js';
import { symmetricEigen } from './host/symmetric-eigen.js';
import { aslinearoperator, type LinearOperator } from './linear-operator.js';
import { defaultTol, unitRoundoff } from './tolerance.js';

/** Which end of the spectrum: largest algebraic, smallest algebraic, largest magnitude. */
export type Which = 'LA' | 'SA' | 'LM';

export interface EigshOptions {
  /** Number of eigenpairs, 1 <= k < N (default 6, as SciPy). */
  readonly k?: number;
  /** Default 'LA'. */
  readonly which?: Which;
  /** Relative tolerance: a pair is converged when |A v - lambda v| <= tol |lambda| (default 1e-5 float32, 1e-10 float64). */
  readonly tol?: number;
  /** Maximum number of restarts (default 300). */
  readonly maxIter?: number;
  /** Krylov basis size, k < ncv <= N (default min(N, max(2k + 1, 20))). */
  readonly ncv?: number;
  /** Seed of the random start vector (default 0). */
  readonly seed?: number;
}

export interface EigshResult {
  /** The eigenvalues in the order of `which` (LA: descending, SA: ascending, LM: descending |lambda|), [k]. */
  readonly values: Tensor;
  /** The same in float64 on the host. */
  readonly eigenvalues: Float64Array;
  /** Unit eigenvectors as columns, [N, k]. */
  readonly vectors: Tensor;
  /** |A v - lambda v| of each returned pair, recomputed with one product at the end. */
  readonly residuals: readonly number[];
  /** The Lanczos estimates |beta_m s_mi| of the same residuals. */
  readonly residualEstimates: readonly number[];
  readonly converged: boolean;
  /**
   * 'converged'; 'max-iterations' (not all k pairs met tol); 'precision-floor' (the estimates met tol
   * but the recomputed residuals exceed 10 tol |lambda|: the products' precision cannot deliver tol).
   */
  readonly reason: 'converged' | 'max-iterations' | 'precision-floor';
  /** How many of the k wanted pairs met tol (by the estimates). */
  readonly numConverged: number;
  readonly restarts: number;
  /** Operator products (each on one vector), excluding the final residual check. */
  readonly matvecs: number;
}

/** How far above tol |lambda| the recomputed residual may lie (its own rounding) before it counts. */
const TRUE_RESIDUAL_SLACK = 10;

/**
 * k eigenpairs of the symmetric operator A (LinearOperator, LazyTensor or dense Tensor) at the end
 * of the spectrum named by `which`. Throws ShapeError for a non-square A, ValueError for k >= N or
 * bad options; an unconverged run returns `converged: false` with the residuals it reached.
 */
export async function eigsh(
  A: LinearOperator | Parameters<typeof aslinearoperator>[0],
  options: EigshOptions = {},
): Promise<EigshResult> {
  const op = aslinearoperator(A);
  const [N, N2] = op.shape;
  if (N !== N2) throw new ShapeError(`eigsh: A must be square, got shape [${op.shape}]`);
  const k = options.k ?? 6;
  if (!Number.isSafeInteger(k) || k < 1 || k >= N)
    throw new ValueError(
      `eigsh: k must be an integer with 1 <= k < N = ${N}, got ${k}; for all eigenvalues use a dense eigensolver`,
    );
  const which = options.which ?? 'LA';
  if (which !== 'LA' && which !== 'SA' && which !== 'LM')
    throw new ValueError(`eigsh: which must be 'LA', 'SA' or 'LM', got ${JSON.stringify(which)}`);
  const m = options.ncv ?? Math.min(N, Math.max(2 * k + 1, 20));
  if (!Number.isSafeInteger(m) || m <= k || m > N)
    throw new ValueError(`eigsh: ncv must be an integer with k < ncv <= N (${k} < ncv <= ${N}), got ${m}`);
  const tol = options.tol ?? defaultTol(op.dtype);
  if (!(tol > 0)) throw new ValueError(`eigsh: tol must be > 0, got ${tol}`);
  const maxIter = options.maxIter ?? 300;
  if (!Number.isSafeInteger(maxIter) || maxIter < 1)
    throw new ValueError(`eigsh: maxIter must be a positive integer, got ${maxIter}`);
  const eps = unitRoundoff(op.dtype);
  const seed = options.seed ?? 0;

  // H: the projected matrix V^T A V (m x m, row-major), filled column by column.
  let H = new Float64Array(m * m);
  let basis = await randomUnitVector(op, undefined, seed);
  let start = 0;
  let matvecs = 0;
  let restarts = 0;
  let fresh = 1;
  for (;;) {
    // Grow the basis from column `start` to m, keeping the last residual for the restart.
    let residual: Tensor | undefined;
    let betaLast = 0;
    for (let j = start; j < m; j++) {
      const stepOut = noGrad(() =>
        tidy(() => {
          const w0 = op.matvec(basis.slice(1, j, j + 1));
          const h1 = colDot(basis, w0);
          const w1 = w0.sub(basis.matmul(h1.reshape([j + 1, 1])));
          const h2 = colDot(basis, w1);
          const w = w1.sub(basis.matmul(h2.reshape([j + 1, 1])));
          return { w, read: concat([h1.add(h2), colDot(w, w).sqrt()], 1) };
        }),
      );
      matvecs++;
      const col = await stepOut.read.data();
      stepOut.read.dispose();
      for (let i = 0; i <= j; i++) H[i * m + j] = H[j * m + i] = col[i]!;
      const beta = col[j + 1]!;
      if (!Number.isFinite(beta)) {
        stepOut.w.dispose();
        basis.dispose();
        throw new ValueError('eigsh: the operator produced NaN or infinite values');
      }
      if (j === m - 1) {
        residual = stepOut.w;
        betaLast = beta;
        break;
      }
      // A tiny beta means the basis spans an invariant subspace: continue from a new random
      // direction (its coupling to the basis is zero), instead of dividing by ~0.
      const next = beta > eps * hNorm(H, m, j + 1) ? noGrad(() => stepOut.w.mul(1 / beta)) : undefined;
      stepOut.w.dispose();
      const v = next ?? (await randomUnitVector(op, basis, seed + fresh++));
      const grown = noGrad(() => concat([basis, v], 1));
      basis.dispose();
      v.dispose();
      basis = grown;
    }
    const { values: theta, vectors: S } = symmetricEigen(H, m);
    const order = wantedOrder(theta, which);
    const estimates = order.map((c) => Math.abs(betaLast * S[(m - 1) * m + c]!));
    const scaleFloor = eps * hNorm(H, m, m);
    const ok = order.map((c, n) => estimates[n]! <= tol * Math.max(Math.abs(theta[c]!), scaleFloor));
    const numConverged = ok.slice(0, k).filter(Boolean).length;
    if (numConverged === k || restarts >= maxIter) {
      residual!.dispose();
      return finish(op, basis, theta, S, order.slice(0, k), estimates.slice(0, k), {
        tol,
        numConverged,
        restarts,
        matvecs,
      });
    }
    // Thick restart: keep p wanted Ritz vectors and the residual direction.
    const p = Math.min(m - 1, k + Math.floor((m - k) / 2));
    const kept = order.slice(0, p);
    const ritz = ritzVectors(basis, S, m, kept);
    const unit = betaLast > eps * hNorm(H, m, m) ? noGrad(() => residual!.mul(1 / betaLast)) : undefined;
    residual!.dispose();
    const dir = unit ?? (await randomUnitVector(op, ritz, seed + fresh++));
    const restarted = noGrad(() => concat([ritz, dir], 1));
    for (const t of [basis, ritz, dir]) t.dispose();
    basis = restarted;
    H = new Float64Array(m * m);
    kept.forEach((c, i) => {
      H[i * m + i] = theta[c]!;
      H[i * m + p] = H[p * m + i] = unit ? betaLast * S[(m - 1) * m + c]! : 0;
    });
    start = p;
    restarts++;
  }
}

/** Column indices of theta, most wanted first. */
function wantedOrder(theta: Float64Array, which: Which): number[] {
  const idx = Array.from(theta, (_, c) => c);
  if (which === 'LA') return idx.sort((a, b) => theta[b]! - theta[a]!);
  if (which === 'SA') return idx.sort((a, b) => theta[a]! - theta[b]!);
  return idx.sort((a, b) => Math.abs(theta[b]!) - Math.abs(theta[a]!));
}

/** Frobenius norm of the leading n x n block of H (the scale for "tiny"). */
function hNorm(H: Float64Array, m: number, n: number): number {
  let s = 0;
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) s += H[i * m + j]! ** 2;
  return Math.sqrt(s);
}

/** basis @ S[:, cols] on the device. */
function ritzVectors(basis: Tensor, S: Float64Array, m: number, cols: readonly number[]): Tensor {
  const q = cols.length;
  const sel = new Float64Array(m * q);
  for (let i = 0; i < m; i++) for (let c = 0; c < q; c++) sel[i * q + c] = S[i * m + cols[c]!]!;
  const host = basis.dtype === 'float32' ? Float32Array.from(sel) : sel;
  return noGrad(() => tidy(() => basis.matmul(tensor(host, [m, q], { backend: basis.backend }))));
}

/**
 * A random unit vector [N, 1], orthogonalised (twice) against `against` when given. One readback
 * (its norm).
 */
async function randomUnitVector(
  op: LinearOperator,
  against: Tensor | undefined,
  seed: number,
): Promise<Tensor> {
  const N = op.shape[0];
  const raw = noGrad(() =>
    tidy(() => {
      let v = randn([N, 1], { seed, dtype: op.dtype, backend: op.backend });
      if (against)
        for (let pass = 0; pass < 2; pass++)
          v = v.sub(against.matmul(colDot(against, v).reshape([against.shape[1]!, 1])));
      return { v, norm: colDot(v, v).sqrt() };
    }),
  );
  const norm = await raw.norm.item();
  raw.norm.dispose();
  const unit = noGrad(() => raw.v.mul(1 / norm));
  raw.v.dispose();
  return unit;
}

async function finish(
  op: LinearOperator,
  basis: Tensor,
  theta: Float64Array,
  S: Float64Array,
  cols: readonly number[],
  estimates: readonly number[],
  info: { tol: number; numConverged: number; restarts: number; matvecs: number },
): Promise<EigshResult> {
  const m = basis.shape[1]!;
  const k = cols.length;
  const vectors = ritzVectors(basis, S, m, cols);
  basis.dispose();
  const eigenvalues = Float64Array.from(cols, (c) => theta[c]!);
  const host = op.dtype === 'float32' ? Float32Array.from(eigenvalues) : eigenvalues;
  const values = tensor(host, [k], { backend: op.backend });
  const check = noGrad(() =>
    tidy(() => {
      const r = op.matvec(vectors).sub(vectors.mul(values.reshape([1, k])));
      return colDot(r, r).sqrt();
    }),
  );
  const residuals = Array.from(await check.data());
  check.dispose();
  const allEstimated = info.numConverged === k;
  const trueOk = residuals.every(
    (r, n) => r <= TRUE_RESIDUAL_SLACK * info.tol * Math.max(Math.abs(eigenvalues[n]!), Number.MIN_VALUE),
  );
  const reason = !allEstimated ? 'max-iterations' : trueOk ? 'converged' : 'precision-floor';
  return {
    values,
    eigenvalues,
    vectors,
    residuals,
    residualEstimates: estimates,
    converged: reason === 'converged',
    reason,
    numConverged: info.numConverged,
    restarts: info.restarts,
    matvecs: info.matvecs,
  };
}
