/**
 * Constructor-time simplification. Random formula trees are built twice, with the simplifying
 * constructors of build.ts and with the raw `apply` (no simplification), and must evaluate to the
 * same values; then each of KeOps' rules is checked to fire, and hash-consing and shape errors are
 * checked directly.
 */
import { describe, expect, it } from 'vitest';
import {
  abs,
  acos,
  add,
  apply,
  argMax,
  argMin,
  asin,
  atan,
  atan2,
  clamp,
  clampInt,
  concat,
  cos,
  div,
  elem,
  elemT,
  equal,
  evaluate,
  exp,
  extract,
  extractT,
  type Formula,
  floatCst,
  floor,
  ifElse,
  intCst,
  inv,
  lessOrEqual,
  lessThan,
  log,
  matVecMult,
  max,
  min,
  minus,
  mul,
  norm2,
  notEqual,
  Op,
  oneHot,
  pow,
  powf,
  ratCst,
  relu,
  round,
  rsqrt,
  ShapeError,
  scalprod,
  sign,
  sin,
  sinXDivX,
  sqDist,
  sqNorm2,
  sqrt,
  square,
  step,
  sub,
  sum,
  sumT,
  tensorDot,
  tensorProd,
  variable,
  vecMatMult,
  weightedSqNorm,
  xlogx,
  zero,
} from '../src/index.js';
import { Rng } from './helpers/numeric.js';

// ---------------------------------------------------------------------------------------------
// A tree description, built either way

type Tree =
  | { readonly kind: 'var'; readonly pos: number; readonly dim: number }
  | { readonly kind: 'int'; readonly n: number }
  | { readonly kind: 'rat'; readonly p: number; readonly q: number }
  | { readonly kind: 'float'; readonly v: number }
  | { readonly kind: 'zero'; readonly dim: number }
  | {
      readonly kind: 'op';
      readonly op: Op;
      readonly kids: readonly Tree[];
      readonly attrs: readonly number[];
    };

const CAT_CODE = 0; // every tree variable is an 'i' variable; the category plays no part here

/** The raw build: every node exactly as described, leaves included (IntCst(0), RatCst(2, 4)). */
function buildRaw(t: Tree): Formula {
  switch (t.kind) {
    case 'var':
      return apply(Op.Var, [], [t.pos, t.dim, CAT_CODE]);
    case 'int':
      return apply(Op.IntCst, [], [t.n]);
    case 'rat':
      return apply(Op.RatCst, [], [t.p, t.q]);
    case 'float':
      return apply(Op.FloatCst, [], [t.v]);
    case 'zero':
      return apply(Op.Zero, [], [t.dim]);
    case 'op':
      return apply(t.op, t.kids.map(buildRaw), t.attrs);
  }
}

type Ctor = (kids: Formula[], attrs: readonly number[]) => Formula;
const un =
  (f: (a: Formula) => Formula): Ctor =>
  ([a]) =>
    f(a!);
const bin =
  (f: (a: Formula, b: Formula) => Formula): Ctor =>
  ([a, b]) =>
    f(a!, b!);

