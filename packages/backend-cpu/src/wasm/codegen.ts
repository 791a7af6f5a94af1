/**
 * The WebAssembly SIMD generator: a core-ir `LoweredKernel` (reduction) becomes a module whose
 * function `k(groups, reduced, tile, scratch, ...inputPtrs, ...outputPtrs)` computes `groups`
 * groups of L rows (L = 4 for float32, 2 for float64), one row per vector lane.
 *
 * Rows per lane, not reduced indices per lane: every lane folds its own row's j values tile by
 * tile, merged with the program's `merge`, in the same order as the JavaScript path, so sums,
 * ties of ArgMin / KMin and LogSumExp's running max behave as there, and no cross-lane reduction
 * is needed at the end. Data-dependent `if`s become masks: a then-branch runs only when some lane
 * takes it (`v128.any_true`), and assignments are blended into the taken lanes
 * (`v128.bitselect`); see `unguarded` for else-branches.
 *
 * One row group per pass over j, four j indices per pass (`J_UNROLL`). The inner loop is bound by
 * the latency of its dependency chain (a vectorised exp is some 25 dependent operations), which
 * the out-of-order core overlaps across iterations; a second interleaved row group measured
 * slower (5 % on the Gaussian product), as it takes registers the first group's temporaries and
 * constants need, and TurboFan spills. The row group's i-variables and row values are read from
 * memory cells at each use (`iCells`, `rowCells`), constants from locals loaded once
 * (`FuncBuilder`): how each came out fastest in TurboFan's hands is told where it is done.
 *
 * The LogSumExp family (when its program has the expected shape, see `shiftedFold`) runs each
 * tile in two passes: the values and their maximum M, then sum exp(value - M); so no value
 * exceeds the running maximum and the rescaling branch is never entered.
 *
 * Wide values (dims above core-ir's unroll limit) lower to counted loops over local arrays and
 * loop-indexed state (a Sum of many components, a wide weight of the LogSumExp family, KMin with
 * K x D large). The loops stay wasm loops (see `loop`), and what they index lives in memory cells,
 * one v128 per element, addressed from the loop counter: each local array, and each state slot
 * that a loop indexes (both copies). Before that, `fuseLoops` merges a loop that fills an array
 * with the loop that consumes it, so that e.g. a Sum's fold reads the weight and updates its
 * state in one pass without storing the products. Where the pair ends with such a loop that
 * touches state element k only (a Sum, a wide Min), the J_UNROLL indices of a pass share one
 * loop, each state element loaded and stored once for the four (`interleave`).
 *
 * Memory layout (built by `glue.ts`): the code's cells first (`reserved` bytes: the wide state and
 * arrays, then constants and other cells), then i-variables interleaved per group,
 * `[group][component][lane]`, so one `v128.load` reads a component of L rows; j-variables and
 * parameters as stored, read with `load32_splat` / `load64_splat`; outputs interleaved like
 * i-variables; `scratch` holds a tile of values of one row group for the two-pass fold (16 bytes
 * per reduced index).
 *
 * Values: float types are f32x4 / f64x2. Integer values (ArgMin indices) are i32x4 in float32
 * kernels and exact integers in f64x2 lanes in float64 kernels (two lanes each way). Truth values
 * are lane masks. Kernels this generator cannot express throw `WasmUnsupported`; the cache then
 * uses the JavaScript kernel (see `kernel-cache.ts`).
 */
import {
  Alu,
  type Expr,
  type Idx,
  type LoweredKernel,
  Reduction,
  type ScalarType,
  type Stmt,
} from '@symtensor/core-ir';
import { encodeModule, FuncBuilder, Op, Simd, VOID } from './encoder.js';
import { fuseLoops, isLoopIndex } from './fuse.js';
import { forEachExpr, forEachStmt } from './ir-walk.js';
import { expF32, f32x4, f64x2, i32x4, logF32, sinCosF32 } from './vmath.js';

/** Why a kernel stays on the JavaScript path (not a user-facing error: the cache catches it). */
export class WasmUnsupported extends Error {
  override name = 'WasmUnsupported';
}

export interface WasmKernel {
  readonly bytes: Uint8Array<ArrayBuffer>;
  /** End of the module's cells (constants, row values): its memory is free from this address. */
  readonly reserved: number;
  /** Rows per vector. */
  readonly lanes: number;
  /**
   * Whether the reduction accumulates (Sum, LogSumExp families: state of the accumulator type).
   * Selections (Min, ArgMin, KMin...) give the same result for any tiling (ties go to the smaller
   * index), so the caller runs them as one tile: restarting the K best every tile would re-enter
   * the insertion branch for the first indices of each tile.
   */
  readonly accumulates: boolean;
  /** Whether `k` needs a scratch area of 16 bytes per index of a tile (the two-pass fold). */
  readonly scratch: boolean;
  /** Imported `Math` functions, in import order. */
  readonly imports: readonly string[];
}

/** Math functions a kernel may import for lanes computed in float64 (by name of `Math`). */
const SCALAR_MATH = ['exp', 'log', 'sin', 'cos', 'asin', 'acos', 'atan'] as const;
type ScalarMath = (typeof SCALAR_MATH)[number];

type Kind = 'F' | 'I' | 'M';

