/**
 * The JavaScript printer: a core-ir `LoweredKernel` becomes the source of a factory returning
 * `kernel(task)`, which computes output rows `[task.g0, task.g1)` (global rows over batch entries,
 * `g = b * rows + r`). The skeleton per row:
 *
 * ```
 * row statements; init (state copy 0 = the row total)
 * for each reduced span of the row (all of [0, reduced), or those the ranges allow):
 *   for each tile of `tile` indices:
 *     init on copy 1; pair folds into copy 1; merge folds copy 1 into copy 0
 * finalize
 * ```
 * Accumulating each tile separately and merging tiles is block summation: a float32 sum over M
 * terms then errs like a sum over `tile` terms plus one over M / tile terms, instead of over M.
 * The pair and the tile init are printed with state copies swapped (core-ir always folds into
 * copy 0), which is the renaming `merge` expects.
 */
import {
  Alu,
  type Expr,
  type FloatDType,
  type Idx,
  type LoweredKernel,
  type ScalarType,
  type Stmt,
} from '@symtensor/core-ir';
import { ALU_HELPERS, printAlu } from './js-alu.js';

const COMPARISONS: ReadonlySet<Alu> = new Set([Alu.Lt, Alu.Le, Alu.Eq, Alu.Ne]);

export interface PrintOptions {
  /** Data dtype of the kernel. */
  readonly dtype: 'float32' | 'float64';
  /** Accumulator dtype (Sum and the LogSumExp family). */
  readonly accumulator: FloatDType;
  /** Reduced indices per tile (block summation granularity). */
  readonly tile: number;
}

/**
 * Fields of the task object the kernel reads. Buffers are typed arrays over shared memory in Node;
 * the offset table holds, per batch entry b and program input n, the element offset of that
 * entry's data (`inOffs[b * nInputs + n]`, broadcasting already applied): int32 when every input
 * has fewer than 2^31 elements, float64 (exact past 2^31) otherwise.
 */
export interface KernelTask {
  readonly ins: readonly ArrayLike<number>[];
  readonly outs: readonly ArrayLike<number>[];
  readonly rows: number;
  readonly reduced: number;
  readonly inOffs: Int32Array | Float64Array;
  /** Ranges as per-row spans: row -> segment (-1: none), segment -> span list, spans as [start, end) pairs. */
  readonly rowSeg: Int32Array | null;
  readonly segSpan: Int32Array | null;
  readonly spans: Int32Array | null;
  readonly g0: number;
  readonly g1: number;
}

/** Source of `(function factory) => kernel`, to be compiled with `new Function(source)()`. */
export function printKernel(k: LoweredKernel, opts: PrintOptions): string {
  return new Printer(k, opts).print();
}

const INDENT = '  ';

class Printer {
  /** Types of every let and var, by id. */
  private readonly varTypes = new Map<number, ScalarType>();
  private readonly arrays = new Map<number, { size: number; ty: ScalarType }>();
  /** State held in scalar locals (all state indices constant) instead of scratch typed arrays. */
  private readonly stateInLocals: boolean;
  /** XOR applied to state copies while printing (1 in the pair and the tile init). */
  private swap: 0 | 1 = 0;
  /**
   * Row-invariant input loads met while printing the pair (i and p variables at constant
   * components), hoisted to row-level locals: V8 cannot hoist typed-array loads out of the j loop
   * itself, since the output stores might alias them.
   */
  private hoisted: Map<string, string> | undefined;
  /**
   * Float32 kernels compute a formula's intermediate values in float64 (JavaScript numbers) and
   * round to float32 where a value becomes part of the reduction: state writes, casts to the
   * accumulator, outputs, and lets and vars that comparisons read (`compared`), so that a
   * comparison with a stored float32 value (a running minimum, the K-th best) sees the value
   * the state would hold, and ties break by index exactly as in float32. A `Math.fround` per
   * intermediate value cost a quarter of the Gaussian kernel's speed (bench/gaussian.ts); the
   * float64 intermediates are closer to the float64 reference, never further.
   */
  private readonly compared = new Set<number>();
  /** Lets and vars of float32 type printed so far whose values are float32-exact (see `isExact`). */
  private readonly exactIds = new Set<number>();

