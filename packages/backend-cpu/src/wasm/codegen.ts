/**
 * The WebAssembly SIMD generator: a core-ir `LoweredKernel` (reduction) becomes a module whose
 * function `k(groups, reduced, tile, ...inputPtrs, ...outputPtrs)` computes `groups` groups of
 * L rows (L = 4 for float32, 2 for float64), one row per vector lane, one or two groups per pass
 * over j (`groups` is a multiple of that).
 *
 * Rows per lane, not reduced indices per lane: every lane folds its own row's j values in the
 * same order as the JavaScript path (tile by tile, merged with the program's `merge`), so sums,
 * ties of ArgMin / KMin and LogSumExp's running max behave exactly as there, and no cross-lane
 * reduction is needed at the end. Data-dependent `if`s become masks: each branch runs only when
 * some lane takes it (`v128.any_true`), and its assignments are blended into the taken lanes
 * (`v128.bitselect`). The KMin insertion chain and LogSumExp's rare new-max branch are thus
 * skipped for most groups of j values.
 *
 * Memory layout (built by `glue.ts`): i-variables interleaved per group, `[group][component][lane]`,
 * so one `v128.load` reads a component of L rows; j-variables and parameters as stored, read with
 * `load32_splat` / `load64_splat`; outputs interleaved like i-variables.
 *
 * Values: float types are f32x4 / f64x2. Integer values (ArgMin indices) are i32x4 in float32
 * kernels and exact integers in f64x2 lanes in float64 kernels (two lanes each way). Truth values
 * are lane masks. Kernels this generator cannot express throw `WasmUnsupported`; the cache then
 * uses the JavaScript kernel (see `kernel-cache.ts`).
 */
import { Alu, type Expr, type Idx, type LoweredKernel, type ScalarType, type Stmt } from '@symtensor/core-ir';
import { encodeModule, FuncBuilder, Op, Simd, VOID } from './encoder.js';
import { expF32, f32x4, f64x2, i32x4, logF32, sinCosF32 } from './vmath.js';

/** Why a kernel stays on the JavaScript path (not a user-facing error: the cache catches it). */
export class WasmUnsupported extends Error {
  override name = 'WasmUnsupported';
}

export interface WasmKernel {
  readonly bytes: Uint8Array;
  /** Rows per vector. */
  readonly lanes: number;
  /** Row groups per pass over j: `k`'s `groups` must be a multiple of it. */
  readonly groupsPerStep: number;
  /**
   * Whether the reduction accumulates (Sum, LogSumExp families: state of the accumulator type).
   * Selections (Min, ArgMin, KMin...) give the same result for any tiling (ties go to the smaller
   * index), so the caller runs them as one tile: restarting the K best every tile would re-enter
   * the insertion branch for the first indices of each tile.
   */
  readonly accumulates: boolean;
  /** Imported `Math` functions, in import order. */
  readonly imports: readonly string[];
}

/** Math functions a kernel may import for lanes computed in float64 (by name of `Math`). */
const SCALAR_MATH = ['exp', 'log', 'sin', 'cos', 'asin', 'acos', 'atan'] as const;
type ScalarMath = (typeof SCALAR_MATH)[number];

/** i-variables and parameters up to this dimension are loaded into locals once per row group. */
const HOIST_DIM = 16;

/**
 * Row groups computed together per j in branch-free pairs: their independent dependency chains (a
 * vectorised exp is some 30 dependent operations) interleave, and the loop overhead is shared.
 * Pairs with branches (KMin, LogSumExp) keep one group: measured faster, as each group's branch is
 * then taken less often and the code stays small.
 */
const GROUPS_BRANCH_FREE = 2;

type Kind = 'F' | 'I' | 'M';

export function generateWasm(
  k: LoweredKernel,
  dtype: 'float32' | 'float64',
  accumulator: string,
): WasmKernel {
  return new Generator(k, dtype, accumulator).generate();
}

