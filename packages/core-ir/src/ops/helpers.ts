/** Small shared pieces of the op definitions: broadcasting dims, evaluation and gradients. */
import { ShapeError } from '../errors.js';
import { sum } from '../formula/build.js';
import type { Formula } from '../formula/formula.js';
import type { LowerCtx, Val } from '../lower/context.js';
import { Alu, type Expr, type Idx } from '../lower/program.js';

/** Elementwise broadcasting: children's dims must be equal or 1; the output takes the largest. */
export function broadcastDim(op: string, dims: readonly number[]): number {
  const out = Math.max(...dims);
  for (const d of dims)
    if (d !== out && d !== 1)
      throw new ShapeError(`${op}: dimension mismatch ${dims.join(' vs ')} (dims must be equal or 1)`);
  return out;
}

/** Component k of a float64 value, broadcasting a scalar. */
export function comp(v: Float64Array, k: number): number {
  return v.length === 1 ? v[0]! : v[k]!;
}

/** Evaluates an elementwise op over broadcast float64 arguments. */
export function evalElementwise(
  args: readonly Float64Array[],
  dim: number,
  fn: (...xs: number[]) => number,
): Float64Array {
  const out = new Float64Array(dim);
  const xs = new Array<number>(args.length);
  for (let k = 0; k < dim; k++) {
    for (let a = 0; a < args.length; a++) xs[a] = comp(args[a]!, k);
    out[k] = fn(...xs);
  }
  return out;
}

/** Lowers an elementwise op to one ALU operation per component. */
export function lowerElementwise(ctx: LowerCtx, node: Formula, kids: readonly Val[], alu: Alu): Val {
  return ctx.elementwise(node.dim, (k) => ctx.alu(alu, ...kids.map((v) => ctx.at(v, k))));
}

/** Folds a broadcast cotangent back onto a child of dim 1 (sum of the components). */
export function unbroadcast(g: Formula, childDim: number): Formula {
  return childDim === 1 && g.dim > 1 ? sum(g) : g;
}

/** A vector-to-scalar sum of f(k) over `dim` components. */
export function lowerSumOf(ctx: LowerCtx, dim: number, term: (k: Idx) => Expr): Expr {
  const [total] = ctx.fold(dim, [ctx.num(0)], ([acc], k) => [ctx.alu(Alu.Add, acc!, term(k))]);
  return total!;
}

export function sameDims(op: string, a: number, b: number): void {
  if (a !== b) throw new ShapeError(`${op} needs equal dims, got ${a} and ${b}`);
}

export function checkInt(op: string, what: string, v: number | undefined, lo: number, hi: number): number {
  if (v === undefined || !Number.isInteger(v) || v < lo || v > hi)
    throw new ShapeError(`${op}: ${what} must be an integer in [${lo}, ${hi}], got ${v}`);
  return v;
}
