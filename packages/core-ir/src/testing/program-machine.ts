/**
 * A tree-walking evaluator of lowered programs (`LoweredKernel` statements and expressions), the
 * engine of `programBackend`. It computes in float64 and rounds every value to its scalar type
 * (`f` to the data dtype, `acc` to the accumulator dtype, with Math.fround for float32), after
 * every ALU operation as a float32 device would. It is strict on purpose: it rejects reads of
 * unset values, out-of-bounds indices, mixed scalar types and unwritten outputs with a
 * `ProgramError`, so that a lowering bug shows up as an error rather than as a wrong number.
 */
import type { FloatDType, TypedArray } from '../dtype.js';
import {
  Alu,
  type Expr,
  type Idx,
  type LoweredKernel,
  type ScalarType,
  type Stmt,
} from '../lower/program.js';
import { aluValue } from './alu.js';
import { ProgramError } from './program-error.js';

type AluExpr = Extract<Expr, { t: 'alu' }>;

/** ALU operations whose result is a 0/1 truth value. */
const TRUTH = new Set<Alu>([Alu.Lt, Alu.Le, Alu.Eq, Alu.Ne, Alu.IsNan, Alu.And, Alu.Or]);
type Slots = (number | undefined)[];

export class ProgramMachine {
  /** Declared type of each local id and array (each declared by exactly one statement). */
  private readonly idTy: ScalarType[] = [];
  private readonly arrTy: ScalarType[] = [];
  private readonly types = new WeakMap<Expr, ScalarType | null>();
  private readonly aluInfos = new WeakMap<Expr, { ty: ScalarType | null; args: (ScalarType | null)[] }>();
  private ids: Slots = [];
  private arrays: (Slots | undefined)[] = [];
  private readonly loops: Int32Array;
  private readonly loopOn: Uint8Array;
  /** state[slot][copy][k]. */
  state: Slots[][] = [];

  /** Data and element offset of each program input for the current row / reduced index. */
  readonly inData: TypedArray[] = [];
  readonly inBase: number[] = [];
  /** The current reduced index (-1 outside `pair`). */
  j = -1;

  private outData: TypedArray[] = [];
  private outBase: number[] = [];
  private written: Uint8Array[] = [];

  constructor(
    readonly kernel: LoweredKernel,
    private readonly dtype: FloatDType,
    private readonly accumulator: FloatDType,
  ) {
    for (const block of [kernel.row, kernel.init, kernel.pair, kernel.merge, kernel.finalize])
      this.declare(block);
    this.loops = new Int32Array(kernel.counts.loops);
    this.loopOn = new Uint8Array(kernel.counts.loops);
  }

  /** Starts an output row: locals are unset, outputs unwritten. */
  beginRow(outData: TypedArray[], outBase: number[]): void {
    this.ids = new Array(this.kernel.counts.ids);
    this.arrays = new Array(this.kernel.counts.arrays);
    this.outData = outData;
    this.outBase = outBase;
    this.written = this.kernel.outputs.map((o) => new Uint8Array(o.dim));
  }

  /** Checks that the row wrote every component of every output. */
  endRow(): void {
    this.written.forEach((w, n) => {
      const k = w.indexOf(0);
      if (k >= 0) throw new ProgramError(`output ${n} component ${k} was not written`);
    });
  }

  /** Makes state copy `copy` fresh (every element unset, so reading before `init` is caught). */
  clearState(copy: 0 | 1): void {
    this.kernel.state.forEach((slot, s) => {
      this.state[s] ??= [[], []];
      this.state[s]![copy] = new Array(slot.size);
    });
  }

  snapshot(copy: 0 | 1): Slots[] {
    return this.kernel.state.map((_, s) => [...this.state[s]![copy]!]);
  }

  restore(copy: 0 | 1, saved: Slots[]): void {
    saved.forEach((values, s) => {
      this.state[s]![copy] = [...values];
    });
  }

  exec(block: readonly Stmt[]): void {
    for (const s of block) this.stmt(s);
  }

  private declare(block: readonly Stmt[]): void {
    for (const s of block) {
      if (s.t === 'let' || s.t === 'var') {
        if (this.idTy[s.id] !== undefined) throw new ProgramError(`local ${s.id} is declared twice`);
        this.idTy[s.id] = s.ty;
      } else if (s.t === 'array') {
        if (this.arrTy[s.arr] !== undefined) throw new ProgramError(`array ${s.arr} is declared twice`);
        this.arrTy[s.arr] = s.ty;
      } else if (s.t === 'for') this.declare(s.body);
      else if (s.t === 'if') {
        this.declare(s.then);
        this.declare(s.else);
      }
    }
  }

