/** Vector ops: Elem, ElemT, Extract, ExtractT, Concat, OneHot, SumT. */
import { ShapeError } from '../errors.js';
import { elem, elemT, extract, extractT, sum, zero } from '../formula/build.js';
import { Alu, cidx, idxAffine } from '../lower/program.js';
import { roundHalfAway } from './elementwise-unary.js';
import { checkInt } from './helpers.js';
import { Op, type OpDef } from './types.js';

export const elemDef: OpDef = {
  op: Op.Elem,
  arity: 1,
  dim: ([d], [m]) => {
    checkInt(Op.Elem, 'the index m', m, 0, d! - 1);
    return 1;
  },
  eval: ([x], [m]) => Float64Array.of(x![m!]!),
  vjp: (node, g) => [elemT(g, node.children[0]!.dim, node.attrs[0]!)],
  lower: (ctx, node, [x]) => ({ kind: 'scalars', items: [ctx.at(x!, cidx(node.attrs[0]!))] }),
};

export const elemTDef: OpDef = {
  op: Op.ElemT,
  arity: 1,
  dim: ([d], [n, m]) => {
    if (d !== 1) throw new ShapeError(`ElemT takes a scalar, got dim ${d}`);
    checkInt(Op.ElemT, 'the size n', n, 1, Number.MAX_SAFE_INTEGER);
    checkInt(Op.ElemT, 'the index m', m, 0, n! - 1);
    return n!;
  },
  eval: ([x], [n, m]) => {
    const out = new Float64Array(n!);
    out[m!] = x![0]!;
    return out;
  },
  vjp: (node, g) => [elem(g, node.attrs[1]!)],
  lower: (ctx, node, [x]) =>
    ctx.pieces(node.dim, [{ start: node.attrs[1]!, len: 1, fn: () => ctx.at(x!, cidx(0)) }]),
};

export const extractDef: OpDef = {
  op: Op.Extract,
  arity: 1,
  dim: ([D], [start, d]) => {
    checkInt(Op.Extract, 'start', start, 0, D! - 1);
    checkInt(Op.Extract, 'the length d', d, 1, D! - start!);
    return d!;
  },
  eval: ([x], [start, d]) => x!.slice(start!, start! + d!),
  vjp: (node, g) => [extractT(g, node.attrs[0]!, node.children[0]!.dim)],
  lower: (ctx, node, [x]) => ctx.elementwise(node.dim, (k) => ctx.at(x!, idxAffine(k, 1, node.attrs[0]!))),
};

export const extractTDef: OpDef = {
  op: Op.ExtractT,
  arity: 1,
  dim: ([d], [start, D]) => {
    checkInt(Op.ExtractT, 'the size D', D, d!, Number.MAX_SAFE_INTEGER);
    checkInt(Op.ExtractT, 'start', start, 0, D! - d!);
    return D!;
  },
  eval: ([x], [start, D]) => {
    const out = new Float64Array(D!);
    out.set(x!, start!);
    return out;
  },
  vjp: (node, g) => [extract(g, node.attrs[0]!, node.children[0]!.dim)],
  lower: (ctx, node, [x]) =>
    ctx.pieces(node.dim, [{ start: node.attrs[0]!, len: ctx.dimOf(x!), fn: (k) => ctx.at(x!, k) }]),
};

export const concatDef: OpDef = {
  op: Op.Concat,
  arity: 2,
  dim: ([a, b]) => a! + b!,
  eval: ([a, b]) => {
    const out = new Float64Array(a!.length + b!.length);
    out.set(a!, 0);
    out.set(b!, a!.length);
    return out;
  },
  vjp: (node, g) => {
    const [a, b] = node.children;
    return [extract(g, 0, a!.dim), extract(g, a!.dim, b!.dim)];
  },
  lower: (ctx, node, [a, b]) => {
    const da = ctx.dimOf(a!);
    return ctx.pieces(node.dim, [
      { start: 0, len: da, fn: (k) => ctx.at(a!, k) },
      { start: da, len: ctx.dimOf(b!), fn: (k) => ctx.at(b!, k) },
    ]);
  },
};

/** OneHot(f, D): 1 at position round(f) (halves away from zero), zeros elsewhere; zero gradient. */
export const oneHotDef: OpDef = {
  op: Op.OneHot,
  arity: 1,
  dim: ([d], [D]) => {
    if (d !== 1) throw new ShapeError(`OneHot takes a scalar, got dim ${d}`);
    return checkInt(Op.OneHot, 'the size D', D, 1, Number.MAX_SAFE_INTEGER);
  },
  eval: ([x], [D]) => {
    const out = new Float64Array(D!);
    const k = roundHalfAway(x![0]!);
    if (k >= 0 && k < D!) out[k] = 1;
    return out;
  },
  vjp: () => [zero(1)],
  lower: (ctx, node, [x]) => {
    const r = ctx.let(ctx.alu(Alu.Round, ctx.at(x!, cidx(0))));
    return ctx.elementwise(node.dim, (k) => ctx.alu(Alu.Eq, r, { t: 'ix', idx: k }));
  },
};

/** SumT(f, d): the scalar f repeated d times (adjoint of Sum). */
export const sumTDef: OpDef = {
  op: Op.SumT,
  arity: 1,
  dim: ([d], [n]) => {
    if (d !== 1) throw new ShapeError(`SumT takes a scalar, got dim ${d}`);
    return checkInt(Op.SumT, 'the size d', n, 1, Number.MAX_SAFE_INTEGER);
  },
  eval: ([x], [n]) => new Float64Array(n!).fill(x![0]!),
  vjp: (_node, g) => [sum(g)],
  lower: (ctx, node, [x]) => ctx.elementwise(node.dim, () => ctx.at(x!, cidx(0))),
};

export const vectorOps: OpDef[] = [elemDef, elemTDef, extractDef, extractTDef, concatDef, oneHotDef, sumTDef];
