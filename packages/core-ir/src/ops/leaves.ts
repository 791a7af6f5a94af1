/**
 * Leaves: variables and constants. Their values come from the evaluation environment (variables)
 * or their attributes (constants); the interpreter and the lowering driver handle them directly.
 */
import { SymtensorError } from '../errors.js';
import type { Formula } from '../formula/formula.js';
import { Op, type OpDef } from './types.js';

function constant(op: Op, value: (attrs: readonly number[]) => number): OpDef {
  return {
    op,
    arity: 0,
    dim: () => 1,
    eval: (_args, attrs) => Float64Array.of(value(attrs)),
    vjp: () => [],
    lower: (ctx, node) => ({ kind: 'scalars', items: [ctx.num(value(node.attrs))] }),
  };
}

/** The numeric value of a constant leaf's attributes. */
export const constantLeafValue: Partial<Record<Op, (attrs: readonly number[]) => number>> = {
  [Op.IntCst]: ([n]) => n!,
  [Op.RatCst]: ([p, q]) => p! / q!,
  [Op.FloatCst]: ([v]) => v!,
};

export const leafOps: OpDef[] = [
  {
    op: Op.Var,
    arity: 0,
    dim: (_dims, [, dim]) => dim!,
    eval: () => {
      throw new SymtensorError('internal: variables are evaluated by the interpreter, not by the op table');
    },
    vjp: () => [],
    lower: () => {
      throw new SymtensorError('internal: variables are lowered by the lowering driver');
    },
  },
  {
    op: Op.Zero,
    arity: 0,
    dim: (_dims, [d]) => d!,
    eval: (_args, [d]) => new Float64Array(d!),
    vjp: () => [],
    lower: (ctx, node: Formula) => ctx.elementwise(node.dim, () => ctx.num(0)),
  },
  constant(Op.IntCst, constantLeafValue[Op.IntCst]!),
  constant(Op.RatCst, constantLeafValue[Op.RatCst]!),
  constant(Op.FloatCst, constantLeafValue[Op.FloatCst]!),
];
