/** Elementwise binary and ternary ops with scalar broadcasting (dims equal or 1). */
import {
  add,
  div,
  intCst,
  lessOrEqual,
  lessThan,
  log,
  minus,
  mul,
  powf,
  square,
  step,
  sub,
  zero,
} from '../formula/build.js';
import type { Formula } from '../formula/formula.js';
import { Alu } from '../lower/program.js';
import { broadcastDim, evalElementwise, lowerElementwise, unbroadcast } from './helpers.js';
import { Op, type OpDef } from './types.js';

/** Builds an elementwise op of any arity whose VJP maps (children, node, g) to child cotangents. */
function elementwise(
  op: Op,
  arity: number,
  alu: Alu,
  f64: (...xs: number[]) => number,
  vjp: (xs: readonly Formula[], node: Formula, g: Formula) => Formula[],
): OpDef {
  return {
    op,
    arity,
    dim: (dims) => broadcastDim(op, dims),
    eval: (args, _attrs, dim) => evalElementwise(args, dim, f64),
    vjp: (node, g) => vjp(node.children, node, g).map((c, n) => unbroadcast(c, node.children[n]!.dim)),
    lower: (ctx, node, kids) => lowerElementwise(ctx, node, kids, alu),
  };
}

const noGrad = (xs: readonly Formula[]) => xs.map((x) => zero(x.dim));
const bool = (b: boolean) => (b ? 1 : 0);

export const binaryOps: OpDef[] = [
  elementwise(
    Op.Add,
    2,
    Alu.Add,
    (a, b) => a! + b!,
    (_xs, _n, g) => [g, g],
  ),
  elementwise(
    Op.Subtract,
    2,
    Alu.Sub,
    (a, b) => a! - b!,
    (_xs, _n, g) => [g, minus(g)],
  ),
  elementwise(
    Op.Mult,
    2,
    Alu.Mul,
    (a, b) => a! * b!,
    ([a, b], _n, g) => [mul(g, b!), mul(g, a!)],
  ),
  elementwise(
    Op.Divide,
    2,
    Alu.Div,
    (a, b) => a! / b!,
    ([, b], node, g) => [div(g, b!), minus(div(mul(g, node), b!))],
  ),
  elementwise(
    Op.Powf,
    2,
    Alu.Pow,
    (a, b) => a! ** b!,
    ([a, b], node, g) => [mul(g, mul(b!, powf(a!, sub(b!, intCst(1))))), mul(g, mul(log(a!), node))],
  ),
  elementwise(
    Op.Atan2,
    2,
    Alu.Atan2,
    (y, x) => Math.atan2(y!, x!),
    ([y, x], _n, g) => {
      const r2 = add(square(x!), square(y!));
      return [mul(g, div(x!, r2)), minus(mul(g, div(y!, r2)))];
    },
  ),
  elementwise(Op.LessThan, 2, Alu.Lt, (a, b) => bool(a! < b!), noGrad),
  elementwise(Op.LessOrEqual, 2, Alu.Le, (a, b) => bool(a! <= b!), noGrad),
  elementwise(Op.Equal, 2, Alu.Eq, (a, b) => bool(a! === b!), noGrad),
  elementwise(Op.NotEqual, 2, Alu.Ne, (a, b) => bool(a! !== b!), noGrad),
];

/**
 * Clamp(f, a, b) = min(max(f, a), b) with formula bounds (a <= b expected). The gradient goes to
 * f inside [a, b], to a below it and to b above it.
 */
export const clampDef: OpDef = {
  op: Op.Clamp,
  arity: 3,
  dim: (dims) => broadcastDim(Op.Clamp, dims),
  eval: (args, _attrs, dim) => evalElementwise(args, dim, (f, a, b) => Math.min(Math.max(f!, a!), b!)),
  vjp: (node, g) => {
    const [f, a, b] = node.children as [Formula, Formula, Formula];
    return [
      unbroadcast(mul(g, mul(lessOrEqual(a, f), lessOrEqual(f, b))), f.dim),
      unbroadcast(mul(g, lessThan(f, a)), a.dim),
      unbroadcast(mul(g, lessThan(b, f)), b.dim),
    ];
  },
  lower: (ctx, node, [f, a, b]) =>
    ctx.elementwise(node.dim, (k) =>
      ctx.alu(Alu.Min, ctx.alu(Alu.Max, ctx.at(f!, k), ctx.at(a!, k)), ctx.at(b!, k)),
    ),
};

/** IfElse(f, a, b): a where f >= 0, b elsewhere (NaN f selects b). */
export const ifElseDef: OpDef = {
  op: Op.IfElse,
  arity: 3,
  dim: (dims) => broadcastDim(Op.IfElse, dims),
  eval: (args, _attrs, dim) => evalElementwise(args, dim, (f, a, b) => (f! >= 0 ? a! : b!)),
  vjp: (node, g) => {
    const [f, a, b] = node.children as [Formula, Formula, Formula];
    return [
      zero(f.dim),
      unbroadcast(mul(g, step(f)), a.dim),
      unbroadcast(mul(g, lessThan(f, zero(1))), b.dim),
    ];
  },
  lower: (ctx, node, [f, a, b]) =>
    ctx.elementwise(node.dim, (k) =>
      ctx.alu(Alu.Select, ctx.alu(Alu.Le, ctx.num(0), ctx.at(f!, k)), ctx.at(a!, k), ctx.at(b!, k)),
    ),
};
