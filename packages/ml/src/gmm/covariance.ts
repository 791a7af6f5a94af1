/**
 * The three covariance structures. Each component is stored as what the E-step formula needs: the
 * precision in the layout of LazyTensor's `weightedsqdist` (the full D x D matrix row-major, its
 * diagonal, or one number) and the log-determinant of the precision.
 */
import { arange, type LazyTensor, type Tensor, tidy } from '@symtensor/lazytensor';
import { cholesky, invertLower, logDiagonalSum } from './cholesky.js';

export type CovarianceType = 'full' | 'diag' | 'spherical';

/** Precision `[K, P]` (P = D*D, D or 1) and `log det` of the precision `[K, 1]`. */
export interface Precision {
  readonly precision: Tensor;
  readonly logDet: Tensor;
}

export interface CovarianceModel {
  /** Scatter of the points around the new means, `sum_i r_ij (x_i - m_j)...`, `[K, P]`. */
  scatter(r: LazyTensor, deviation: LazyTensor): Tensor;
  /** Covariances in scikit-learn's layout (`[K, D, D]`, `[K, D]`, `[K]`) from scatter / n_k. */
  covariances(scatterOverCount: Tensor, regCovar: number, D: number): Tensor;
  /** Precision and its log-determinant from covariances in scikit-learn's layout. */
  fromCovariances(covariances: Tensor): Precision;
  /** The same from precisions given in scikit-learn's layout (`precisions_init`). */
  fromPrecisions(precisions: Tensor): Precision;
  /** Expected shape of covariances / precisions for K components in D dimensions. */
  shape(K: number, D: number): number[];
}

function identity(D: number, like: Tensor): Tensor {
  const i = arange(0, D, 1, { dtype: like.dtype, backend: like.backend });
  return i.reshape([D, 1]).eq(i.reshape([1, D]));
}

const full: CovarianceModel = {
  scatter: (r, dev) => r.mul(dev.tensorprod(dev)).sum('i'),
  covariances: (s, reg, D) => tidy(() => s.reshape([s.shape[0]!, D, D]).add(identity(D, s).mul(reg))),
  fromCovariances: (cov) =>
    tidy(() => {
      const [K, D] = cov.shape as [number, number, number];
      // Sigma = L L^T, so Sigma^-1 = L^-T L^-1 and log det Sigma^-1 = -2 sum log diag L.
      const l = cholesky(cov);
      const inv = invertLower(l);
      return {
        precision: inv
          .transpose(1, 2)
          .matmul(inv)
          .reshape([K, D * D]),
        logDet: logDiagonalSum(l).mul(-2),
      };
    }),
  fromPrecisions: (p) =>
    tidy(() => {
      const [K, D] = p.shape as [number, number, number];
      return { precision: p.reshape([K, D * D]), logDet: logDiagonalSum(cholesky(p)).mul(2) };
    }),
  shape: (K, D) => [K, D, D],
};

const diag: CovarianceModel = {
  scatter: (r, dev) => r.mul(dev.square()).sum('i'),
  covariances: (s, reg) => s.add(reg),
  fromCovariances: (cov) =>
    tidy(() => ({ precision: cov.pow(-1), logDet: cov.log().sum(1, { keepDims: true }).neg() })),
  fromPrecisions: (p) => tidy(() => ({ precision: p.add(0), logDet: p.log().sum(1, { keepDims: true }) })),
  shape: (K, D) => [K, D],
};

/** One variance per component; the precision is stored `[K, 1]` and applied to all D coordinates. */
function spherical(D: number): CovarianceModel {
  return {
    scatter: (r, dev) => r.mul(dev.square()).sum('i'),
    covariances: (s, reg) => tidy(() => s.mean(1).add(reg)),
    fromCovariances: (cov) =>
      tidy(() => {
        const v = cov.reshape([cov.size, 1]);
        return { precision: v.pow(-1), logDet: v.log().mul(-D) };
      }),
    fromPrecisions: (p) =>
      tidy(() => {
        const v = p.reshape([p.size, 1]);
        return { precision: v.add(0), logDet: v.log().mul(D) };
      }),
    shape: (K) => [K],
  };
}

/** The model of a covariance type for D-dimensional data (`undefined` for an unknown name). */
export function covarianceModel(type: CovarianceType, D: number): CovarianceModel | undefined {
  return type === 'full' ? full : type === 'diag' ? diag : type === 'spherical' ? spherical(D) : undefined;
}
