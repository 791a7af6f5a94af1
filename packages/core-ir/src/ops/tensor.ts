/** Tensor algebra on row-major flattened vectors: MatVecMult, VecMatMult, TensorProd, TensorDot. */
import { ShapeError } from '../errors.js';
import {
  decodeTensorDot,
  matVecMult,
  type TensorDotAttrs,
  tensorDot,
  tensorProd,
  vecMatMult,
} from '../formula/build.js';
import type { Formula } from '../formula/formula.js';
import type { LowerCtx, Val } from '../lower/context.js';
import { forEachIndex, rowMajorStrides } from '../lower/context.js';
import { Alu, cidx, type Idx, idxAdd, idxAffine } from '../lower/program.js';
import { Op, type OpDef } from './types.js';

/**
 * How a contraction reads its operands: `u` is the pre-permutation output (f's free axes then
 * g's), `out[o] = u[permute[o]]`; each operand axis is fed either by an output axis or by a
 * contraction axis.
 */
interface Plan {
  outShape: number[];
  contShape: number[];
  /** For each f axis: ['o', outputAxis] or ['c', contractionAxis]. */
  fSource: (readonly ['o' | 'c', number])[];
  gSource: (readonly ['o' | 'c', number])[];
}

function plan(a: TensorDotAttrs): Plan {
  const { dimsf, dimsg, contf, contg, permute } = a;
  const freeF = dimsf.map((_, q) => q).filter((q) => !contf.includes(q));
  const freeG = dimsg.map((_, r) => r).filter((r) => !contg.includes(r));
  const uShape = [...freeF.map((q) => dimsf[q]!), ...freeG.map((r) => dimsg[r]!)];
  const outOfU = new Array<number>(uShape.length);
  permute.forEach((u, o) => {
    outOfU[u] = o;
  });
  const fSource = dimsf.map((_, q) => {
    const t = freeF.indexOf(q);
    return t >= 0 ? (['o', outOfU[t]!] as const) : (['c', contf.indexOf(q)] as const);
  });
  const gSource = dimsg.map((_, r) => {
    const t = freeG.indexOf(r);
    return t >= 0 ? (['o', outOfU[freeF.length + t]!] as const) : (['c', contg.indexOf(r)] as const);
  });
  return {
    outShape: permute.map((u) => uShape[u]!),
    contShape: contf.map((q) => dimsf[q]!),
    fSource,
    gSource,
  };
}

function checkAttrs(a: TensorDotAttrs, df: number, dg: number): void {
  const prod = (s: readonly number[]) => s.reduce((x, y) => x * y, 1);
  const bad = (msg: string) => new ShapeError(`TensorDot: ${msg}`);
  if ([...a.dimsf, ...a.dimsg].some((d) => !Number.isInteger(d) || d < 1))
    throw bad('axis sizes must be positive integers');
  if (prod(a.dimsf) !== df)
    throw bad(`dimsf [${a.dimsf}] has ${prod(a.dimsf)} entries but the first operand has dim ${df}`);
  if (prod(a.dimsg) !== dg)
    throw bad(`dimsg [${a.dimsg}] has ${prod(a.dimsg)} entries but the second operand has dim ${dg}`);
  if (a.contf.length !== a.contg.length) throw bad('contf and contg must have the same length');
  const distinct = (xs: readonly number[], n: number) =>
    new Set(xs).size === xs.length && xs.every((x) => Number.isInteger(x) && x >= 0 && x < n);
  if (!distinct(a.contf, a.dimsf.length) || !distinct(a.contg, a.dimsg.length))
    throw bad('contraction axes must be distinct valid axes');
  a.contf.forEach((q, c) => {
    if (a.dimsf[q] !== a.dimsg[a.contg[c]!])
      throw bad(`contracted axes ${q} and ${a.contg[c]} have different sizes`);
  });
  const nOut = a.dimsf.length + a.dimsg.length - 2 * a.contf.length;
  if (a.permute.length !== nOut || !distinct(a.permute, nOut))
    throw bad(`permute must be a permutation of 0..${nOut - 1}`);
}

function axisIndex(
  source: Plan['fSource'],
  ks: readonly number[],
  cs: readonly number[],
  dims: readonly number[],
): number {
  const strides = rowMajorStrides(dims);
  return source.reduce(
    (acc, [kind, axis], q) => acc + (kind === 'o' ? ks[axis]! : cs[axis]!) * strides[q]!,
    0,
  );
}

function evalContraction(a: TensorDotAttrs, f: Float64Array, g: Float64Array): Float64Array {
  const p = plan(a);
  const out = new Float64Array(p.outShape.reduce((x, y) => x * y, 1));
  let n = 0;
  forEachIndex(p.outShape, (ks) => {
    let total = 0;
    forEachIndex(p.contShape, (cs) => {
      total += f[axisIndex(p.fSource, ks, cs, a.dimsf)]! * g[axisIndex(p.gSource, ks, cs, a.dimsg)]!;
    });
    out[n++] = total;
  });
  return out;
}

function idxOf(
  source: Plan['fSource'],
  ks: readonly Idx[],
  cs: readonly Idx[],
  dims: readonly number[],
): Idx {
  const strides = rowMajorStrides(dims);
  return source.reduce(
    (acc, [kind, axis], q) => idxAdd(acc, idxAffine(kind === 'o' ? ks[axis]! : cs[axis]!, strides[q]!, 0)),
    cidx(0),
  );
}