/**
 * The fold of the LogSumExp family, split for the two-pass tile. core-ir lowers it (see
 * `reductions/logsumexp.ts`) as the value's statements, then `let m = state 0` (the running
 * maximum), `let f = value`, and `if (m < f or f is NaN) { rescale, m = f } else { add exp(f - m)
 * unless f = -inf }`. With m set beforehand to the tile's maximum, no value exceeds m, and the
 * else-branch alone computes the tile's state: the same sums as the sequential fold up to
 * rounding, and the same NaN and infinity results. The maximum is NaN where some value is NaN,
 * as the sequential fold's m becomes: a tile state of maximum -inf (a tile of NaN and -inf
 * values) would otherwise merge as an empty one, losing the NaN.
 */
interface ShiftedFold {
  /** The value's statements. */
  readonly prefix: readonly Stmt[];
  /** `let m = state 0` (slot 0, copy 0, index 0). */
  readonly max: Stmt;
  /** `let f = value`. */
  readonly value: Stmt & { t: 'let' };
  /** The else-branch. */
  readonly common: readonly Stmt[];
}

function shiftedFold(k: LoweredKernel, reduction: Reduction | undefined): ShiftedFold | undefined {
  if (reduction !== Reduction.LogSumExp && reduction !== Reduction.SumSoftMaxWeight) return undefined;
  const n = k.pair.length;
  const [max, value, fold] = k.pair.slice(n - 3);
  if (
    max?.t !== 'let' ||
    max.e.t !== 'st' ||
    max.e.slot !== 0 ||
    max.e.copy !== 0 ||
    max.e.idx.terms.length > 0 ||
    value?.t !== 'let' ||
    fold?.t !== 'if' ||
    fold.else.length === 0 ||
    k.state[0]?.size !== 1
  )
    return undefined;
  // The else-branch may read m and f, but no other value of the pair (nor a local array, as a
  // wide weight computed from j-variables is): pass two does not compute them.
  const prefix = k.pair.slice(0, n - 3);
  const prefixIds = new Set<number>();
  const prefixArrays = new Set<number>();
  forEachStmt(prefix, (s) => {
    if (s.t === 'let' || s.t === 'var') prefixIds.add(s.id);
    if (s.t === 'array') prefixArrays.add(s.arr);
  });
  if (readsAny(fold.else, prefixIds)) return undefined;
  let readsArray = false;
  forEachExpr(fold.else, (e) => {
    if (e.t === 'arr' && prefixArrays.has(e.arr)) readsArray = true;
  });
  if (readsArray) return undefined;
  return { prefix, max, value, common: fold.else };
}

export interface WasmOptions {
  /** The spec's reduction: the LogSumExp family gets the two-pass tile (see `shiftedFold`). */
  readonly reduction?: Reduction;
  /**
   * Import a shared memory and put this module's cells at `cellBase` (see `encodeModule`), for
   * modules of one kernel that share a memory across threads (`bench/memory.ts`).
   */
  readonly shared?: { readonly cellBase: number; readonly minPages: number; readonly maxPages: number };
}

export function generateWasm(
  k: LoweredKernel,
  dtype: 'float32' | 'float64',
  accumulator: string,
  options: WasmOptions = {},
): WasmKernel {
  return new Generator(fuseLoops(k), dtype, accumulator, options).generate();
}

class Generator {
  private readonly f32: boolean;
  private readonly lanes: number;
  private readonly bytes: number;
  private readonly f: FuncBuilder;
  private readonly imports: ScalarMath[] = [];
  private readonly varTypes = new Map<number, ScalarType>();
  private vals = new Map<number, number>();
  /** Per loop being emitted as a wasm loop, its index local and the index's last value. */
  private readonly loops = new Map<number, { readonly local: number; readonly last: number }>();
  /** Per loop being emitted, the constant added to its index local (see `loop`). */
  private readonly unrolled = new Map<number, number>();
  /** State locals by `slot,copy,index`. */
  private readonly stateLocals = new Map<string, number>();
  /**
   * The state slots indexed by loops (wide outputs: a Sum of more than core-ir's unroll limit
   * components, a wide weight of the LogSumExp family, KMin with large K x D), by slot: the byte
   * addresses of their cells, copy 0 then copy 1, one v128 per element. Loops index them from
   * their counter (see `address`); slots of constant indices stay in locals.
   */
  private readonly stateCells = new Map<number, readonly [number, number]>();
  /** Cells of the local arrays (one v128 per element), and their element types. */
  private readonly arrayCells = new Map<number, number>();
  private readonly arrayTypes = new Map<number, ScalarType>();
  /**
   * Memory cells of the row statements' lets, by id. The pair reads them from memory like the
   * i-variables and parameters: TurboFan otherwise sinks a row value's computation (e.g. the
   * negation of a parameter) into the j loop, or keeps it in one of the 16 xmm registers the
   * loop's temporaries need.
   */
  private readonly rowCells = new Map<number, number>();
  private inRow = false;
  private pinAt: number | undefined;
  /**
   * While the body of an interleaved loop is emitted (see `interleave`): the locals holding the
   * state elements it reads and assigns for one iteration, by `slot,copy`.
   */
  private held: Map<string, number> | undefined;
  /**
   * Whether the statements being emitted run without an `any_true` test of their mask. core-ir's
   * reductions put the rare case of a fold in a then-branch without else (a new minimum, a value
   * that enters the K best, LogSumExp's new maximum) and the common case in an else-branch
   * (LogSumExp: a value below the running maximum, added as exp(f - m)). A tested branch costs a
   * test and a jump, and the merge of its control flow moves values between registers; that pays
   * off for a rare branch only. So then-branches are tested, while else-branches, and whatever
   * they contain, run for every group with their assignments masked (which is exact: the lanes
   * outside the mask keep their values).
   */
  private unguarded = false;
  private swap: 0 | 1 = 0;
  private readonly shifted: ShiftedFold | undefined;
  // Parameter and skeleton locals.
  private readonly pGroups = 0;
  private readonly pReduced = 1;
  private readonly pTile = 2;
  private readonly pScratch = 3;
  private readonly inPtr: number[];
  private readonly outPtr: number[];
  private base: number[] = [];
  /**
   * Byte address of the cells holding the current row group's i-variable (one per component),
   * by input. Loads from a constant address need no address arithmetic in the j loop; a base
   * pointer computed from the group index would be (TurboFan sinks its computation into the
   * loop that uses it).
   */
  private iCells: (number | undefined)[] = [];
  private outBase: number[] = [];
  private jLocal = -1;
  /** Which index of an unrolled pass over j the statements being emitted are for (see `jLoop`). */
  private jOffset = 0;

