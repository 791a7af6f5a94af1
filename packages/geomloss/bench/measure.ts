/**
 * Shared by the bench scripts: the 3D inputs and one timed forward + backward evaluation of a
 * Sinkhorn divergence. Clouds `'peers'`: uniform(301) and uniform(302) of
 * shared/reference/peers.md, two samples of one distribution, whose divergence is small (sampling
 * noise), so relative gaps on it are large. Clouds `'cube-blob'`: the same uniform cube against a
 * Gaussian blob, 0.5 + 0.15 normal(302), a transport problem with a divergence far from zero.
 */

import { normal, uniform } from '@symtensor/core-ir/peer-inputs';
import { grad, tensor } from '@symtensor/lazytensor';
import { type MultiscaleReport, type SamplesLossOptions, samplesLoss } from '../src/index.js';

export interface Measurement {
  value: number;
  /** Wall-clock seconds of the loss, its gradient in x, and the read-back of both. */
  seconds: number;
  report?: MultiscaleReport;
}

export type Clouds = 'peers' | 'cube-blob';

/** The two point clouds, [N, 3] each, in float32 (the generator's precision). */
export function cloudsOf(clouds: Clouds, N: number): [Float32Array, Float32Array] {
  const x = uniform(301, N, 3);
  if (clouds === 'peers') return [x, uniform(302, N, 3)];
  return [x, normal(302, N, 3).map((v) => 0.5 + 0.15 * v)];
}

export async function forwardBackward(
  N: number,
  dtype: 'float32' | 'float64',
  options: Omit<SamplesLossOptions, 'potentials' | 'onMultiscale'>,
  clouds: Clouds = 'peers',
): Promise<Measurement> {
  const data = cloudsOf(clouds, N).map((c) => (dtype === 'float32' ? c : Float64Array.from(c)));
  const x = tensor(data[0]!, [N, 3], { dtype, requiresGrad: true });
  const y = tensor(data[1]!, [N, 3], { dtype });
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
