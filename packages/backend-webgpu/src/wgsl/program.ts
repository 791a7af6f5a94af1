/**
 * Prints the statements of a core-ir `LoweredKernel` as WGSL. The skeletons (`reduce-kernel.ts`,
 * `merge-kernel.ts`, `map-kernel.ts`) decide where each block goes and how inputs and outputs are
 * addressed; this file only turns statements and expressions into WGSL with exact types.
 *
 * WGSL has no implicit conversions, so every expression is printed for the type its destination
 * wants: comparisons and logic are `bool` inside expressions and become 0/1 where the program
 * stores them (the lowered program's truth values are 0/1 numbers of any type), float literals
 * take their context's type, and non-finite literals read the uniform block (see `floats.ts`).
 *
 * The program's data type `f` is the kernel's float type (f32, or f16 for float16 kernels); its
 * accumulator type `acc` is always f32: float16 sums and LogSumExps accumulate in float32, as a
 * float16 accumulator would stop growing at 2048 terms of 1.
 */
import {
  Alu,
  type Expr,
  type Idx,
  type LoweredKernel,
  type ScalarType,
  type Stmt,
  UnsupportedError,
} from '@symtensor/core-ir';
import { COMPARE, type Helper, type HelperUse, helperName, helperSource, printArith } from './alu.js';
import { F32, type FloatType, type WgslFloat, wgslFloat } from './floats.js';

/** An index as the environment receives it: a constant, or an i32 WGSL expression. */
export type PrintedIdx = { readonly k: number } | { readonly expr: string };

/** How a skeleton addresses the program's inputs and outputs. */
export interface ProgramEnv {
  /** A WGSL expression of the kernel's float type reading component `idx` of program input `n`. */
  input(n: number, idx: PrintedIdx): string;
  /** A WGSL statement writing `value` (already of the output's type) to component `idx` of output `o`. */
  output(o: number, idx: PrintedIdx, value: string): string;
  /** The current reduced index as an i32 WGSL expression. */
  readonly j: string;
}

/** Expression types: the program's scalar types plus WGSL's bool for truth values. */
type Ty = ScalarType | 'b';

export const INDENT = '  ';

/** An i32 literal (the most negative one has no literal form in WGSL). */
export function i32Literal(v: number): string {
  if (v === -2147483648) return '(-2147483647i - 1i)';
  return v < 0 ? `(${v}i)` : `${v}i`;
}

export class ProgramPrinter {
  /** Helper functions the printed code calls. */
  private readonly helpers: HelperUse[] = [];
  /** PowI met, by float type and exponent (each becomes a small helper function). */
  private readonly powis = new Map<string, { float: WgslFloat; n: number }>();
  /** The data type's float. */
  readonly float: WgslFloat;
  private readonly idTy = new Map<number, ScalarType>();
  private readonly arrTy = new Map<number, ScalarType>();
  private readonly types = new WeakMap<Expr, Ty | null>();
  /**
   * State held in scalar locals (every state index is a constant and the state is small), which
   * keeps accumulators in registers; otherwise each slot copy is a private array.
   */
  readonly stateScalars: boolean;
  /** XOR applied to state copies while printing (see `withSwappedState`). */
  private swap: 0 | 1 = 0;
  /** Row-invariant input loads met in the pair, hoisted by the skeleton (load -> name). */
  private hoisted: Map<string, string> | undefined;