  private stmt(s: Stmt): void {
    switch (s.t) {
      case 'let':
      case 'var':
        this.ids[s.id] = this.bind(s.ty, s.e, `local ${s.id}`);
        return;
      case 'set':
        if (this.ids[s.id] === undefined) throw new ProgramError(`set of local ${s.id} before its var`);
        this.ids[s.id] = this.bind(this.idTy[s.id]!, s.e, `local ${s.id}`);
        return;
      case 'array':
        this.arrays[s.arr] = new Array(s.size);
        return;
      case 'store': {
        const arr = this.array(s.arr);
        arr[this.bounded(s.idx, arr.length, `array ${s.arr}`)] = this.bind(
          this.arrTy[s.arr]!,
          s.e,
          `array ${s.arr}`,
        );
        return;
      }
      case 'stset': {
        const values = this.stateCopy(s.slot, s.copy);
        const k = this.bounded(s.idx, values.length, `state slot ${s.slot}`);
        values[k] = this.bind(this.kernel.state[s.slot]!.ty, s.e, `state slot ${s.slot}`);
        return;
      }
      case 'out': {
        const o = this.kernel.outputs[s.out];
        if (!o) throw new ProgramError(`output ${s.out} does not exist`);
        const k = this.bounded(s.idx, o.dim, `output ${s.out}`);
        this.outData[s.out]![this.outBase[s.out]! + k] = this.bind(o.type, s.e, `output ${s.out}`);
        this.written[s.out]![k] = 1;
        return;
      }
      case 'for':
        if (this.loopOn[s.loop]) throw new ProgramError(`loop ${s.loop} is nested in itself`);
        this.loopOn[s.loop] = 1;
        for (let k = 0; k < s.n; k++) {
          this.loops[s.loop] = k;
          this.exec(s.body);
        }
        this.loopOn[s.loop] = 0;
        return;
      case 'if': {
        const c = this.ev(s.cond, this.typeOf(s.cond) ?? 'f');
        if (c !== 0 && c !== 1) throw new ProgramError(`if condition is ${c}, not 0 or 1`);
        this.exec(c === 1 ? s.then : s.else);
        return;
      }
    }
  }

  /** Evaluates `e` for a destination of type `ty`, checking the types agree, and rounds. */
  private bind(ty: ScalarType, e: Expr, what: string): number {
    const et = this.typeOf(e);
    if (et !== null && et !== ty) throw new ProgramError(`${what} has type ${ty} but is given a ${et} value`);
    return this.round(ty, this.ev(e, ty));
  }

  /** Rounds a value to a scalar type (integers must already be integers). */
  private round(ty: ScalarType, v: number): number {
    if (ty === 'i') {
      if (!Number.isInteger(v) || Math.abs(v) > 2 ** 31)
        throw new ProgramError(`integer value expected, got ${v}`);
      return v;
    }
    const d = ty === 'acc' ? this.accumulator : this.dtype;
    return d === 'float32' ? Math.fround(v) : v;
  }

  private ev(e: Expr, want: ScalarType): number {
    switch (e.t) {
      case 'num':
        // A float literal takes the type of the expression it appears in.
        return this.round(want, e.v);
      case 'int':
        return this.round('i', e.v);
      case 'ref': {
        const v = this.ids[e.id];
        if (v === undefined) throw new ProgramError(`local ${e.id} is read before it is set`);
        return v;
      }
      case 'in': {
        const input = this.kernel.inputs[e.input];
        if (!input) throw new ProgramError(`input ${e.input} does not exist`);
        return this.inData[e.input]![
          this.inBase[e.input]! + this.bounded(e.idx, input.dim, `input ${e.input}`)
        ]!;
      }
      case 'arr': {
        const arr = this.array(e.arr);
        const v = arr[this.bounded(e.idx, arr.length, `array ${e.arr}`)];
        if (v === undefined) throw new ProgramError(`array ${e.arr} is read where it was never stored`);
        return v;
      }
      case 'st': {
        const values = this.stateCopy(e.slot, e.copy);
        const v = values[this.bounded(e.idx, values.length, `state slot ${e.slot}`)];
        if (v === undefined)
          throw new ProgramError(`state slot ${e.slot} copy ${e.copy} is read before it is set`);
        return v;
      }
      case 'ix':
        return this.index(e.idx);
      case 'j':
        if (this.j < 0) throw new ProgramError('the reduction index is read outside pair');
        return this.j;
      case 'alu':
        return this.alu(e, want);
      case 'cast': {
        const v = this.ev(e.e, this.typeOf(e.e) ?? e.to);
        if (e.to === 'i') {
          if (!Number.isFinite(v)) throw new ProgramError(`cast of ${v} to an integer`);
          return Math.trunc(v);
        }
        return this.round(e.to, v);
      }
    }
  }