  constructor(
    private readonly k: LoweredKernel,
    dtype: 'float32' | 'float64',
    accumulator: string,
    private readonly options: WasmOptions,
  ) {
    if (k.kind !== 'reduction')
      throw new WasmUnsupported('map kernels (memory-bound) stay on the JavaScript path');
    if (accumulator !== dtype)
      throw new WasmUnsupported(`a ${accumulator} accumulator for ${dtype} data (lanes of two widths)`);
    this.f32 = dtype === 'float32';
    this.lanes = this.f32 ? 4 : 2;
    this.bytes = this.f32 ? 4 : 8;
    this.f = new FuncBuilder(PARAMS + k.inputs.length + k.outputs.length, options.shared?.cellBase);
    this.inPtr = k.inputs.map((_, n) => PARAMS + n);
    this.outPtr = k.outputs.map((_, o) => PARAMS + k.inputs.length + o);
    this.shifted = shiftedFold(k, options.reduction);
  }

  generate(): WasmKernel {
    const { k, f } = this;
    const program = [k.row, k.init, k.pair, k.merge, k.finalize].flat();
    const arraySizes = new Map<number, number>();
    const wide = new Set<number>();
    forEachStmt(program, (s) => {
      if (s.t === 'let' || s.t === 'var') this.varTypes.set(s.id, s.ty);
      if (s.t === 'array') {
        this.arrayTypes.set(s.arr, s.ty);
        arraySizes.set(s.arr, s.size);
      }
      if (s.t === 'stset' && s.idx.terms.length > 0) wide.add(s.slot);
    });
    forEachExpr(program, (e) => {
      if (e.t === 'st' && e.idx.terms.length > 0) wide.add(e.slot);
    });
    // First in the cells, below the constants: the module's data segment (the constants) skips them.
    for (const slot of [...wide].sort((a, b) => a - b)) {
      const size = k.state[slot]!.size;
      this.stateCells.set(slot, [f.cellBlock(size), f.cellBlock(size)]);
    }
    for (const [arr, size] of arraySizes) this.arrayCells.set(arr, f.cellBlock(size));
    const g = f.local('i32');
    const t0 = f.local('i32');
    const t1 = f.local('i32');
    this.jLocal = f.local('i32');
    this.base = k.inputs.map(() => f.local('i32'));
    this.iCells = k.inputs.map((v) => {
      if (v.cat !== 'i') return undefined;
      const at = f.cell();
      for (let c = 1; c < v.dim; c++) f.cell();
      return at;
    });
    this.outBase = k.outputs.map(() => f.local('i32'));
    const groupBytes = (dim: number) => dim * 16;

    f.i32(0).set(g);
    f.op(Op.block, VOID).op(Op.loop, VOID);
    f.get(g).get(this.pGroups).op(Op.i32GeU).br(1, true);
    k.inputs.forEach((v, n) => {
      // The group's i-variables are copied to fixed cells (see `iCells`).
      if (v.cat === 'i') {
        f.i32(this.iCells[n]!);
        f.get(this.inPtr[n]!).get(g).i32(groupBytes(v.dim)).op(Op.i32Mul, Op.i32Add);
        f.i32(groupBytes(v.dim)).memoryCopy();
      }
      if (v.cat === 'p') f.get(this.inPtr[n]!).set(this.base[n]!);
    });
    k.outputs.forEach((o, n) => {
      f.get(this.outPtr[n]!).get(g).i32(groupBytes(o.dim)).op(Op.i32Mul, Op.i32Add).set(this.outBase[n]!);
    });
    this.inRow = true;
    this.stmts(k.row, undefined);
    this.inRow = false;
    this.stmts(k.init, undefined);
    f.i32(0).set(t0);
    f.op(Op.block, VOID).op(Op.loop, VOID);
    f.get(t0).get(this.pReduced).op(Op.i32GeU).br(1, true);
    // t1 = reduced - t0 <= tile ? reduced : t0 + tile (no overflow for any tile).
    f.get(this.pReduced).get(t0).get(this.pTile).op(Op.i32Add);
    f.get(this.pReduced).get(t0).op(Op.i32Sub).get(this.pTile).op(Op.i32LeU).op(Op.select).set(t1);
    this.swap = 1;
    this.stmts(k.init, undefined);
    if (this.shifted) this.twoPassTile(this.shifted, t0, t1);
    else {
      const split = interleavable(k.pair, this.bytes);
      this.jLoop(
        t0,
        t1,
        () => this.stmts(k.pair, undefined),
        undefined,
        split && ((n) => this.interleave(split, n)),
      );
    }
    this.swap = 0;
    this.stmts(k.merge, undefined);
    f.get(t1).set(t0);
    f.br(0).op(Op.end, Op.end);
    this.stmts(k.finalize, undefined);
    f.get(g).i32(1).op(Op.i32Add).set(g);
    f.br(0).op(Op.end, Op.end);
    const { shared } = this.options;
    const bytes = encodeModule({
      imports: this.imports,
      params: Array.from({ length: PARAMS + k.inputs.length + k.outputs.length }, () => 'i32' as const),
      body: f,
      ...(shared ? { sharedMemory: { minPages: shared.minPages, maxPages: shared.maxPages } } : {}),
    });
    return {
      bytes,
      reserved: f.cellEnd,
      lanes: this.lanes,
      accumulates: k.state.some((s) => s.ty === 'acc'),
      scratch: this.shifted !== undefined,
      imports: this.imports,
    };
  }

