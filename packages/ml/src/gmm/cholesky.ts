/**
 * Batched Cholesky factorisation and triangular inversion of K small D x D symmetric positive
 * definite matrices, with dense device ops: one column (resp. row) of all K matrices per step, so D
 * steps of a few kernels each rather than a host loop over the components. D is the data dimension
 * of a mixture model (a few to a few tens), which keeps the step count small.
 */
import { arange, concat, type Tensor, tidy } from '@symtensor/lazytensor';

/** The lower Cholesky factor L (`A = L L^T`) of each `A` in `a` `[K, D, D]`; NaN where A is not SPD. */
export function cholesky(a: Tensor): Tensor {
  return tidy(() => {
    const D = a.shape[1]!;
    const rows = arange(0, D, 1, { dtype: a.dtype, backend: a.backend }).reshape([1, D, 1]);
    const columns: Tensor[] = [];
    for (let j = 0; j < D; j++) {
      // Column j of A minus the contribution of the columns already computed: A[:, j] - L[:, :j] L[j, :j]^T.
      let col = a.slice(2, j, j + 1);
      if (j > 0) {
        const left = concat(columns, 2);
        col = col.sub(left.matmul(left.slice(1, j, j + 1).transpose(1, 2)));
      }
      const pivot = col.slice(1, j, j + 1).sqrt();
      // Entries above the diagonal are zero.
      columns.push(col.div(pivot).mul(rows.ge(j)));
    }
    return concat(columns, 2);
  });
}

/** The inverse of each lower-triangular `L` in `l` `[K, D, D]`, by forward substitution. */
export function invertLower(l: Tensor): Tensor {
  return tidy(() => {
    const D = l.shape[1]!;
    const cols = arange(0, D, 1, { dtype: l.dtype, backend: l.backend }).reshape([1, 1, D]);
    const rows: Tensor[] = [];
    for (let i = 0; i < D; i++) {
      // Row i of L^-1: (e_i - L[i, :i] (L^-1)[:i, :]) / L[i, i].
      let row = cols.eq(i);
      if (i > 0)
        row = row.sub(
          l
            .slice(1, i, i + 1)
            .slice(2, 0, i)
            .matmul(concat(rows, 1)),
        );
      rows.push(row.div(l.slice(1, i, i + 1).slice(2, i, i + 1)));
    }
    return concat(rows, 1);
  });
}

/** `sum_d log L[k, d, d]` for each k: half the log-determinant of `L L^T`, `[K, 1]`. */
export function logDiagonalSum(l: Tensor): Tensor {
  return tidy(() => {
    const D = l.shape[1]!;
    const eye = arange(0, D, 1, { dtype: l.dtype, backend: l.backend });
    const diagonal = l.mul(eye.reshape([D, 1]).eq(eye.reshape([1, D]))).sum(2);
    return diagonal.log().sum(1, { keepDims: true });
  });
}
