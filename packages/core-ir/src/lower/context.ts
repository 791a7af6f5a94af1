import {
  Alu,
  cidx,
  type Expr,
  type Idx,
  idxAdd,
  idxAffine,
  isConstIdx,
  loopIdx,
  type ScalarType,
  type Stmt,
} from './program.js';

/**
 * A lowered vector value: unrolled scalars (small dims), a local array filled by a loop (large
 * dims), or an input variable read in place.
 */
export type Val =
  | { readonly kind: 'scalars'; readonly items: readonly Expr[] }
  | { readonly kind: 'array'; readonly arr: number; readonly dim: number }
  | { readonly kind: 'input'; readonly input: number; readonly dim: number };

/** Vectors up to this many components are unrolled; larger ones use counted loops. */
export const DEFAULT_UNROLL_LIMIT = 16;

/**
 * Emission context of the lowering: op lowerings call these helpers and never build loops by
 * hand, so each op's lowering stays a few lines and works for both unrolled and looped dims.
 */
export class LowerCtx {
  private nextId = 0;
  private nextArray = 0;
  private nextLoop = 0;
  private block: Stmt[] = [];
  /** Arrays holding unrolled values, per emission block (an array declared in a loop body is
   * only visible there). */
  private readonly materialized = new WeakMap<Stmt[], Map<Val, Val>>();

  constructor(readonly unrollLimit: number = DEFAULT_UNROLL_LIMIT) {}

  get counts() {
    return { ids: this.nextId, arrays: this.nextArray, loops: this.nextLoop };
  }

  /** Runs `fn` with emissions going to `target`. */
  into<T>(target: Stmt[], fn: () => T): T {
    const saved = this.block;
    this.block = target;
    try {
      return fn();
    } finally {
      this.block = saved;
    }
  }

  emit(stmt: Stmt): void {
    this.block.push(stmt);
  }

  newId(): number {
    return this.nextId++;
  }

  newLoop(): number {
    return this.nextLoop++;
  }

  /** Binds `e` to a new immutable local (constants and references are returned as they are). */
  let(e: Expr, ty: ScalarType = 'f'): Expr {
    if (e.t === 'num' || e.t === 'int' || e.t === 'ref') return e;
    const id = this.nextId++;
    this.emit({ t: 'let', id, ty, e });
    return { t: 'ref', id };
  }

  /** Declares a mutable local. */
  var(e: Expr, ty: ScalarType = 'f'): number {
    const id = this.nextId++;
    this.emit({ t: 'var', id, ty, e });
    return id;
  }

  /** An ALU expression; adding 0 and multiplying by 1 are dropped (fold chains start at 0). */
  alu(op: Alu, ...args: Expr[]): Expr {
    const isNum = (e: Expr | undefined, v: number) => e?.t === 'num' && e.v === v;
    if (op === Alu.Add && isNum(args[0], 0)) return args[1]!;
    if (op === Alu.Mul && isNum(args[0], 1)) return args[1]!;
    return { t: 'alu', op, args };
  }

  num(v: number): Expr {
    return { t: 'num', v };
  }

  dimOf(v: Val): number {
    return v.kind === 'scalars' ? v.items.length : v.dim;
  }

  /** Component `k` of `v`; a dimension-1 value broadcasts. */
  at(v: Val, k: Idx): Expr {
    if (this.dimOf(v) === 1) k = cidx(0);
    switch (v.kind) {
      case 'input':
        return { t: 'in', input: v.input, idx: k };
      case 'array':
        return { t: 'arr', arr: v.arr, idx: k };
      case 'scalars':
        if (isConstIdx(k)) return v.items[k.offset]!;
        return this.at(this.materialize(v), k);
    }
  }

  /** Stores unrolled scalars into a local array so that a loop can index them. */
  private materialize(v: Val): Val {
    let cache = this.materialized.get(this.block);
    if (!cache) {
      cache = new Map();
      this.materialized.set(this.block, cache);
    }
    const cached = cache.get(v);
    if (cached) return cached;
    const dim = this.dimOf(v);
    const arr = this.nextArray++;
    this.emit({ t: 'array', arr, size: dim, ty: 'f' });
    for (let k = 0; k < dim; k++) this.emit({ t: 'store', arr, idx: cidx(k), e: this.at(v, cidx(k)) });
    const out: Val = { kind: 'array', arr, dim };
    cache.set(v, out);
    return out;
  }

  /** A vector of `dim` components, component k = fn(k). */
  elementwise(dim: number, fn: (k: Idx) => Expr): Val {
    return this.elementwiseNd([dim], ([k]) => fn(k!));
  }

  /** A row-major tensor of the given shape flattened into a vector, component = fn(indices). */
  elementwiseNd(shape: readonly number[], fn: (ks: Idx[]) => Expr): Val {
    const total = shape.reduce((a, b) => a * b, 1);
    if (total <= this.unrollLimit) {
      const items: Expr[] = [];
      forEachIndex(shape, (ks) => {
        items.push(this.let(fn(ks.map(cidx))));
      });
      return { kind: 'scalars', items };
    }
    const arr = this.nextArray++;
    this.emit({ t: 'array', arr, size: total, ty: 'f' });
    const strides = rowMajorStrides(shape);
    this.loopNest(shape, (ks) => {
      const flat = ks.reduce((acc, k, a) => idxAdd(acc, idxAffine(k, strides[a]!, 0)), cidx(0));
      this.emit({ t: 'store', arr, idx: flat, e: fn(ks) });
    });
    return { kind: 'array', arr, dim: total };
  }