class Generator {
  private readonly f32: boolean;
  private readonly lanes: number;
  private readonly bytes: number;
  private readonly f: FuncBuilder;
  private readonly imports: ScalarMath[] = [];
  private readonly varTypes = new Map<number, ScalarType>();
  private readonly vals = new Map<number, number>();
  private readonly loops = new Map<number, number>();
  /** State locals by `row group,slot,copy,index`. */
  private readonly stateLocals = new Map<string, number>();
  /** Hoisted loads by `slot,input,index`. */
  private readonly hoisted = new Map<string, number>();
  private swap: 0 | 1 = 0;
  /** Which of the `groupsPerStep` row groups the statements being emitted belong to. */
  private slot = 0;
  private readonly groupsPerStep: number;
  // Parameter and skeleton locals.
  private readonly pGroups = 0;
  private readonly pReduced = 1;
  private readonly pTile = 2;
  private readonly inPtr: number[];
  private readonly outPtr: number[];
  private base: number[] = [];
  private outBase: number[] = [];
  private jLocal = -1;

  constructor(
    private readonly k: LoweredKernel,
    dtype: 'float32' | 'float64',
    accumulator: string,
  ) {
    if (k.kind !== 'reduction')
      throw new WasmUnsupported('map kernels (memory-bound) stay on the JavaScript path');
    if (accumulator !== dtype)
      throw new WasmUnsupported(`a ${accumulator} accumulator for ${dtype} data (lanes of two widths)`);
    this.f32 = dtype === 'float32';
    this.lanes = this.f32 ? 4 : 2;
    this.bytes = this.f32 ? 4 : 8;
    const nParams = 3 + k.inputs.length + k.outputs.length;
    this.f = new FuncBuilder(nParams);
    this.inPtr = k.inputs.map((_, n) => 3 + n);
    this.groupsPerStep = hasBranch(k.pair) ? 1 : GROUPS_BRANCH_FREE;
    this.outPtr = k.outputs.map((_, o) => 3 + k.inputs.length + o);
  }

