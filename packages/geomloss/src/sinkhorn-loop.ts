/**
 * GeomLoss's Sinkhorn loop (Feydy's thesis, Alg. 3.5/3.6): symmetric averaged log-domain updates, one
 * per value of the eps-scaling schedule, run without a tape; then one differentiable extrapolation
 * step whose inputs h = log w + potential / eps are detached, so that autograd gives the
 * envelope-theorem gradients.
 */
import { noGrad, type Tensor, tidy, ValueError } from '@symtensor/lazytensor';
import { costMatrix } from './cost.js';
import type { Measures } from './inputs.js';
import type { CostFunction } from './options.js';
import { logWeights, softmin } from './softmin.js';

/** Dual potentials on x (`f_*`) and y (`g_*`), each `[..., N, 1]` / `[..., M, 1]`. */
export interface DualPotentials {
  /** f_ba on x and g_ab on y: the potentials of OT(a, b). */
  fba: Tensor;
  gab: Tensor;
  /** The symmetric problems OT(a, a) and OT(b, b), present when debiasing. */
  faa?: Tensor;
  gbb?: Tensor;
}

export interface LoopSettings {
  eps: readonly number[];
  /** rho = reach^p, or undefined for balanced OT. */
  rho: number | undefined;
  debias: boolean;
  tol: number | undefined;
  maxIter: number;
  cost: CostFunction;
}

/** The damping of unbalanced updates, 1 / (1 + eps / rho); 1 when balanced. */
export function damping(eps: number, rho: number | undefined): number {
  return rho === undefined ? 1 : 1 / (1 + eps / rho);
}

function list(p: DualPotentials): Tensor[] {
  return [p.fba, p.gab, ...(p.faa ? [p.faa, p.gbb!] : [])];
}

function dispose(p: DualPotentials): void {
  for (const t of list(p)) t.dispose();
}

/**
 * Runs the loop and returns detached potentials at the last eps. With `tol`, iterations continue at
 * the final eps until the largest change of a potential is <= tol (one scalar read each).
 */
export async function sinkhornLoop(m: Measures, s: LoopSettings): Promise<DualPotentials> {
  const x = m.x.detach();
  const y = m.y.detach();
  const [logA, logB] = noGrad(() => tidy(() => [logWeights(m.a.detach()), logWeights(m.b.detach())]));
  const Cxy = costMatrix(s.cost, x, y, true);
  const Cyx = costMatrix(s.cost, y, x, false);
  const Cxx = s.debias ? costMatrix(s.cost, x, x, true) : undefined;
  const Cyy = s.debias ? costMatrix(s.cost, y, y, false) : undefined;

  // One symmetric update: every softmin reads the previous potentials (Jacobi), so the result is
  // symmetric in (a, x) <-> (b, y) and S(a, a) = 0 after any number of steps.
  const step = (eps: number, p: DualPotentials | undefined): DualPotentials => {
    const lam = damping(eps, s.rho);
    const h = (logW: Tensor, pot: Tensor | undefined) => (pot ? logW.add(pot.mul(1 / eps)) : logW);
    const next: DualPotentials = {
      fba: softmin(eps, Cxy, h(logB, p?.gab)).mul(lam),
      gab: softmin(eps, Cyx, h(logA, p?.fba)).mul(lam),
    };
    if (Cxx && Cyy) {
      next.faa = softmin(eps, Cxx, h(logA, p?.faa)).mul(lam);
      next.gbb = softmin(eps, Cyy, h(logB, p?.gbb)).mul(lam);
    }
    return next;
  };
  const average = (p: DualPotentials, t: DualPotentials): DualPotentials => {
    const mid = (u: Tensor, v: Tensor) => u.add(v).mul(0.5);
    const out: DualPotentials = { fba: mid(p.fba, t.fba), gab: mid(p.gab, t.gab) };
    if (p.faa && t.faa) {
      out.faa = mid(p.faa, t.faa);
      out.gbb = mid(p.gbb!, t.gbb!);
    }
    return out;
  };
  const change = (p: DualPotentials, t: DualPotentials): Tensor => {
    const diffs = list(p).map((u, k) => u.sub(list(t)[k]!).abs().max());
    return diffs.reduce((acc, d) => acc.maximum(d));
  };

  try {
    // Potentials start at 0: the first softmins see the log-weights only.
    let pot = noGrad(() => tidy(() => step(s.eps[0]!, undefined)));
    for (const eps of s.eps) {
      const old = pot;
      pot = noGrad(() => tidy(() => average(old, step(eps, old))));
      dispose(old);
    }
    if (s.tol !== undefined) {
      const eps = s.eps[s.eps.length - 1]!;
      let converged = false;
      for (let it = 0; it < s.maxIter && !converged; it++) {
        const old = pot;
        const [next, delta] = noGrad(() =>
          tidy(() => {
            const t = step(eps, old);
            return [average(old, t), change(old, t)] as const;
          }),
        );
        pot = next;
        dispose(old);
        converged = (await delta.item()) <= s.tol;
        delta.dispose();
      }
      if (!converged) {
        dispose(pot);
        throw new ValueError(
          `samplesLoss({ tol: ${s.tol}, maxIter: ${s.maxIter} }): the potentials did not converge; raise maxIter, raise tol, or use a larger blur`,
        );
      }
    }
    return pot;
  } finally {
    for (const t of [x, y, logA, logB]) t.dispose();
  }
}

/**
 * The final, differentiable extrapolation at eps = blur^p. Each cost matrix has its second argument
 * detached (C_xy = C(x, y.detach()), C_xx = C(x, x.detach()), ...) and h is detached, so that the
 * gradient of <a, f_ba> + <b, g_ab> w.r.t. x_i is a_i sum_j P_ij grad_1 C(x_i, y_j): Danskin's theorem
 * at convergence. The single-sided detach of C_xx gives the symmetric term exactly once.
 */
export function extrapolate(m: Measures, p: DualPotentials, s: LoopSettings): DualPotentials {
  const eps = s.eps[s.eps.length - 1]!;
  const lam = damping(eps, s.rho);
  const xd = m.x.detach();
  const yd = m.y.detach();
  const out = tidy(() => {
    const logA = logWeights(m.a.detach());
    const logB = logWeights(m.b.detach());
    const h = (logW: Tensor, pot: Tensor) => logW.add(pot.mul(1 / eps)).detach();
    const out: DualPotentials = {
      fba: softmin(eps, costMatrix(s.cost, m.x, yd, true), h(logB, p.gab)).mul(lam),
      gab: softmin(eps, costMatrix(s.cost, m.y, xd, false), h(logA, p.fba)).mul(lam),
    };
    if (p.faa && p.gbb) {
      out.faa = softmin(eps, costMatrix(s.cost, m.x, xd, true), h(logA, p.faa)).mul(lam);
      out.gbb = softmin(eps, costMatrix(s.cost, m.y, yd, false), h(logB, p.gbb)).mul(lam);
    }
    return out;
  });
  xd.dispose();
  yd.dispose();
  return out;
}
