/**
 * Eigen-decomposition of a small dense symmetric matrix in float64 on the host, by the cyclic
 * Jacobi method. The projected problems of Lanczos and Nystrom are at most a few hundred wide, and
 * Jacobi is simple, unconditionally convergent for symmetric input and accurate to a few ulps of
 * the matrix norm even for tiny eigenvalues: speed (O(n^3) per sweep) does not matter at these sizes.
 */
import { ValueError } from '@symtensor/lazytensor';

/** Eigenvalues in ascending order, and the eigenvectors as the columns of `vectors` (row-major n x n). */
export interface SymmetricEigen {
  readonly values: Float64Array;
  readonly vectors: Float64Array;
}

const MAX_SWEEPS = 100;

/**
 * Eigenvalues and orthonormal eigenvectors of the symmetric n x n matrix `a` (row-major; only the
 * upper triangle is read). Throws a ValueError on non-finite entries.
 */
export function symmetricEigen(a: ArrayLike<number>, n: number): SymmetricEigen {
  if (a.length !== n * n) throw new ValueError(`symmetricEigen: expected ${n * n} entries, got ${a.length}`);
  const m = new Float64Array(n * n);
  for (let i = 0; i < n; i++)
    for (let j = i; j < n; j++) {
      const v = a[i * n + j]!;
      if (!Number.isFinite(v)) throw new ValueError(`symmetricEigen: entry (${i}, ${j}) is ${v}`);
      m[i * n + j] = v;
      m[j * n + i] = v;
    }
  const q = new Float64Array(n * n);
  for (let i = 0; i < n; i++) q[i * n + i] = 1;
  for (let sweep = 0; sweep < MAX_SWEEPS; sweep++) {
    let off = 0;
    let total = 0;
    for (let i = 0; i < n; i++)
      for (let j = 0; j < n; j++) {
        const s = m[i * n + j]! ** 2;
        total += s;
        if (i !== j) off += s;
      }
    // Stop once the off-diagonal part is below rounding of the whole matrix.
    if (off <= 1e-30 * total || off === 0) break;
    for (let p = 0; p < n - 1; p++) for (let r = p + 1; r < n; r++) rotate(m, q, n, p, r);
  }
  const order = Array.from({ length: n }, (_, k) => k).sort((x, y) => m[x * n + x]! - m[y * n + y]!);
  const values = Float64Array.from(order, (k) => m[k * n + k]!);
  const vectors = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let c = 0; c < n; c++) vectors[i * n + c] = q[i * n + order[c]!]!;
  return { values, vectors };
}

/** One Jacobi rotation zeroing m[p][r] (Golub & Van Loan, Algorithm 8.5.1), accumulated into q. */
function rotate(m: Float64Array, q: Float64Array, n: number, p: number, r: number): void {
  const apr = m[p * n + r]!;
  if (apr === 0) return;
  const app = m[p * n + p]!;
  const arr = m[r * n + r]!;
  const tau = (arr - app) / (2 * apr);
  // The smaller root keeps the rotation angle below pi/4, which is what makes the sweep converge.
  const t = (tau >= 0 ? 1 : -1) / (Math.abs(tau) + Math.sqrt(1 + tau * tau));
  const c = 1 / Math.sqrt(1 + t * t);
  const s = t * c;
  for (let k = 0; k < n; k++) {
    const mkp = m[k * n + p]!;
    const mkr = m[k * n + r]!;
    m[k * n + p] = c * mkp - s * mkr;
    m[k * n + r] = s * mkp + c * mkr;
  }
  for (let k = 0; k < n; k++) {
    const mpk = m[p * n + k]!;
    const mrk = m[r * n + k]!;
    m[p * n + k] = c * mpk - s * mrk;
    m[r * n + k] = s * mpk + c * mrk;
  }
  for (let k = 0; k < n; k++) {
    const qkp = q[k * n + p]!;
    const qkr = q[k * n + r]!;
    q[k * n + p] = c * qkp - s * qkr;
    q[k * n + r] = s * qkp + c * qkr;
  }
}