  /**
   * `for (j = t0; j < t1; j++) body(u)`, `J_UNROLL` indices per pass and the rest one by one: the
   * body reads index j + u (`jOffset`), and `advance(n)` moves its own pointers past n indices.
   * `pass(n)`, when given, emits a pass of n > 1 indices instead of n bodies.
   */
  private jLoop(
    t0: number,
    t1: number,
    body: (u: number) => void,
    advance?: (n: number) => void,
    pass?: (n: number) => void,
  ): void {
    const { f, k } = this;
    const j = this.jLocal;
    f.get(t0).set(j);
    k.inputs.forEach((v, n) => {
      if (v.cat === 'j')
        f.get(this.inPtr[n]!)
          .get(j)
          .i32(v.dim * this.bytes)
          .op(Op.i32Mul, Op.i32Add)
          .set(this.base[n]!);
    });
    for (const unroll of J_UNROLL > 1 ? [J_UNROLL, 1] : [1]) {
      f.op(Op.block, VOID).op(Op.loop, VOID);
      // Exit once fewer than `unroll` indices are left: j + unroll > t1.
      f.get(j)
        .i32(unroll - 1)
        .op(Op.i32Add)
        .get(t1)
        .op(Op.i32GeU)
        .br(1, true);
      if (pass && unroll > 1) pass(unroll);
      else
        for (let u = 0; u < unroll; u++) {
          this.jOffset = u;
          body(u);
        }
      this.jOffset = 0;
      f.get(j).i32(unroll).op(Op.i32Add).set(j);
      k.inputs.forEach((v, n) => {
        if (v.cat === 'j')
          f.get(this.base[n]!)
            .i32(unroll * v.dim * this.bytes)
            .op(Op.i32Add)
            .set(this.base[n]!);
      });
      advance?.(unroll);
      f.br(0).op(Op.end, Op.end);
    }
  }

  /**
   * A tile of the LogSumExp family in two passes (see `ShiftedFold`): the values into the
   * scratch area and their lane-wise maximum M (NaN where a value is NaN), then m = M and the
   * else-branch of the fold for each stored value. Runs with the state copies swapped (the tile's
   * own state, merged afterwards).
   */
  private twoPassTile(fold: ShiftedFold, t0: number, t1: number): void {
    const { f } = this;
    const at = f.local('i32');
    const top = f.local('v128');
    const nan = f.local('v128');
    const value = this.val(fold.value.id);
    const advance = (n: number) =>
      f
        .get(at)
        .i32(16 * n)
        .op(Op.i32Add)
        .set(at);
    this.fconst(Number.NEGATIVE_INFINITY);
    f.set(top);
    i32x4(f, 0).set(nan);
    f.get(this.pScratch).set(at);
    this.jLoop(
      t0,
      t1,
      (u) => {
        this.stmts(fold.prefix, undefined);
        this.stmts([fold.value], undefined);
        f.get(at)
          .get(value)
          .simdMem(Simd.store, 4, 16 * u);
        // pmax (one instruction) skips NaN; NaN lanes are collected apart.
        f.get(top)
          .get(value)
          .simd(this.f32 ? Simd.f32x4Pmax : Simd.f64x2Pmax)
          .set(top);
        f.get(nan).get(value).get(value);
        this.fop(Simd.f32x4Ne, Simd.f64x2Ne);
        f.simd(Simd.or).set(nan);
      },
      advance,
    );
    this.fconst(Number.NaN);
    f.get(top).get(nan).simd(Simd.bitselect);
    f.set(this.stateLocal(0, 0, 0));
    f.get(this.pScratch).set(at);
    this.jLoop(
      t0,
      t1,
      (u) => {
        this.stmts([fold.max], undefined);
        f.get(at)
          .simdMem(Simd.load, 4, 16 * u)
          .set(value);
        this.unguarded = true;
        this.stmts(fold.common, undefined);
        this.unguarded = false;
      },
      advance,
    );
  }