  generate(): WasmKernel {
    const { k, f } = this;
    const walk = (stmts: readonly Stmt[]): void => {
      for (const s of stmts) {
        if (s.t === 'let' || s.t === 'var') this.varTypes.set(s.id, s.ty);
        if (s.t === 'array' || s.t === 'store') throw new WasmUnsupported('local arrays');
        if (s.t === 'stset' && s.idx.terms.length > 0)
          throw new WasmUnsupported('loop-indexed reduction state');
        if (s.t === 'for') walk(s.body);
        if (s.t === 'if') {
          walk(s.then);
          walk(s.else);
        }
      }
    };
    [k.row, k.init, k.pair, k.merge, k.finalize].forEach(walk);
    const g = f.local('i32');
    const t0 = f.local('i32');
    const t1 = f.local('i32');
    this.jLocal = f.local('i32');
    const j = this.jLocal;
    this.base = k.inputs.map(() => f.local('i32'));
    this.outBase = k.outputs.map(() => f.local('i32'));
    const groupBytes = (dim: number) => dim * 16;

    f.i32(0).set(g);
    f.op(Op.block, VOID).op(Op.loop, VOID);
    f.get(g).get(this.pGroups).op(Op.i32GeU).br(1, true);
    k.inputs.forEach((v, n) => {
      if (v.cat === 'i')
        f.get(this.inPtr[n]!).get(g).i32(groupBytes(v.dim)).op(Op.i32Mul, Op.i32Add).set(this.base[n]!);
      if (v.cat === 'p') f.get(this.inPtr[n]!).set(this.base[n]!);
    });
    k.outputs.forEach((o, n) => {
      f.get(this.outPtr[n]!).get(g).i32(groupBytes(o.dim)).op(Op.i32Mul, Op.i32Add).set(this.outBase[n]!);
    });
    // Row-invariant loads, once per group: V8 does not hoist them out of the j loop itself.
    this.perSlot(() =>
      k.inputs.forEach((v, n) => {
        if (v.cat === 'j' || v.dim > HOIST_DIM) return;
        for (let c = 0; c < v.dim; c++) {
          const local = f.local('v128');
          this.load(n, { terms: [], offset: c });
          f.set(local);
          this.hoisted.set(`${this.slot},${n},${c}`, local);
        }
      }),
    );
    this.perSlot(() => {
      this.stmts(k.row, undefined);
      this.stmts(k.init, undefined);
    });
    f.i32(0).set(t0);
    f.op(Op.block, VOID).op(Op.loop, VOID);
    f.get(t0).get(this.pReduced).op(Op.i32GeU).br(1, true);
    // t1 = reduced - t0 <= tile ? reduced : t0 + tile (no overflow for any tile).
    f.get(this.pReduced).get(t0).get(this.pTile).op(Op.i32Add);
    f.get(this.pReduced).get(t0).op(Op.i32Sub).get(this.pTile).op(Op.i32LeU).op(Op.select).set(t1);
    this.swap = 1;
    this.perSlot(() => this.stmts(k.init, undefined));
    f.get(t0).set(j);
    k.inputs.forEach((v, n) => {
      if (v.cat === 'j')
        f.get(this.inPtr[n]!)
          .get(j)
          .i32(v.dim * this.bytes)
          .op(Op.i32Mul, Op.i32Add)
          .set(this.base[n]!);
    });
    f.op(Op.block, VOID).op(Op.loop, VOID);
    f.get(j).get(t1).op(Op.i32GeU).br(1, true);
    this.perSlot(() => this.stmts(k.pair, undefined));
    f.get(j).i32(1).op(Op.i32Add).set(j);
    k.inputs.forEach((v, n) => {
      if (v.cat === 'j')
        f.get(this.base[n]!)
          .i32(v.dim * this.bytes)
          .op(Op.i32Add)
          .set(this.base[n]!);
    });
    f.br(0).op(Op.end, Op.end);
    this.swap = 0;
    this.perSlot(() => this.stmts(k.merge, undefined));
    f.get(t1).set(t0);
    f.br(0).op(Op.end, Op.end);
    this.perSlot(() => this.stmts(k.finalize, undefined));
    f.get(g).i32(this.groupsPerStep).op(Op.i32Add).set(g);
    f.br(0).op(Op.end, Op.end);
    const bytes = encodeModule({
      imports: this.imports,
      params: Array.from({ length: 3 + k.inputs.length + k.outputs.length }, () => 'i32' as const),
      body: f,
    });
    return {
      bytes,
      lanes: this.lanes,
      groupsPerStep: this.groupsPerStep,
      accumulates: k.state.some((s) => s.ty === 'acc'),
      imports: this.imports,
    };
  }

  private perSlot(emit: () => void): void {
    for (this.slot = 0; this.slot < this.groupsPerStep; this.slot++) emit();
    this.slot = 0;
  }

  // ---- statements ----