function lowerContraction(ctx: LowerCtx, a: TensorDotAttrs, f: Val, g: Val): Val {
  const p = plan(a);
  return ctx.elementwiseNd(p.outShape, (ks) => {
    const [total] = ctx.foldNd(p.contShape, [ctx.num(0)], ([acc], cs) => [
      ctx.alu(
        Alu.Add,
        acc!,
        ctx.alu(
          Alu.Mul,
          ctx.at(f, idxOf(p.fSource, ks, cs, a.dimsf)),
          ctx.at(g, idxOf(p.gSource, ks, cs, a.dimsg)),
        ),
      ),
    ]);
    return total!;
  });
}

/** Attributes of the three named special cases, as contractions. */
function matVecAttrs(A: number, b: number): TensorDotAttrs {
  return { dimsf: [A / b, b], dimsg: [b], contf: [1], contg: [0], permute: [0] };
}
function vecMatAttrs(b: number, A: number): TensorDotAttrs {
  return { dimsf: [b], dimsg: [b, A / b], contf: [0], contg: [0], permute: [0] };
}
function prodAttrs(f: number, g: number): TensorDotAttrs {
  return { dimsf: [f], dimsg: [g], contf: [], contg: [], permute: [0, 1] };
}

/** Builds an op whose value is a contraction given by `attrsOf`. */
function contraction(
  op: Op,
  dim: (dims: readonly number[], attrs: readonly number[]) => number,
  attrsOf: (node: { children: readonly { dim: number }[]; attrs: readonly number[] }) => TensorDotAttrs,
  vjp: OpDef['vjp'],
): OpDef {
  return {
    op,
    arity: 2,
    dim,
    eval: ([f, g], attrs) =>
      evalContraction(attrsOf({ children: [{ dim: f!.length }, { dim: g!.length }], attrs }), f!, g!),
    vjp,
    lower: (ctx, node, [f, g]) => lowerContraction(ctx, attrsOf(node), f!, g!),
  };
}

export const tensorOps: OpDef[] = [
  contraction(
    Op.MatVecMult,
    ([A, b]) => {
      if (A! % b! !== 0)
        throw new ShapeError(`MatVecMult: matrix dim ${A} is not a multiple of vector dim ${b}`);
      return A! / b!;
    },
    (n) => matVecAttrs(n.children[0]!.dim, n.children[1]!.dim),
    (node, g) => {
      const [A, b] = node.children as [Formula, Formula];
      return [tensorProd(g, b), vecMatMult(g, A)];
    },
  ),
  contraction(
    Op.VecMatMult,
    ([b, A]) => {
      if (A! % b! !== 0)
        throw new ShapeError(`VecMatMult: matrix dim ${A} is not a multiple of vector dim ${b}`);
      return A! / b!;
    },
    (n) => vecMatAttrs(n.children[0]!.dim, n.children[1]!.dim),
    (node, g) => {
      const [b, A] = node.children as [Formula, Formula];
      return [matVecMult(A, g), tensorProd(b, g)];
    },
  ),
  contraction(
    Op.TensorProd,
    ([f, g]) => f! * g!,
    (n) => prodAttrs(n.children[0]!.dim, n.children[1]!.dim),
    (node, G) => {
      const [f, g] = node.children as [Formula, Formula];
      return [matVecMult(G, g), vecMatMult(f, G)];
    },
  ),
  contraction(
    Op.TensorDot,
    ([df, dg], attrs) => {
      const a = decodeTensorDot(attrs);
      checkAttrs(a, df!, dg!);
      return plan(a).outShape.reduce((x, y) => x * y, 1);
    },
    (n) => decodeTensorDot(n.attrs),
    (node, G) => tensorDotVjp(node, G),
  ),
];

/**
 * Gradients of a contraction are contractions of the cotangent with the other operand, with the
 * output axes put back in the operand's order.
 */
function tensorDotVjp(node: Formula, G: Formula): Formula[] {
  const [f, g] = node.children as [Formula, Formula];
  const a = decodeTensorDot(node.attrs);
  const { dimsf, dimsg, contf, contg, permute } = a;
  const outShape = plan(a).outShape;
  const freeF = dimsf.map((_, q) => q).filter((q) => !contf.includes(q));
  const freeG = dimsg.map((_, r) => r).filter((r) => !contg.includes(r));
  const nf = freeF.length;
  // Output axis holding u-axis t.
  const oOf = (t: number) => permute.indexOf(t);

  // df = G (x) g over g's free axes; result axes: [G's remaining axes (ascending), g's contg axes (ascending)].
  const gContract = freeG.map((_, t) => oOf(nf + t));
  const gRemaining = outShape.map((_, o) => o).filter((o) => !gContract.includes(o));
  const sortedContg = [...contg].sort((x, y) => x - y);
  const permF = dimsf.map((_, q) => {
    const t = freeF.indexOf(q);
    if (t >= 0) return gRemaining.indexOf(oOf(t));
    return gRemaining.length + sortedContg.indexOf(contg[contf.indexOf(q)]!);
  });
  const df = tensorDot(G, g, outShape, dimsg, gContract, freeG, permF);

  // dg = f (x) G over f's free axes; result axes: [f's contf axes (ascending), G's remaining axes (ascending)].
  const fContract = freeF.map((_, t) => oOf(t));
  const fRemaining = outShape.map((_, o) => o).filter((o) => !fContract.includes(o));
  const sortedContf = [...contf].sort((x, y) => x - y);
  const permG = dimsg.map((_, r) => {
    const t = freeG.indexOf(r);
    if (t >= 0) return sortedContf.length + fRemaining.indexOf(oOf(nf + t));
    return sortedContf.indexOf(contf[contg.indexOf(r)]!);
  });
  const dg = tensorDot(f, G, dimsf, outShape, freeF, fContract, permG);
  return [df, dg];
}
