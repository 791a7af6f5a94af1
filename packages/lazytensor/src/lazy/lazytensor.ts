/**
 * `LazyTensor`: a symbolic `[...batch, N, M, D]` array `F(p, x_i, y_j)` that is never stored. It
 * holds a core-ir formula over placeholder variables and the tensors bound to them; operators build
 * bigger formulas, and a reduction over a named index ('i' or 'j') runs one fused kernel.
 */
import * as C from '@symtensor/core-ir';
import { type Formula, ShapeError, SymtensorError, ValueError } from '@symtensor/core-ir';
import { broadcastShapes } from '../tensor/shape.js';
import { Tensor } from '../tensor/tensor.js';
import { type Binding, freshPosition } from './binding.js';
import { Pm, Vj } from './leaves.js';
import { type LazyReductionOptions, reduceLazy } from './reduce.js';

/** What LazyTensor methods accept besides LazyTensors: numbers and tensors (as parameters). */
export type LazyOperand = LazyTensor | Tensor | number;

/** The reduced index of a reduction. */
export type Axis = 'i' | 'j';

/**
 * A symbolic `[...batch, N, M, D]` array (create with `Vi`, `Vj`, `Pm`); methods build formulas,
 * reductions over 'i' or 'j' run them.
 */
export class LazyTensor {
  /** The formula of one entry, over placeholder variables. */
  readonly formula: Formula;
  /** @internal Placeholder position -> what it stands for. */
  readonly bindings: ReadonlyMap<number, Binding>;
  /** Broadcast batch shape of the bound tensors. */
  readonly batch: readonly number[];
  /** Number of i indices (rows of the Vi tensors), undefined without any. */
  readonly n: number | undefined;
  /** Number of j indices (rows of the Vj tensors), undefined without any. */
  readonly m: number | undefined;

  /** @internal Use Vi, Vj, Pm and the methods. `what` names the operation in errors. */
  constructor(formula: Formula, bindings: ReadonlyMap<number, Binding>, what: string) {
    this.formula = formula;
    this.bindings = bindings;
    const rows = { i: new Set<number>(), j: new Set<number>() };
    for (const b of bindings.values()) if (b.cat !== 'p') rows[b.cat].add(b.rows!);
    for (const cat of ['i', 'j'] as const)
      if (rows[cat].size > 1)
        throw new ShapeError(
          `${what}: the V${cat} tensors have ${[...rows[cat]].join(' and ')} rows; every ${cat}-indexed tensor needs the same number of rows (${cat === 'i' ? 'N' : 'M'})`,
        );
    this.n = [...rows.i][0];
    this.m = [...rows.j][0];
    this.batch = broadcastShapes(
      [...bindings.values()].map((b) => b.batch),
      `${what} (batch dims)`,
    );
  }

  /** Vector dim D of each entry. */
  get dim(): number {
    return this.formula.dim;
  }

  /** `[...batch, N, M, D]`, with 1 for an index no variable follows. */
  get shape(): number[] {
    return [...this.batch, this.n ?? 1, this.m ?? 1, this.dim];
  }

  /** The same formula with i and j swapped (the transposed symbolic matrix). */
  t(): LazyTensor {
    const swapped = new Map<number, Binding>();
    const renamed = new Map<number, Formula>();
    for (const [pos, b] of this.bindings) {
      // Fresh positions: the swapped variable must not meet the unswapped one of the same tensor.
      const cat = b.cat === 'i' ? 'j' : b.cat === 'j' ? 'i' : 'p';
      const fresh = freshPosition();
      swapped.set(fresh, { ...b, cat });
      renamed.set(pos, C.variable(fresh, b.dim, cat));
    }
    const [f] = C.substituteVars([this.formula], (v) => renamed.get(C.varInfo(v).pos) ?? v);
    return new LazyTensor(f!, swapped, 't()');
  }