  private stmts(stmts: readonly Stmt[], mask: number | undefined): void {
    const { f } = this;
    for (const s of stmts) {
      switch (s.t) {
        case 'let':
        case 'var':
          this.value(s.e, this.kindOfType(s.ty));
          f.set(this.val(s.id));
          break;
        case 'set':
          this.value(s.e, this.kindOfType(this.varTypes.get(s.id) ?? 'f'));
          this.assign(this.val(s.id), mask);
          break;
        case 'stset':
          this.value(s.e, this.kindOfType(this.k.state[s.slot]!.ty));
          this.assign(this.stateLocal(s.slot, s.copy, s.idx.offset), mask);
          break;
        case 'out': {
          const o = this.k.outputs[s.out]!;
          const at = 16 * (s.idx.offset + this.slot * o.dim);
          this.address(this.outBase[s.out]!, s.idx, 16);
          this.value(s.e, o.type === 'i' ? 'I' : 'F');
          if (mask !== undefined) {
            // Untaken lanes keep what is stored.
            this.address(this.outBase[s.out]!, s.idx, 16);
            f.simdMem(Simd.load, 4, at).get(mask).simd(Simd.bitselect);
          }
          f.simdMem(Simd.store, 4, at);
          break;
        }
        case 'for': {
          const l = f.local('i32');
          this.loops.set(s.loop, l);
          f.i32(0).set(l);
          f.op(Op.block, VOID).op(Op.loop, VOID);
          f.get(l).i32(s.n).op(Op.i32GeS).br(1, true);
          this.stmts(s.body, mask);
          f.get(l).i32(1).op(Op.i32Add).set(l);
          f.br(0).op(Op.end, Op.end);
          break;
        }
        case 'if': {
          const cond = f.local('v128');
          this.value(s.cond, 'M');
          f.set(cond);
          for (const [branch, taken] of [
            [s.then, true],
            [s.else, false],
          ] as const) {
            if (branch.length === 0) continue;
            const m = f.local('v128');
            if (mask === undefined) {
              f.get(cond);
              if (!taken) f.simd(Simd.not);
            } else if (taken) f.get(mask).get(cond).simd(Simd.and);
            else f.get(mask).get(cond).simd(Simd.andnot);
            f.tee(m).simd(Simd.anyTrue).op(Op.if, VOID);
            this.stmts(branch, m);
            f.op(Op.end);
          }
          break;
        }
        case 'array':
        case 'store':
          throw new WasmUnsupported('local arrays');
      }
    }
  }

  /** Stores the value on the stack into `local`, only in the lanes of `mask` when there is one. */
  private assign(local: number, mask: number | undefined): void {
    if (mask !== undefined) this.f.get(local).get(mask).simd(Simd.bitselect);
    this.f.set(local);
  }

  private val(id: number): number {
    const key = id * this.groupsPerStep + this.slot;
    let l = this.vals.get(key);
    if (l === undefined) {
      l = this.f.local('v128');
      this.vals.set(key, l);
    }
    return l;
  }

  private stateLocal(slot: number, copy: 0 | 1, idx: number): number {
    const key = `${this.slot},${slot},${copy ^ this.swap},${idx}`;
    let l = this.stateLocals.get(key);
    if (l === undefined) {
      l = this.f.local('v128');
      this.stateLocals.set(key, l);
    }
    return l;
  }

  private kindOfType(ty: ScalarType): Kind {
    return ty === 'i' ? 'I' : 'F';
  }

  // ---- addresses ----

  /** Pushes `base + (loop terms) * scale`; the constant part goes into the memarg offset. */
  private address(base: number, idx: Idx, scale: number): void {
    const { f } = this;
    f.get(base);
    for (const [loop, stride] of idx.terms) {
      const l = this.loops.get(loop);
      if (l === undefined) throw new WasmUnsupported(`loop ${loop} used outside its body`);
      f.get(l)
        .i32(stride * scale)
        .op(Op.i32Mul, Op.i32Add);
    }
  }

  /** Pushes the index value as an i32. */
  private index(idx: Idx): void {
    const { f } = this;
    f.i32(idx.offset);
    for (const [loop, stride] of idx.terms) f.get(this.loops.get(loop)!).i32(stride).op(Op.i32Mul, Op.i32Add);
  }

  private load(input: number, idx: Idx): void {
    const v = this.k.inputs[input]!;
    const { f } = this;
    if (v.cat === 'i') {
      this.address(this.base[input]!, idx, 16);
      f.simdMem(Simd.load, 4, 16 * (idx.offset + this.slot * v.dim));
    } else {
      this.address(this.base[input]!, idx, this.bytes);
      f.simdMem(this.f32 ? Simd.load32Splat : Simd.load64Splat, this.f32 ? 2 : 3, this.bytes * idx.offset);
    }
  }

  // ---- expressions ----

