/**
 * Gaussian mixtures by expectation-maximisation, with scikit-learn's `GaussianMixture` semantics.
 * The E-step is a LogSumExp reduction over the components of the symbolic N x K matrix of
 * `log w_j + log N(x_i | m_j, S_j)`: stable for points far from every component, where the
 * densities themselves underflow to 0. The M-step is two reductions over the points of that same
 * formula (responsibility-weighted sums, then the scatter around the new means, which is more
 * accurate than subtracting squared means) and small dense ops on the K components.
 */
import {
  concat,
  DTypeError,
  type LazyTensor,
  ones,
  ShapeError,
  type Tensor,
  tidy,
  ValueError,
  Vi,
  Vj,
} from '@symtensor/lazytensor';
import { freshSeed } from '../seed.js';
import {
  checkCount,
  checkFinite,
  checkIterations,
  checkNonNegative,
  checkPoints,
  checkSameSpace,
} from '../validate.js';
import { type CovarianceModel, type CovarianceType, covarianceModel, type Precision } from './covariance.js';
import {
  disposeResponsibilities,
  type GaussianMixtureInitMethod,
  INIT_METHODS,
  initialResponsibilities,
  type Responsibilities,
  responsibilityMatrix,
  unitVectors,
} from './init.js';

/** Explicit initial parameters, in scikit-learn's layout (`weights_init`, `means_init`, `precisions_init`). */
export interface GaussianMixtureInit {
  /** `[k]`, positive, summing to 1. */
  readonly weights: Tensor;
  /** `[k, D]`. */
  readonly means: Tensor;
  /** Inverse covariances: `[k, D, D]` (full), `[k, D]` (diag), `[k]` (spherical). */
  readonly precisions: Tensor;
}

/** Explicit initial responsibilities: the first M-step starts from them. */
export interface GaussianMixtureResponsibilities {
  /** `[N, k]`, non-negative: how much each point belongs to each component (rows need not sum to 1). */
  readonly responsibilities: Tensor;
}

export interface GaussianMixtureOptions {
  /** Number of components, 1 <= k <= N. */
  readonly k: number;
  /** Default `'full'`. */
  readonly covariance?: CovarianceType;
  /** Maximum EM iterations (default 100). */
  readonly maxIter?: number;
  /** Stop when the mean log-likelihood changes by less than `tol` (default 1e-3; 0 runs `maxIter`). */
  readonly tol?: number;
  /**
   * How the first parameters are found, as scikit-learn's `init_params`: `'kmeans'` (default: hard
   * responsibilities of a k-means clustering), `'k-means++'` (the k-means++ seeding rows, one per
   * component), `'random'` (uniform random responsibilities), `'random_from_data'` (k random
   * rows); or explicit parameters, or explicit responsibilities.
   */
  readonly init?: GaussianMixtureInitMethod | GaussianMixtureInit | GaussianMixtureResponsibilities;
  /** Seed of the random initialisation (default: a different one on each call). */
  readonly seed?: number;
  /** Added to the covariance diagonals (default 1e-6) so they stay positive definite. */
  readonly regCovar?: number;
}

export interface GaussianMixture {
  /** `[k]` mixture weights. */
  readonly weights: Tensor;
  /** `[k, D]`. */
  readonly means: Tensor;
  /** `[k, D, D]` (full), `[k, D]` (diag) or `[k]` (spherical). */
  readonly covariances: Tensor;
  /**
   * Mean log-likelihood per point at the last E-step (before the last M-step: scikit-learn's
   * `lower_bound_`).
   */
  readonly logLikelihood: number;
  /** The mean log-likelihood of every iteration's E-step. */
  readonly logLikelihoodHistory: readonly number[];
  readonly iterations: number;
  /** True when the change fell below `tol` before `maxIter`. */
  readonly converged: boolean;
  /** Most likely component of each row of `x`, `[N]` int32. */
  predict(x: Tensor): Tensor;
  /** Posterior probabilities of the components, `[N, k]`. */
  predictProba(x: Tensor): Tensor;
  /** Log-density of the mixture at each row of `x`, `[N]`. */
  scoreSamples(x: Tensor): Tensor;
  /** Frees the parameters' device memory. */
  dispose(): void;
}

/** The parameters the E-step formula reads. */
interface Components extends Precision {
  readonly logWeights: Tensor;
  readonly means: Tensor;
}

