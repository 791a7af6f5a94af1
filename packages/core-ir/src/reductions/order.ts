/**
 * The order used by every min-type reduction: NaN counts as smaller than any number (so it
 * propagates, as in NumPy and PyTorch), and ties keep the lowest index.
 */
import type { LowerCtx } from '../lower/context.js';
import { Alu, type Expr } from '../lower/program.js';

/** True when (v, jv) comes strictly before (a, ja) in ascending order (descending if `max`). */
export function precedes(v: number, jv: number, a: number, ja: number, max: boolean): boolean {
  const vn = Number.isNaN(v);
  const an = Number.isNaN(a);
  if (vn || an) return vn && (!an || jv < ja);
  if (v === a) return jv < ja;
  return max ? v > a : v < a;
}

/** The same order as a lowered condition; an index below 0 marks an empty slot, which every value precedes. */
export function precedesExpr(ctx: LowerCtx, v: Expr, jv: Expr, a: Expr, ja: Expr, max: boolean): Expr {
  const vn = ctx.let(ctx.alu(Alu.IsNan, v));
  const an = ctx.let(ctx.alu(Alu.IsNan, a));
  const strictly = max ? ctx.alu(Alu.Lt, a, v) : ctx.alu(Alu.Lt, v, a);
  const tie = ctx.alu(Alu.Or, ctx.alu(Alu.Eq, v, a), ctx.alu(Alu.And, vn, an));
  return ctx.alu(
    Alu.Or,
    ctx.alu(Alu.Lt, ja, { t: 'int', v: 0 }),
    ctx.alu(
      Alu.Or,
      ctx.alu(Alu.Or, strictly, ctx.alu(Alu.And, vn, ctx.alu(Alu.Eq, an, ctx.num(0)))),
      ctx.alu(Alu.And, tie, ctx.alu(Alu.Lt, jv, ja)),
    ),
  );
}
