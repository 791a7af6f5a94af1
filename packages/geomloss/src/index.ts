/**
 * @symtensor/geomloss: `samplesLoss` (debiased Sinkhorn divergences, balanced and unbalanced, online
 * or multiscale, kernel MMDs, Hausdorff divergences) with potentials, transport plans and
 * envelope-theorem gradients, computed with LazyTensor reductions (linear memory). See README.md
 * for the limits.
 */

export type { BlockCount, MultiscaleReport } from './multiscale/solve-multiscale.js';
export type { CostFunction, LossName, SamplesLossOptions } from './options.js';
export { type TransportPlan, transportPlan } from './plan.js';
export { type LossFunction, type PotentialPair, samplesLoss } from './samples-loss.js';
export { epsilonSchedule } from './schedule.js';