  private kindOf(e: Expr): Kind {
    switch (e.t) {
      case 'num':
      case 'in':
      case 'ix':
        return 'F';
      case 'int':
      case 'j':
        return 'I';
      case 'ref':
        return this.kindOfType(this.varTypes.get(e.id) ?? 'f');
      case 'st':
        return this.kindOfType(this.k.state[e.slot]!.ty);
      case 'arr':
        throw new WasmUnsupported('local arrays');
      case 'cast':
        return this.kindOfType(e.to);
      case 'alu':
        switch (e.op) {
          case Alu.Lt:
          case Alu.Le:
          case Alu.Eq:
          case Alu.Ne:
          case Alu.IsNan:
          case Alu.And:
          case Alu.Or:
            return 'M';
          case Alu.Select: {
            const a = this.kindOf(e.args[1]!);
            const b = this.kindOf(e.args[2]!);
            return a === b ? a : a === 'F' || b === 'F' ? 'F' : 'I';
          }
          case Alu.Add:
          case Alu.Sub:
          case Alu.Mul:
          case Alu.Neg:
            return e.args.every((a) => this.kindOf(a) === 'I') ? 'I' : 'F';
          default:
            return 'F';
        }
    }
  }

  /** Pushes `e` converted to kind `want`. */
  private value(e: Expr, want: Kind): void {
    const have = this.expr(e, want);
    this.convert(have, want);
  }

  private convert(from: Kind, to: Kind): void {
    const { f } = this;
    if (from === to) return;
    if (from === 'M') {
      if (to === 'F' || !this.f32) this.fconst(1);
      else i32x4(f, 1);
      f.simd(Simd.and);
    } else if (to === 'M') {
      if (from === 'F' || !this.f32) {
        this.fconst(0);
        f.simd(this.f32 ? Simd.f32x4Ne : Simd.f64x2Ne);
      } else {
        i32x4(f, 0);
        f.simd(Simd.i32x4Ne);
      }
    } else if (this.f32) f.simd(to === 'F' ? Simd.f32x4ConvertI32x4S : Simd.i32x4TruncSatF32x4S);
    else if (to === 'I') f.simd(Simd.f64x2Trunc);
  }

  private fconst(v: number): void {
    if (this.f32) f32x4(this.f, v);
    else f64x2(this.f, v);
  }

  /** Float op by mode. */
  private fop(op32: number, op64: number): void {
    this.f.simd(this.f32 ? op32 : op64);
  }

  /** Pushes `e` in its natural kind (or `hint` for constants) and returns that kind. */
  private expr(e: Expr, hint: Kind): Kind {
    const { f } = this;
    switch (e.t) {
      case 'num':
        this.fconst(e.v);
        return 'F';
      case 'int':
        if (hint === 'F' || !this.f32) {
          this.fconst(e.v);
          return this.f32 ? 'F' : 'I';
        }
        i32x4(f, e.v);
        return 'I';
      case 'ref':
        f.get(this.val(e.id));
        return this.kindOf(e);
      case 'st':
        if (e.idx.terms.length > 0) throw new WasmUnsupported('loop-indexed reduction state');
        f.get(this.stateLocal(e.slot, e.copy, e.idx.offset));
        return this.kindOf(e);
      case 'in': {
        const hoisted =
          e.idx.terms.length === 0 ? this.hoisted.get(`${this.slot},${e.input},${e.idx.offset}`) : undefined;
        if (hoisted !== undefined) f.get(hoisted);
        else this.load(e.input, e.idx);
        return 'F';
      }
      case 'arr':
        throw new WasmUnsupported('local arrays');
      case 'ix':
        this.index(e.idx);
        if (this.f32) f.op(Op.f32ConvertI32S).simd(Simd.f32x4Splat);
        else f.op(Op.f64ConvertI32S).simd(Simd.f64x2Splat);
        return 'F';
      case 'j':
        f.get(this.jLocal);
        if (this.f32) f.simd(Simd.i32x4Splat);
        else f.op(Op.f64ConvertI32S).simd(Simd.f64x2Splat);
        return 'I';
      case 'cast': {
        const to = this.kindOfType(e.to);
        this.value(e.e, to);
        return to;
      }
      case 'alu':
        return this.alu(e.op, e.args);
    }
  }

