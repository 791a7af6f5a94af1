/** Vector -> scalar ops: Sum, Max, Min, ArgMax, ArgMin, Scalprod, SqNorm2, Norm2, SqDist, WeightedSqNorm. */
import { ShapeError } from '../errors.js';
import {
  add,
  argMax,
  argMin,
  intCst,
  matVecMult,
  minus,
  mul,
  oneHot,
  rsqrt,
  sqNorm2,
  square,
  sub,
  sumT,
  tensorProd,
  vecMatMult,
  zero,
} from '../formula/build.js';
import { Alu, cidx } from '../lower/program.js';
import { lowerSumOf, sameDims } from './helpers.js';
import { Op, type OpDef } from './types.js';

const scalar = (v: number) => Float64Array.of(v);

export const sumDef: OpDef = {
  op: Op.Sum,
  arity: 1,
  dim: () => 1,
  eval: ([x]) => scalar(x!.reduce((a, b) => a + b, 0)),
  vjp: (node, g) => [sumT(g, node.children[0]!.dim)],
  lower: (ctx, _node, [x]) => ({
    kind: 'scalars',
    items: [lowerSumOf(ctx, ctx.dimOf(x!), (k) => ctx.at(x!, k))],
  }),
};

/** Max / Min of the components (NaN propagates); gradient to the first extremal component. */
function extremum(op: Op.Max | Op.Min): OpDef {
  const isMax = op === Op.Max;
  return {
    op,
    arity: 1,
    dim: () => 1,
    eval: ([x]) => scalar(isMax ? Math.max(...x!) : Math.min(...x!)),
    vjp: (node, g) => {
      const x = node.children[0]!;
      return [mul(g, oneHot(isMax ? argMax(x) : argMin(x), x.dim))];
    },
    lower: (ctx, _node, [x]) => {
      const [m] = ctx.fold(ctx.dimOf(x!) - 1, [ctx.at(x!, cidx(0))], ([acc], k) => [
        ctx.alu(isMax ? Alu.Max : Alu.Min, acc!, ctx.at(x!, { terms: k.terms, offset: k.offset + 1 })),
      ]);
      return { kind: 'scalars', items: [m!] };
    },
  };
}

/**
 * ArgMax / ArgMin: index (as a float) of the first extremal component. NaN components never
 * win: a number replaces a NaN best, and a NaN never replaces anything.
 */
function argExtremum(op: Op.ArgMax | Op.ArgMin): OpDef {
  const isMax = op === Op.ArgMax;
  const wins = (v: number, best: number) =>
    (isMax ? v > best : v < best) || (Number.isNaN(best) && !Number.isNaN(v));
  return {
    op,
    arity: 1,
    dim: () => 1,
    eval: ([x]) => {
      let best = 0;
      for (let k = 1; k < x!.length; k++) if (wins(x![k]!, x![best]!)) best = k;
      return scalar(best);
    },
    vjp: (node) => [zero(node.children[0]!.dim)],
    lower: (ctx, _node, [x]) => {
      const [, idx] = ctx.fold(ctx.dimOf(x!) - 1, [ctx.at(x!, cidx(0)), ctx.num(0)], ([best, bi], k) => {
        const k1 = { terms: k.terms, offset: k.offset + 1 };
        const v = ctx.let(ctx.at(x!, k1));
        const strictly = isMax ? ctx.alu(Alu.Lt, best!, v) : ctx.alu(Alu.Lt, v, best!);
        const replacesNan = ctx.alu(
          Alu.And,
          ctx.alu(Alu.IsNan, best!),
          ctx.alu(Alu.Eq, ctx.alu(Alu.IsNan, v), ctx.num(0)),
        );
        const win = ctx.let(ctx.alu(Alu.Or, strictly, replacesNan));
        return [ctx.alu(Alu.Select, win, v, best!), ctx.alu(Alu.Select, win, { t: 'ix', idx: k1 }, bi!)];
      });
      return { kind: 'scalars', items: [idx!] };
    },
  };
}

export const scalprodDef: OpDef = {
  op: Op.Scalprod,
  arity: 2,
  dim: ([a, b]) => {
    sameDims(Op.Scalprod, a!, b!);
    return 1;
  },
  eval: ([a, b]) => scalar(a!.reduce((s, v, k) => s + v * b![k]!, 0)),
  vjp: (node, g) => {
    const [a, b] = node.children;
    return [mul(g, b!), mul(g, a!)];
  },
  lower: (ctx, _node, [a, b]) => ({
    kind: 'scalars',
    items: [lowerSumOf(ctx, ctx.dimOf(a!), (k) => ctx.alu(Alu.Mul, ctx.at(a!, k), ctx.at(b!, k)))],
  }),
};

const sqNormOf = (ctx: Parameters<OpDef['lower']>[0], x: Parameters<OpDef['lower']>[2][number]) =>
  lowerSumOf(ctx, ctx.dimOf(x), (k) => {
    const v = ctx.let(ctx.at(x, k));
    return ctx.alu(Alu.Mul, v, v);
  });