/** The simplifying constructor of each op the generator uses. */
const SIMPLIFYING: Partial<Record<Op, Ctor>> = {
  [Op.Minus]: un(minus),
  [Op.Inv]: un(inv),
  [Op.Exp]: un(exp),
  [Op.Log]: un(log),
  [Op.XLogX]: un(xlogx),
  [Op.Sin]: un(sin),
  [Op.Cos]: un(cos),
  [Op.SinXDivX]: un(sinXDivX),
  [Op.Asin]: un(asin),
  [Op.Acos]: un(acos),
  [Op.Atan]: un(atan),
  [Op.Sqrt]: un(sqrt),
  [Op.Rsqrt]: un(rsqrt),
  [Op.Square]: un(square),
  [Op.Pow]: ([a], [n]) => pow(a!, n!),
  [Op.Abs]: un(abs),
  [Op.ReLU]: un(relu),
  [Op.Sign]: un(sign),
  [Op.Step]: un(step),
  [Op.Floor]: un(floor),
  [Op.Round]: ([a], [d]) => round(a!, d!),
  [Op.ClampInt]: ([a], [lo, hi]) => clampInt(a!, lo!, hi!),
  [Op.Add]: bin(add),
  [Op.Subtract]: bin(sub),
  [Op.Mult]: bin(mul),
  [Op.Divide]: bin(div),
  [Op.Powf]: bin(powf),
  [Op.Atan2]: bin(atan2),
  [Op.LessThan]: bin(lessThan),
  [Op.LessOrEqual]: bin(lessOrEqual),
  [Op.Equal]: bin(equal),
  [Op.NotEqual]: bin(notEqual),
  [Op.Clamp]: ([f, a, b]) => clamp(f!, a!, b!),
  [Op.IfElse]: ([f, a, b]) => ifElse(f!, a!, b!),
  [Op.Sum]: un(sum),
  [Op.Max]: un(max),
  [Op.Min]: un(min),
  [Op.ArgMax]: un(argMax),
  [Op.ArgMin]: un(argMin),
  [Op.Scalprod]: bin(scalprod),
  [Op.SqNorm2]: un(sqNorm2),
  [Op.Norm2]: un(norm2),
  [Op.SqDist]: bin(sqDist),
  [Op.WeightedSqNorm]: bin(weightedSqNorm),
  [Op.Elem]: ([a], [m]) => elem(a!, m!),
  [Op.ElemT]: ([a], [n, m]) => elemT(a!, n!, m!),
  [Op.Extract]: ([a], [s, d]) => extract(a!, s!, d!),
  [Op.ExtractT]: ([a], [s, D]) => extractT(a!, s!, D!),
  [Op.Concat]: bin(concat),
  [Op.OneHot]: ([a], [D]) => oneHot(a!, D!),
  [Op.SumT]: ([a], [d]) => sumT(a!, d!),
  [Op.MatVecMult]: bin(matVecMult),
  [Op.VecMatMult]: bin(vecMatMult),
  [Op.TensorProd]: bin(tensorProd),
};

function buildSimplified(t: Tree): Formula {
  switch (t.kind) {
    case 'var':
      return variable(t.pos, t.dim, 'i');
    case 'int':
      return intCst(t.n);
    case 'rat':
      return ratCst(t.p, t.q);
    case 'float':
      return floatCst(t.v);
    case 'zero':
      return zero(t.dim);
    case 'op':
      return SIMPLIFYING[t.op]!(t.kids.map(buildSimplified), t.attrs);
  }
}

// ---------------------------------------------------------------------------------------------
// Random well-shaped trees

const node = (op: Op, kids: Tree[], attrs: number[] = []): Tree => ({ kind: 'op', op, kids, attrs });
const int = (n: number): Tree => ({ kind: 'int', n });
const rat = (p: number, q: number): Tree => ({ kind: 'rat', p, q });
const pickRat = (r: Rng, options: readonly (readonly [number, number])[]): Tree => {
  const [p, q] = r.pick(options);
  return rat(p, q);
};

/**
 * Two variables per dim (so that x - x, x + x, a*b + a*c ... occur by chance too); dims 1..4, 6, 9
 * (the matrix operands of the tensor ops).
 */
const varPos = (dim: number, k: number) => 2 * dim + k;

class TreeGen {
  constructor(private readonly r: Rng) {}

  leaf(dim: number): Tree {
    const r = this.r;
    const u = r.next();
    if (u < 0.55) return { kind: 'var', pos: varPos(dim, r.int(0, 1)), dim };
    if (dim > 1 || u < 0.62) return { kind: 'zero', dim };
    if (u < 0.78) return int(r.pick([0, 1, -1, 2, -3]));
    // Unnormalised rationals too (2/4, 3/-6): the simplified side normalises them.
    if (u < 0.9)
      return pickRat(r, [
        [1, 3],
        [-3, 2],
        [2, 4],
        [3, -6],
        [7, 5],
      ]);
    return { kind: 'float', v: r.pick([0.7, -1.25, 1e-3, 2.5]) };
  }