  constructor(
    private readonly k: LoweredKernel,
    private readonly opts: PrintOptions,
  ) {
    const all = [k.row, k.init, k.pair, k.merge, k.finalize];
    let constState = true;
    const visitExpr = (e: Expr): void => {
      if (e.t === 'st' && e.idx.terms.length > 0) constState = false;
      if (e.t === 'alu' && COMPARISONS.has(e.op))
        for (const a of e.args) if (a.t === 'ref') this.compared.add(a.id);
      if (e.t === 'alu') e.args.forEach(visitExpr);
      if (e.t === 'cast') visitExpr(e.e);
    };
    const visit = (stmts: readonly Stmt[]): void => {
      for (const s of stmts) {
        if (s.t === 'var' || s.t === 'let') this.varTypes.set(s.id, s.ty);
        if (s.t === 'array') this.arrays.set(s.arr, { size: s.size, ty: s.ty });
        if (s.t === 'stset' && s.idx.terms.length > 0) constState = false;
        if ('e' in s) visitExpr(s.e);
        if (s.t === 'for') visit(s.body);
        if (s.t === 'if') {
          visitExpr(s.cond);
          visit(s.then);
          visit(s.else);
        }
      }
    };
    all.forEach(visit);
    // Scalar locals let V8 keep small accumulators in registers; large or loop-indexed state
    // (KMin with big K * D) needs indexable scratch arrays.
    const stateSize = k.state.reduce((a, s) => a + s.size, 0);
    this.stateInLocals = constState && stateSize <= 64;
  }

  print(): string {
    const { k, opts } = this;
    const lines: string[] = [
      '"use strict";',
      'const fr = Math.fround;',
      ALU_HELPERS,
      'return function kernel(t) {',
    ];
    const body: string[] = [];
    const emit = (s: string) => body.push(s);
    for (let n = 0; n < k.inputs.length; n++) emit(`const in${n} = t.ins[${n}];`);
    for (let o = 0; o < k.outputs.length; o++) emit(`const out${o} = t.outs[${o}];`);
    emit('const rows = t.rows, reduced = t.reduced, inOffs = t.inOffs;');
    emit('const rowSeg = t.rowSeg, segSpan = t.segSpan, spans = t.spans;');
    for (const [arr, { size, ty }] of this.arrays)
      emit(`const A${arr} = new ${this.arrayType(ty)}(${size});`);
    k.state.forEach((slot, s) => {
      for (const copy of [0, 1]) {
        if (this.stateInLocals) {
          const names = Array.from({ length: slot.size }, (_, i) => `s${s}_${copy}_${i} = 0`);
          emit(`let ${names.join(', ')};`);
        } else emit(`const S${s}_${copy} = new ${this.arrayType(slot.ty)}(${slot.size});`);
      }
    });
    const nIn = k.inputs.length;
    emit(`let b = -1${k.inputs.map((_, n) => `, o${n} = 0`).join('')};`);
    emit('for (let g = t.g0; g < t.g1; g++) {');
    const row: string[] = [];
    const r = (s: string) => row.push(INDENT + s);
    r('const r = g % rows;');
    // Offsets change only when a chunk crosses into the next batch entry.
    r('if ((g - r) / rows !== b) {');
    r(`${INDENT}b = (g - r) / rows;`);
    for (let n = 0; n < nIn; n++) r(`${INDENT}o${n} = inOffs[b * ${nIn} + ${n}];`);
    r('}');
    k.inputs.forEach((v, n) => {
      if (v.cat === 'i') r(`const x${n} = o${n} + r * ${v.dim};`);
    });
    for (const [n, o] of k.outputs.entries()) r(`const ob${n} = g * ${o.dim};`);
    this.stmts(k.row, 1, row);
    if (k.kind === 'reduction') {
      // Where the pair's hoisted loads go, once the pair has been printed.
      const hoistAt = row.length;
      this.block(k.init, 1, row);
      r('let sp = 0, spEnd = 1;');
      r('if (rowSeg !== null) {');
      r(`${INDENT}const seg = rowSeg[r];`);
      r(`${INDENT}if (seg < 0) spEnd = 0;`);
      r(`${INDENT}else { sp = segSpan[seg]; spEnd = segSpan[seg + 1]; }`);
      r('}');
      r('for (; sp < spEnd; sp++) {');
      r(`${INDENT}const ja = spans === null ? 0 : spans[2 * sp];`);
      r(`${INDENT}const jz = spans === null ? reduced : spans[2 * sp + 1];`);
      r(`${INDENT}for (let t0 = ja; t0 < jz; t0 += ${opts.tile}) {`);
      r(`${INDENT}${INDENT}const t1 = Math.min(jz, t0 + ${opts.tile});`);
      this.swap = 1;
      this.block(k.init, 3, row);
      r(`${INDENT}${INDENT}for (let j = t0; j < t1; j++) {`);
      k.inputs.forEach((v, n) => {
        if (v.cat === 'j') r(`${INDENT.repeat(3)}const y${n} = o${n} + j * ${v.dim};`);
      });
      this.hoisted = new Map();
      this.stmts(k.pair, 4, row);
      row.splice(hoistAt, 0, ...[...this.hoisted].map(([load, name]) => `${INDENT}const ${name} = ${load};`));
      this.hoisted = undefined;
      this.swap = 0;
      r(`${INDENT}${INDENT}}`);
      this.block(k.merge, 3, row);
      r(`${INDENT}}`);
      r('}');
      this.block(k.finalize, 1, row);
    }
    body.push(...row, '}');
    lines.push(...body.map((l) => INDENT + l), '};');
    return lines.join('\n');
  }