  // ---- statements ----

  private stmts(stmts: readonly Stmt[], mask: number | undefined): void {
    const { f } = this;
    for (const s of stmts) {
      switch (s.t) {
        case 'let':
        case 'var':
          this.value(s.e, this.kindOfType(s.ty));
          if (this.inRow && s.t === 'let') {
            const at = f.cell();
            this.rowCells.set(s.id, at);
            f.storeCell(at, this.tmp());
          } else f.set(this.val(s.id));
          break;
        case 'set':
          this.value(s.e, this.kindOfType(this.varTypes.get(s.id) ?? 'f'));
          this.assign(this.val(s.id), mask);
          break;
        case 'stset': {
          const kind = this.kindOfType(this.k.state[s.slot]!.ty);
          const cells = this.stateCells.get(s.slot);
          const copy = (s.copy ^ this.swap) as 0 | 1;
          const held = this.held?.get(`${s.slot},${copy}`);
          if (held !== undefined) {
            this.value(s.e, kind);
            this.assign(held, mask);
          } else if (cells) this.storeElement(cells[copy], s.idx, s.e, kind, mask);
          else {
            this.value(s.e, kind);
            this.assign(this.stateLocal(s.slot, s.copy, s.idx.offset), mask);
          }
          break;
        }
        case 'out': {
          const o = this.k.outputs[s.out]!;
          const at = 16 * this.address(this.outBase[s.out]!, s.idx, 16);
          this.value(s.e, o.type === 'i' ? 'I' : 'F');
          if (mask !== undefined) {
            // Untaken lanes keep what is stored.
            this.address(this.outBase[s.out]!, s.idx, 16);
            f.simdMem(Simd.load, 4, at).get(mask).simd(Simd.bitselect);
          }
          f.simdMem(Simd.store, 4, at);
          break;
        }
        case 'for':
          this.loop(s, mask);
          break;
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
            // See `unguarded`: a then-branch is tested for, an else-branch runs.
            const guard = taken && !this.unguarded;
            if (guard) f.tee(m).simd(Simd.anyTrue).op(Op.if, VOID);
            else f.set(m);
            const outer = this.unguarded;
            this.unguarded = outer || !taken;
            this.stmts(branch, m);
            this.unguarded = outer;
            if (guard) f.op(Op.end);
          }
          break;
        }
        case 'array':
          // Its cells are laid out once (see `generate`); every element is stored before it is read.
          break;
        case 'store':
          this.storeElement(
            this.arrayCells.get(s.arr)!,
            s.idx,
            s.e,
            this.kindOfType(this.arrayTypes.get(s.arr) ?? 'f'),
            mask,
          );
          break;
      }
    }
  }

  /** Stores `e` into element `idx` of the cells at `cells`, only in the lanes of `mask` when there is one. */
  private storeElement(cells: number, idx: Idx, e: Expr, kind: Kind, mask: number | undefined): void {
    const { f } = this;
    const at = cells + 16 * this.address(undefined, idx, 16);
    this.value(e, kind);
    if (mask !== undefined) {
      this.address(undefined, idx, 16);
      f.simdMem(Simd.load, 4, at).get(mask).simd(Simd.bitselect);
    }
    f.simdMem(Simd.store, 4, at);
  }

  /** Pushes element `idx` of the cells at `cells`. */
  private loadElement(cells: number, idx: Idx): void {
    const at = cells + 16 * this.address(undefined, idx, 16);
    this.f.simdMem(Simd.load, 4, at);
  }

  /**
   * A counted loop, unrolled by `UNROLL`: each pass of the wasm loop runs `UNROLL` iterations at
   * constant offsets from one index, the last `n % UNROLL` iterations follow the loop. Fewer
   * index computations and loop tests; and a loop that only adds to a var (`let t = v + x;
   * v = t`: the inner sums of squared distances and scalar products at large D) adds into
   * `UNROLL` partial sums, combined after the loop, which makes its chain of dependent additions,
   * the bound on its speed, that many times shorter. (That reassociates the float additions: the
   * result may differ from the sequential sum in the last bits, within the sum's rounding error.)
   * A full unroll measured slower: TurboFan then schedules all the loads first and spills.
   */
  private loop(s: Stmt & { t: 'for' }, mask: number | undefined, copies?: Map<number, number>[]): void {
    const { f } = this;
    const sum = partialSum(s.body);
    const blocks = Math.floor(s.n / UNROLL);
    const partials: number[] = [];
    if (sum !== undefined && blocks > 0) {
      partials.push(this.val(sum));
      for (let p = 1; p < UNROLL; p++) {
        partials.push(f.local('v128'));
        this.fconst(0);
        f.set(partials[p]!);
      }
    }
    const iteration = (u: number, m: number | undefined) => {
      this.unrolled.set(s.loop, u);
      if (partials.length > 0) this.vals.set(sum!, partials[u % UNROLL]!);
      if (copies) this.interleaved(s.body, copies);
      else this.stmts(s.body, m);
    };
    if (blocks > 0) {
      const pinned = copies ? this.pinCopies(s.body, copies) : this.pin(s.body, mask);
      const l = f.local('i32');
      this.loops.set(s.loop, { local: l, last: (blocks - 1) * UNROLL });
      f.i32(0).set(l);
      f.op(Op.block, VOID).op(Op.loop, VOID);
      f.get(l)
        .i32(blocks * UNROLL)
        .op(Op.i32GeS)
        .br(1, true);
      for (let u = 0; u < UNROLL; u++) iteration(u, pinned.mask);
      f.get(l).i32(UNROLL).op(Op.i32Add).set(l);
      f.br(0).op(Op.end, Op.end);
      this.loops.delete(s.loop);
      for (const [id, local] of pinned.vals) this.vals.set(id, local);
    }
    for (let at = blocks * UNROLL; at < s.n; at++) iteration(at, mask);
    this.unrolled.delete(s.loop);
    if (partials.length === 0) return;
    // Pairwise: ((p0 + p1) + (p2 + p3)).
    this.vals.set(sum!, partials[0]!);
    const combine = (from: number, count: number): void => {
      if (count === 1) {
        f.get(partials[from]!);
        return;
      }
      const half = count >> 1;
      combine(from, half);
      combine(from + half, count - half);
      this.fop(Simd.f32x4Add, Simd.f64x2Add);
    };
    combine(0, UNROLL);
    this.assign(partials[0]!, mask);
  }

  /**
   * Before a loop: the values its body reads but neither declares nor assigns (a kernel value
   * that multiplies a wide weight, a branch's mask) go through a memory cell, stored and loaded
   * back into a fresh local that the body reads. TurboFan otherwise sinks their computation into
   * the loop, which runs it at every pass (the exp of a Gaussian kernel times a weight of 200
   * components: 2.2 times slower on one thread); a load is never recomputed. Returns the mask's
   * fresh local and, by id, the locals to restore after the loop.
   */
  private pin(
    body: readonly Stmt[],
    mask: number | undefined,
  ): { mask: number | undefined; vals: Map<number, number> } {
    const { f } = this;
    const inner = new Set<number>();
    forEachStmt(body, (s) => {
      if (s.t === 'let' || s.t === 'var' || s.t === 'set') inner.add(s.id);
    });
    const outer = new Set<number>();
    forEachExpr(body, (e) => {
      if (e.t === 'ref' && !inner.has(e.id) && !this.rowCells.has(e.id) && this.vals.has(e.id))
        outer.add(e.id);
    });
    const through = (local: number): number => {
      const at = this.pinCell();
      f.i32(0).get(local).simdMem(Simd.store, 4, at);
      const fresh = f.local('v128');
      f.loadCell(at).set(fresh);
      return fresh;
    };
    const vals = new Map<number, number>();
    for (const id of outer) {
      const local = this.vals.get(id)!;
      vals.set(id, local);
      this.vals.set(id, through(local));
    }
    return { mask: mask === undefined ? undefined : through(mask), vals };
  }

  /** `pin` for each copy of an interleaved loop's body (whose value maps are dropped afterwards). */
  private pinCopies(
    body: readonly Stmt[],
    copies: Map<number, number>[],
  ): { mask: undefined; vals: Map<number, number> } {
    const base = this.vals;
    for (const vals of copies) {
      this.vals = vals;
      this.pin(body, undefined);
    }
    this.vals = base;
    return { mask: undefined, vals: new Map() };
  }

  /**
   * A pass over n reduced indices of a pair of the `interleavable` shape: the prefix for each
   * index (its values in a value map of its own), then one loop whose iteration runs the body for
   * each index in turn (`interleaved`). The same operations in the same order per state element
   * as n passes of the whole pair, with the state element loaded and stored once per iteration
   * instead of n times.
   */
  private interleave(split: Interleavable, n: number): void {
    const base = this.vals;
    const declared = new Set<number>();
    forEachStmt(this.k.pair, (s) => {
      if (s.t === 'let' || s.t === 'var') declared.add(s.id);
    });
    const copies = Array.from({ length: n }, () => {
      const vals = new Map(base);
      for (const id of declared) vals.delete(id);
      return vals;
    });
    copies.forEach((vals, u) => {
      this.vals = vals;
      this.jOffset = u;
      this.stmts(split.prefix, undefined);
    });
    this.vals = base;
    this.jOffset = 0;
    this.loop(split.loop, undefined, copies);
  }

  /**
   * One iteration of an interleaved loop (index k): the state elements k that the body touches
   * loaded into locals (`held`; all of them first, as the body may touch one in a branch only),
   * the body per reduced index, and the assigned elements stored back.
   */
  private interleaved(body: readonly Stmt[], copies: Map<number, number>[]): void {
    const { f } = this;
    const touched = new Map<string, { slot: number; copy: 0 | 1; idx: Idx; assigned: boolean }>();
    const touch = (slot: number, c: 0 | 1, idx: Idx, assigned: boolean) => {
      const copy = (c ^ this.swap) as 0 | 1;
      const key = `${slot},${copy}`;
      const t = touched.get(key) ?? { slot, copy, idx, assigned: false };
      t.assigned ||= assigned;
      touched.set(key, t);
    };
    forEachExpr(body, (e) => {
      if (e.t === 'st') touch(e.slot, e.copy, e.idx, false);
    });
    forEachStmt(body, (s) => {
      if (s.t === 'stset') touch(s.slot, s.copy, s.idx, true);
    });
    const held = new Map<string, number>();
    for (const [key, t] of touched) {
      const local = f.local('v128');
      this.loadElement(this.stateCells.get(t.slot)![t.copy], t.idx);
      f.set(local);
      held.set(key, local);
    }
    const base = this.vals;
    this.held = held;
    copies.forEach((vals, u) => {
      this.vals = vals;
      this.jOffset = u;
      this.stmts(body, undefined);
    });
    this.held = undefined;
    this.vals = base;
    this.jOffset = 0;
    for (const [key, t] of touched) {
      if (!t.assigned) continue;
      const at = this.stateCells.get(t.slot)![t.copy] + 16 * this.address(undefined, t.idx, 16);
      f.get(held.get(key)!).simdMem(Simd.store, 4, at);
    }
  }

  /** A cell for `pin`; one serves every pinned value (each is loaded right after it is stored). */
  private pinCell(): number {
    if (this.pinAt === undefined) this.pinAt = this.f.cell();
    return this.pinAt;
  }

  /** Stores the value on the stack into `local`, only in the lanes of `mask` when there is one. */
  private assign(local: number, mask: number | undefined): void {
    if (mask !== undefined) this.f.get(local).get(mask).simd(Simd.bitselect);
    this.f.set(local);
  }

  private val(id: number): number {
    let l = this.vals.get(id);
    if (l === undefined) {
      l = this.f.local('v128');
      this.vals.set(id, l);
    }
    return l;
  }

  private stateLocal(slot: number, copy: 0 | 1, idx: number): number {
    const key = `${slot},${copy ^ this.swap},${idx}`;
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

  /**
   * Pushes `base + (loop terms) * scale` (base a local, or the constant 0 when undefined) and
   * returns the index's constant part (its offset, plus the terms of unrolled loops), which the
   * caller puts into the memarg offset (times `scale`). The memarg offset is unsigned and the
   * address is not wrapped: a term of negative stride (KMin's insertion loop runs down its K
   * slots) would make the pushed part negative, so its lowest value, at the loop's last index,
   * is moved from the returned constant into the pushed part.
   */
  private address(base: number | undefined, idx: Idx, scale: number): number {
    const { f } = this;
    if (base === undefined) f.i32(0);
    else f.get(base);
    let offset = idx.offset;
    let bias = 0;
    for (const [loop, stride] of idx.terms) {
      offset += stride * (this.unrolled.get(loop) ?? 0);
      const l = this.loops.get(loop);
      if (l === undefined) {
        if (this.unrolled.has(loop)) continue;
        throw new WasmUnsupported(`loop ${loop} used outside its body`);
      }
      f.get(l.local)
        .i32(stride * scale)
        .op(Op.i32Mul, Op.i32Add);
      if (stride < 0) bias -= stride * l.last;
    }
    if (bias > 0) f.i32(bias * scale).op(Op.i32Add);
    return offset - bias;
  }

  /** Pushes the index value as an i32. */
  private index(idx: Idx): void {
    this.f.i32(this.address(undefined, idx, 1));
    this.f.op(Op.i32Add);
  }

  private load(input: number, idx: Idx): void {
    const v = this.k.inputs[input]!;
    const { f } = this;
    if (v.cat === 'i') {
      const at = this.address(undefined, idx, 16);
      f.simdMem(Simd.load, 4, this.iCells[input]! + 16 * at);
    } else {
      const at =
        this.address(this.base[input]!, idx, this.bytes) + (v.cat === 'j' ? this.jOffset * v.dim : 0);
      f.simdMem(this.f32 ? Simd.load32Splat : Simd.load64Splat, this.f32 ? 2 : 3, this.bytes * at);
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
        return this.kindOfType(this.arrayTypes.get(e.arr) ?? 'f');
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
      case 'ref': {
        const at = this.rowCells.get(e.id);
        if (at !== undefined) f.loadCell(at);
        else f.get(this.val(e.id));
        return this.kindOf(e);
      }
      case 'st': {
        const cells = this.stateCells.get(e.slot);
        const copy = (e.copy ^ this.swap) as 0 | 1;
        const held = this.held?.get(`${e.slot},${copy}`);
        if (held !== undefined) f.get(held);
        else if (cells) this.loadElement(cells[copy], e.idx);
        else f.get(this.stateLocal(e.slot, e.copy, e.idx.offset));
        return this.kindOf(e);
      }
      case 'in':
        // Loaded at each use, in the j loop too: a load is one instruction, a value held across
        // the loop would take one of the 16 xmm registers (and be spilled and reloaded anyway).
        this.load(e.input, e.idx);
        return 'F';
      case 'arr':
        this.loadElement(this.arrayCells.get(e.arr)!, e.idx);
        return this.kindOf(e);
      case 'ix':
        this.index(e.idx);
        if (this.f32) f.op(Op.f32ConvertI32S).simd(Simd.f32x4Splat);
        else f.op(Op.f64ConvertI32S).simd(Simd.f64x2Splat);
        return 'F';
      case 'j':
        f.get(this.jLocal);
        if (this.jOffset > 0) f.i32(this.jOffset).op(Op.i32Add);
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

/**
 * Reduced indices per pass of the j loop (see `Generator.jLoop`). Measured on one core (AMD EPYC,
 * Zen 4), million pairs/s for 1, 2, 4, 6 and 8: Gaussian product D = 3 585, 718, 825, 716, 559;
 * LSE softmin D = 3 511, 561, 682, 691, 350; kNN D = 3 785, 906, 918, 918, 845. Four passes of the
 * loop body give the out-of-order core more independent work between the loop's control and
 * the accumulator's spill and reload; beyond that TurboFan runs out of registers.
 */
const J_UNROLL = 4;

/**
 * The longest loop `Generator.interleave` runs, in bytes of a component per lane (112 float32 or
 * 56 float64 components). Interleaved, the loop reads the j-data rows of J_UNROLL reduced indices
 * side by side, component by component, instead of one row after the other. Measured (`K @ V`
 * with a Gaussian K, N = 1e4, 2 threads, minimum of 3 to 5 alternated runs, interleaved against
 * one loop per index): float32 V of 64, 100, 112 columns 1.7, 1.5, 1.5 times faster; 128, 150,
 * 200 columns 1.1, 1.5, 2 times slower; float64 56 columns 1.3 times faster, 100 columns 2 times
 * slower: rows of 512 bytes and more are slow side by side. Interleaving 100 columns at a time was
 * as slow, so it is the rows' length that counts (why was not found; the development VM has no
 * hardware counters). With less j data (float32, N = 4e3) 200 columns still ran 1.3 times faster
 * interleaved, with more (N = 4e4) 64 columns 1.6 times.
 */
const INTERLEAVE_LIMIT = 448;

/** Iterations of a counted loop per pass of the generated loop (see `Generator.loop`). */
const UNROLL = 4;

/**
 * The var a loop body only adds to, if its body is `...lets, let t = v + x (or x + v), v = t` and
 * reads v nowhere else; undefined otherwise.
 */
function partialSum(body: readonly Stmt[]): number | undefined {
  const set = body[body.length - 1];
  const add = body[body.length - 2];
  if (set?.t !== 'set' || add?.t !== 'let' || set.e.t !== 'ref' || set.e.id !== add.id) return undefined;
  const v = set.id;
  if (add.e.t !== 'alu' || add.e.op !== Alu.Add) return undefined;
  const [a, b] = add.e.args;
  const x = a?.t === 'ref' && a.id === v ? b : b?.t === 'ref' && b.id === v ? a : undefined;
  if (x === undefined) return undefined;
  const others: Stmt[] = [...body.slice(0, -2), { t: 'let', id: add.id, ty: add.ty, e: x }];
  return readsAny(others, new Set([v])) ? undefined : v;
}

/** A pair that `Generator.interleave` can run several reduced indices of in one loop. */
interface Interleavable {
  /** Statements that compute values only (no state, no array). */
  readonly prefix: readonly Stmt[];
  /** The last statement: a loop that touches state only at its own index k. */
  readonly loop: Stmt & { t: 'for' };
}

/**
 * The pair as prefix and loop, if it is `...values; for k { body }` where the body reads and
 * assigns state at index k only (element k of each slot, as a Sum's fold or a wide Min), assigns
 * no var of the prefix, and holds no nested loop nor local array; undefined otherwise. Such a
 * loop's iteration k for index j + 1 depends on nothing but its iteration k for index j, so the
 * iterations of several indices can run interleaved, k by k.
 */
function interleavable(pair: readonly Stmt[], bytes: number): Interleavable | undefined {
  const loop = pair[pair.length - 1];
  if (loop?.t !== 'for' || loop.n * bytes > INTERLEAVE_LIMIT) return undefined;
  const prefix = pair.slice(0, -1);
  let ok = prefix.every((s) => s.t === 'let' || s.t === 'var');
  forEachExpr(prefix, (e) => {
    if (e.t === 'st' || e.t === 'arr') ok = false;
  });
  const declared = new Set<number>();
  forEachStmt(loop.body, (s) => {
    if (s.t === 'let' || s.t === 'var') declared.add(s.id);
    if (s.t === 'for' || s.t === 'array' || s.t === 'store' || s.t === 'out') ok = false;
    if (s.t === 'stset' && !isLoopIndex(s.idx, loop.loop)) ok = false;
  });
  forEachStmt(loop.body, (s) => {
    if (s.t === 'set' && !declared.has(s.id)) ok = false;
  });
  forEachExpr(loop.body, (e) => {
    if ((e.t === 'st' && !isLoopIndex(e.idx, loop.loop)) || e.t === 'arr') ok = false;
  });
  return ok ? { prefix, loop } : undefined;
}

/** Parameters of `k` before the input and output pointers: groups, reduced, tile, scratch. */
const PARAMS = 4;

/** Whether the statements read any of the ids (a `ref` anywhere in their expressions). */
function readsAny(stmts: readonly Stmt[], ids: ReadonlySet<number>): boolean {
  let found = false;
  forEachExpr(stmts, (e) => {
    if (e.t === 'ref' && ids.has(e.id)) found = true;
  });
  return found;
}
