/** Float64 evaluation of a formula for one (i, j) pair: a plain walk over the DAG. */
import { ShapeError } from '../errors.js';
import { type Formula, topoOrder } from '../formula/formula.js';
import { opDef } from '../ops/table.js';
import { Op } from '../ops/types.js';

/** Evaluates formulas given each variable's value by position. */
export function evaluate(roots: readonly Formula[], varValue: (pos: number) => Float64Array): Float64Array[] {
  const memo = new Map<number, Float64Array>();
  for (const node of topoOrder(roots)) {
    let v: Float64Array;
    if (node.op === Op.Var) {
      v = varValue(node.attrs[0]!);
      if (v.length !== node.dim)
        throw new ShapeError(
          `variable ${node.attrs[0]} has ${v.length} components, the formula expects ${node.dim}`,
        );
    } else {
      v = opDef(node.op).eval(
        node.children.map((c) => memo.get(c.id)!),
        node.attrs,
        node.dim,
      );
    }
    memo.set(node.id, v);
  }
  return roots.map((r) => memo.get(r.id)!);
}