  /**
   * A tree of the given dim and depth at most `depth`. Ops with a restricted domain get arguments
   * shaped to stay in it (Log(Square(t) + c), Asin(4/5 Sin t), Exp(Atan t) ...): simplification
   * follows KeOps in rewriting 0*x to 0 even where x is NaN or infinite, so values outside the
   * domain would differ legitimately.
   */
  tree(depth: number, dim: number): Tree {
    const r = this.r;
    if (depth <= 0 || r.next() < 0.15) return this.leaf(dim);
    const sub = (d = dim) => this.tree(depth - 1, d);
    const two = (d = dim) => this.tree(depth - 2, d);
    // Domain-shaped subtrees of depth at most `dep`: positive needs dep >= 2, bounded dep >= 1.
    const positive = (dep: number, d: number) =>
      node(Op.Add, [
        node(Op.Square, [this.tree(dep - 2, d)]),
        pickRat(r, [
          [1, 1],
          [1, 2],
          [3, 2],
        ]),
      ]);
    const bounded = (dep: number, d: number) => node(Op.Atan, [this.tree(dep - 1, d)]);
    const broadcastPair = (): [number, number] =>
      dim === 1
        ? [1, 1]
        : (r.pick([
            [dim, dim],
            [1, dim],
            [dim, 1],
          ] as const) as [number, number]);

    // [least depth the production needs, production]
    const choices: [number, () => Tree][] = [
      // The rules' own patterns, so that each fires often.
      [
        1,
        () => {
          const t = sub();
          return node(r.pick([Op.Add, Op.Subtract, Op.Mult]), [t, t]);
        },
      ],
      [2, () => node(Op.Mult, [node(Op.Minus, [two()]), node(Op.Minus, [two()])])],
      [
        2,
        () => {
          const a = two(r.pick([1, dim]));
          return node(Op.Add, [node(Op.Mult, [a, two()]), node(Op.Mult, [a, two()])]);
        },
      ],
      [
        3,
        () =>
          node(Op.Mult, [node(Op.Exp, [bounded(depth - 2, dim)]), node(Op.Exp, [bounded(depth - 2, dim)])]),
      ],
      [1, () => node(Op.Divide, [sub(), int(r.pick([3, -2, 1, 6]))])],
      [
        1,
        () =>
          node(Op.Divide, [
            sub(),
            pickRat(r, [
              [2, 3],
              [-1, 4],
            ]),
          ]),
      ],
      [
        1,
        () => {
          const [a, b] = broadcastPair();
          return node(r.pick([Op.Add, Op.Subtract, Op.Mult]), [sub(a), sub(b)]);
        },
      ],
      [1, () => node(r.pick([Op.Add, Op.Mult, Op.Subtract]), [sub(), this.leaf(1)])],
      [1, () => node(r.pick([Op.Add, Op.Mult, Op.Subtract]), [this.leaf(1), sub()])],
      // Elementwise unary on any argument.
      [
        1,
        () =>
          node(
            r.pick([
              Op.Minus,
              Op.Sin,
              Op.Cos,
              Op.Atan,
              Op.Square,
              Op.Abs,
              Op.ReLU,
              Op.Sign,
              Op.Step,
              Op.Floor,
            ]),
            [sub()],
          ),
      ],
      [1, () => node(Op.Pow, [sub()], [r.pick([3, 1, 2, 0])])],
      [1, () => node(Op.Round, [sub()], [r.pick([0, 1])])],
      [1, () => node(Op.ClampInt, [sub()], [-1, 1])],
      [1, () => node(Op.SinXDivX, [sub()])],
      // Elementwise unary on a positive argument, or a bounded one.
      [3, () => node(r.pick([Op.Log, Op.Sqrt, Op.Rsqrt, Op.Inv, Op.XLogX]), [positive(depth - 1, dim)])],
      [3, () => node(Op.Pow, [positive(depth - 1, dim)], [-2])],
      [
        3,
        () =>
          node(r.pick([Op.Asin, Op.Acos]), [
            node(Op.Mult, [rat(4, 5), node(Op.Sin, [this.tree(depth - 3, dim)])]),
          ]),
      ],
      [2, () => node(Op.Exp, [bounded(depth - 1, dim)])],
      // Elementwise binary and ternary.
      [
        3,
        () => {
          const [a, b] = broadcastPair();
          return node(Op.Divide, [sub(a), positive(depth - 1, b)]);
        },
      ],
      [
        3,
        () => {
          const [a, b] = broadcastPair();
          return node(Op.Powf, [positive(depth - 1, a), bounded(depth - 1, b)]);
        },
      ],
      [
        1,
        () => {
          const [a, b] = broadcastPair();
          return node(r.pick([Op.Atan2, Op.LessThan, Op.LessOrEqual, Op.Equal, Op.NotEqual]), [
            sub(a),
            sub(b),
          ]);
        },
      ],
      [1, () => node(r.pick([Op.Clamp, Op.IfElse]), [sub(), sub(r.pick([1, dim])), sub(r.pick([1, dim]))])],
    ];
    if (dim === 1) {
      const d = r.pick([2, 3]);
      choices.push(
        [2, () => node(Op.Sum, [node(Op.Mult, [two(d), two(d)])])],
        [
          1,
          () => node(r.pick([Op.Sum, Op.Max, Op.Min, Op.ArgMax, Op.ArgMin, Op.SqNorm2, Op.Norm2]), [sub(d)]),
        ],
        [1, () => node(r.pick([Op.Scalprod, Op.SqDist]), [sub(d), sub(d)])],
        [2, () => node(Op.SqNorm2, [node(Op.Subtract, [two(d), two(d)])])],
        [1, () => node(Op.WeightedSqNorm, [sub(r.pick([1, d, d * d])), sub(d)])],
        [1, () => node(Op.Elem, [sub(d)], [r.int(0, d - 1)])],
      );
    }
    if (dim <= 3) {
      const D = r.int(dim, 4);
      choices.push([1, () => node(Op.Extract, [sub(D)], [r.int(0, D - dim), dim])]);
      const p = r.int(1, 3);
      choices.push(
        [1, () => node(Op.MatVecMult, [sub(dim * p), sub(p)])],
        [1, () => node(Op.VecMatMult, [sub(p), sub(p * dim)])],
      );
    }
    if (dim > 1 && dim <= 4) {
      const d = r.int(1, dim - 1);
      choices.push(
        [1, () => node(Op.SumT, [sub(1)], [dim])],
        [1, () => node(Op.ElemT, [sub(1)], [dim, r.int(0, dim - 1)])],
        [1, () => node(Op.ExtractT, [sub(d)], [r.int(0, dim - d), dim])],
        [1, () => node(Op.Concat, [sub(d), sub(dim - d)])],
        [1, () => node(Op.OneHot, [sub(1)], [dim])],
      );
    }
    const factors = [1, 2, 3].filter((m) => dim % m === 0 && dim / m <= 3);
    if (factors.length > 0) {
      const m = r.pick(factors);
      choices.push([1, () => node(Op.TensorProd, [sub(m), sub(dim / m)])]);
    }
    return r.pick(choices.filter(([need]) => need <= depth))[1]();
  }
}

