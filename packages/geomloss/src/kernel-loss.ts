/**
 * Kernel norms (MMD): Loss = 1/2 |a - b|_k^2 = 1/2 <a, K a> + 1/2 <b, K b> - <a, K b>, with the
 * Gaussian exp(-|x - y|^2 / 2 s^2), Laplacian exp(-|x - y| / s) or energy -|x - y| kernel. Plain
 * autograd through the reductions gives the exact gradients (GeomLoss's `double_grad` trick only
 * halves its graph).
 */
import { type LazyTensor, type Tensor, Vj } from '@symtensor/lazytensor';
import { costMatrix, safeNorm } from './cost.js';
import type { Measures } from './inputs.js';
import type { CostFunction } from './options.js';
import { scal } from './reduce.js';

export type KernelName = 'energy' | 'gaussian' | 'laplacian';

/** The kernel as a function of (Vi(u), Vj(v)), in the same shape as a cost function. */
export function kernelFunction(name: KernelName, blur: number): CostFunction {
  if (name === 'gaussian')
    return (u, v) =>
      u
        .sqdist(v)
        .mul(-1 / (2 * blur * blur))
        .exp();
  if (name === 'laplacian')
    return (u, v) =>
      safeNorm(u, v)
        .mul(-1 / blur)
        .exp();
  return (u, v) => safeNorm(u, v).neg();
}

/** (K w)_i = sum_j k(u_i, v_j) w_j, `[..., N, 1]`. */
function apply(K: LazyTensor, w: Tensor): Tensor {
  return K.mul(Vj(w)).sum('j');
}

export interface KernelResult {
  value: Tensor;
  /** K a - K b on x and K b - K a on y, GeomLoss's kernel "potentials". */
  potentials: () => [Tensor, Tensor];
}

export function kernelLoss(m: Measures, name: KernelName, blur: number): KernelResult {
  const k = kernelFunction(name, blur);
  const Kxx = costMatrix(k, m.x, m.x, true);
  const Kyy = costMatrix(k, m.y, m.y, true);
  const Kxy = costMatrix(k, m.x, m.y, true);
  const Kyx = costMatrix(k, m.y, m.x, true);
  return {
    value: scal(m.a, apply(Kxx, m.a))
      .add(scal(m.b, apply(Kyy, m.b)))
      .mul(0.5)
      .sub(scal(m.a, apply(Kxy, m.b))),
    potentials: () => [apply(Kxx, m.a).sub(apply(Kxy, m.b)), apply(Kyy, m.b).sub(apply(Kyx, m.a))],
  };
}