  // Arithmetic and elementwise math (dims equal, or 1 broadcast).
  /** this + other. */
  add(other: LazyOperand): LazyTensor {
    return this.op('add', [other], C.add);
  }
  /** this - other. */
  sub(other: LazyOperand): LazyTensor {
    return this.op('sub', [other], C.sub);
  }
  /** this * other. */
  mul(other: LazyOperand): LazyTensor {
    return this.op('mul', [other], C.mul);
  }
  /** this / other. */
  div(other: LazyOperand): LazyTensor {
    return this.op('div', [other], C.div);
  }
  /** -this. */
  neg(): LazyTensor {
    return this.op('neg', [], C.minus);
  }
  /** |this|. */
  abs(): LazyTensor {
    return this.op('abs', [], C.abs);
  }
  /** 1 / this. */
  inv(): LazyTensor {
    return this.op('inv', [], C.inv);
  }
  /** e^this. */
  exp(): LazyTensor {
    return this.op('exp', [], C.exp);
  }
  /** Natural logarithm. */
  log(): LazyTensor {
    return this.op('log', [], C.log);
  }
  /** x log x, 0 at 0. */
  xlogx(): LazyTensor {
    return this.op('xlogx', [], C.xlogx);
  }
  /** Square root (gradient 0 at 0). */
  sqrt(): LazyTensor {
    return this.op('sqrt', [], C.sqrt);
  }
  /** 1/sqrt(x), 0 at 0. */
  rsqrt(): LazyTensor {
    return this.op('rsqrt', [], C.rsqrt);
  }
  /** this^2. */
  square(): LazyTensor {
    return this.op('square', [], C.square);
  }
  /**
   * x^p: an integer p is exact (Pow), 0.5 and -0.5 are Sqrt and Rsqrt, other numbers, tensors and
   * LazyTensors give Powf (x > 0).
   */
  pow(p: LazyOperand): LazyTensor {
    if (typeof p === 'number' && Number.isSafeInteger(p)) return this.op('pow', [], (a) => C.pow(a, p));
    if (p === 0.5) return this.sqrt();
    if (p === -0.5) return this.rsqrt();
    return this.op('pow', [p], C.powf);
  }
  /** max(this, 0). */
  relu(): LazyTensor {
    return this.op('relu', [], C.relu);
  }
  /** 1 where x >= 0, else 0. */
  step(): LazyTensor {
    return this.op('step', [], C.step);
  }
  /** Sign: -1, 0 or 1 (zero gradient). */
  sign(): LazyTensor {
    return this.op('sign', [], C.sign);
  }
  /** Sine. */
  sin(): LazyTensor {
    return this.op('sin', [], C.sin);
  }
  /** Cosine. */
  cos(): LazyTensor {
    return this.op('cos', [], C.cos);
  }
  /** Arcsine. */
  asin(): LazyTensor {
    return this.op('asin', [], C.asin);
  }
  /** Arccosine. */
  acos(): LazyTensor {
    return this.op('acos', [], C.acos);
  }
  /** Arctangent. */
  atan(): LazyTensor {
    return this.op('atan', [], C.atan);
  }
  /** atan2(this, other). */
  atan2(other: LazyOperand): LazyTensor {
    return this.op('atan2', [other], C.atan2);
  }
  /** sin(x)/x, 1 at 0. */
  sinxdivx(): LazyTensor {
    return this.op('sinxdivx', [], C.sinXDivX);
  }
  /** sin(pi x)/(pi x). */
  sinc(): LazyTensor {
    return this.op('sinc', [], (a) => C.sinXDivX(C.mul(C.floatCst(Math.PI), a)));
  }
  /** Floor (zero gradient). */
  floor(): LazyTensor {
    return this.op('floor', [], C.floor);
  }
  /** Rounds to `decimals` digits, halves away from zero. */
  round(decimals = 0): LazyTensor {
    return this.op('round', [], (a) => C.round(a, decimals));
  }
  /** Clamped to [lo, hi] (integer number bounds are exact constants). */
  clamp(lo: LazyOperand, hi: LazyOperand): LazyTensor {
    if (typeof lo === 'number' && typeof hi === 'number' && lo > hi)
      throw new ValueError(`clamp(lo, hi): lo = ${lo} is above hi = ${hi}; swap them`);
    if (Number.isSafeInteger(lo) && Number.isSafeInteger(hi))
      return this.op('clamp', [], (a) => C.clampInt(a, lo as number, hi as number));
    return this.op('clamp', [lo, hi], C.clamp);
  }
  /** a where this >= 0, b elsewhere. */
  ifelse(a: LazyOperand, b: LazyOperand): LazyTensor {
    return this.op('ifelse', [a, b], C.ifElse);
  }
  /** x - n floor((x - offset) / n): x reduced into [offset, offset + n). */
  mod(n: LazyOperand, offset: LazyOperand = 0): LazyTensor {
    return this.op('mod', [n, offset], C.mod);
  }
  /** 1 where this < other, else 0 (zero gradient). */
  lt(other: LazyOperand): LazyTensor {
    return this.op('lt', [other], C.lessThan);
  }
  /** 1 where this <= other, else 0 (zero gradient). */
  le(other: LazyOperand): LazyTensor {
    return this.op('le', [other], C.lessOrEqual);
  }
  /** 1 where this > other, else 0 (zero gradient). */
  gt(other: LazyOperand): LazyTensor {
    return this.op('gt', [other], C.greaterThan);
  }
  /** 1 where this >= other, else 0 (zero gradient). */
  ge(other: LazyOperand): LazyTensor {
    return this.op('ge', [other], C.greaterOrEqual);
  }
  /** 1 where this == other, else 0 (zero gradient). */
  eq(other: LazyOperand): LazyTensor {
    return this.op('eq', [other], C.equal);
  }
  /** 1 where this != other, else 0 (zero gradient). */
  ne(other: LazyOperand): LazyTensor {
    return this.op('ne', [other], C.notEqual);
  }

