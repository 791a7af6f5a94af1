/**
 * kNN metrics. Each is split into a cheap ranking formula, evaluated for every pair inside the
 * fused `kminArgkmin` reduction, and a monotone map from the ranking value to the distance, applied
 * to the k kept values only (a square root, an arccos, an arccosh). Preparation runs once per point
 * set on the device (unit rows for the angle metrics, a positivity check for hyperbolic).
 */
import { type LazyTensor, ShapeError, type Tensor, tidy, ValueError, where } from '@symtensor/lazytensor';

/** The built-in metric names. */
export type KnnMetricName = 'euclidean' | 'sqeuclidean' | 'manhattan' | 'cosine' | 'angular' | 'hyperbolic';

/** A user distance: a scalar LazyTensor built from the bound points `xi = Vi(query)`, `yj = Vj(data)`. */
export type DistanceFunction = (xi: LazyTensor, yj: LazyTensor) => LazyTensor;

/** A built-in metric or a user distance. */
export type KnnMetric = KnnMetricName | DistanceFunction;

export interface MetricPlan {
  /** The points the ranking formula reads (may be `x` itself); `what` names `x` in errors. */
  prepare(x: Tensor, what: string): Promise<Tensor>;
  /** A value increasing with the distance, for each pair. */
  rank(xi: LazyTensor, yj: LazyTensor): LazyTensor;
  /** The distance from the ranking values (dense, `[N, k]`). */
  toDistance(v: Tensor): Tensor;
}

const identity = (v: Tensor): Tensor => v;
const asIs = async (x: Tensor): Promise<Tensor> => x;

/** Unit rows; a zero row stays zero (distance 1 to everything under cosine, as scikit-learn). */
async function unitRows(x: Tensor): Promise<Tensor> {
  return tidy(() => x.div(x.square().sum(1, { keepDims: true }).sqrt().maximum(1e-30)));
}

const oneMinusCos = (xi: LazyTensor, yj: LazyTensor): LazyTensor => xi.dot(yj).neg().add(1);

/** log(1 + w) accurate for small w (Goldberg's trick: the rounding of 1 + w cancels out). */
function log1p(w: Tensor): Tensor {
  const a = w.add(1);
  const am1 = a.sub(1);
  return where(am1.eq(0), w, w.mul(a.log()).div(am1));
}

const plans: Record<KnnMetricName, MetricPlan> = {
  euclidean: { prepare: asIs, rank: (xi, yj) => xi.sqdist(yj), toDistance: (v) => v.sqrt() },
  sqeuclidean: { prepare: asIs, rank: (xi, yj) => xi.sqdist(yj), toDistance: identity },
  manhattan: { prepare: asIs, rank: (xi, yj) => xi.sub(yj).abs().vsum(), toDistance: identity },
  cosine: { prepare: unitRows, rank: oneMinusCos, toDistance: identity },
  // The angle between the vectors, in radians: arccos(cos) = atan2(sqrt(v (2 - v)), 1 - v) with
  // v = 1 - cos, which stays accurate for small angles (where 1 - cos^2 would cancel).
  angular: {
    prepare: unitRows,
    rank: oneMinusCos,
    toDistance: (v) => {
      const c = v.clamp(0, 2);
      return c.mul(c.neg().add(2)).sqrt().atan2(c.neg().add(1));
    },
  },
  // Poincare half-space model (last coordinate = height): d = arccosh(1 + |x - y|^2 / (2 x_D y_D)).
  // Ranking by v = |x - y|^2 / (x_D y_D); then with u = v / 2, arccosh(1 + u) = log1p(u + sqrt(u (u + 2))).
  hyperbolic: {
    async prepare(x, what) {
      const D = x.shape[1]!;
      const lowest = tidy(() => x.slice(1, D - 1, D).min());
      const value = await lowest.item();
      lowest.dispose();
      if (!(value > 0))
        throw new ValueError(
          `${what}: the hyperbolic metric (Poincare half-space) needs the last coordinate of every row > 0, found ${value}; shift or map the points into the upper half-space`,
        );
      return x;
    },
    rank: (xi, yj) => {
      const D = xi.dim;
      return xi.sqdist(yj).div(xi.elem(D - 1).mul(yj.elem(D - 1)));
    },
    toDistance: (v) => {
      const u = v.mul(0.5);
      return log1p(u.add(u.mul(u.add(2)).sqrt()));
    },
  },
};

/** The plan of a metric (a typed error naming `what` for an unknown one). */
export function metricPlan(metric: unknown, what: string): MetricPlan {
  if (typeof metric === 'function') {
    const user = metric as DistanceFunction;
    return {
      prepare: asIs,
      rank: (xi, yj) => {
        const d = user(xi, yj);
        if (typeof d !== 'object' || d === null || (d as LazyTensor).dim !== 1)
          throw new ShapeError(
            `${what}: the distance function must return a scalar LazyTensor (dim 1), got ${typeof d === 'object' && d !== null ? `dim ${(d as LazyTensor).dim}` : typeof d}; reduce vectors with .vsum() or .norm2()`,
          );
        return d;
      },
      toDistance: identity,
    };
  }
  if (typeof metric === 'string' && Object.hasOwn(plans, metric)) return plans[metric as KnnMetricName];
  throw new ValueError(
    `${what} must be one of ${Object.keys(plans).join(', ')} or a function (xi, yj) => LazyTensor, got ${String(metric)}`,
  );
}