  /**
   * Folds over `dim` components: returns the final accumulators after
   * `accs = step(accs, k)` for k = 0..dim-1 (unrolled, or a loop over mutable locals).
   */
  fold(
    dim: number,
    inits: readonly Expr[],
    step: (accs: Expr[], k: Idx) => Expr[],
    ty: ScalarType = 'f',
  ): Expr[] {
    return this.foldNd([dim], inits, (accs, [k]) => step(accs, k!), ty);
  }

  foldNd(
    shape: readonly number[],
    inits: readonly Expr[],
    step: (accs: Expr[], ks: Idx[]) => Expr[],
    ty: ScalarType = 'f',
  ): Expr[] {
    const total = shape.reduce((a, b) => a * b, 1);
    if (total <= this.unrollLimit) {
      let accs = [...inits];
      forEachIndex(shape, (ks) => {
        accs = step(accs, ks.map(cidx)).map((e) => this.let(e, ty));
      });
      return accs;
    }
    const ids = inits.map((e) => this.var(e, ty));
    this.loopNest(shape, (ks) => {
      const next = step(
        ids.map((id) => ({ t: 'ref', id }) as Expr),
        ks,
      ).map((e) => this.let(e, ty));
      for (const [n, e] of next.entries()) this.emit({ t: 'set', id: ids[n]!, e });
    });
    return ids.map((id) => ({ t: 'ref', id }));
  }

  /**
   * A vector of `dim` components made of segments (Concat, ExtractT, ElemT): each segment fills
   * `[start, start + len)`; components outside every segment are zero.
   */
  pieces(dim: number, segments: readonly { start: number; len: number; fn: (k: Idx) => Expr }[]): Val {
    if (dim <= this.unrollLimit) {
      const items: Expr[] = Array.from({ length: dim }, () => this.num(0));
      for (const seg of segments)
        for (let k = 0; k < seg.len; k++) items[seg.start + k] = this.let(seg.fn(cidx(k)));
      return { kind: 'scalars', items };
    }
    const arr = this.nextArray++;
    this.emit({ t: 'array', arr, size: dim, ty: 'f' });
    const covered = new Array<boolean>(dim).fill(false);
    for (const seg of segments) for (let k = 0; k < seg.len; k++) covered[seg.start + k] = true;
    for (let k = 0; k < dim; k++)
      if (!covered[k]) this.emit({ t: 'store', arr, idx: cidx(k), e: this.num(0) });
    for (const seg of segments) {
      if (seg.len <= this.unrollLimit) {
        for (let k = 0; k < seg.len; k++)
          this.emit({ t: 'store', arr, idx: cidx(seg.start + k), e: seg.fn(cidx(k)) });
      } else {
        this.loopNest([seg.len], ([k]) => {
          this.emit({ t: 'store', arr, idx: idxAffine(k!, 1, seg.start), e: seg.fn(k!) });
        });
      }
    }
    return { kind: 'array', arr, dim };
  }

  /** Emits `body(k)` for each component k < dim: unrolled for small dims, a loop otherwise. */
  each(dim: number, body: (k: Idx) => void): void {
    if (dim <= this.unrollLimit) {
      for (let k = 0; k < dim; k++) body(cidx(k));
    } else {
      this.loopNest([dim], ([k]) => body(k!));
    }
  }

  /** Emits `if (cond) then else otherwise`, each branch built by its callback. */
  ifThen(cond: Expr, then: () => void, otherwise?: () => void): void {
    const a: Stmt[] = [];
    const b: Stmt[] = [];
    this.into(a, then);
    if (otherwise) this.into(b, otherwise);
    this.emit({ t: 'if', cond, then: a, else: b });
  }

  /** Emits nested counted loops over `shape`, calling `body` inside with the loop indices. */
  loopNest(shape: readonly number[], body: (ks: Idx[]) => void): void {
    const build = (axis: number, ks: Idx[]): void => {
      if (axis === shape.length) {
        body(ks);
        return;
      }
      const loop = this.nextLoop++;
      const inner: Stmt[] = [];
      this.into(inner, () => build(axis + 1, [...ks, loopIdx(loop)]));
      this.emit({ t: 'for', loop, n: shape[axis]!, body: inner });
    };
    build(0, []);
  }
}

/** Row-major strides of a shape. */
export function rowMajorStrides(shape: readonly number[]): number[] {
  const strides = new Array<number>(shape.length);
  let s = 1;
  for (let a = shape.length - 1; a >= 0; a--) {
    strides[a] = s;
    s *= shape[a]!;
  }
  return strides;
}

/** Calls `fn` for every multi-index of `shape` in row-major order. */
export function forEachIndex(shape: readonly number[], fn: (ks: number[]) => void): void {
  const total = shape.reduce((a, b) => a * b, 1);
  const ks = new Array<number>(shape.length).fill(0);
  for (let n = 0; n < total; n++) {
    fn([...ks]);
    for (let a = shape.length - 1; a >= 0; a--) {
      if (++ks[a]! < shape[a]!) break;
      ks[a] = 0;
    }
  }
}