  constructor(
    readonly kernel: LoweredKernel,
    private readonly env: ProgramEnv,
    floatType: FloatType,
  ) {
    this.float = wgslFloat(floatType);
    let constState = true;
    const visitExpr = (e: Expr): void => {
      if (e.t === 'st' && e.idx.terms.length > 0) constState = false;
      if (e.t === 'alu') e.args.forEach(visitExpr);
      if (e.t === 'cast') visitExpr(e.e);
    };
    const visit = (stmts: readonly Stmt[]): void => {
      for (const s of stmts) {
        if (s.t === 'let' || s.t === 'var') this.idTy.set(s.id, s.ty);
        if (s.t === 'array') this.arrTy.set(s.arr, s.ty);
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
    for (const block of [kernel.row, kernel.init, kernel.pair, kernel.merge, kernel.finalize]) visit(block);
    this.stateScalars = constState && this.stateWords() <= 64;
  }

  /** Module-scope WGSL of the helpers used so far (print every block first). */
  helperSource(): string {
    const powi = [...this.powis.values()].map(({ float, n }) => powiFunction(float, n));
    return [helperSource(this.helpers), ...powi].filter((s) => s.length > 0).join('\n');
  }

  /** The WGSL type of a program type. */
  wgslType(ty: ScalarType): string {
    return ty === 'i' ? 'i32' : this.floatOf(ty).type;
  }

  private floatOf(ty: 'f' | 'acc'): WgslFloat {
    return ty === 'f' ? this.float : F32;
  }

  /** Total 32-bit words of one state copy. */
  stateWords(): number {
    return this.kernel.state.reduce((a, s) => a + s.size, 0);
  }

  /** Declarations of the state copies (copy 0 only, or both). */
  stateDecls(pad: string, copies: 1 | 2 = 2): string[] {
    const out: string[] = [];
    this.kernel.state.forEach((slot, s) => {
      const ty = this.wgslType(slot.ty);
      for (const copy of copies === 2 ? [0, 1] : [0]) {
        if (this.stateScalars)
          for (let k = 0; k < slot.size; k++) out.push(`${pad}var s${s}_${copy}_${k}: ${ty};`);
        else out.push(`${pad}var s${s}_${copy}: array<${ty}, ${slot.size}>;`);
      }
    });
    return out;
  }

  /**
   * Statements copying state copy `copy` to (`store`) or from (`load`) 32-bit words, word w of
   * the copy at the u32 expression `at(w)` of array `words`. An f16 value travels as the f32 of
   * the same value (exact), so every state element is one word.
   */
  stateTransfer(
    mode: 'load' | 'store',
    copy: 0 | 1,
    words: string,
    at: (w: string) => string,
    pad: string,
  ): string[] {
    const out: string[] = [];
    let offset = 0;
    this.kernel.state.forEach((slot, s) => {
      const ty = this.wgslType(slot.ty);
      const half = ty === 'f16';
      const move = (place: string, w: string) =>
        mode === 'store'
          ? `${words}[${at(w)}] = bitcast<u32>(${half ? `f32(${place})` : place});`
          : `${place} = ${half ? `f16(bitcast<f32>(${words}[${at(w)}]))` : `bitcast<${ty}>(${words}[${at(w)}])`};`;
      if (this.stateScalars) {
        for (let k = 0; k < slot.size; k++) out.push(`${pad}${move(`s${s}_${copy}_${k}`, `${offset + k}u`)}`);
      } else {
        out.push(`${pad}for (var w = 0u; w < ${slot.size}u; w++) {`);
        out.push(`${pad}${INDENT}${move(`s${s}_${copy}[w]`, `${offset}u + w`)}`);
        out.push(`${pad}}`);
      }
      offset += slot.size;
    });
    return out;
  }

  /**
   * Prints `block` with state copies 0 and 1 swapped: core-ir folds into copy 0, so a tile is
   * accumulated into copy 1 by printing `init` and `pair` swapped, then `merge` (unswapped) folds
   * it into the running total.
   */
  withSwappedState<T>(fn: () => T): T {
    this.swap = 1;
    try {
      return fn();
    } finally {
      this.swap = 0;
    }
  }

  /**
   * Prints the pair block, collecting loads of row-invariant inputs at constant components: the
   * skeleton declares them once per row (`hoistedDecls`) instead of once per reduced index.
   */
  pairWithHoisting(pad: string): { lines: string[]; hoisted: string[] } {
    this.hoisted = new Map();
    try {
      const lines = this.stmts(this.kernel.pair, pad);
      const hoisted = [...this.hoisted].map(([load, name]) => `let ${name} = ${load};`);
      return { lines, hoisted };
    } finally {
      this.hoisted = undefined;
    }
  }

  /** Statements in their own braces, so that a block printed twice never redeclares a name. */
  block(stmts: readonly Stmt[], pad: string): string[] {
    if (stmts.length === 0) return [];
    return [`${pad}{`, ...this.stmts(stmts, pad + INDENT), `${pad}}`];
  }

  stmts(stmts: readonly Stmt[], pad: string): string[] {
    const out: string[] = [];
    for (const s of stmts) {
      switch (s.t) {
        case 'let':
          out.push(`${pad}let v${s.id}: ${this.wgslType(s.ty)} = ${this.expr(s.e, s.ty)};`);
          break;
        case 'var':
          out.push(`${pad}var v${s.id}: ${this.wgslType(s.ty)} = ${this.expr(s.e, s.ty)};`);
          break;
        case 'set':
          out.push(`${pad}v${s.id} = ${this.expr(s.e, this.idTy.get(s.id)!)};`);
          break;
        case 'array':
          out.push(`${pad}var a${s.arr}: array<${this.wgslType(s.ty)}, ${s.size}>;`);
          break;
        case 'store':
          out.push(`${pad}a${s.arr}[${this.idx(s.idx)}] = ${this.expr(s.e, this.arrTy.get(s.arr)!)};`);
          break;
        case 'stset':
          out.push(
            `${pad}${this.state(s.slot, s.copy, s.idx)} = ${this.expr(s.e, this.kernel.state[s.slot]!.ty)};`,
          );
          break;
        case 'out': {
          const ty = this.kernel.outputs[s.out]!.type;
          out.push(`${pad}${this.env.output(s.out, this.printedIdx(s.idx), this.expr(s.e, ty))}`);
          break;
        }
        case 'for':
          out.push(`${pad}for (var l${s.loop} = 0i; l${s.loop} < ${s.n}i; l${s.loop}++) {`);
          out.push(...this.stmts(s.body, pad + INDENT));
          out.push(`${pad}}`);
          break;
        case 'if':
          out.push(`${pad}if (${this.expr(s.cond, 'b')}) {`);
          out.push(...this.stmts(s.then, pad + INDENT));
          if (s.else.length > 0) {
            out.push(`${pad}} else {`);
            out.push(...this.stmts(s.else, pad + INDENT));
          }
          out.push(`${pad}}`);
          break;
      }
    }
    return out;
  }

  private state(slot: number, copy: 0 | 1, idx: Idx): string {
    const c = copy ^ this.swap;
    return this.stateScalars ? `s${slot}_${c}_${idx.offset}` : `s${slot}_${c}[${this.idx(idx)}]`;
  }

  /** An index as an i32 expression. */
  private idx(idx: Idx): string {
    const parts = idx.terms.map(([loop, stride]) =>
      stride === 1 ? `l${loop}` : `l${loop} * ${i32Literal(stride)}`,
    );
    if (idx.offset !== 0 || parts.length === 0) parts.push(i32Literal(idx.offset));
    return parts.join(' + ');
  }

  private printedIdx(idx: Idx): PrintedIdx {
    return idx.terms.length === 0 ? { k: idx.offset } : { expr: this.idx(idx) };
  }

  /** `e` printed as a WGSL value of type `want`. */
  expr(e: Expr, want: Ty): string {
    const natural = this.typeOf(e);
    if (natural === null) {
      if (e.t === 'num') return this.literal(e.v, want);
      // An untyped computation (on literals only) is done in floats.
      const ty = want === 'b' ? 'f' : want;
      return this.convert(this.print(e, ty), ty, want);
    }
    return this.convert(this.print(e, natural), natural, want);
  }

  private literal(v: number, ty: Ty): string {
    if (ty === 'b') return v !== 0 ? 'true' : 'false';
    if (ty === 'i') return i32Literal(v);
    return this.floatOf(ty).literal(v);
  }

  /** Converts a printed value between types (`f` and `acc` differ in float16 kernels only). */
  private convert(s: string, from: Ty, to: Ty): string {
    if (from === to) return s;
    if (to === 'b') return `(${s} != ${this.literal(0, from)})`;
    if (from === 'b') return `select(${this.literal(0, to)}, ${this.literal(1, to)}, ${s})`;
    const ty = this.wgslType(to);
    return ty === this.wgslType(from) ? s : `${ty}(${s})`;
  }

  /** Static type of an expression; null for a float literal, which takes its context's type. */
  private typeOf(e: Expr): Ty | null {
    const cached = this.types.get(e);
    if (cached !== undefined) return cached;
    let ty: Ty | null;
    switch (e.t) {
      case 'num':
        ty = null;
        break;
      case 'int':
      case 'j':
        ty = 'i';
        break;
      case 'ref':
        ty = this.idTy.get(e.id)!;
        break;
      case 'in':
      case 'ix':
        ty = 'f';
        break;
      case 'arr':
        ty = this.arrTy.get(e.arr)!;
        break;
      case 'st':
        ty = this.kernel.state[e.slot]!.ty;
        break;
      case 'cast':
        ty = e.to;
        break;
      case 'alu':
        if (COMPARE[e.op] || e.op === Alu.IsNan || e.op === Alu.And || e.op === Alu.Or) ty = 'b';
        else if (e.op === Alu.Select) ty = this.unify(e.args.slice(1));
        else if (e.op === Alu.PowI) ty = this.typeOf(e.args[0]!);
        else ty = this.unify(e.args);
        break;
    }
    this.types.set(e, ty);
    return ty;
  }

  /** The common type of operands (their own types may be null for literals, or bool). */
  private unify(args: readonly Expr[]): Ty | null {
    let ty: Ty | null = null;
    for (const a of args) {
      const t = this.typeOf(a);
      if (t === null) continue;
      // A truth value stands for 0/1 in any numeric context; a number decides the type, and
      // the accumulator type wins over the data type (never narrow an accumulator).
      if (ty === null || ty === 'b' || (ty === 'f' && t === 'acc')) ty = t;
    }
    return ty;
  }

  /** `e` printed in type `ty` (its natural type, or the context's for untyped expressions). */
  private print(e: Expr, ty: Ty): string {
    switch (e.t) {
      case 'num':
        return this.literal(e.v, ty);
      case 'int':
        return i32Literal(e.v);
      case 'ref':
        return `v${e.id}`;
      case 'in': {
        const load = this.env.input(e.input, this.printedIdx(e.idx));
        if (!this.hoisted || this.kernel.inputs[e.input]!.cat === 'j' || e.idx.terms.length > 0) return load;
        let name = this.hoisted.get(load);
        if (name === undefined) {
          name = `h${e.input}_${e.idx.offset}`;
          this.hoisted.set(load, name);
        }
        return name;
      }
      case 'arr':
        return `a${e.arr}[${this.idx(e.idx)}]`;
      case 'st':
        return this.state(e.slot, e.copy, e.idx);
      case 'ix':
        return `${this.float.type}(${this.idx(e.idx)})`;
      case 'j':
        return this.env.j;
      case 'cast':
        return this.expr(e.e, e.to);
      case 'alu':
        return this.alu(e, ty);
    }
  }

  private alu(e: Extract<Expr, { t: 'alu' }>, ty: Ty): string {
    const [x, y, z] = e.args;
    const call = (h: Helper, float: WgslFloat) => {
      if (!this.helpers.some((u) => u.helper === h && u.float === float))
        this.helpers.push({ helper: h, float });
      return helperName(h, float);
    };
    const cmp = COMPARE[e.op];
    if (cmp) {
      const operand = numeric(this.unify(e.args));
      const [a, b] = [this.expr(x!, operand), this.expr(y!, operand)];
      // Drivers compile != as an ordered comparison (false for NaN): IEEE says true.
      if (e.op === Alu.Ne && operand !== 'i') {
        const isnan = call('isnan', this.floatOf(operand));
        return `((${a} != ${b}) | ${isnan}(${a}) | ${isnan}(${b}))`;
      }
      return `(${a} ${cmp} ${b})`;
    }
    switch (e.op) {
      case Alu.IsNan: {
        const operand = numeric(this.typeOf(x!));
        // An integer is never NaN.
        if (operand === 'i') return 'false';
        return `${call('isnan', this.floatOf(operand))}(${this.expr(x!, operand)})`;
      }
      // Non-short-circuit forms: no branch for the compiler to keep (operands have no effects).
      case Alu.And:
        return `(${this.expr(x!, 'b')} & ${this.expr(y!, 'b')})`;
      case Alu.Or:
        return `(${this.expr(x!, 'b')} | ${this.expr(y!, 'b')})`;
      case Alu.Select:
        return `select(${this.expr(z!, ty)}, ${this.expr(y!, ty)}, ${this.expr(x!, 'b')})`;
      case Alu.PowI: {
        if (y?.t !== 'int')
          throw new UnsupportedError(
            'PowI needs a constant integer exponent; update @symtensor/backend-webgpu',
          );
        if (ty !== 'f' && ty !== 'acc') throw new UnsupportedError(`PowI on ${ty} values has no WGSL form`);
        const float = this.floatOf(ty);
        const name = powiName(float, y.v);
        this.powis.set(name, { float, n: y.v });
        return `${name}(${this.expr(x!, ty)})`;
      }
      default: {
        const operand = numeric(ty);
        const float = operand === 'i' ? undefined : this.floatOf(operand);
        return printArith(
          e.op,
          e.args.map((a) => this.expr(a, operand)),
          float,
          (h) => call(h, float!),
        );
      }
    }
  }
}

/** A numeric type for operands whose own type is unknown or bool: floats, as the lowering means. */
function numeric(ty: Ty | null): ScalarType {
  return ty === null || ty === 'b' ? 'f' : ty;
}

function powiName(float: WgslFloat, n: number): string {
  return `st_powi_${n < 0 ? `m${-n}` : n}${float.suffix}`;
}

/**
 * x^n for a constant integer n by repeated squaring (as exact as the float type allows, and defined for
 * negative x, which exp/log-based pow is not); x^0 = 1, also for NaN, as JavaScript's `**`.
 */
function powiFunction(float: WgslFloat, n: number): string {
  const m = Math.abs(n);
  const T = float.type;
  const one = float.literal(1);
  const lines = [`fn ${powiName(float, n)}(x: ${T}) -> ${T} {`, `  var r = ${one};`, '  var b = x;'];
  for (let e = m; e > 0; e >>= 1) {
    if (e & 1) lines.push('  r = r * b;');
    if (e > 1) lines.push('  b = b * b;');
  }
  lines.push(n < 0 ? `  return ${one} / r;` : '  return r;', '}');
  return lines.join('\n');
}