  private tmp(): number {
    return this.f.local('v128');
  }

  private alu(op: Alu, args: readonly Expr[]): Kind {
    const { f } = this;
    const [a, b, c] = args;
    const arith = (op32: number, op64: number, i32op: number): Kind => {
      const kind = this.kindOf({ t: 'alu', op, args });
      this.value(a!, kind);
      this.value(b!, kind);
      if (kind === 'I' && this.f32) f.simd(i32op);
      else this.fop(op32, op64);
      return kind;
    };
    const unary = (op32: number, op64: number): Kind => {
      this.value(a!, 'F');
      this.fop(op32, op64);
      return 'F';
    };
    const cmp = (op32: number, op64: number, i32op: number): Kind => {
      const kind = this.kindOf(a!) === 'I' && this.kindOf(b!) === 'I' ? 'I' : 'F';
      this.value(a!, kind);
      this.value(b!, kind);
      if (kind === 'I' && this.f32) f.simd(i32op);
      else this.fop(op32, op64);
      return 'M';
    };
    /** Evaluates the operand once into a local x; `body` builds the result from it. */
    const withX = (body: (x: number) => void): Kind => {
      const x = this.tmp();
      this.value(a!, 'F');
      f.set(x);
      body(x);
      return 'F';
    };
    const isZero = (x: number) => {
      f.get(x);
      this.fconst(0);
      this.fop(Simd.f32x4Eq, Simd.f64x2Eq);
    };
    switch (op) {
      case Alu.Add:
        return arith(Simd.f32x4Add, Simd.f64x2Add, Simd.i32x4Add);
      case Alu.Sub:
        return arith(Simd.f32x4Sub, Simd.f64x2Sub, Simd.i32x4Sub);
      case Alu.Mul:
        return arith(Simd.f32x4Mul, Simd.f64x2Mul, Simd.i32x4Mul);
      case Alu.Div:
        this.value(a!, 'F');
        this.value(b!, 'F');
        this.fop(Simd.f32x4Div, Simd.f64x2Div);
        return 'F';
      case Alu.Neg: {
        if (this.kindOf(a!) === 'I' && this.f32) {
          i32x4(f, 0);
          this.value(a!, 'I');
          f.simd(Simd.i32x4Sub);
          return 'I';
        }
        const kind = this.kindOf(a!) === 'I' ? 'I' : 'F';
        this.value(a!, kind);
        this.fop(Simd.f32x4Neg, Simd.f64x2Neg);
        return kind;
      }
      case Alu.Inv:
        this.fconst(1);
        this.value(a!, 'F');
        this.fop(Simd.f32x4Div, Simd.f64x2Div);
        return 'F';
      case Alu.Min:
        return this.floatBinary(a!, b!, Simd.f32x4Min, Simd.f64x2Min);
      case Alu.Max:
        return this.floatBinary(a!, b!, Simd.f32x4Max, Simd.f64x2Max);
      case Alu.Sqrt:
        return unary(Simd.f32x4Sqrt, Simd.f64x2Sqrt);
      case Alu.Abs:
        return unary(Simd.f32x4Abs, Simd.f64x2Abs);
      case Alu.Floor:
        return unary(Simd.f32x4Floor, Simd.f64x2Floor);
      case Alu.Relu:
        // max(x, 0): NaN stays NaN and -0 gives +0, as Math.max.
        this.value(a!, 'F');
        this.fconst(0);
        this.fop(Simd.f32x4Max, Simd.f64x2Max);
        return 'F';
      case Alu.Exp:
      case Alu.Log:
      case Alu.Sin:
      case Alu.Cos:
        this.value(a!, 'F');
        this.transcendental(op);
        return 'F';
      case Alu.Asin:
      case Alu.Acos:
      case Alu.Atan:
        this.value(a!, 'F');
        this.scalarLanes(op);
        return 'F';
      case Alu.Rsqrt:
        // 1 / sqrt(x), and 0 at x = 0 (KeOps' convention).
        return withX((x) => {
          this.fconst(0);
          this.fconst(1);
          f.get(x);
          this.fop(Simd.f32x4Sqrt, Simd.f64x2Sqrt);
          this.fop(Simd.f32x4Div, Simd.f64x2Div);
          isZero(x);
          f.simd(Simd.bitselect);
        });
      case Alu.Sign:
        // 1 where x > 0, -1 where x < 0, x itself (+-0, NaN) otherwise.
        return withX((x) => {
          this.fconst(1);
          this.fconst(-1);
          f.get(x).get(x);
          this.fconst(0);
          this.fop(Simd.f32x4Lt, Simd.f64x2Lt);
          f.simd(Simd.bitselect).get(x);
          this.fconst(0);
          this.fop(Simd.f32x4Gt, Simd.f64x2Gt);
          f.simd(Simd.bitselect);
        });
      case Alu.Step:
        // 1 where x >= 0, 0 where x < 0, NaN for NaN.
        return withX((x) => {
          this.fconst(1);
          this.fconst(0);
          f.get(x).get(x);
          this.fconst(0);
          this.fop(Simd.f32x4Lt, Simd.f64x2Lt);
          f.simd(Simd.bitselect).get(x);
          this.fconst(0);
          this.fop(Simd.f32x4Ge, Simd.f64x2Ge);
          f.simd(Simd.bitselect);
        });
      case Alu.Round:
        // Half away from zero: t = trunc(x), plus copysign(1, x) where |x - t| >= 0.5.
        return withX((x) => {
          const t = this.tmp();
          f.get(x);
          this.fop(Simd.f32x4Trunc, Simd.f64x2Trunc);
          f.tee(t);
          f.get(x);
          this.signBits();
          f.simd(Simd.and);
          this.fconst(1);
          f.simd(Simd.or);
          this.fop(Simd.f32x4Add, Simd.f64x2Add);
          f.get(t).get(x).get(t);
          this.fop(Simd.f32x4Sub, Simd.f64x2Sub);
          this.fop(Simd.f32x4Abs, Simd.f64x2Abs);
          this.fconst(0.5);
          this.fop(Simd.f32x4Ge, Simd.f64x2Ge);
          f.simd(Simd.bitselect);
        });
      case Alu.XLogX:
        return withX((x) => {
          this.fconst(0);
          f.get(x).get(x);
          this.transcendental(Alu.Log);
          this.fop(Simd.f32x4Mul, Simd.f64x2Mul);
          isZero(x);
          f.simd(Simd.bitselect);
        });
      case Alu.SinXDivX:
        return withX((x) => {
          this.fconst(1);
          f.get(x);
          this.transcendental(Alu.Sin);
          f.get(x);
          this.fop(Simd.f32x4Div, Simd.f64x2Div);
          isZero(x);
          f.simd(Simd.bitselect);
        });
      case Alu.PowI: {
        if (b?.t !== 'int') throw new WasmUnsupported('powi with a non-constant exponent');
        return withX((x) => this.powi(x, b.v));
      }
      case Alu.Lt:
        return cmp(Simd.f32x4Lt, Simd.f64x2Lt, Simd.i32x4LtS);
      case Alu.Le:
        return cmp(Simd.f32x4Le, Simd.f64x2Le, Simd.i32x4LeS);
      case Alu.Eq:
        return cmp(Simd.f32x4Eq, Simd.f64x2Eq, Simd.i32x4Eq);
      case Alu.Ne:
        return cmp(Simd.f32x4Ne, Simd.f64x2Ne, Simd.i32x4Ne);
      case Alu.IsNan: {
        if (this.kindOf(a!) !== 'F') {
          // Integers and truth values are never NaN.
          this.fconst(0);
          return 'M';
        }
        const x = this.tmp();
        this.value(a!, 'F');
        f.tee(x).get(x);
        this.fop(Simd.f32x4Ne, Simd.f64x2Ne);
        return 'M';
      }
      case Alu.Select: {
        const kind = this.kindOf({ t: 'alu', op, args });
        this.value(b!, kind);
        this.value(c!, kind);
        this.value(a!, 'M');
        f.simd(Simd.bitselect);
        return kind;
      }
      case Alu.And:
      case Alu.Or:
        this.value(a!, 'M');
        this.value(b!, 'M');
        f.simd(op === Alu.And ? Simd.and : Simd.or);
        return 'M';
      default:
        throw new WasmUnsupported(`ALU op '${op}'`);
    }
  }