  // Vector ops.
  /** Squared Euclidean distance |x - y|^2 (equal dims). */
  sqdist(other: LazyOperand): LazyTensor {
    return this.op('sqdist', [other], C.sqDist);
  }
  /** Squared Euclidean norm |x|^2. */
  sqnorm2(): LazyTensor {
    return this.op('sqnorm2', [], C.sqNorm2);
  }
  /** Euclidean norm |x| (gradient 0 at 0). */
  norm2(): LazyTensor {
    return this.op('norm2', [], C.norm2);
  }
  /** x / |x| (0 stays 0). */
  normalize(): LazyTensor {
    return this.op('normalize', [], C.normalize);
  }
  /** Scalar product x|y (equal dims). */
  dot(other: LazyOperand): LazyTensor {
    return this.op('dot', [other], C.scalprod);
  }
  /** Weighted squared norm: s of dim 1 (isotropic), D (diagonal) or D*D (full, row-major). */
  weightedsqnorm(s: LazyOperand): LazyTensor {
    return this.op('weightedsqnorm', [s], (x, w) => C.weightedSqNorm(w, x));
  }
  /** Weighted squared distance to `other` with weights `s` (as in `weightedsqnorm`). */
  weightedsqdist(other: LazyOperand, s: LazyOperand): LazyTensor {
    return this.op('weightedsqdist', [other, s], (x, y, w) => C.weightedSqDist(w, x, y));
  }
  /** Component m. */
  elem(m: number): LazyTensor {
    return this.op('elem', [], (a) => C.elem(a, m));
  }
  /** Components [start, start + d). */
  extract(start: number, d: number): LazyTensor {
    return this.op('extract', [], (a) => C.extract(a, start, d));
  }
  /** This vector followed by `other`. */
  concat(other: LazyOperand): LazyTensor {
    return this.op('concat', [other], C.concat);
  }
  /** One-hot vector of size D at position round(x) (zero gradient). */
  onehot(D: number): LazyTensor {
    return this.op('onehot', [], (a) => C.oneHot(a, D));
  }
  /** Sum of the components (an in-vector reduction; reductions over i or j are `sum(axis)`). */
  vsum(): LazyTensor {
    return this.op('vsum', [], C.sum);
  }
  /** Largest component (an in-vector reduction). */
  vmax(): LazyTensor {
    return this.op('vmax', [], C.max);
  }
  /** Smallest component (an in-vector reduction). */
  vmin(): LazyTensor {
    return this.op('vmin', [], C.min);
  }
  /** Index (as a number) of the largest component. */
  vargmax(): LazyTensor {
    return this.op('vargmax', [], C.argMax);
  }
  /** Index (as a number) of the smallest component. */
  vargmin(): LazyTensor {
    return this.op('vargmin', [], C.argMin);
  }