/** `log w_j + log N(x_i | m_j, P_j^-1)` as a symbolic N x K matrix. */
function logJoint(x: Tensor, c: Components): LazyTensor {
  const D = x.shape[1]!;
  const offset = tidy(() => c.logWeights.add(c.logDet.mul(0.5)).sub(0.5 * D * Math.log(2 * Math.PI)));
  return Vj(offset).sub(Vi(x).weightedsqdist(Vj(c.means), Vj(c.precision)).mul(0.5));
}

/** M-step from responsibilities `r_ij` (a symbolic N x K matrix): new components and covariances. */
function maximise(
  x: Tensor,
  withOnes: Tensor,
  r: LazyTensor,
  model: CovarianceModel,
  regCovar: number,
): { components: Components; covariances: Tensor; weights: Tensor } {
  return tidy(() => {
    const [N, D] = x.shape as [number, number];
    const moments = r.mul(Vi(withOnes)).sum('i');
    // scikit-learn adds 10 machine epsilons so an empty component divides by a tiny number, not 0.
    const eps = x.dtype === 'float64' ? 2 ** -52 : 2 ** -23;
    const counts = moments.slice(1, 0, 1).add(10 * eps);
    const means = moments.slice(1, 1, D + 1).div(counts);
    const covariances = model.covariances(model.scatter(r, Vi(x).sub(Vj(means))).div(counts), regCovar, D);
    const weights = counts.div(N);
    return {
      components: { logWeights: weights.log(), means, ...model.fromCovariances(covariances) },
      covariances,
      weights: weights.reshape([weights.size]),
    };
  });
}

/**
 * Fits a Gaussian mixture to the rows of `x` (`[N, D]`). From the same initial parameters and
 * `tol: 0` it follows scikit-learn's `GaussianMixture` iteration by iteration.
 */
export async function gaussianMixture(x: Tensor, options: GaussianMixtureOptions): Promise<GaussianMixture> {
  const [N, D] = checkPoints(x, 'gaussianMixture(x)');
  const K = checkCount(options?.k, N, 'gaussianMixture(options.k)', 'the number of points N');
  const type = options.covariance ?? 'full';
  const model = covarianceModel(type, D);
  if (!model)
    throw new ValueError(
      `gaussianMixture(options.covariance) must be 'full', 'diag' or 'spherical', got ${String(type)}`,
    );
  const maxIter = checkIterations(options.maxIter ?? 100, 'gaussianMixture(options.maxIter)');
  const tol = checkNonNegative(options.tol ?? 1e-3, 'gaussianMixture(options.tol)');
  const regCovar = checkNonNegative(options.regCovar ?? 1e-6, 'gaussianMixture(options.regCovar)');
  await checkFinite(x, 'gaussianMixture(x)');

  // Either explicit parameters, or responsibilities that the first M-step turns into parameters.
  let components: Components | undefined;
  let start: Responsibilities | undefined;
  const init = options.init ?? 'kmeans';
  if (typeof init === 'object' && init !== null && 'means' in init)
    components = await explicitInit(x, init, type, model, K);
  else if (typeof init === 'object' && init !== null && 'responsibilities' in init)
    start = { kind: 'matrix', matrix: await explicitResponsibilities(x, init.responsibilities, K) };
  else if (typeof init === 'string' && (INIT_METHODS as readonly string[]).includes(init))
    start = await initialResponsibilities(x, init, K, options.seed ?? freshSeed());
  else
    throw new ValueError(
      `gaussianMixture(options.init) must be one of ${INIT_METHODS.map((m) => `'${m}'`).join(', ')}, { weights, means, precisions } or { responsibilities }, got ${typeof init === 'object' && init !== null ? `an object with keys ${Object.keys(init).join(', ')}` : String(init)}`,
    );
  const withOnes = tidy(() => concat([ones([N, 1], { dtype: x.dtype, backend: x.backend }), x], 1));
  if (start) {
    const r = start;
    // As scikit-learn: the first parameters are an M-step from the initial responsibilities.
    const first = tidy(() => maximise(x, withOnes, responsibilityMatrix(r, K), model, regCovar));
    disposeResponsibilities(r);
    first.covariances.dispose();
    first.weights.dispose();
    components = first.components;
  }

  // maxIter >= 1, so the loop sets these (the parameters after the last M-step).
  let covariances: Tensor | undefined;
  let weights: Tensor | undefined;
  const history: number[] = [];
  let converged = false;
  for (let it = 0; it < maxIter && !converged; it++) {
    const current = components!;
    const { meanLogLikelihood, next } = tidy(() => {
      const joint = logJoint(x, current);
      const logNorm = joint.logsumexp('j');
      const r = joint.sub(Vi(logNorm)).exp();
      return { meanLogLikelihood: logNorm.mean(), next: maximise(x, withOnes, r, model, regCovar) };
    });
    const ll = await meanLogLikelihood.item();
    meanLogLikelihood.dispose();
    disposeAll(current, covariances, weights);
    ({ components, covariances, weights } = next);
    if (Number.isNaN(ll))
      throw new ValueError(
        'gaussianMixture: a component has an ill-defined (not positive definite) covariance; decrease options.k or increase options.regCovar',
      );
    converged = history.length > 0 && Math.abs(ll - history[history.length - 1]!) < tol;
    history.push(ll);
  }

  withOnes.dispose();
  const final = components!;
  const check = (q: Tensor, what: string): void => {
    checkPoints(q, what);
    checkSameSpace(x, 'the training data', q, what);
  };
  const fitted = { weights: weights!, covariances: covariances! };
  return {
    ...fitted,
    means: final.means,
    logLikelihood: history[history.length - 1]!,
    logLikelihoodHistory: history,
    iterations: history.length,
    converged,
    predict(q) {
      check(q, 'predict(x)');
      return tidy(() => logJoint(q, final).argmax('j').reshape([q.shape[0]!]));
    },
    predictProba(q) {
      check(q, 'predictProba(x)');
      return tidy(() => logJoint(q, final).sumsoftmaxweight('j', Vj(unitVectors(K, q))));
    },
    scoreSamples(q) {
      check(q, 'scoreSamples(x)');
      return tidy(() => logJoint(q, final).logsumexp('j').reshape([q.shape[0]!]));
    },
    dispose() {
      disposeAll(final, fitted.covariances, fitted.weights);
    },
  };
}

