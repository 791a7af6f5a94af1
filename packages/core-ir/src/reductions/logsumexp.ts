/**
 * The LogSumExp family. The accumulator is a running (max m, shifted sums s) pair meaning
 * e^m * s, so it never overflows: folding a value f above m rescales s by e^(m - f).
 */
import type { Val } from '../lower/context.js';
import { Alu, cidx, type Expr, type Idx } from '../lower/program.js';
import { type ReduceEmitter, Reduction, type ReductionDef } from './types.js';

const NEG_INF = Number.NEGATIVE_INFINITY;

/** exp(f - m), taken as 1 when f == m (so that f = m = +inf counts once, not as NaN). */
function shiftedExp(f: number, m: number): number {
  return f === m ? 1 : Math.exp(f - m);
}

/** Direct float64 definition: m = max f, then sums of exp(f - m) * weight. */
function shiftedSums(values: readonly Float64Array[], weightOf: (j: number) => Float64Array, E: number) {
  let m = NEG_INF;
  let nan = false;
  for (const v of values) {
    if (Number.isNaN(v[0]!)) nan = true;
    else m = Math.max(m, v[0]!);
  }
  const s = new Float64Array(E);
  values.forEach((v, j) => {
    const w = weightOf(j);
    // A value of -Infinity contributes nothing, whatever its weight (as the lowered fold skips it).
    for (let e = 0; e < E; e++) s[e]! += v[0] === NEG_INF ? 0 : shiftedExp(v[0]!, m) * w[e]!;
  });
  if (nan) s.fill(Number.NaN);
  return { m, s };
}

/** Layout of the state: slot 0 is m; then an unweighted sum (if any), then the weighted sums. */
interface Layout {
  unit: boolean;
  weighted: boolean;
}

function stateOf(layout: Layout, E: number) {
  return [
    { size: 1, ty: 'acc' as const },
    ...(layout.unit ? [{ size: 1, ty: 'acc' as const }] : []),
    ...(layout.weighted ? [{ size: E, ty: 'acc' as const }] : []),
  ];
}

/** Accumulates e^f * w into the state (copy 0), w given per state slot. */
function accumulate(r: ReduceEmitter, layout: Layout, f: Expr, wUnit: Expr, wAt: (k: Idx) => Expr): void {
  const { ctx } = r;
  const m = ctx.let(r.st(0, 0, cidx(0)), 'acc');
  const fv = ctx.let(f, 'acc');
  const slots: { slot: number; size: number; w: (k: Idx) => Expr }[] = [];
  if (layout.unit) slots.push({ slot: 1, size: 1, w: () => wUnit });
  if (layout.weighted) slots.push({ slot: layout.unit ? 2 : 1, size: r.sizes.E, w: wAt });
  ctx.ifThen(
    // A NaN value becomes m: NaN absorbs every later fold and merge (a merged state with m = -inf
    // and NaN sums would otherwise be skipped as empty, losing the NaN).
    ctx.alu(Alu.Or, ctx.alu(Alu.Lt, m, fv), ctx.alu(Alu.IsNan, fv)),
    () => {
      const scale = ctx.let(ctx.alu(Alu.Exp, ctx.alu(Alu.Sub, m, fv)), 'acc');
      for (const { slot, size, w } of slots)
        ctx.each(size, (k) =>
          r.setSt(slot, 0, k, ctx.alu(Alu.Add, ctx.alu(Alu.Mul, r.st(slot, 0, k), scale), w(k))),
        );
      r.setSt(0, 0, cidx(0), fv);
    },
    () =>
      ctx.ifThen(ctx.alu(Alu.Or, ctx.alu(Alu.Lt, ctx.num(NEG_INF), fv), ctx.alu(Alu.IsNan, fv)), () => {
        const t = ctx.let(
          ctx.alu(Alu.Select, ctx.alu(Alu.Eq, fv, m), ctx.num(1), ctx.alu(Alu.Exp, ctx.alu(Alu.Sub, fv, m))),
          'acc',
        );
        for (const { slot, size, w } of slots)
          ctx.each(size, (k) =>
            r.setSt(slot, 0, k, ctx.alu(Alu.Add, r.st(slot, 0, k), ctx.alu(Alu.Mul, t, w(k)))),
          );
      }),
  );
}

function lseFamily(name: Reduction.LogSumExp | Reduction.SumSoftMaxWeight): ReductionDef {
  const softmax = name === Reduction.SumSoftMaxWeight;
  const layoutOf = (E: number): Layout => ({ unit: softmax || E === 0, weighted: E > 0 });
  const outDim = (E: number) => Math.max(E, 1);
  const toAcc = (e: Expr): Expr => ({ t: 'cast', to: 'acc', e });
  return {
    name,
    weight: softmax ? 'required' : 'optional',
    scalarFormula: true,
    usesK: false,
    outputs: ({ E }) => [{ dim: outDim(E), type: 'f' }],
    reference: (values, weights, _idx, { E }) => {
      if (softmax) {
        const num = shiftedSums(values, (j) => weights![j]!, E);
        const den = shiftedSums(values, () => Float64Array.of(1), 1);
        return [num.s.map((v) => v / den.s[0]!)];
      }
      const { m, s } = shiftedSums(values, (j) => (weights ? weights[j]! : Float64Array.of(1)), outDim(E));
      return [s.map((v) => (m === NEG_INF && !Number.isNaN(v) ? NEG_INF : m + Math.log(v)))];
    },
    state: ({ E }) => stateOf(layoutOf(E), E),
    init: (r) => {
      const layout = layoutOf(r.sizes.E);
      r.setSt(0, 0, cidx(0), r.ctx.num(NEG_INF));
      for (const [n, slot] of stateOf(layout, r.sizes.E).entries())
        if (n > 0) r.ctx.each(slot.size, (k) => r.setSt(n, 0, k, r.ctx.num(0)));
    },
    fold: (r, value: Val, weight: Val | undefined) =>
      accumulate(r, layoutOf(r.sizes.E), toAcc(r.ctx.at(value, cidx(0))), r.ctx.num(1), (k) =>
        toAcc(r.ctx.at(weight!, k)),
      ),
    merge: (r) => {
      const layout = layoutOf(r.sizes.E);
      const wSlot = layout.unit ? 2 : 1;
      accumulate(r, layout, r.st(0, 1, cidx(0)), r.st(1, 1, cidx(0)), (k) => r.st(wSlot, 1, k));
    },
    finalize: (r) => {
      const { ctx } = r;
      const E = r.sizes.E;
      if (softmax) {
        const den = ctx.let(r.st(1, 0, cidx(0)), 'acc');
        ctx.each(E, (k) => r.out(0, k, { t: 'cast', to: 'f', e: ctx.alu(Alu.Div, r.st(2, 0, k), den) }));
        return;
      }
      const m = ctx.let(r.st(0, 0, cidx(0)), 'acc');
      ctx.each(outDim(E), (k) =>
        r.out(0, k, { t: 'cast', to: 'f', e: ctx.alu(Alu.Add, m, ctx.alu(Alu.Log, r.st(1, 0, k))) }),
      );
    },
  };
}

export const logSumExpReduction = lseFamily(Reduction.LogSumExp);
export const sumSoftMaxWeightReduction = lseFamily(Reduction.SumSoftMaxWeight);
