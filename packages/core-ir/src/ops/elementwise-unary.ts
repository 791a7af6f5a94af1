/** Elementwise unary ops: one ALU operation per component, gradients as formulas. */
import {
  add,
  cos,
  intCst,
  inv,
  lessOrEqual,
  log,
  minus,
  mul,
  pow,
  ratCst,
  rsqrt,
  sign,
  sin,
  sinXDivX,
  square,
  step,
  sub,
  zero,
} from '../formula/build.js';
import type { Formula } from '../formula/formula.js';
import { Alu } from '../lower/program.js';
import { checkInt, evalElementwise, lowerElementwise } from './helpers.js';
import { Op, type OpDef } from './types.js';

/** Builds the definition of an elementwise unary op from its scalar semantics. */
function unary(
  op: Op,
  alu: Alu,
  f64: (x: number) => number,
  vjp: (x: Formula, node: Formula, g: Formula) => Formula,
): OpDef {
  return {
    op,
    arity: 1,
    dim: ([d]) => d!,
    eval: (args, _attrs, dim) => evalElementwise(args, dim, f64),
    vjp: (node, g) => [vjp(node.children[0]!, node, g)],
    lower: (ctx, node, kids) => lowerElementwise(ctx, node, kids, alu),
  };
}

/** 1/x with the value 0 at 0: sign(x) * rsqrt(x^2). Used where a 0/0 limit is 0. */
function safeInv(x: Formula): Formula {
  return mul(sign(x), rsqrt(square(x)));
}

export const rsqrtF64 = (x: number) => (x === 0 ? 0 : 1 / Math.sqrt(x));
export const roundHalfAway = (x: number) => Math.sign(x) * Math.round(Math.abs(x));

export const unaryOps: OpDef[] = [
  unary(
    Op.Minus,
    Alu.Neg,
    (x) => -x,
    (_x, _n, g) => minus(g),
  ),
  unary(
    Op.Inv,
    Alu.Inv,
    (x) => 1 / x,
    (_x, node, g) => mul(minus(g), square(node)),
  ),
  unary(Op.Exp, Alu.Exp, Math.exp, (_x, node, g) => mul(g, node)),
  unary(Op.Log, Alu.Log, Math.log, (x, _n, g) => mul(g, inv(x))),
  unary(
    Op.XLogX,
    Alu.XLogX,
    (x) => (x === 0 ? 0 : x * Math.log(x)),
    (x, _n, g) => mul(g, add(log(x), intCst(1))),
  ),
  unary(Op.Sin, Alu.Sin, Math.sin, (x, _n, g) => mul(g, cos(x))),
  unary(Op.Cos, Alu.Cos, Math.cos, (x, _n, g) => mul(minus(g), sin(x))),
  unary(
    Op.SinXDivX,
    Alu.SinXDivX,
    (x) => (x === 0 ? 1 : Math.sin(x) / x),
    // (cos x - sin x / x) / x, which tends to 0 at 0.
    (x, _n, g) => mul(g, mul(sub(cos(x), sinXDivX(x)), safeInv(x))),
  ),
  unary(Op.Asin, Alu.Asin, Math.asin, (x, _n, g) => mul(g, rsqrt(sub(intCst(1), square(x))))),
  unary(Op.Acos, Alu.Acos, Math.acos, (x, _n, g) => mul(minus(g), rsqrt(sub(intCst(1), square(x))))),
  unary(Op.Atan, Alu.Atan, Math.atan, (x, _n, g) => mul(g, inv(add(intCst(1), square(x))))),
  unary(Op.Sqrt, Alu.Sqrt, Math.sqrt, (x, _n, g) => mul(ratCst(1, 2), mul(g, rsqrt(x)))),
  unary(Op.Rsqrt, Alu.Rsqrt, rsqrtF64, (_x, node, g) => mul(ratCst(-1, 2), mul(g, pow(node, 3)))),
  unary(Op.Abs, Alu.Abs, Math.abs, (x, _n, g) => mul(g, sign(x))),
  unary(
    Op.ReLU,
    Alu.Relu,
    (x) => (Number.isNaN(x) ? x : Math.max(x, 0)),
    (x, _n, g) => mul(g, step(x)),
  ),
  unary(Op.Sign, Alu.Sign, Math.sign, (x) => zero(x.dim)),
  unary(
    Op.Step,
    Alu.Step,
    (x) => (x >= 0 ? 1 : Number.isNaN(x) ? x : 0),
    (x) => zero(x.dim),
  ),
  unary(Op.Floor, Alu.Floor, Math.floor, (x) => zero(x.dim)),
];