  private floatBinary(a: Expr, b: Expr, op32: number, op64: number): Kind {
    this.value(a, 'F');
    this.value(b, 'F');
    this.fop(op32, op64);
    return 'F';
  }

  /** The sign bit of every lane, as a v128 constant. */
  private signBits(): void {
    if (this.f32) i32x4(this.f, -0x80000000);
    else f64x2(this.f, -0);
  }

  /** x^n by binary powering of the local x (n a compile-time integer); 1/x^|n| for n < 0. */
  private powi(x: number, n: number): void {
    const { f } = this;
    if (!Number.isInteger(n) || Math.abs(n) > 64) throw new WasmUnsupported(`powi exponent ${n}`);
    if (n < 0) this.fconst(1);
    const sq = this.tmp();
    let m = Math.abs(n);
    let have = false;
    f.get(x).set(sq);
    if (m === 0) this.fconst(1);
    while (m > 0) {
      if (m & 1) {
        f.get(sq);
        if (have) this.fop(Simd.f32x4Mul, Simd.f64x2Mul);
        have = true;
      }
      m >>= 1;
      if (m > 0) {
        f.get(sq).get(sq);
        this.fop(Simd.f32x4Mul, Simd.f64x2Mul);
        f.set(sq);
      }
    }
    if (n < 0) this.fop(Simd.f32x4Div, Simd.f64x2Div);
  }

