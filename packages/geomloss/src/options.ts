/**
 * The options of `samplesLoss` and their validation: every bad value is refused here, with an error
 * that names the option and the fix, before any kernel runs.
 */
import { type LazyTensor, UnsupportedError, ValueError } from '@symtensor/lazytensor';
import type { MultiscaleReport } from './multiscale/solve-multiscale.js';

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
  /**
   * 'online' (LazyTensor reductions over all pairs, linear memory; 'tensorized' is an alias),
   * 'multiscale' (Sinkhorn in D <= 3: voxel clusters, coarse-to-fine, block-sparse kernel
   * truncation), or 'auto' (= 'online'). Default 'auto'.
   */
  backend?: 'online' | 'auto' | 'tensorized' | 'multiscale';
  /**
   * Multiscale: kernel truncation width in units of eps; blocks whose kernel weights are all below
   * exp(-truncate) at the jump are skipped. Default 5; Infinity keeps every block.
   */
  truncate?: number;
  /** Multiscale: side of the voxels. Default diameter / (sqrt(D) 2000^(1/D)), about 2000 cells. */
  clusterScale?: number;
  /** Multiscale: called once per evaluation with the clusters, the jump and the kept blocks. */
  onMultiscale?: (report: MultiscaleReport) => void;
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
  backend: 'online' | 'multiscale';
  truncate: number;
  clusterScale: number | undefined;
  onMultiscale: ((report: MultiscaleReport) => void) | undefined;
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
  'truncate',
  'clusterScale',
  'onMultiscale',
]);

function isPositive(value: unknown): boolean {
  return typeof value === 'number' && Number.isFinite(value) && value > 0;
}

function positive(value: number | undefined, name: string): void {
  if (value !== undefined && !isPositive(value))
    throw new ValueError(`samplesLoss({ ${name} }): must be a finite number > 0, got ${String(value)}`);
}

/** The multiscale options are refused outside that backend, and that backend's limits up front. */
function checkMultiscaleOptions(options: SamplesLossOptions, loss: LossName, backend: string): void {
  const multiscale = backend === 'multiscale';
  for (const key of ['truncate', 'clusterScale', 'onMultiscale'] as const)
    if (!multiscale && options[key] !== undefined)
      throw new ValueError(
        `samplesLoss({ ${key} }): only used by backend 'multiscale' (the '${backend}' backend reduces over every pair); remove it or set backend: 'multiscale'`,
      );
  if (multiscale && loss !== 'sinkhorn')
    throw new UnsupportedError(
      `samplesLoss({ backend: 'multiscale' }): implemented for loss 'sinkhorn' only, not '${loss}'; use backend 'online'`,
    );
  if (multiscale && options.cost !== undefined)
    throw new UnsupportedError(
      "samplesLoss({ backend: 'multiscale', cost }): kernel truncation bounds the built-in costs over each block of clusters and cannot bound a custom cost; use backend 'online', or drop `cost` and pick p",
    );
  if (options.truncate !== undefined && !(options.truncate === Infinity || isPositive(options.truncate)))
    throw new ValueError(
      `samplesLoss({ truncate }): must be a number > 0 (Infinity keeps every block), got ${String(options.truncate)}`,
    );
  positive(options.clusterScale, 'clusterScale');
  if (options.onMultiscale !== undefined && typeof options.onMultiscale !== 'function')
    throw new ValueError('samplesLoss({ onMultiscale }): must be a function (report) => void');
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
  if (backend !== 'online' && backend !== 'auto' && backend !== 'tensorized' && backend !== 'multiscale')
    throw new ValueError(
      `samplesLoss({ backend }): '${String(backend)}' is not one of 'online', 'auto', 'tensorized', 'multiscale'`,
    );
  const multiscale = backend === 'multiscale';
  checkMultiscaleOptions(options, loss, backend);
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
    backend: multiscale ? 'multiscale' : 'online',
    truncate: options.truncate ?? 5,
    clusterScale: options.clusterScale,
    onMultiscale: options.onMultiscale,
  };
}
