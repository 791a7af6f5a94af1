/** Float64 distance helpers of the correctness checks, over row-major `dim`-wide rows. */

/** |a_i - b_j|^2 in float64. */
export function sqDist64(
  a: ArrayLike<number>,
  i: number,
  b: ArrayLike<number>,
  j: number,
  dim: number,
): number {
  let s = 0;
  for (let d = 0; d < dim; d++) {
    const t = a[i * dim + d]! - b[j * dim + d]!;
    s += t * t;
  }
  return s;
}

/** |a_i|^2 in float64. */
export function sqNorm64(a: ArrayLike<number>, i: number, dim: number): number {
  let s = 0;
  for (let d = 0; d < dim; d++) s += a[i * dim + d]! * a[i * dim + d]!;
  return s;
}