export const sqNorm2Def: OpDef = {
  op: Op.SqNorm2,
  arity: 1,
  dim: () => 1,
  eval: ([x]) => scalar(x!.reduce((s, v) => s + v * v, 0)),
  vjp: (node, g) => [mul(intCst(2), mul(g, node.children[0]!))],
  lower: (ctx, _node, [x]) => ({ kind: 'scalars', items: [sqNormOf(ctx, x!)] }),
};

export const norm2Def: OpDef = {
  op: Op.Norm2,
  arity: 1,
  dim: () => 1,
  eval: ([x]) => scalar(Math.sqrt(x!.reduce((s, v) => s + v * v, 0))),
  // f / |f| with Rsqrt(0) = 0, so the gradient at 0 is 0 rather than NaN.
  vjp: (node, g) => {
    const x = node.children[0]!;
    return [mul(mul(g, rsqrt(sqNorm2(x))), x)];
  },
  lower: (ctx, _node, [x]) => ({ kind: 'scalars', items: [ctx.let(ctx.alu(Alu.Sqrt, sqNormOf(ctx, x!)))] }),
};

export const sqDistDef: OpDef = {
  op: Op.SqDist,
  arity: 2,
  dim: ([a, b]) => {
    sameDims(Op.SqDist, a!, b!);
    return 1;
  },
  eval: ([a, b]) => scalar(a!.reduce((s, v, k) => s + (v - b![k]!) ** 2, 0)),
  vjp: (node, g) => {
    const [a, b] = node.children;
    const d = mul(mul(intCst(2), g), sub(a!, b!));
    return [d, minus(d)];
  },
  lower: (ctx, _node, [a, b]) => ({
    kind: 'scalars',
    items: [
      lowerSumOf(ctx, ctx.dimOf(a!), (k) => {
        const d = ctx.let(ctx.alu(Alu.Sub, ctx.at(a!, k), ctx.at(b!, k)));
        return ctx.alu(Alu.Mul, d, d);
      }),
    ],
  }),
};

/**
 * WeightedSqNorm(s, f), dispatched on dim s: 1 -> s |f|^2; D -> sum s_k f_k^2;
 * D^2 -> sum_kl s_kl f_k f_l (s row-major).
 */
export const weightedSqNormDef: OpDef = {
  op: Op.WeightedSqNorm,
  arity: 2,
  dim: ([s, f]) => {
    if (s !== 1 && s !== f && s !== f! * f!)
      throw new ShapeError(
        `WeightedSqNorm: the weight has dim ${s}; it must be 1, ${f} or ${f! * f!} for a vector of dim ${f}`,
      );
    return 1;
  },
  eval: ([s, f]) => {
    const D = f!.length;
    let total = 0;
    if (s!.length === D * D && D > 1) {
      for (let k = 0; k < D; k++) for (let l = 0; l < D; l++) total += s![k * D + l]! * f![k]! * f![l]!;
    } else {
      for (let k = 0; k < D; k++) total += (s!.length === 1 ? s![0]! : s![k]!) * f![k]! ** 2;
    }
    return scalar(total);
  },
  vjp: (node, g) => {
    const [s, f] = node.children as [typeof node, typeof node];
    const D = f.dim;
    if (s.dim === D * D && D > 1) {
      return [mul(g, tensorProd(f, f)), mul(g, add(matVecMult(s, f), vecMatMult(f, s)))];
    }
    if (s.dim === 1) return [mul(g, sqNorm2(f)), mul(mul(intCst(2), g), mul(s, f))];
    return [mul(g, square(f)), mul(mul(intCst(2), g), mul(s, f))];
  },
  lower: (ctx, _node, [s, f]) => {
    const D = ctx.dimOf(f!);
    const sd = ctx.dimOf(s!);
    if (sd === D * D && D > 1) {
      const [total] = ctx.foldNd([D, D], [ctx.num(0)], ([acc], [k, l]) => [
        ctx.alu(
          Alu.Add,
          acc!,
          ctx.alu(
            Alu.Mul,
            ctx.at(s!, {
              terms: [...k!.terms.map(([lp, st]) => [lp, st * D] as const), ...l!.terms],
              offset: k!.offset * D + l!.offset,
            }),
            ctx.alu(Alu.Mul, ctx.at(f!, k!), ctx.at(f!, l!)),
          ),
        ),
      ]);
      return { kind: 'scalars', items: [total!] };
    }
    return {
      kind: 'scalars',
      items: [
        lowerSumOf(ctx, D, (k) => {
          const v = ctx.let(ctx.at(f!, k));
          return ctx.alu(Alu.Mul, ctx.at(s!, k), ctx.alu(Alu.Mul, v, v));
        }),
      ],
    };
  },
};

export const vectorScalarOps: OpDef[] = [
  sumDef,
  extremum(Op.Max),
  extremum(Op.Min),
  argExtremum(Op.ArgMax),
  argExtremum(Op.ArgMin),
  scalprodDef,
  sqNorm2Def,
  norm2Def,
  sqDistDef,
  weightedSqNormDef,
];
