/**
 * GeomLoss's Sinkhorn loop (Feydy's thesis, Alg. 3.5/3.6): symmetric averaged log-domain updates, one
 * per value of the eps-scaling schedule, run without a tape; then one differentiable extrapolation
 * step whose inputs h = log w + potential / eps are detached, so that autograd gives the
 * envelope-theorem gradients. The pieces are shared by the online and the multiscale backends.
 */
import { noGrad, type Ranges, type Tensor, tidy, ValueError } from '@symtensor/lazytensor';
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

/**
 * Block-sparse ranges of the four softmins: `xy` has the x clusters as rows and reduces over y,
 * `yx` the reverse, `xx` and `yy` the symmetric problems.
 */
export interface PairRanges {
  xy: Ranges;
  yx: Ranges;
  xx?: Ranges;
  yy?: Ranges;
}

/** The measures a softmin reduces over: detached points, their log-weights, and the kept blocks. */
export interface Scale {
  x: Tensor;
  y: Tensor;
  logA: Tensor;
  logB: Tensor;
  /** Undefined: every pair interacts (dense). */
  ranges?: PairRanges | undefined;
}

/** Points whose potentials an update computes (the rows of the softmins). */
export interface Rows {
  x: Tensor;
  y: Tensor;
}

/** The damping of unbalanced updates, 1 / (1 + eps / rho); 1 when balanced. */
export function damping(eps: number, rho: number | undefined): number {
  return rho === undefined ? 1 : 1 / (1 + eps / rho);
}

export function potentialList(p: DualPotentials): Tensor[] {
  return [p.fba, p.gab, ...(p.faa ? [p.faa, p.gbb!] : [])];
}

export function disposePotentials(p: DualPotentials): void {
  for (const t of potentialList(p)) t.dispose();
}

/** A scale made of detached copies of the measures (dispose it with `disposeScale`). */
export function detachedScale(a: Tensor, x: Tensor, b: Tensor, y: Tensor, ranges?: PairRanges): Scale {
  const [logA, logB] = noGrad(() => tidy(() => [logWeights(a.detach()), logWeights(b.detach())]));
  return { x: x.detach(), y: y.detach(), logA: logA!, logB: logB!, ranges };
}

export function disposeScale(s: Scale): void {
  for (const t of [s.x, s.y, s.logA, s.logB]) t.dispose();
}

/**
 * The softmins of one update at `eps`, not averaged: f_ba on `rows.x` against (cols.y, log b +
 * g_ab / eps), g_ab on `rows.y` against (cols.x, log a + f_ba / eps), and the symmetric pair when
 * debiasing. Every softmin reads the previous potentials (Jacobi), so the result is symmetric in
 * (a, x) <-> (b, y). Rows default to the columns' points; potentials undefined mean zero.
 */
export function update(
  cols: Scale,
  s: LoopSettings,
  eps: number,
  p: DualPotentials | undefined,
  rows: Rows = cols,
): DualPotentials {
  const lam = damping(eps, s.rho);
  const h = (logW: Tensor, pot: Tensor | undefined) => (pot ? logW.add(pot.mul(1 / eps)) : logW);
  const r = cols.ranges;
  const next: DualPotentials = {
    fba: softmin(eps, costMatrix(s.cost, rows.x, cols.y, true), h(cols.logB, p?.gab), r?.xy).mul(lam),
    gab: softmin(eps, costMatrix(s.cost, rows.y, cols.x, false), h(cols.logA, p?.fba), r?.yx).mul(lam),
  };
  if (s.debias) {
    next.faa = softmin(eps, costMatrix(s.cost, rows.x, cols.x, true), h(cols.logA, p?.faa), r?.xx).mul(lam);
    next.gbb = softmin(eps, costMatrix(s.cost, rows.y, cols.y, false), h(cols.logB, p?.gbb), r?.yy).mul(lam);
  }
  return next;
}

