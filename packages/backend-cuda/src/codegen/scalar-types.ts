/**
 * Static scalar types of a lowered program's expressions, by the rules core-ir's program machine
 * defines: locals, arrays and state slots have declared types; float literals and truth values
 * (comparisons, IsNan, And, Or) have none and take the type of the context they appear in; the
 * operands of an ALU operation share one type, except PowI's integer exponent and the conditions
 * of Select, And and Or. The printer needs these types to pick float or double literals and to
 * convert truth values, which C++ types as `bool`.
 */
import { Alu, type Expr, type LoweredKernel, type ScalarType, type Stmt } from '@symtensor/core-ir';

type AluExpr = Extract<Expr, { t: 'alu' }>;

/** ALU operations whose value is a 0/1 truth value. */
export const TRUTH_OPS: ReadonlySet<Alu> = new Set([
  Alu.Lt,
  Alu.Le,
  Alu.Eq,
  Alu.Ne,
  Alu.IsNan,
  Alu.And,
  Alu.Or,
]);

export class ScalarTypes {
  private readonly ids = new Map<number, ScalarType>();
  private readonly arrays = new Map<number, ScalarType>();
  private readonly cache = new WeakMap<Expr, ScalarType | null>();

  constructor(private readonly kernel: LoweredKernel) {
    for (const block of [kernel.row, kernel.init, kernel.pair, kernel.merge, kernel.finalize])
      this.declare(block);
  }

  /** Declared type of a local (`let` / `var`). */
  local(id: number): ScalarType {
    const ty = this.ids.get(id);
    if (ty === undefined) throw new Error(`local ${id} is never declared`);
    return ty;
  }

  /** Declared type of a local array. */
  array(arr: number): ScalarType {
    const ty = this.arrays.get(arr);
    if (ty === undefined) throw new Error(`array ${arr} is never declared`);
    return ty;
  }

  /** Static type of `e`; null for float literals and truth values, which adapt to context. */
  of(e: Expr): ScalarType | null {
    const hit = this.cache.get(e);
    if (hit !== undefined) return hit;
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
        ty = this.local(e.id);
        break;
      case 'in':
      case 'ix':
        ty = 'f';
        break;
      case 'arr':
        ty = this.array(e.arr);
        break;
      case 'st':
        ty = this.kernel.state[e.slot]!.ty;
        break;
      case 'cast':
        ty = e.to;
        break;
      case 'alu':
        if (TRUTH_OPS.has(e.op)) ty = null;
        else if (e.op === Alu.Select) ty = this.common(e.args.slice(1));
        else ty = this.common(e.op === Alu.PowI ? e.args.slice(0, 1) : e.args);
        break;
    }
    this.cache.set(e, ty);
    return ty;
  }

  /**
   * The context each operand of `e` is printed in, given the context of `e` itself: conditions
   * (Select's first operand, And and Or operands) get null, meaning "as a truth value".
   */
  operandContexts(e: AluExpr, context: ScalarType): (ScalarType | null)[] {
    if (e.op === Alu.And || e.op === Alu.Or) return e.args.map(() => null);
    if (e.op === Alu.Select) return [null, context, context];
    const own = this.common(e.op === Alu.PowI ? e.args.slice(0, 1) : e.args);
    // Comparisons of two literals have no operand type: compare in the data type.
    const operand = own ?? (TRUTH_OPS.has(e.op) ? 'f' : context);
    return e.args.map((_, k) => (e.op === Alu.PowI && k === 1 ? 'i' : operand));
  }

  private common(args: readonly Expr[]): ScalarType | null {
    for (const a of args) {
      const t = this.of(a);
      if (t !== null) return t;
    }
    return null;
  }

  private declare(block: readonly Stmt[]): void {
    for (const s of block) {
      if (s.t === 'let' || s.t === 'var') this.ids.set(s.id, s.ty);
      else if (s.t === 'array') this.arrays.set(s.arr, s.ty);
      else if (s.t === 'for') this.declare(s.body);
      else if (s.t === 'if') {
        this.declare(s.then);
        this.declare(s.else);
      }
    }
  }
}
