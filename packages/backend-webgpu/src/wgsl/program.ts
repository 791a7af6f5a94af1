/**
 * Prints the statements of a core-ir `LoweredKernel` as WGSL. The skeletons (`reduce-kernel.ts`,
 * `merge-kernel.ts`, `map-kernel.ts`) decide where each block goes and how inputs and outputs are
 * addressed; this file only turns statements and expressions into WGSL with exact types.
 *
 * WGSL has no implicit conversions, so every expression is printed for the type its destination
 * wants: comparisons and logic are `bool` inside expressions and become 0/1 where the program
 * stores them (the lowered program's truth values are 0/1 numbers of any type), float literals
 * take their context's type, and non-finite literals read the uniform block (see `alu.ts`).
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
import { COMPARE, type Helper, helperSource, printArith } from './alu.js';

/** An index as the environment receives it: a constant, or an i32 WGSL expression. */
export type PrintedIdx = { readonly k: number } | { readonly expr: string };

/** How a skeleton addresses the program's inputs and outputs. */
export interface ProgramEnv {
  /** A WGSL f32 expression reading component `idx` of program input `n`. */
  input(n: number, idx: PrintedIdx): string;
  /** A WGSL statement writing `value` (already of the output's type) to component `idx` of output `o`. */
  output(o: number, idx: PrintedIdx, value: string): string;
  /** The current reduced index as an i32 WGSL expression. */
  readonly j: string;
}

/** Expression types: the program's scalar types plus WGSL's bool for truth values. */
type Ty = ScalarType | 'b';

const WGSL_TYPE: Record<ScalarType, string> = { f: 'f32', acc: 'f32', i: 'i32' };

export const INDENT = '  ';

/** A float32 literal of `v`; infinities and NaN come from the uniform block. */
export function f32Literal(v: number): string {
  const x = Math.fround(v);
  if (Number.isNaN(x)) return 'u.nan';
  if (x === Number.POSITIVE_INFINITY) return 'u.pinf';
  if (x === Number.NEGATIVE_INFINITY) return 'u.ninf';
  if (Object.is(x, -0)) return '(-0.0f)';
  // Nine significant digits round-trip every float32.
  const text = `${Number.isInteger(x) && Math.abs(x) < 1e9 ? x.toFixed(1) : x.toPrecision(9)}f`;
  return x < 0 ? `(${text})` : text;
}

/** An i32 literal (the most negative one has no literal form in WGSL). */
export function i32Literal(v: number): string {
  if (v === -2147483648) return '(-2147483647i - 1i)';
  return v < 0 ? `(${v}i)` : `${v}i`;
}

