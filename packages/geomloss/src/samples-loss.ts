/**
 * `samplesLoss(options)`: GeomLoss's `SamplesLoss` as a function factory. The returned function is
 * async because the default diameter and the `tol` test read scalars back from the device; the
 * result is a Tensor (scalar, or `[B]` for batched inputs) differentiable through `grad`.
 */
import { type Tensor, tidy } from '@symtensor/lazytensor';
import { builtinCost } from './cost.js';
import { hausdorffLoss } from './hausdorff.js';
import { type Measures, parseMeasures } from './inputs.js';
import { kernelLoss } from './kernel-loss.js';
import { resolveOptions, type SamplesLossOptions } from './options.js';
import { squeezeLast } from './reduce.js';
import { sinkhornCost } from './sinkhorn-cost.js';
import { solveSinkhorn } from './solve.js';

/** `loss(x, y)` with uniform weights, or `loss(a, x, b, y)`. */
export interface LossFunction<R> {
  (x: Tensor, y: Tensor): Promise<R>;
  (a: Tensor, x: Tensor, b: Tensor, y: Tensor): Promise<R>;
}

/** [F on x, G on y], shaped like the weights (`[N]`, or `[B, N]`). */
export type PotentialPair = [Tensor, Tensor];

export function samplesLoss(options: SamplesLossOptions & { potentials: true }): LossFunction<PotentialPair>;
export function samplesLoss(options?: SamplesLossOptions & { potentials?: false }): LossFunction<Tensor>;
export function samplesLoss(options: SamplesLossOptions = {}): LossFunction<Tensor | PotentialPair> {
  const o = resolveOptions(options);
  const run = async (...args: Tensor[]): Promise<Tensor | PotentialPair> => {
    const m = parseMeasures(args);
    try {
      return await evaluate(m);
    } finally {
      for (const t of m.owned) t.dispose();
    }
  };
  const evaluate = async (m: Measures): Promise<Tensor | PotentialPair> => {
    const pair = (f: Tensor, g: Tensor): PotentialPair => [squeezeLast(f), squeezeLast(g)];
    if (o.loss === 'energy' || o.loss === 'gaussian' || o.loss === 'laplacian') {
      const loss = o.loss;
      return tidy(() => {
        const k = kernelLoss(m, loss, o.blur);
        return o.potentials ? pair(...k.potentials()) : k.value;
      });
    }
    if (o.loss === 'hausdorff')
      return tidy(() => {
        const h = hausdorffLoss(m, o.blur ** o.p, o.cost ?? builtinCost(o.p));
        return o.potentials ? pair(...h.potentials) : h.value;
      });
    const { potentials: p, settings, eps } = await solveSinkhorn(m, o, o.debias);
    const out = tidy(() => {
      if (!o.potentials) return sinkhornCost(m.a, m.b, p, eps, settings.rho);
      // GeomLoss's potentials: debiased (f_ba - f_aa, g_ab - g_bb), or raw (f_ba, g_ab).
      return p.faa && p.gbb ? pair(p.fba.sub(p.faa), p.gab.sub(p.gbb)) : pair(p.fba, p.gab);
    });
    for (const t of Object.values(p)) t.dispose();
    return out;
  };
  return run as LossFunction<Tensor | PotentialPair>;
}