function average(p: DualPotentials, t: DualPotentials): DualPotentials {
  const mid = (u: Tensor, v: Tensor) => u.add(v).mul(0.5);
  const out: DualPotentials = { fba: mid(p.fba, t.fba), gab: mid(p.gab, t.gab) };
  if (p.faa && t.faa) {
    out.faa = mid(p.faa, t.faa);
    out.gbb = mid(p.gbb!, t.gbb!);
  }
  return out;
}

/** The first update of a loop, from zero potentials (the softmins see the log-weights only). */
export function initialPotentials(scale: Scale, s: LoopSettings, eps: number): DualPotentials {
  return noGrad(() => tidy(() => update(scale, s, eps, undefined)));
}

/** One averaged update per eps of `epsList`, without a tape; `pot` is consumed. */
export function runSchedule(
  scale: Scale,
  s: LoopSettings,
  epsList: readonly number[],
  pot: DualPotentials,
): DualPotentials {
  for (const eps of epsList) {
    const old = pot;
    pot = noGrad(() => tidy(() => average(old, update(scale, s, eps, old))));
    disposePotentials(old);
  }
  return pot;
}

/**
 * With `s.tol`: averaged updates at the final eps until the largest change of a potential is <= tol
 * (one scalar read each), or a ValueError after `s.maxIter`. `pot` is consumed; returns the
 * potentials and the number of updates run.
 */
export async function iterateToTolerance(
  scale: Scale,
  s: LoopSettings,
  pot: DualPotentials,
): Promise<[DualPotentials, number]> {
  if (s.tol === undefined) return [pot, 0];
  const eps = s.eps[s.eps.length - 1]!;
  const change = (p: DualPotentials, t: DualPotentials): Tensor => {
    const later = potentialList(t);
    const diffs = potentialList(p).map((u, k) => u.sub(later[k]!).abs().max());
    return diffs.reduce((acc, d) => acc.maximum(d));
  };
  for (let it = 0; it < s.maxIter; it++) {
    const old = pot;
    const [next, delta] = noGrad(() =>
      tidy(() => {
        const t = update(scale, s, eps, old);
        return [average(old, t), change(old, t)] as const;
      }),
    );
    pot = next;
    disposePotentials(old);
    const converged = (await delta.item()) <= s.tol;
    delta.dispose();
    if (converged) return [pot, it + 1];
  }
  disposePotentials(pot);
  throw new ValueError(
    `samplesLoss({ tol: ${s.tol}, maxIter: ${s.maxIter} }): the potentials did not converge; raise maxIter, raise tol, or use a larger blur`,
  );
}

/** The dense loop: runs it and returns detached potentials at the last eps. */
export async function sinkhornLoop(m: Measures, s: LoopSettings): Promise<DualPotentials> {
  const scale = detachedScale(m.a, m.x, m.b, m.y);
  try {
    const pot = runSchedule(scale, s, s.eps, initialPotentials(scale, s, s.eps[0]!));
    return (await iterateToTolerance(scale, s, pot))[0];
  } finally {
    disposeScale(scale);
  }
}

/**
 * The final, differentiable extrapolation at eps = blur^p, over the blocks of `ranges` (default:
 * all). Each cost matrix has its second argument detached (C_xy = C(x, y.detach()), C_xx =
 * C(x, x.detach()), ...) and h is detached, so that the gradient of <a, f_ba> + <b, g_ab> w.r.t. x_i
 * is a_i sum_j P_ij grad_1 C(x_i, y_j): Danskin's theorem at convergence. The single-sided detach of
 * C_xx gives the symmetric term exactly once.
 */
export function extrapolate(
  m: Measures,
  p: DualPotentials,
  s: LoopSettings,
  ranges?: PairRanges,
): DualPotentials {
  const cols = detachedScale(m.a, m.x, m.b, m.y, ranges);
  try {
    return tidy(() => update(cols, s, s.eps[s.eps.length - 1]!, p, m));
  } finally {
    disposeScale(cols);
  }
}