  // Tensor algebra (row-major).
  /** This (an n x p matrix, row-major) times the p-vector `v`. */
  matvecmult(v: LazyOperand): LazyTensor {
    return this.op('matvecmult', [v], C.matVecMult);
  }
  /** This (an n-vector) times the n x p matrix `A` (row-major). */
  vecmatmult(A: LazyOperand): LazyTensor {
    return this.op('vecmatmult', [A], C.vecMatMult);
  }
  /** Outer product: entry k * n + l is x_k y_l. */
  tensorprod(other: LazyOperand): LazyTensor {
    return this.op('tensorprod', [other], C.tensorProd);
  }
  /**
   * General contraction of this (a row-major tensor of shape `dims`) with `other` (shape
   * `otherDims`): axes `contract` of this against `otherContract`, remaining axes reordered by
   * `permute`.
   */
  tensordot(
    other: LazyOperand,
    dims: readonly number[],
    otherDims: readonly number[],
    contract: readonly number[],
    otherContract: readonly number[],
    permute?: readonly number[],
  ): LazyTensor {
    return this.op('tensordot', [other], (a, b) =>
      C.tensorDot(a, b, dims, otherDims, contract, otherContract, permute),
    );
  }

  // Symbolic calculus.
  /** (d this / d v)^T e, a new formula: v is Vi/Vj/Pm of a tensor used in this formula. */
  grad(v: LazyTensor, e: LazyOperand): LazyTensor {
    const leaf = this.leafVariable(v, 'grad(v)');
    return this.op('grad', [e], (f, g) => C.grad(f, leaf, g));
  }
  /** (d this / d v) u: the directional derivative along u (dim of v). */
  diff(v: LazyTensor, u: LazyOperand): LazyTensor {
    const leaf = this.leafVariable(v, 'diff(v)');
    return this.op('diff', [u], (f, w) => C.diff(f, leaf, w));
  }

  // Reductions over a named index. All return tensors at once; nothing waits.
  /** sum over the index `axis`: `[...batch, N, D]` for 'j', `[...batch, M, D]` for 'i'. */
  sum(axis: Axis, options?: LazyReductionOptions): Tensor {
    return reduceLazy(this, 'Sum', axis, {}, options)[0]!;
  }
  /** log sum exp(F) (F scalar), or log sum exp(F) w with `weight` w (positive). */
  logsumexp(axis: Axis, options: LazyReductionOptions & { weight?: LazyTensor | Tensor } = {}): Tensor {
    const { weight, ...rest } = options;
    return reduceLazy(this, 'LogSumExp', axis, weight === undefined ? {} : { weight }, rest)[0]!;
  }
  /** sum exp(F) w / sum exp(F): the softmax-weighted average of `weight` (F scalar). */
  sumsoftmaxweight(axis: Axis, weight: LazyTensor | Tensor, options?: LazyReductionOptions): Tensor {
    if (weight === undefined) throw new ValueError('sumsoftmaxweight(axis, weight): weight is required');
    return reduceLazy(this, 'SumSoftMaxWeight', axis, { weight }, options)[0]!;
  }
  /** Componentwise minimum (no gradient: use argmin and gather). */
  min(axis: Axis, options?: LazyReductionOptions): Tensor {
    return reduceLazy(this, 'Min', axis, {}, options)[0]!;
  }
  /** Componentwise maximum (no gradient: use argmax and gather). */
  max(axis: Axis, options?: LazyReductionOptions): Tensor {
    return reduceLazy(this, 'Max', axis, {}, options)[0]!;
  }
  /** int32 index of the (first) minimum, componentwise. */
  argmin(axis: Axis, options?: LazyReductionOptions): Tensor {
    return reduceLazy(this, 'ArgMin', axis, {}, options)[0]!;
  }
  /** int32 index of the (first) maximum, componentwise. */
  argmax(axis: Axis, options?: LazyReductionOptions): Tensor {
    return reduceLazy(this, 'ArgMax', axis, {}, options)[0]!;
  }
  /** [minimum, int32 index]. */
  minArgmin(axis: Axis, options?: LazyReductionOptions): [Tensor, Tensor] {
    return reduceLazy(this, 'MinArgMin', axis, {}, options) as [Tensor, Tensor];
  }
  /** [maximum, int32 index]. */
  maxArgmax(axis: Axis, options?: LazyReductionOptions): [Tensor, Tensor] {
    return reduceLazy(this, 'MaxArgMax', axis, {}, options) as [Tensor, Tensor];
  }
  /** The K smallest values, ascending: `[..., rows, K, D]`, or `[..., rows, K]` when D = 1. */
  kmin(axis: Axis, K: number, options?: LazyReductionOptions): Tensor {
    return reduceLazy(this, 'KMin', axis, { k: K }, options)[0]!;
  }
  /** int32 indices of the K smallest values (same layout as `kmin`). */
  argkmin(axis: Axis, K: number, options?: LazyReductionOptions): Tensor {
    return reduceLazy(this, 'ArgKMin', axis, { k: K }, options)[0]!;
  }
  /** [K smallest values, their int32 indices] (layout of `kmin`). */
  kminArgkmin(axis: Axis, K: number, options?: LazyReductionOptions): [Tensor, Tensor] {
    return reduceLazy(this, 'KMinArgKMin', axis, { k: K }, options) as [Tensor, Tensor];
  }
  /**
   * `K @ b` for a scalar formula K: `sum_j K_ij b_j`, with b `[M, E]` (result `[N, E]`), `[M]`
   * (result `[N]`), or batched `[..., M, E]`.
   */
  matmul(b: Tensor, options?: LazyReductionOptions): Tensor {
    if (!(b instanceof Tensor))
      throw new ValueError(
        'matmul(b): b must be a Tensor of shape [M] or [..., M, E]; for symbolic products use mul and sum',
      );
    if (this.dim !== 1)
      throw new ShapeError(
        `matmul(b): K @ b needs a scalar formula, this LazyTensor has dim ${this.dim}; multiply by Vj(b) and sum('j') instead`,
      );
    if (b.rank === 1) {
      const out = this.mul(Vj(b.reshape([b.size, 1]))).sum('j', options);
      return out.reshape(out.shape.slice(0, -1));
    }
    return this.mul(Vj(b)).sum('j', options);
  }