  /** exp / log / sin / cos of the vector on the stack: inline SIMD in float32, Math per lane in float64. */
  private transcendental(op: Alu): void {
    if (!this.f32) {
      this.scalarLanes(op);
      return;
    }
    if (op === Alu.Exp) expF32(this.f);
    else if (op === Alu.Log) logF32(this.f);
    else sinCosF32(this.f, op === Alu.Cos, this.importOf(op === Alu.Cos ? 'cos' : 'sin'));
  }

  /**
   * Applies the imported Math function lane by lane, in float64 (rounded once for float32): the
   * float64 kernels' transcendentals (as exact as the JavaScript path) and the rare ops without
   * a SIMD form.
   */
  private scalarLanes(op: Alu): void {
    const { f } = this;
    const fn = this.importOf(op as string as ScalarMath);
    const x = this.tmp();
    f.tee(x);
    for (let l = 0; l < this.lanes; l++) {
      f.get(x);
      if (this.f32) {
        f.lane(Simd.f32x4ExtractLane, l).op(Op.f64PromoteF32).call(fn).op(Op.f32DemoteF64);
        f.lane(Simd.f32x4ReplaceLane, l);
      } else f.lane(Simd.f64x2ExtractLane, l).call(fn).lane(Simd.f64x2ReplaceLane, l);
    }
  }

  private importOf(name: ScalarMath): number {
    if (!SCALAR_MATH.includes(name)) throw new WasmUnsupported(`ALU op '${name}'`);
    let at = this.imports.indexOf(name);
    if (at < 0) at = this.imports.push(name) - 1;
    return at;
  }
}

function hasBranch(stmts: readonly Stmt[]): boolean {
  return stmts.some((s) => s.t === 'if' || (s.t === 'for' && hasBranch(s.body)));
}