function disposeAll(c: Components, ...more: (Tensor | undefined)[]): void {
  for (const t of [c.logWeights, c.means, c.precision, c.logDet, ...more]) t?.dispose();
}

/**
 * Checks an explicit initial tensor `init.<what>`: its shape (`context` says where the shape comes
 * from), its dtype, finite entries.
 */
async function checkInitTensor(
  t: unknown,
  shape: number[],
  what: string,
  x: Tensor,
  context: string,
): Promise<Tensor> {
  const name = `gaussianMixture(options.init.${what})`;
  if (typeof t !== 'object' || t === null || !('shape' in t))
    throw new ValueError(`${name} must be a Tensor of shape [${shape}]`);
  const tt = t as Tensor;
  if (tt.shape.length !== shape.length || tt.shape.some((s, d) => s !== shape[d]))
    throw new ShapeError(`${name} must have shape [${shape}] (${context}), got [${tt.shape}]`);
  if (tt.dtype !== x.dtype)
    throw new DTypeError(`${name} is ${tt.dtype} but x is ${x.dtype}; cast it with t.cast('${x.dtype}')`);
  // checkFinite reads rows: view any shape as [first dim, rest].
  const rows = tt.reshape([tt.shape[0]!, -1]);
  try {
    await checkFinite(rows, name);
  } finally {
    rows.dispose();
  }
  return tt;
}

/** Components from explicit initial parameters, validated against the data. */
async function explicitInit(
  x: Tensor,
  init: GaussianMixtureInit,
  type: CovarianceType,
  model: CovarianceModel,
  K: number,
): Promise<Components> {
  const D = x.shape[1]!;
  const context = `k = ${K}, D = ${D}, covariance '${type}'`;
  const weights = await checkInitTensor(init.weights, [K], 'weights', x, context);
  const means = await checkInitTensor(init.means, [K, D], 'means', x, context);
  const precisions = await checkInitTensor(init.precisions, model.shape(K, D), 'precisions', x, context);
  const precision = model.fromPrecisions(precisions);
  // Copies (means.add(0)): the model owns and disposes its parameters, never the caller's tensors.
  return tidy(() => ({ logWeights: weights.reshape([K, 1]).log(), means: means.add(0), ...precision }));
}

/** Explicit responsibilities `[N, k]`, validated (finite, non-negative); a copy the fit owns. */
async function explicitResponsibilities(x: Tensor, r: unknown, K: number): Promise<Tensor> {
  const N = x.shape[0]!;
  const t = await checkInitTensor(r, [N, K], 'responsibilities', x, `N = ${N} points, k = ${K}`);
  const lowest = tidy(() => t.min());
  const value = await lowest.item();
  lowest.dispose();
  if (value < 0)
    throw new ValueError(
      `gaussianMixture(options.init.responsibilities) has a negative entry (${value}); responsibilities are weights >= 0`,
    );
  return t.add(0);
}
