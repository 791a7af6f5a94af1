/**
 * The K smallest values per component and their indices, ascending (NaN first, ties by index).
 * Outputs are K-major: component d of the k-th smallest is at `k * D + d`. When the range holds
 * fewer than K indices, the remaining slots are +Infinity with index -1.
 */
import { Alu, type Expr, type Idx } from '../lower/program.js';
import { precedes, precedesExpr } from './order.js';
import { type ReduceEmitter, Reduction, type ReductionDef } from './types.js';

type Kind = 'value' | 'index' | 'both';

/** Inserts (v, jv) into the sorted K slots of component d of copy 0. */
function insert(r: ReduceEmitter, d: Idx, v: Expr, jv: Expr): void {
  const { ctx } = r;
  const { D, K } = r.sizes;
  const slot = (k: number | Idx): Idx =>
    typeof k === 'number'
      ? { terms: d.terms, offset: k * D + d.offset }
      : {
          terms: [...k.terms.map(([l, s]) => [l, s * D] as const), ...d.terms],
          offset: k.offset * D + d.offset,
        };
  const last = slot(K - 1);
  ctx.ifThen(
    precedesExpr(ctx, v, jv, ctx.let(r.st(0, 0, last)), ctx.let(r.st(1, 0, last), 'i'), false),
    () => {
      const placed = ctx.var({ t: 'int', v: 0 }, 'i');
      const placedRef: Expr = { t: 'ref', id: placed };
      // k runs from K-1 down to 1: k = K-1-l.
      ctx.each(K - 1, (l) => {
        const k: Idx = { terms: l.terms.map(([lp, s]) => [lp, -s] as const), offset: K - 1 - l.offset };
        const prev: Idx = { terms: k.terms, offset: k.offset - 1 };
        ctx.ifThen(ctx.alu(Alu.Eq, placedRef, { t: 'int', v: 0 }), () => {
          const pv = ctx.let(r.st(0, 0, slot(prev)));
          const pj = ctx.let(r.st(1, 0, slot(prev)), 'i');
          ctx.ifThen(
            precedesExpr(ctx, v, jv, pv, pj, false),
            () => {
              r.setSt(0, 0, slot(k), pv);
              r.setSt(1, 0, slot(k), pj);
            },
            () => {
              r.setSt(0, 0, slot(k), v);
              r.setSt(1, 0, slot(k), jv);
              ctx.emit({ t: 'set', id: placed, e: { t: 'int', v: 1 } });
            },
          );
        });
      });
      ctx.ifThen(ctx.alu(Alu.Eq, placedRef, { t: 'int', v: 0 }), () => {
        r.setSt(0, 0, slot(0), v);
        r.setSt(1, 0, slot(0), jv);
      });
    },
  );
}

function kmin(name: Reduction, kind: Kind): ReductionDef {
  return {
    name,
    weight: 'none',
    scalarFormula: false,
    usesK: true,
    outputs: ({ D, K }) => [
      ...(kind !== 'index' ? [{ dim: K * D, type: 'f' as const }] : []),
      ...(kind !== 'value' ? [{ dim: K * D, type: 'i' as const }] : []),
    ],
    reference: (values, _w, indices, { D, K }) => {
      const vals = new Float64Array(K * D).fill(Number.POSITIVE_INFINITY);
      const idx = new Float64Array(K * D).fill(-1);
      for (let d = 0; d < D; d++) {
        const entries = values.map((v, n) => ({ v: v[d]!, j: indices[n]! }));
        entries.sort((a, b) =>
          precedes(a.v, a.j, b.v, b.j, false) ? -1 : precedes(b.v, b.j, a.v, a.j, false) ? 1 : 0,
        );
        entries.slice(0, K).forEach((e, k) => {
          vals[k * D + d] = e.v;
          idx[k * D + d] = e.j;
        });
      }
      return kind === 'value' ? [vals] : kind === 'index' ? [idx] : [vals, idx];
    },
    state: ({ D, K }) => [
      { size: K * D, ty: 'f' },
      { size: K * D, ty: 'i' },
    ],
    init: (r) =>
      r.ctx.each(r.sizes.K * r.sizes.D, (k) => {
        r.setSt(0, 0, k, r.ctx.num(Number.POSITIVE_INFINITY));
        r.setSt(1, 0, k, { t: 'int', v: -1 });
      }),
    fold: (r, value) => r.ctx.each(r.sizes.D, (d) => insert(r, d, r.ctx.let(r.ctx.at(value, d)), r.j)),
    merge: (r) => {
      const { D, K } = r.sizes;
      r.ctx.each(D, (d) =>
        r.ctx.each(K, (m) => {
          const at: Idx = {
            terms: [...m.terms.map(([l, s]) => [l, s * D] as const), ...d.terms],
            offset: m.offset * D + d.offset,
          };
          const v = r.ctx.let(r.st(0, 1, at));
          const jv = r.ctx.let(r.st(1, 1, at), 'i');
          r.ctx.ifThen(r.ctx.alu(Alu.Le, { t: 'int', v: 0 }, jv), () => insert(r, d, v, jv));
        }),
      );
    },
    finalize: (r) =>
      r.ctx.each(r.sizes.K * r.sizes.D, (k) => {
        if (kind !== 'index') r.out(0, k, r.st(0, 0, k));
        if (kind !== 'value') r.out(kind === 'both' ? 1 : 0, k, r.st(1, 0, k));
      }),
  };
}

export const kminReductions: ReductionDef[] = [
  kmin(Reduction.KMin, 'value'),
  kmin(Reduction.ArgKMin, 'index'),
  kmin(Reduction.KMinArgKMin, 'both'),
];
