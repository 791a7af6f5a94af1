/**
 * Prints the statements of a core-ir `LoweredKernel` as CUDA C++. The skeletons (`reduction.ts`,
 * `map.ts`) decide where each block goes; this printer only needs these names to be in scope:
 *
 * - `x<n>`, `y<n>`, `p<n>`: pointers to input n's components for the current row (cat `i`), the
 *   current reduced index (cat `j`) or the parameter (cat `p`);
 * - `j`: the current reduced index (an `int`);
 * - `out<o>` and `ob`: output o and the flat output row (`long long`);
 * - `s<slot>_<copy>`: the state arrays (`stateDecls`).
 *
 * Locals keep their program ids (`v<id>`, arrays `a<id>`, loops `l<id>`), so every block can be
 * printed anywhere inside the scope of the blocks before it. `swap` prints a block with state
 * copies 0 and 1 exchanged: core-ir always folds into copy 0, and a skeleton that accumulates a
 * tile in copy 1 before merging it prints `init` and `pair` swapped.
 */
import type { Expr, Idx, LoweredKernel, ScalarType, Stmt } from '@symtensor/core-ir';
import { printAlu } from './alu.js';
import { type CType, intLiteral, literal } from './literals.js';
import { ScalarTypes, TRUTH_OPS } from './scalar-types.js';

export interface ProgramTypes {
  /** C type of `f` values (the data dtype). */
  readonly f: 'float' | 'double';
  /** C type of `acc` values (the accumulator dtype). */
  readonly acc: 'float' | 'double';
}

export const INDENT = '  ';

export class ProgramPrinter {
  private readonly types: ScalarTypes;
  private swap: 0 | 1 = 0;
  /** Row-invariant loads met while printing the pair, by load text (see `pairStmts`). */
  private hoisted: Map<string, string> | undefined;

  constructor(
    readonly kernel: LoweredKernel,
    readonly ctypes: ProgramTypes,
  ) {
    this.types = new ScalarTypes(kernel);
  }

  ctype(ty: ScalarType): CType {
    return ty === 'i' ? 'int' : this.ctypes[ty];
  }

  /** Declarations of both copies of every state slot. */
  stateDecls(depth: number): string[] {
    const pad = INDENT.repeat(depth);
    return this.kernel.state.flatMap((slot, s) =>
      [0, 1].map((c) => `${pad}${this.ctype(slot.ty)} s${s}_${c}[${slot.size}];`),
    );
  }

  /** `stmts` in their own braces (blocks printed twice, like `init`, then cannot collide). */
  block(stmts: readonly Stmt[], depth: number, swap: 0 | 1 = 0): string[] {
    if (stmts.length === 0) return [];
    const pad = INDENT.repeat(depth);
    return [`${pad}{`, ...this.stmts(stmts, depth + 1, swap), `${pad}}`];
  }

  /** `stmts` without braces, so that their locals stay in scope for later blocks. */
  stmts(stmts: readonly Stmt[], depth: number, swap: 0 | 1 = 0): string[] {
    const saved = this.swap;
    this.swap = swap;
    try {
      const out: string[] = [];
      this.print(stmts, depth, out);
      return out;
    } finally {
      this.swap = saved;
    }
  }

  /**
   * The pair block (with state copies swapped or not) and the declarations of the loads it makes
   * from i variables and parameters at constant components, which the skeleton places before the
   * reduced-index loop: they are row-invariant, and without this each would be a global load per
   * pair (the compiler cannot prove that the stores to shared memory and outputs leave them alone).
   */
  pairStmts(stmts: readonly Stmt[], depth: number, swap: 0 | 1): { lines: string[]; hoisted: string[] } {
    this.hoisted = new Map();
    try {
      const lines = this.stmts(stmts, depth, swap);
      const T = this.ctype('f');
      return { lines, hoisted: [...this.hoisted].map(([load, name]) => `const ${T} ${name} = ${load};`) };
    } finally {
      this.hoisted = undefined;
    }
  }