  private alu(e: AluExpr, want: ScalarType): number {
    const info = this.aluInfo(e);
    const ty = info.ty ?? want;
    const [x, y, z] = e.args;
    if (e.op === Alu.Select) {
      const c = this.ev(x!, info.args[0]!);
      return this.round(ty, aluValue(Alu.Select, c, this.ev(y!, ty), this.ev(z!, ty)));
    }
    // Operand types are static except for literals in arithmetic, which take the context's.
    const a = this.ev(x!, info.args[0] ?? ty);
    const b = y === undefined ? 0 : this.ev(y, info.args[1] ?? ty);
    const c = z === undefined ? 0 : this.ev(z, info.args[2] ?? ty);
    return this.round(ty, aluValue(e.op, a, b, c));
  }

  /**
   * Static types of an ALU expression: its result (null: a truth value or a literal expression,
   * which fit any context) and the type each operand is evaluated in (null: the result's).
   */
  private aluInfo(e: AluExpr): { ty: ScalarType | null; args: (ScalarType | null)[] } {
    const cached = this.aluInfos.get(e);
    if (cached) return cached;
    const ty = this.typeOf(e);
    let args: (ScalarType | null)[];
    if (e.op === Alu.Select) args = [this.typeOf(e.args[0]!) ?? 'f', null, null];
    else if (e.op === Alu.And || e.op === Alu.Or) args = e.args.map((a) => this.typeOf(a) ?? 'f');
    else {
      // Operands share one type (the result's, for arithmetic), except PowI's integer exponent.
      const operand = this.operandType(e) ?? (TRUTH.has(e.op) ? 'f' : null);
      args = e.args.map((_, k) => (e.op === Alu.PowI && k === 1 ? 'i' : operand));
    }
    const info = { ty, args };
    this.aluInfos.set(e, info);
    return info;
  }

  /** Static type of an expression; null for a bare float literal, which adapts to its context. */
  private typeOf(e: Expr): ScalarType | null {
    const cached = this.types.get(e);
    if (cached !== undefined) return cached;
    let ty: ScalarType | null;
    switch (e.t) {
      case 'num':
        ty = null;
        break;
      case 'int':
      case 'j':
        ty = 'i';
        break;
      case 'ref':
        ty = this.idTy[e.id] ?? null;
        if (ty === null) throw new ProgramError(`local ${e.id} is never declared`);
        break;
      case 'in':
      case 'ix':
        ty = 'f';
        break;
      case 'arr':
        ty = this.arrTy[e.arr] ?? null;
        if (ty === null) throw new ProgramError(`array ${e.arr} is never declared`);
        break;
      case 'st': {
        const slot = this.kernel.state[e.slot];
        if (!slot) throw new ProgramError(`state slot ${e.slot} does not exist`);
        ty = slot.ty;
        break;
      }
      case 'cast':
        ty = e.to;
        break;
      case 'alu':
        if (e.op === Alu.Select) ty = this.unify(e, e.args.slice(1));
        else if (e.op === Alu.And || e.op === Alu.Or) ty = null;
        else {
          ty = this.operandType(e);
          // A truth value is 0 or 1, exact in every scalar type, so it fits any context (and
          // precedesExpr combines float and integer comparisons with And/Or).
          if (TRUTH.has(e.op)) ty = null;
        }
        break;
    }
    this.types.set(e, ty);
    return ty;
  }

  private operandType(e: AluExpr): ScalarType | null {
    return this.unify(e, e.op === Alu.PowI ? e.args.slice(0, 1) : e.args);
  }

  /** The common type of some operands; mixing f, acc and i without a cast is a lowering bug. */
  private unify(e: AluExpr, args: readonly Expr[]): ScalarType | null {
    let ty: ScalarType | null = null;
    for (const a of args) {
      const t = this.typeOf(a);
      if (t === null) continue;
      if (ty !== null && t !== ty)
        throw new ProgramError(`alu ${e.op} mixes ${ty} and ${t} operands without a cast`);
      ty = t;
    }
    return ty;
  }

  private index(idx: Idx): number {
    let v = idx.offset;
    for (const [loop, stride] of idx.terms) {
      if (!this.loopOn[loop]) throw new ProgramError(`loop ${loop} is used outside its body`);
      v += this.loops[loop]! * stride;
    }
    return v;
  }

  private bounded(idx: Idx, size: number, what: string): number {
    const k = this.index(idx);
    if (!(k >= 0 && k < size)) throw new ProgramError(`${what}: index ${k} is outside [0, ${size})`);
    return k;
  }

  private array(arr: number): Slots {
    const a = this.arrays[arr];
    if (!a) throw new ProgramError(`array ${arr} is used before its declaration`);
    return a;
  }

  private stateCopy(slot: number, copy: 0 | 1): Slots {
    const values = this.state[slot]?.[copy];
    if (!values) throw new ProgramError(`state slot ${slot} copy ${copy} is used before it exists`);
    return values;
  }
}