function varsIn(t: Tree, out = new Map<number, number>()): Map<number, number> {
  if (t.kind === 'var') out.set(t.pos, t.dim);
  if (t.kind === 'op') for (const k of t.kids) varsIn(k, out);
  return out;
}

/**
 * Equal within 1e-12 relative to the larger magnitude (at least 1: a difference of a few ulps in a
 * value that cancels to near 0, as a*b + a*c against a*(b + c), is still rounding), or both NaN,
 * or the same infinity.
 */
function agree(a: number, b: number): boolean {
  if (Number.isNaN(a) || Number.isNaN(b)) return Number.isNaN(a) && Number.isNaN(b);
  if (!Number.isFinite(a) || !Number.isFinite(b)) return a === b;
  return Math.abs(a - b) <= 1e-12 * Math.max(1, Math.abs(a), Math.abs(b));
}

describe('simplification preserves values', () => {
  it('random trees (depth <= 5): simplified and raw builds agree on random inputs', () => {
    const TREES = 3000;
    const INPUTS = 3;
    let changed = 0;
    let compared = 0;
    let components = 0;
    const failures: string[] = [];
    for (let n = 0; n < TREES; n++) {
      const seed = 4242 + n;
      const r = new Rng(seed);
      const tree = new TreeGen(r).tree(5, r.pick([1, 1, 2, 3, 4]));
      const raw = buildRaw(tree);
      const simple = buildSimplified(tree);
      // Simplification never changes a formula's static dim.
      expect(simple.dim, `seed ${seed}: dim`).toBe(raw.dim);
      if (simple !== raw) changed++;
      const vars = varsIn(tree);
      for (let k = 0; k < INPUTS; k++) {
        const values = new Map([...vars].map(([pos, dim]) => [pos, r.vector(dim, -2, 2)]));
        const valueAt = (pos: number) => values.get(pos)!;
        const [a] = evaluate([raw], valueAt);
        const [b] = evaluate([simple], valueAt);
        for (let c = 0; c < a!.length; c++) {
          components++;
          if (Number.isFinite(a![c]!)) compared++;
          if (!agree(a![c]!, b![c]!) && failures.length < 5)
            failures.push(
              `seed ${seed}, input ${k}, component ${c}: raw ${a![c]}, simplified ${b![c]}\n  raw ${describeTree(raw)}\n  simplified ${describeTree(simple)}`,
            );
        }
      }
    }
    expect(failures).toEqual([]);
    // The property is only meaningful if simplification actually rewrote most trees and values
    // were finite.
    expect(changed).toBeGreaterThan(TREES / 2);
    expect(compared).toBeGreaterThan(components * 0.9);
  });
});