  private print(stmts: readonly Stmt[], depth: number, out: string[]): void {
    const pad = INDENT.repeat(depth);
    for (const s of stmts) {
      switch (s.t) {
        case 'let':
          out.push(`${pad}const ${this.ctype(s.ty)} v${s.id} = ${this.expr(s.e, s.ty)};`);
          break;
        case 'var':
          out.push(`${pad}${this.ctype(s.ty)} v${s.id} = ${this.expr(s.e, s.ty)};`);
          break;
        case 'set':
          out.push(`${pad}v${s.id} = ${this.expr(s.e, this.types.local(s.id))};`);
          break;
        case 'array':
          out.push(`${pad}${this.ctype(s.ty)} a${s.arr}[${s.size}];`);
          break;
        case 'store':
          out.push(`${pad}a${s.arr}[${idx(s.idx)}] = ${this.expr(s.e, this.types.array(s.arr))};`);
          break;
        case 'stset':
          out.push(
            `${pad}${this.state(s.slot, s.copy, s.idx)} = ${this.expr(s.e, this.kernel.state[s.slot]!.ty)};`,
          );
          break;
        case 'out': {
          const o = this.kernel.outputs[s.out]!;
          out.push(`${pad}out${s.out}[ob * ${o.dim} + ${idx(s.idx)}] = ${this.expr(s.e, o.type)};`);
          break;
        }
        case 'for':
          out.push(`${pad}for (int l${s.loop} = 0; l${s.loop} < ${s.n}; ++l${s.loop}) {`);
          this.print(s.body, depth + 1, out);
          out.push(`${pad}}`);
          break;
        case 'if':
          out.push(`${pad}if (${this.expr(s.cond, null)}) {`);
          this.print(s.then, depth + 1, out);
          if (s.else.length > 0) {
            out.push(`${pad}} else {`);
            this.print(s.else, depth + 1, out);
          }
          out.push(`${pad}}`);
          break;
      }
    }
  }

  private state(slot: number, copy: 0 | 1, at: Idx): string {
    return `s${slot}_${copy ^ this.swap}[${idx(at)}]`;
  }

  /**
   * `e` printed for a context of type `want`; null means a condition, where C++'s truth rules
   * (non-zero, NaN included, is true) are the program's.
   */
  private expr(e: Expr, want: ScalarType | null): string {
    switch (e.t) {
      case 'num':
        return want === 'i' ? intLiteral(e.v) : literal(e.v, this.ctype(want ?? 'f'));
      case 'int':
        return intLiteral(e.v);
      case 'ref':
        return `v${e.id}`;
      case 'in': {
        const input = this.kernel.inputs[e.input]!;
        const base = input.cat === 'i' ? 'x' : input.cat === 'j' ? 'y' : 'p';
        const load = `${base}${e.input}[${idx(e.idx)}]`;
        if (!this.hoisted || input.cat === 'j' || e.idx.terms.length > 0) return load;
        let name = this.hoisted.get(load);
        if (name === undefined) {
          name = `h${e.input}_${e.idx.offset}`;
          this.hoisted.set(load, name);
        }
        return name;
      }
      case 'arr':
        return `a${e.arr}[${idx(e.idx)}]`;
      case 'st':
        return this.state(e.slot, e.copy, e.idx);
      case 'ix':
        return `((${this.ctype('f')})(${idx(e.idx)}))`;
      case 'j':
        return 'j';
      case 'cast': {
        const inner = this.expr(e.e, this.types.of(e.e) ?? e.to);
        return `((${this.ctype(e.to)})${inner})`;
      }
      case 'alu': {
        const own = this.types.of(e);
        const contexts = this.types.operandContexts(e, own ?? want ?? 'f');
        const text = printAlu(
          e.op,
          e.args.map((a, k) => this.expr(a, contexts[k] ?? null)),
        );
        // A truth value is a C++ bool: converted explicitly where a number is expected, since a
        // bool argument would make the prelude's float/double overloads ambiguous.
        return TRUTH_OPS.has(e.op) && want !== null ? `((${this.ctype(want)})${text})` : text;
      }
    }
  }
}

/** Whether statements read the reduced index `j`. */
export function readsIndex(stmts: readonly Stmt[]): boolean {
  const inExpr = (e: Expr): boolean =>
    e.t === 'j' || (e.t === 'alu' && e.args.some(inExpr)) || (e.t === 'cast' && inExpr(e.e));
  return stmts.some((s) => {
    if (s.t === 'for') return readsIndex(s.body);
    if (s.t === 'if') return inExpr(s.cond) || readsIndex(s.then) || readsIndex(s.else);
    return s.t !== 'array' && inExpr(s.e);
  });
}

/** An affine index as C++ (`int` arithmetic: indices stay within a vector's components). */
export function idx(at: Idx): string {
  const parts = at.terms.map(([loop, stride]) =>
    stride === 1 ? `l${loop}` : `l${loop} * ${intLiteral(stride)}`,
  );
  if (at.offset !== 0 || parts.length === 0) parts.push(intLiteral(at.offset));
  return parts.join(' + ');
}