  /** A short description (shape and root operation). */
  toString(): string {
    return `LazyTensor(shape=[${this.shape}], formula=${this.formula.op})`;
  }

  /** Combines this formula with operands through `build`; core-ir errors get the op's name. */
  private op(
    name: string,
    operands: readonly LazyOperand[],
    build: (...fs: Formula[]) => Formula,
  ): LazyTensor {
    const lazies = operands.map((o, k) => toLazy(o, `${name}(${k === 0 ? 'other' : `argument ${k + 1}`})`));
    const bindings = new Map(this.bindings);
    for (const l of lazies) for (const [pos, b] of l.bindings) bindings.set(pos, b);
    let formula: Formula;
    try {
      formula = build(this.formula, ...lazies.map((l) => l.formula));
    } catch (e) {
      if (e instanceof SymtensorError) {
        const dims = [this, ...lazies].map((l) => l.dim).join(', ');
        const err = new (e.constructor as new (m: string) => SymtensorError)(
          `${name}: ${e.message} (operand dims: ${dims})`,
        );
        err.cause = e;
        throw err;
      }
      throw e;
    }
    return new LazyTensor(formula, bindings, name);
  }

  private leafVariable(v: LazyTensor, what: string): Formula {
    if (
      !(v instanceof LazyTensor) ||
      v.formula.op !== C.Op.Var ||
      !this.bindings.has(C.varInfo(v.formula).pos)
    )
      throw new ValueError(`${what}: v must be Vi(x), Vj(y) or Pm(p) of a tensor used in this formula`);
    return v.formula;
  }
}

/** A LazyTensor operand: numbers are exact constants (integers) or parameters, tensors parameters. */
function toLazy(value: LazyOperand, what: string): LazyTensor {
  if (value instanceof LazyTensor) return value;
  if (typeof value === 'number' && Number.isSafeInteger(value))
    return new LazyTensor(C.intCst(value), new Map(), what);
  if (typeof value === 'number' || value instanceof Tensor) return Pm(value, what);
  throw new ValueError(`${what} must be a LazyTensor, a Tensor or a number, got ${typeof value}`);
}
