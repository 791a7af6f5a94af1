/**
 * The device side of (preconditioned) conjugate gradient on E columns at once, shared by `cg`
 * (which reads the per-iteration scalars back) and the fixed-budget solve of backward passes
 * (which never does). A column's progress is steered by two [1, E] 0/1 masks kept on the device:
 * `active` (still iterating) and `alive` (no breakdown met); a column with active = 0 is frozen
 * (step sizes 0), so running more iterations than it needs leaves its iterate unchanged.
 */
import { concat, type Tensor } from '@symtensor/lazytensor';
import { colDot, maskedRatio } from './column-ops.js';
import type { LinearOperator } from './linear-operator.js';

export interface CGState {
  readonly x: Tensor;
  readonly r: Tensor;
  readonly p: Tensor;
  readonly rz: Tensor;
  readonly active: Tensor;
  readonly alive: Tensor;
}

/**
 * The state before the first iteration for b `[N, E]` (x0 shaped like b, or zeros), with every
 * column active, and |r|^2 per column ([1, E]) for the caller's convergence test.
 */
export function initialState(
  op: LinearOperator,
  bCols: Tensor,
  x0: Tensor | undefined,
  precondition: (r: Tensor) => Tensor,
): { state: CGState; rr: Tensor } {
  const [N, E] = bCols.shape as [number, number];
  const x = x0 ? x0.detach().reshape([N, E]) : bCols.mul(0);
  const r = x0 ? bCols.sub(op.matvec(x)) : bCols.reshape([N, E]);
  const z = precondition(r);
  const rr = colDot(r, r);
  const ones = rr.mul(0).add(1);
  return { state: { x, r, p: z, rz: colDot(r, z), active: ones, alive: ones.reshape([1, E]) }, rr };
}

/** One CG iteration on the device; returns the new state and [curvature; |r|^2] as a [2, E] record. */
export function step(
  s: CGState,
  op: LinearOperator,
  precondition: (r: Tensor) => Tensor,
  thresholds: Tensor,
): { state: CGState; record: Tensor } {
  const Ap = op.matvec(s.p);
  const curvature = colDot(s.p, Ap);
  const positive = curvature.gt(0);
  // A column breaks down when it is still iterating and meets non-positive curvature.
  const go = s.active.mul(positive);
  const alive = s.alive.mul(s.active.mul(positive.neg().add(1)).neg().add(1));
  const alpha = maskedRatio(go, s.rz, curvature);
  const x = s.x.add(s.p.mul(alpha));
  const r = s.r.sub(Ap.mul(alpha));
  const z = precondition(r);
  const rz = colDot(r, z);
  const rr = colDot(r, r);
  const beta = maskedRatio(go, rz, s.rz);
  const p = z.add(s.p.mul(beta));
  const active = alive.mul(rr.gt(thresholds));
  return { state: { x, r, p, rz, active, alive }, record: concat([curvature, rr], 0) };
}

export function disposeState(s: CGState): void {
  for (const t of [s.x, s.r, s.p, s.rz, s.active, s.alive]) t.dispose();
}
