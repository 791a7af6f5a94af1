/**
 * The entropic transport plan of OT_eps(a, b) as a LazyTensor, pi_ij = a_i b_j exp((f_i + g_j - C_ij) / eps),
 * built from the raw (non-debiased) potentials. Everything sits in one exponent,
 * exp(log a_i + log b_j + (f_i + g_j - C_ij) / eps), which stays <= 0 near convergence, so the plan
 * never overflows at small eps (GeomLoss issue #80).
 */
import { type LazyTensor, type Tensor, tidy, ValueError, Vi, Vj } from '@symtensor/lazytensor';
import { builtinCost, costMatrix } from './cost.js';
import { parseMeasures } from './inputs.js';
import { resolveOptions, type SamplesLossOptions } from './options.js';
import { squeezeLast } from './reduce.js';
import { logWeights } from './softmin.js';
import { solveSinkhorn } from './solve.js';

export interface TransportPlan {
  /** pi_ij, a symbolic `[..., N, M]` matrix: reduce it (`sum('j')`, `matmul`) to use it. */
  plan: LazyTensor;
  /** Raw potentials f_ba on x and g_ab on y, `[..., N]` and `[..., M]`. */
  f: Tensor;
  g: Tensor;
  /** The temperature blur^p. */
  eps: number;
  /** The barycentric map x_i -> sum_j pi_ij y_j / a_i, `[..., N, D]`. */
  barycentricMap: Tensor;
}

/** `transportPlan(options)(x, y)` or `(a, x, b, y)`: the plan of the (non-debiased) Sinkhorn problem. */
export function transportPlan(
  options: Omit<SamplesLossOptions, 'loss' | 'debias' | 'potentials'> = {},
): (...args: Tensor[]) => Promise<TransportPlan> {
  for (const key of ['loss', 'debias', 'potentials'])
    if (key in options)
      throw new ValueError(
        `transportPlan({ ${key} }): not an option here (the plan is the Sinkhorn plan of OT_eps)`,
      );
  const o = resolveOptions(options);
  return async (...args: Tensor[]) => {
    const m = parseMeasures(args);
    const { potentials: p, eps } = await solveSinkhorn(m, o, false);
    // The plan binds these tensors: they live as long as the LazyTensor (no tidy around them).
    const hx = logWeights(m.a).add(p.fba.mul(1 / eps));
    const hy = logWeights(m.b).add(p.gab.mul(1 / eps));
    const C = costMatrix(o.cost ?? builtinCost(o.p), m.x, m.y, true);
    const plan = Vi(hx)
      .add(Vj(hy))
      .sub(C.mul(1 / eps))
      .exp();
    const barycentricMap = tidy(() => plan.mul(Vj(m.y)).sum('j').div(m.a));
    const result: TransportPlan = { plan, f: squeezeLast(p.fba), g: squeezeLast(p.gab), eps, barycentricMap };
    return result;
  };
}
