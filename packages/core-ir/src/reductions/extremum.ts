/**
 * Min, Max and their Arg variants, componentwise. NaN wins (it propagates, as in NumPy/PyTorch),
 * ties keep the first index; an empty range gives +/-Infinity and index -1.
 */
import { Alu, type Expr, type Idx } from '../lower/program.js';
import { precedes, precedesExpr } from './order.js';
import { type ReduceEmitter, Reduction, type ReductionDef } from './types.js';

type Kind = 'value' | 'index' | 'both';

function extremum(name: Reduction, max: boolean, kind: Kind): ReductionDef {
  const withIndex = kind !== 'value';
  const empty = max ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY;
  const noIndex = { t: 'int', v: -1 } as const;

  /** Folds (v, jv) into copy 0 at component k. */
  const take = (r: ReduceEmitter, k: Idx, v: Expr, jv: Expr) => {
    const { ctx } = r;
    const cur = ctx.let(r.st(0, 0, k));
    if (!withIndex) {
      const better = ctx.alu(
        Alu.Or,
        max ? ctx.alu(Alu.Lt, cur, v) : ctx.alu(Alu.Lt, v, cur),
        ctx.alu(Alu.IsNan, v),
      );
      r.setSt(0, 0, k, ctx.alu(Alu.Select, better, v, cur));
      return;
    }
    const curIdx = ctx.let(r.st(1, 0, k), 'i');
    ctx.ifThen(precedesExpr(ctx, v, jv, cur, curIdx, max), () => {
      r.setSt(0, 0, k, v);
      r.setSt(1, 0, k, jv);
    });
  };

  return {
    name,
    weight: 'none',
    scalarFormula: false,
    usesK: false,
    outputs: ({ D }) => [
      ...(kind !== 'index' ? [{ dim: D, type: 'f' as const }] : []),
      ...(withIndex ? [{ dim: D, type: 'i' as const }] : []),
    ],
    reference: (values, _w, indices, { D }) => {
      const best = new Float64Array(D).fill(empty);
      const at = new Float64Array(D).fill(-1);
      values.forEach((v, n) => {
        for (let d = 0; d < D; d++) {
          if (at[d]! < 0 || precedes(v[d]!, indices[n]!, best[d]!, at[d]!, max)) {
            best[d] = v[d]!;
            at[d] = indices[n]!;
          }
        }
      });
      return kind === 'value' ? [best] : kind === 'index' ? [at] : [best, at];
    },
    state: ({ D }) => [{ size: D, ty: 'f' }, ...(withIndex ? [{ size: D, ty: 'i' as const }] : [])],
    init: (r) =>
      r.ctx.each(r.sizes.D, (k) => {
        r.setSt(0, 0, k, r.ctx.num(empty));
        if (withIndex) r.setSt(1, 0, k, noIndex);
      }),
    fold: (r, value) => r.ctx.each(r.sizes.D, (k) => take(r, k, r.ctx.let(r.ctx.at(value, k)), r.j)),
    merge: (r) =>
      r.ctx.each(r.sizes.D, (k) => {
        const v = r.ctx.let(r.st(0, 1, k));
        if (!withIndex) {
          take(r, k, v, noIndex);
          return;
        }
        const jv = r.ctx.let(r.st(1, 1, k), 'i');
        r.ctx.ifThen(r.ctx.alu(Alu.Le, { t: 'int', v: 0 }, jv), () => take(r, k, v, jv));
      }),
    finalize: (r) =>
      r.ctx.each(r.sizes.D, (k) => {
        if (kind !== 'index') r.out(0, k, r.st(0, 0, k));
        if (withIndex) r.out(kind === 'both' ? 1 : 0, k, r.st(1, 0, k));
      }),
  };
}

export const extremumReductions: ReductionDef[] = [
  extremum(Reduction.Min, false, 'value'),
  extremum(Reduction.Max, true, 'value'),
  extremum(Reduction.ArgMin, false, 'index'),
  extremum(Reduction.ArgMax, true, 'index'),
  extremum(Reduction.MinArgMin, false, 'both'),
  extremum(Reduction.MaxArgMax, true, 'both'),
];