export class ProgramPrinter {
  /** Helper functions the printed code calls. */
  readonly helpers = new Set<Helper>();
  /** Exponents of PowI met (each becomes a small helper function). */
  private readonly powiExponents = new Set<number>();
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
  ) {
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
    const powi = [...this.powiExponents].map((n) => powiFunction(n));
    return [helperSource(this.helpers), ...powi].filter((s) => s.length > 0).join('\n');
  }

  /** Total 32-bit words of one state copy. */
  stateWords(): number {
    return this.kernel.state.reduce((a, s) => a + s.size, 0);
  }

  /** Declarations of the state copies (copy 0 only, or both). */
  stateDecls(pad: string, copies: 1 | 2 = 2): string[] {
    const out: string[] = [];
    this.kernel.state.forEach((slot, s) => {
      const ty = WGSL_TYPE[slot.ty];
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
   * the copy at the u32 expression `at(w)` of array `words`.
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
      const ty = WGSL_TYPE[slot.ty];
      const move = (place: string, w: string) =>
        mode === 'store'
          ? `${words}[${at(w)}] = bitcast<u32>(${place});`
          : `${place} = bitcast<${ty}>(${words}[${at(w)}]);`;
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
          out.push(`${pad}let v${s.id}: ${WGSL_TYPE[s.ty]} = ${this.expr(s.e, s.ty)};`);
          break;
        case 'var':
          out.push(`${pad}var v${s.id}: ${WGSL_TYPE[s.ty]} = ${this.expr(s.e, s.ty)};`);
          break;
        case 'set':
          out.push(`${pad}v${s.id} = ${this.expr(s.e, this.idTy.get(s.id)!)};`);
          break;
        case 'array':
          out.push(`${pad}var a${s.arr}: array<${WGSL_TYPE[s.ty]}, ${s.size}>;`);
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
      if (e.t === 'num') return literal(e.v, want);
      // An untyped computation (on literals only) is done in floats.
      const ty = want === 'b' ? 'f' : want;
      return convert(this.print(e, ty), ty, want);
    }
    return convert(this.print(e, natural), natural, want);
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
      // A truth value stands for 0/1 in any numeric context; a number decides the type.
      if (ty === null || ty === 'b') ty = t;
    }
    return ty;
  }

  /** `e` printed in type `ty` (its natural type, or the context's for untyped expressions). */
  private print(e: Expr, ty: Ty): string {
    switch (e.t) {
      case 'num':
        return literal(e.v, ty);
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
        return `f32(${this.idx(e.idx)})`;
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
    const use = (h: Helper) => this.helpers.add(h);
    const cmp = COMPARE[e.op];
    if (cmp) {
      const operand = numeric(this.unify(e.args));
      const [a, b] = [this.expr(x!, operand), this.expr(y!, operand)];
      // Drivers compile != as an ordered comparison (false for NaN): IEEE says true.
      if (e.op === Alu.Ne && operand !== 'i') {
        use('isnan');
        return `((${a} != ${b}) | st_isnan(${a}) | st_isnan(${b}))`;
      }
      return `(${a} ${cmp} ${b})`;
    }
    switch (e.op) {
      case Alu.IsNan: {
        const operand = numeric(this.typeOf(x!));
        // An integer is never NaN.
        if (operand === 'i') return 'false';
        use('isnan');
        return `st_isnan(${this.expr(x!, operand)})`;
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
        this.powiExponents.add(y.v);
        return `st_powi_${powiName(y.v)}(${this.expr(x!, ty)})`;
      }
      default: {
        const operand = numeric(ty);
        return printArith(
          e.op,
          e.args.map((a) => this.expr(a, operand)),
          operand !== 'i',
          use,
        );
      }
    }
  }
}

/** A numeric type for operands whose own type is unknown or bool: floats, as the lowering means. */
function numeric(ty: Ty | null): ScalarType {
  return ty === null || ty === 'b' ? 'f' : ty;
}

function literal(v: number, ty: Ty): string {
  if (ty === 'b') return v !== 0 ? 'true' : 'false';
  if (ty === 'i') return i32Literal(v);
  return f32Literal(v);
}

/** Converts a printed value between types (f and acc are both f32: float32 kernels only). */
function convert(s: string, from: Ty, to: Ty): string {
  if (from === to) return s;
  const isFloat = (t: Ty) => t === 'f' || t === 'acc';
  if (isFloat(from) && isFloat(to)) return s;
  if (from === 'b') return to === 'i' ? `select(0i, 1i, ${s})` : `select(0.0f, 1.0f, ${s})`;
  if (to === 'b') return from === 'i' ? `(${s} != 0i)` : `(${s} != 0.0f)`;
  return to === 'i' ? `i32(${s})` : `f32(${s})`;
}

function powiName(n: number): string {
  return n < 0 ? `m${-n}` : String(n);
}

/**
 * x^n for a constant integer n by repeated squaring (as exact as float32 allows, and defined for
 * negative x, which exp/log-based pow is not); x^0 = 1, also for NaN, as JavaScript's `**`.
 */
function powiFunction(n: number): string {
  const m = Math.abs(n);
  const lines = [`fn st_powi_${powiName(n)}(x: f32) -> f32 {`, '  var r = 1.0f;', '  var b = x;'];
  for (let e = m; e > 0; e >>= 1) {
    if (e & 1) lines.push('  r = r * b;');
    if (e > 1) lines.push('  b = b * b;');
  }
  lines.push(n < 0 ? '  return 1.0f / r;' : '  return r;', '}');
  return lines.join('\n');
}