function describeTree(f: Formula): string {
  if (f.children.length === 0) return `${f.op}(${f.attrs.join(',')})`;
  return `${f.op}${f.attrs.length ? `[${f.attrs.join(',')}]` : ''}(${f.children.map(describeTree).join(', ')})`;
}

// ---------------------------------------------------------------------------------------------
// Each rule

describe('simplification rules', () => {
  const x = variable(0, 3, 'i');
  const y = variable(1, 3, 'j');
  const z = variable(2, 3, 'p');
  const s = variable(3, 1, 'i');

  it('x + 0 and 0 + x give x itself; a broadcast 0 of a larger dim is kept', () => {
    expect(add(x, zero(1))).toBe(x);
    expect(add(zero(3), x)).toBe(x);
    expect(add(zero(1), s)).toBe(s);
    expect(add(intCst(0), s)).toBe(s);
    const wide = add(s, zero(3));
    expect(wide.dim).toBe(3);
    expect(sub(x, zero(3))).toBe(x);
  });

  it('0 * x and x * 0 give Zero of the broadcast dim', () => {
    for (const f of [mul(zero(1), x), mul(x, zero(1)), mul(zero(3), s), mul(intCst(0), x)]) {
      expect(f.op).toBe(Op.Zero);
      expect(f.dim).toBe(3);
    }
    expect(div(zero(1), x)).toBe(zero(3));
  });

  it('x - x gives Zero of the dim of x', () => {
    expect(sub(x, x)).toBe(zero(3));
    expect(sub(s, s)).toBe(zero(1));
    expect(sqDist(x, x)).toBe(zero(1));
  });

  it('x + x gives 2 * x', () => {
    const f = add(x, x);
    expect(f).toBe(mul(intCst(2), x));
    expect(f.op).toBe(Op.Mult);
    expect(f.children[0]).toBe(intCst(2));
    expect(f.children[1]).toBe(x);
  });

  it('f * f gives Square(f); Square(-f) gives Square(f)', () => {
    const f = sin(x);
    expect(mul(f, f)).toBe(apply(Op.Square, [f]));
    expect(square(minus(f))).toBe(square(f));
    expect(pow(f, 2)).toBe(square(f));
    expect(pow(f, 1)).toBe(f);
  });

  it('Exp(a) * Exp(b) gives Exp(a + b)', () => {
    const f = mul(exp(x), exp(y));
    expect(f).toBe(exp(add(x, y)));
    expect(f.op).toBe(Op.Exp);
  });

  it('Sum(f * g) gives f | g, and f | f gives SqNorm2(f), SqNorm2(a - b) gives SqDist(a, b)', () => {
    expect(sum(mul(x, y))).toBe(apply(Op.Scalprod, [x, y]));
    expect(scalprod(x, x)).toBe(apply(Op.SqNorm2, [x]));
    expect(sqNorm2(sub(x, y))).toBe(apply(Op.SqDist, [x, y]));
    // A broadcast product is not a dot product.
    expect(sum(mul(s, x)).op).toBe(Op.Sum);
  });

  it('a*b + a*c gives a*(b + c), whichever side a is on', () => {
    const expected = apply(Op.Mult, [x, apply(Op.Add, [y, z])]);
    expect(add(mul(x, y), mul(x, z))).toBe(expected);
    expect(add(mul(y, x), mul(z, x))).toBe(expected);
    expect(add(mul(x, y), mul(z, x))).toBe(expected);
    // A scalar common factor of vector terms.
    expect(add(mul(s, x), mul(s, y))).toBe(apply(Op.Mult, [s, apply(Op.Add, [x, y])]));
  });

  it('(-a) * (-b) gives a * b; double negation and double inversion cancel', () => {
    expect(mul(minus(x), minus(y))).toBe(apply(Op.Mult, [x, y]));
    expect(minus(minus(x))).toBe(x);
    expect(inv(inv(x))).toBe(x);
    expect(add(x, minus(y))).toBe(apply(Op.Subtract, [x, y]));
    expect(sub(x, minus(y))).toBe(apply(Op.Add, [x, y]));
  });

  it('folds integer and rational constants exactly', () => {
    expect(add(intCst(2), intCst(3))).toBe(intCst(5));
    expect(mul(intCst(-4), intCst(6))).toBe(intCst(-24));
    expect(sub(intCst(2), intCst(2))).toBe(zero(1));
    expect(intCst(0)).toBe(zero(1));
    expect(add(ratCst(1, 3), ratCst(1, 6))).toBe(ratCst(1, 2));
    expect(mul(ratCst(2, 3), intCst(3))).toBe(intCst(2));
    expect(ratCst(2, 4)).toBe(ratCst(1, 2));
    expect(ratCst(4, 2)).toBe(intCst(2));
    const neg = ratCst(1, -2);
    expect([neg.op, ...neg.attrs]).toEqual([Op.RatCst, -1, 2]);
    expect(minus(ratCst(1, 3))).toBe(ratCst(-1, 3));
    expect(inv(ratCst(-2, 5))).toBe(ratCst(-5, 2));
    expect(square(ratCst(2, 3))).toBe(ratCst(4, 9));
    // 1/3 + 1/3 + 1/3 is exactly 1, which float arithmetic would not guarantee.
    expect(add(add(ratCst(1, 3), ratCst(1, 3)), ratCst(1, 3))).toBe(intCst(1));
    // Nested constant factors are merged: 2 * (3 * x) = 6 * x.
    expect(mul(intCst(2), mul(intCst(3), x))).toBe(mul(intCst(6), x));
    expect(mul(intCst(1), x)).toBe(x);
    expect(mul(x, intCst(-1))).toBe(minus(x));
  });

  it('x / n gives RatCst(1, n) * x; 1 / x gives Inv(x)', () => {
    const f = div(x, intCst(3));
    expect(f).toBe(apply(Op.Mult, [apply(Op.RatCst, [], [1, 3]), x]));
    expect(div(x, ratCst(2, 3))).toBe(apply(Op.Mult, [apply(Op.RatCst, [], [3, 2]), x]));
    expect(div(x, intCst(-1))).toBe(minus(x));
    expect(div(intCst(1), x)).toBe(apply(Op.Inv, [x]));
  });

  it('hash-consing: structurally equal builds are the same node with the same key', () => {
    const build = () => mul(exp(minus(sqDist(x, y))), add(sin(s), ratCst(1, 3)));
    const a = build();
    const b = build();
    expect(a).toBe(b);
    expect(a.key).toBe(b.key);
    expect(variable(0, 3, 'i')).toBe(x);
    // Different structure, different key; the category and the attributes are part of it.
    expect(variable(0, 3, 'j').key).not.toBe(x.key);
    expect(round(s, 1).key).not.toBe(round(s, 2).key);
    expect(floatCst(-0).key).not.toBe(floatCst(0).key);
    // Shared subexpressions are one node.
    const e = exp(x);
    const f = add(sin(e), cos(e));
    expect(f.children[0]!.children[0]).toBe(f.children[1]!.children[0]);
  });

  it('hash-consing over random trees: equal keys exactly when the nodes are the same', () => {
    const byKey = new Map<string, Formula>();
    for (let n = 0; n < 500; n++) {
      const r = new Rng(90_000 + n);
      const tree = new TreeGen(r).tree(4, r.pick([1, 3]));
      for (const f of [buildSimplified(tree), buildRaw(tree), buildSimplified(tree)]) {
        const seen = byKey.get(f.key);
        if (seen) expect(seen).toBe(f);
        else byKey.set(f.key, f);
      }
      expect(buildSimplified(tree)).toBe(buildSimplified(tree));
      expect(buildRaw(tree)).toBe(buildRaw(tree));
    }
  });

  it('throws ShapeError for mismatched dims, also where a rule would drop an operand', () => {
    const x4 = variable(4, 4, 'i');
    const bad: (() => Formula)[] = [
      () => add(x, x4),
      () => sub(x, x4),
      () => mul(x, x4),
      () => div(x, x4),
      () => add(zero(3), x4),
      () => add(x4, zero(3)),
      () => mul(zero(3), x4),
      () => sub(zero(4), x),
      () => apply(Op.Add, [x, x4]),
      () => atan2(x, x4),
      () => ifElse(x, x4, s),
      () => clamp(x4, x, s),
      () => scalprod(x, x4),
      () => sqDist(x, x4),
      () => weightedSqNorm(variable(5, 2, 'p'), x),
      () => elem(x, 3),
      () => extract(x, 2, 2),
      () => extractT(x, 2, 4),
      () => elemT(x, 4, 0),
      () => sumT(x, 3),
      // Where a rule would return early (SumT(f, 1) -> f, ExtractT(Zero) -> Zero), the shape is
      // still checked.
      () => sumT(x, 1),
      () => sumT(zero(3), 5),
      () => extractT(zero(3), 4, 5),
      () => extractT(zero(2), 0, 1),
      () => oneHot(x, 3),
      () => matVecMult(variable(6, 7, 'p'), x),
      () => vecMatMult(x, variable(6, 7, 'p')),
      () => tensorDot(x, x4, [3], [2, 2], [0], [0]),
      () => tensorDot(variable(6, 6, 'p'), x, [2, 3], [3], [1], [0], [1, 0]),
      () => apply(Op.Exp, [x, x]),
    ];
    for (const f of bad) expect(f, f.toString()).toThrow(ShapeError);
  });
});
