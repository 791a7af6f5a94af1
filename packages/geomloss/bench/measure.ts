/**
 * Shared by the bench scripts: the peers' 3D inputs (uniform(301), uniform(302) of
 * shared/reference/peers.md) and one timed forward + backward evaluation of a Sinkhorn divergence.
 */

import { uniform } from '@symtensor/core-ir/peer-inputs';
import { grad, tensor } from '@symtensor/lazytensor';
import { type MultiscaleReport, type SamplesLossOptions, samplesLoss } from '../src/index.js';

export interface Measurement {
  value: number;
  /** Wall-clock seconds of the loss, its gradient in x, and the read-back of both. */
  seconds: number;
  report?: MultiscaleReport;
}

export async function forwardBackward(
  N: number,
  dtype: 'float32' | 'float64',
  options: Omit<SamplesLossOptions, 'potentials' | 'onMultiscale'>,
): Promise<Measurement> {
  const data = (seed: number) =>
    dtype === 'float32' ? uniform(seed, N, 3) : Float64Array.from(uniform(seed, N, 3));
  const x = tensor(data(301), [N, 3], { dtype, requiresGrad: true });
  const y = tensor(data(302), [N, 3], { dtype });
  let report: MultiscaleReport | undefined;
  const multiscale =
    options.backend === 'multiscale' ? { onMultiscale: (r: MultiscaleReport) => (report = r) } : {};
  const t0 = performance.now();
  const S = await samplesLoss({ ...options, ...multiscale })(x, y);
  const [g] = grad(S, [x]);
  const [value] = await Promise.all([S.item(), g!.data()]);
  const seconds = (performance.now() - t0) / 1000;
  for (const t of [x, y, S, g!]) t.dispose();
  return { value, seconds, ...(report ? { report } : {}) };
}

/** Kept pairs of C(x, y) after truncation, as a percentage. */
export function keptPercent(r: MultiscaleReport | undefined): string {
  const b = r?.blocks?.xy;
  return b ? `${((100 * b.keptPairs) / b.allPairs).toFixed(1)}%` : '-';
}
