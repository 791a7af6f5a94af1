/**
 * Runs the Sinkhorn loop for resolved options: schedule, loop without a tape, differentiable
 * extrapolation. Shared by `samplesLoss` and `transportPlan`.
 */
import { builtinCost } from './cost.js';
import type { Measures } from './inputs.js';
import { checkMultiscaleInput, solveMultiscale } from './multiscale/solve-multiscale.js';
import type { ResolvedOptions } from './options.js';
import { boundingDiameter, epsilonSchedule } from './schedule.js';
import { type DualPotentials, extrapolate, type LoopSettings, sinkhornLoop } from './sinkhorn-loop.js';

export interface Solution {
  potentials: DualPotentials;
  settings: LoopSettings;
  /** The final temperature, blur^p. */
  eps: number;
}

export async function solveSinkhorn(m: Measures, o: ResolvedOptions, debias: boolean): Promise<Solution> {
  if (o.backend === 'multiscale') checkMultiscaleInput(m);
  const diameter = o.diameter ?? (await boundingDiameter(m.x, m.y));
  const settings: LoopSettings = {
    eps: epsilonSchedule(o.p, diameter, o.blur, o.scaling),
    rho: o.reach === undefined ? undefined : o.reach ** o.p,
    debias,
    tol: o.tol,
    maxIter: o.maxIter,
    cost: o.cost ?? builtinCost(o.p),
  };
  if (o.backend === 'multiscale') {
    const multiscale = { p: o.p, clusterScale: o.clusterScale, truncate: o.truncate, report: o.onMultiscale };
    const potentials = await solveMultiscale(m, settings, multiscale, diameter);
    return { potentials, settings, eps: o.blur ** o.p };
  }
  const detached = await sinkhornLoop(m, settings);
  const potentials = extrapolate(m, detached, settings);
  for (const t of Object.values(detached)) t.dispose();
  return { potentials, settings, eps: o.blur ** o.p };
}
