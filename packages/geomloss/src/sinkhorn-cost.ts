/**
 * The value of the (debiased) Sinkhorn divergence from the final potentials, GeomLoss's
 * `sinkhorn_cost`, with the unbalanced gradient fixed.
 */
import type { Tensor } from '@symtensor/lazytensor';
import { scal } from './reduce.js';
import type { DualPotentials } from './sinkhorn-loop.js';

/**
 * `value` scaled by `forward` in the forward pass and by `backward` in the backward pass: a
 * straight-through construction, forward * v.detach() + backward * (v - v.detach()), whose second
 * term is exactly zero in value and carries the whole gradient.
 */
export function scaleForwardBackward(v: Tensor, forward: number, backward: number): Tensor {
  const frozen = v.detach();
  return frozen.mul(forward).add(v.sub(frozen).mul(backward));
}

export function sinkhornCost(
  a: Tensor,
  b: Tensor,
  p: DualPotentials,
  eps: number,
  rho: number | undefined,
): Tensor {
  if (rho === undefined) {
    // Balanced: S = <a, f_ba - f_aa> + <b, g_ab - g_bb> (thesis Eq. 3.209), or <a, f_ba> + <b, g_ab>.
    if (p.faa && p.gbb) return scal(a, p.fba.sub(p.faa)).add(scal(b, p.gab.sub(p.gbb)));
    return scal(a, p.fba).add(scal(b, p.gab));
  }
  // Unbalanced (Sejourne et al. 2019, Prop. 12): the value weights the exponential terms by
  // rho + eps/2, but the derivative of the dual objective at its optimum (w.r.t. weights and, through
  // the potentials, points) carries rho + eps. GeomLoss meant this with a custom `backward` that
  // autograd never calls, so its gradients use rho + eps/2.
  const e = (f: Tensor) => f.mul(-1 / rho).exp();
  const terms =
    p.faa && p.gbb
      ? scal(a, e(p.faa).sub(e(p.fba))).add(scal(b, e(p.gbb).sub(e(p.gab))))
      : scal(a, e(p.fba).neg().add(1)).add(scal(b, e(p.gab).neg().add(1)));
  const value = scaleForwardBackward(terms, rho + eps / 2, rho + eps);
  if (p.faa && p.gbb) return value;
  // The raw value equals the dual objective plus (eps/2)(m_a + m_b) - eps m_a m_b, whose derivative in
  // each weight, added to the envelope term, leaves -eps/2 (the debiased combination cancels it).
  const mass = (w: Tensor) => w.sum(w.rank - 1).sum(w.rank - 2);
  const shift = (w: Tensor) => mass(w).sub(mass(w.detach()));
  return value.sub(
    shift(a)
      .add(shift(b))
      .mul(eps / 2),
  );
}