/** Square(f) = f * f, lowered as one multiply. */
export const squareDef: OpDef = {
  op: Op.Square,
  arity: 1,
  dim: ([d]) => d!,
  eval: (args, _attrs, dim) => evalElementwise(args, dim, (x) => x * x),
  vjp: (node, g) => [mul(intCst(2), mul(g, node.children[0]!))],
  lower: (ctx, node, [x]) =>
    ctx.elementwise(node.dim, (k) => {
      const v = ctx.at(x!, k);
      return ctx.alu(Alu.Mul, v, v);
    }),
};

/** Pow(f, n): integer power. */
export const powDef: OpDef = {
  op: Op.Pow,
  arity: 1,
  dim: ([d], [n]) => {
    checkInt(Op.Pow, 'the exponent', n, Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER);
    return d!;
  },
  eval: (args, [n], dim) => evalElementwise(args, dim, (x) => x ** n!),
  vjp: (node, g) => {
    const n = node.attrs[0]!;
    const x = node.children[0]!;
    return [mul(intCst(n), mul(g, pow(x, n - 1)))];
  },
  lower: (ctx, node, [x]) =>
    ctx.elementwise(node.dim, (k) => ctx.alu(Alu.PowI, ctx.at(x!, k), { t: 'int', v: node.attrs[0]! })),
};

/** Round(f, d): round(f * 10^d) / 10^d, halves away from zero. Zero gradient. */
export const roundDef: OpDef = {
  op: Op.Round,
  arity: 1,
  dim: ([d], [n]) => {
    checkInt(Op.Round, 'the number of decimals', n, -300, 300);
    return d!;
  },
  eval: (args, [d], dim) => {
    const s = 10 ** d!;
    return evalElementwise(args, dim, (x) => roundHalfAway(x * s) / s);
  },
  vjp: (node) => [zero(node.dim)],
  lower: (ctx, node, [x]) => {
    const s = 10 ** node.attrs[0]!;
    return ctx.elementwise(node.dim, (k) =>
      s === 1
        ? ctx.alu(Alu.Round, ctx.at(x!, k))
        : ctx.alu(Alu.Div, ctx.alu(Alu.Round, ctx.alu(Alu.Mul, ctx.at(x!, k), ctx.num(s))), ctx.num(s)),
    );
  },
};

/** ClampInt(f, a, b): f clamped to integer bounds; gradient flows where a <= f <= b. */
export const clampIntDef: OpDef = {
  op: Op.ClampInt,
  arity: 1,
  dim: ([d], [a, b]) => {
    checkInt(Op.ClampInt, 'the lower bound', a, Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER);
    checkInt(Op.ClampInt, 'the upper bound', b, a!, Number.MAX_SAFE_INTEGER);
    return d!;
  },
  eval: (args, [a, b], dim) => evalElementwise(args, dim, (x) => Math.min(Math.max(x, a!), b!)),
  vjp: (node, g) => {
    const [a, b] = node.attrs as [number, number];
    const x = node.children[0]!;
    return [mul(g, mul(lessOrEqual(intCst(a), x), lessOrEqual(x, intCst(b))))];
  },
  lower: (ctx, node, [x]) =>
    ctx.elementwise(node.dim, (k) =>
      ctx.alu(Alu.Min, ctx.alu(Alu.Max, ctx.at(x!, k), ctx.num(node.attrs[0]!)), ctx.num(node.attrs[1]!)),
    ),
};
