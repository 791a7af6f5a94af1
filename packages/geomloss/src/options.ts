/**
 * The options of `samplesLoss` and their validation: every bad value is refused here, with an error
 * that names the option and the fix, before any kernel runs.
 */
import { type LazyTensor, UnsupportedError, ValueError } from '@symtensor/lazytensor';

/** A ground cost C(x_i, y_j) built from `Vi(x)` and `Vj(y)`: a scalar LazyTensor. */
export type CostFunction = (xi: LazyTensor, yj: LazyTensor) => LazyTensor;

export type LossName = 'sinkhorn' | 'hausdorff' | 'energy' | 'gaussian' | 'laplacian';

export interface SamplesLossOptions {
  /** Which loss (default 'sinkhorn'). */
  loss?: LossName;
  /** Exponent of the ground cost: C = |x - y| (p = 1) or |x - y|^2 / 2 (p = 2). Default 2. */
  p?: 1 | 2;
  /** Sinkhorn: eps = blur^p; kernels: bandwidth. Default 0.05. */
  blur?: number;
  /** Unbalanced OT: marginal KL penalty rho = reach^p. Default undefined (balanced). */
  reach?: number;
  /** Upper bound of |x_i - y_j|, start of eps-scaling. Default: the bounding-box diagonal (one host read). */
  diameter?: number;
  /** Ratio between successive blur values of eps-scaling, in (0, 1). Default 0.5. */
  scaling?: number;
  /** Debiased Sinkhorn divergence (default true) or raw entropic OT. */
  debias?: boolean;
  /** Return the dual potentials [F, G] instead of the loss value. */
  potentials?: boolean;
  /** 'online' (LazyTensor reductions, linear memory) or 'auto' (= online). 'tensorized' is an alias. */
  backend?: 'online' | 'auto' | 'tensorized' | 'multiscale';
  /**
   * Early stopping (not in GeomLoss): after the eps-scaling schedule, keep iterating at eps = blur^p
   * until the largest change of a potential is <= tol (one scalar read per iteration).
   */
  tol?: number;
  /** With `tol`: the most extra iterations at eps = blur^p before a ValueError. Default 10000. */
  maxIter?: number;
  /** Custom ground cost; replaces the one given by `p` (p still sets eps = blur^p and rho = reach^p). */
  cost?: CostFunction;
}

/** Options after defaults and validation. */
export interface ResolvedOptions {
  loss: LossName;
  p: 1 | 2;
  blur: number;
  reach: number | undefined;
  diameter: number | undefined;
  scaling: number;
  debias: boolean;
  potentials: boolean;
  tol: number | undefined;
  maxIter: number;
  cost: CostFunction | undefined;
}

const LOSSES: readonly LossName[] = ['sinkhorn', 'hausdorff', 'energy', 'gaussian', 'laplacian'];
const KNOWN = new Set([
  'loss',
  'p',
  'blur',
  'reach',
  'diameter',
  'scaling',
  'debias',
  'potentials',
  'backend',
  'tol',
  'maxIter',
  'cost',
]);

function positive(value: number | undefined, name: string): void {
  if (value !== undefined && !(typeof value === 'number' && Number.isFinite(value) && value > 0))
    throw new ValueError(`samplesLoss({ ${name} }): must be a finite number > 0, got ${String(value)}`);
}

export function resolveOptions(options: SamplesLossOptions = {}): ResolvedOptions {
  for (const key of Object.keys(options))
    if (!KNOWN.has(key))
      throw new ValueError(
        `samplesLoss({ ${key} }): unknown option; the options are ${[...KNOWN].join(', ')}`,
      );
  const loss = options.loss ?? 'sinkhorn';
  if (!LOSSES.includes(loss))
    throw new ValueError(`samplesLoss({ loss }): '${String(loss)}' is not one of ${LOSSES.join(', ')}`);
  const p = options.p ?? 2;
  if (p !== 1 && p !== 2)
    throw new ValueError(
      `samplesLoss({ p }): only p = 1 and p = 2 are built in, got ${String(p)}; pass a custom \`cost\` for other exponents`,
    );
  const backend = options.backend ?? 'auto';
  if (backend === 'multiscale')
    throw new UnsupportedError(
      "samplesLoss({ backend: 'multiscale' }): not implemented yet (voxel clustering and block-sparse kernel truncation are still to be written); use backend 'online', which has linear memory",
    );
  if (backend !== 'online' && backend !== 'auto' && backend !== 'tensorized')
    throw new ValueError(
      `samplesLoss({ backend }): '${String(backend)}' is not one of 'online', 'auto', 'tensorized', 'multiscale'`,
    );
  positive(options.blur, 'blur');
  positive(options.reach, 'reach');
  positive(options.diameter, 'diameter');
  positive(options.tol, 'tol');
  const scaling = options.scaling ?? 0.5;
  if (!(typeof scaling === 'number' && scaling > 0 && scaling < 1))
    throw new ValueError(`samplesLoss({ scaling }): must lie in (0, 1), got ${String(scaling)}`);
  const maxIter = options.maxIter ?? 10000;
  if (!Number.isInteger(maxIter) || maxIter < 0)
    throw new ValueError(`samplesLoss({ maxIter }): must be an integer >= 0, got ${String(maxIter)}`);
  if (options.maxIter !== undefined && options.tol === undefined)
    throw new ValueError(
      'samplesLoss({ maxIter }): only used with `tol` (without it the eps-scaling schedule fixes the iterations); pass tol too',
    );
  if (options.cost !== undefined && typeof options.cost !== 'function')
    throw new ValueError('samplesLoss({ cost }): must be a function (xi, yj) => LazyTensor');
  if (loss !== 'sinkhorn' && (options.reach !== undefined || options.tol !== undefined))
    throw new ValueError(
      `samplesLoss({ reach, tol }): only meaningful for loss 'sinkhorn', not '${loss}'; remove them`,
    );
  if ((loss === 'energy' || loss === 'gaussian' || loss === 'laplacian') && options.cost !== undefined)
    throw new ValueError(
      `samplesLoss({ cost }): the kernel loss '${loss}' has a fixed kernel; a custom cost applies to 'sinkhorn' and 'hausdorff'`,
    );
  return {
    loss,
    p,
    blur: options.blur ?? 0.05,
    reach: options.reach,
    diameter: options.diameter,
    scaling,
    debias: options.debias ?? true,
    potentials: options.potentials ?? false,
    tol: options.tol,
    maxIter,
    cost: options.cost,
  };
}