  private arrayType(ty: ScalarType): string {
    if (ty === 'i') return 'Int32Array';
    const dtype = ty === 'acc' ? this.opts.accumulator : this.opts.dtype;
    return dtype === 'float32' ? 'Float32Array' : 'Float64Array';
  }

  /** Whether values of this type are rounded to float32 when stored. */
  private rounds(ty: ScalarType): boolean {
    if (ty === 'i') return false;
    return (ty === 'acc' ? this.opts.accumulator : this.opts.dtype) === 'float32';
  }

  /** `e` rounded to its storage type (no `Math.fround` where it is exact already). */
  private rounded(e: Expr, ty: ScalarType): string {
    const s = this.expr(e);
    return this.isExact(e, ty) ? s : `fr(${s})`;
  }

  /**
   * Whether the printed value of `e` is exact in type `ty`: always where `ty` does not round;
   * for float32, loads (typed arrays of the data, state or array type), constants (printed
   * rounded), small integers, casts to a rounding type (printed with their own rounding) and
   * float32 lets and vars stored exact.
   */
  private isExact(e: Expr, ty: ScalarType): boolean {
    if (!this.rounds(ty)) return true;
    switch (e.t) {
      case 'in':
      case 'num':
        return true;
      case 'int':
        return Math.abs(e.v) <= 2 ** 24;
      case 'st':
        return this.rounds(this.k.state[e.slot]!.ty);
      case 'arr':
        return this.rounds(this.arrays.get(e.arr)!.ty);
      case 'ref':
        return this.exactIds.has(e.id);
      case 'cast':
        return this.rounds(e.to);
      default:
        return false;
    }
  }

  /** A let's value: rounded if comparisons read it (see `compared`). */
  private letValue(id: number, e: Expr, ty: ScalarType): string {
    const round = this.compared.has(id);
    this.markExact(id, ty, round || this.isExact(e, ty));
    return round ? this.rounded(e, ty) : this.expr(e);
  }

  /** Records whether a let or var holds a float32-exact value (ints and float64 values never count). */
  private markExact(id: number, ty: ScalarType, exact: boolean): void {
    if (exact && this.rounds(ty)) this.exactIds.add(id);
    else this.exactIds.delete(id);
  }

  /** Statements in their own braces, so that lets printed twice (init) do not collide. */
  private block(stmts: readonly Stmt[], depth: number, out: string[]): void {
    if (stmts.length === 0) return;
    out.push(`${INDENT.repeat(depth)}{`);
    this.stmts(stmts, depth + 1, out);
    out.push(`${INDENT.repeat(depth)}}`);
  }

