/**
 * Cholesky factorisation and triangular inverse of small dense SPD matrices in float64 on the host
 * (the r x r core matrices of the Nystrom approximation).
 */

/**
 * The upper-triangular R with a = R^T R (row-major n x n), or null when a is not numerically
 * positive definite (a pivot <= 0 or non-finite), so the caller can regularise and retry.
 */
export function cholesky(a: ArrayLike<number>, n: number): Float64Array | null {
  const r = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    let d = a[i * n + i]!;
    for (let k = 0; k < i; k++) d -= r[k * n + i]! ** 2;
    if (!(d > 0)) return null;
    const rii = Math.sqrt(d);
    r[i * n + i] = rii;
    for (let j = i + 1; j < n; j++) {
      let s = a[i * n + j]!;
      for (let k = 0; k < i; k++) s -= r[k * n + i]! * r[k * n + j]!;
      r[i * n + j] = s / rii;
    }
  }
  return r;
}

/** The inverse of the upper-triangular n x n matrix r (row-major), by back substitution. */
export function invertUpper(r: Float64Array, n: number): Float64Array {
  const inv = new Float64Array(n * n);
  for (let c = 0; c < n; c++) {
    // Column c of the inverse solves r x = e_c.
    for (let i = c; i >= 0; i--) {
      let s = i === c ? 1 : 0;
      for (let k = i + 1; k <= c; k++) s -= r[i * n + k]! * inv[k * n + c]!;
      inv[i * n + c] = s / r[i * n + i]!;
    }
  }
  return inv;
}