  private stmts(stmts: readonly Stmt[], depth: number, out: string[]): void {
    const pad = INDENT.repeat(depth);
    for (const s of stmts) {
      switch (s.t) {
        case 'let':
          out.push(`${pad}const v${s.id} = ${this.letValue(s.id, s.e, s.ty)};`);
          break;
        case 'var': {
          // A var stays exact only if every assignment rounds: those that comparisons read.
          const round = this.compared.has(s.id);
          out.push(`${pad}let v${s.id} = ${round ? this.rounded(s.e, s.ty) : this.expr(s.e)};`);
          this.markExact(s.id, s.ty, round);
          break;
        }
        case 'set': {
          const ty = this.varTypes.get(s.id) ?? 'f';
          out.push(`${pad}v${s.id} = ${this.compared.has(s.id) ? this.rounded(s.e, ty) : this.expr(s.e)};`);
          break;
        }
        case 'array':
          // Hoisted to the kernel's prologue: allocating in the row or pair loop would be costly.
          break;
        case 'store':
          out.push(`${pad}A${s.arr}[${this.idx(s.idx)}] = ${this.expr(s.e)};`);
          break;
        case 'stset':
          out.push(
            `${pad}${this.state(s.slot, s.copy, s.idx)} = ${this.rounded(s.e, this.k.state[s.slot]!.ty)};`,
          );
          break;
        case 'out':
          // Typed-array stores round to the output's dtype (float32 or int32) by themselves.
          out.push(`${pad}out${s.out}[ob${s.out} + ${this.idx(s.idx)}] = ${this.expr(s.e)};`);
          break;
        case 'for':
          out.push(`${pad}for (let l${s.loop} = 0; l${s.loop} < ${s.n}; l${s.loop}++) {`);
          this.stmts(s.body, depth + 1, out);
          out.push(`${pad}}`);
          break;
        case 'if':
          out.push(`${pad}if (${this.expr(s.cond)} !== 0) {`);
          this.stmts(s.then, depth + 1, out);
          if (s.else.length > 0) {
            out.push(`${pad}} else {`);
            this.stmts(s.else, depth + 1, out);
          }
          out.push(`${pad}}`);
          break;
      }
    }
  }

  private state(slot: number, copy: 0 | 1, idx: Idx): string {
    const c = copy ^ this.swap;
    return this.stateInLocals ? `s${slot}_${c}_${idx.offset}` : `S${slot}_${c}[${this.idx(idx)}]`;
  }

  private idx(idx: Idx): string {
    const parts = idx.terms.map(([loop, stride]) => (stride === 1 ? `l${loop}` : `l${loop} * (${stride})`));
    if (idx.offset !== 0 || parts.length === 0) parts.push(String(idx.offset));
    return parts.join(' + ');
  }

  private expr(e: Expr): string {
    switch (e.t) {
      case 'num':
        return num(this.opts.dtype === 'float32' ? Math.fround(e.v) : e.v);
      case 'int':
        return num(e.v);
      case 'ref':
        return `v${e.id}`;
      case 'in': {
        const input = this.k.inputs[e.input]!;
        const base = input.cat === 'i' ? `x${e.input}` : input.cat === 'j' ? `y${e.input}` : `o${e.input}`;
        const load = `in${e.input}[${base} + ${this.idx(e.idx)}]`;
        if (!this.hoisted || input.cat === 'j' || e.idx.terms.length > 0) return load;
        let name = this.hoisted.get(load);
        if (name === undefined) {
          name = `h${e.input}_${e.idx.offset}`;
          this.hoisted.set(load, name);
        }
        return name;
      }
      case 'arr':
        return `A${e.arr}[${this.idx(e.idx)}]`;
      case 'st':
        return this.state(e.slot, e.copy, e.idx);
      case 'ix':
        return `(${this.idx(e.idx)})`;
      case 'j':
        return 'j';
      case 'alu':
        return printAlu(
          e.op,
          e.args.map((a) => this.expr(a)),
        );
      case 'cast': {
        const inner = this.expr(e.e);
        if (e.to === 'i') return `Math.trunc(${inner})`;
        return this.isExact(e.e, e.to) ? inner : `fr(${inner})`;
      }
    }
  }
}

/** A number literal that survives being pasted into an expression (signs, -0, infinities, NaN). */
function num(v: number): string {
  if (Object.is(v, -0)) return '(-0)';
  if (Number.isNaN(v)) return 'NaN';
  if (v === Number.POSITIVE_INFINITY) return 'Infinity';
  if (v === Number.NEGATIVE_INFINITY) return '(-Infinity)';
  return v < 0 ? `(${v})` : String(v);
}
