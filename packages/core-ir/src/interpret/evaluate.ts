/** Float64 evaluation of formulas for one (i, j) pair: a plain walk over the DAG. */
import { ShapeError } from '../errors.js';
import { type Formula, topoOrder } from '../formula/formula.js';
import { opDef } from '../ops/table.js';
import { Op } from '../ops/types.js';

/** Evaluates formulas given each variable's value by position. */
export function evaluate(roots: readonly Formula[], varValue: (pos: number) => Float64Array): Float64Array[] {
  return evaluator(roots)(varValue);
}

/**
 * An evaluator with the DAG's order worked out once, for evaluating the same formulas at many
 * pairs (the reference interpreter calls it once per pair).
 */
export function evaluator(
  roots: readonly Formula[],
): (varValue: (pos: number) => Float64Array) => Float64Array[] {
  const order = topoOrder(roots);
  const slot = new Map(order.map((node, n) => [node.id, n]));
  const steps = order.map((node) => ({
    node,
    def: node.op === Op.Var ? undefined : opDef(node.op),
    kids: node.children.map((c) => slot.get(c.id)!),
  }));
  const outs = roots.map((r) => slot.get(r.id)!);
  return (varValue) => {
    const values = new Array<Float64Array>(steps.length);
    for (let n = 0; n < steps.length; n++) {
      const { node, def, kids } = steps[n]!;
      if (!def) {
        const v = varValue(node.attrs[0]!);
        if (v.length !== node.dim)
          throw new ShapeError(
            `variable ${node.attrs[0]} has ${v.length} components, the formula expects ${node.dim}`,
          );
        values[n] = v;
      } else {
        values[n] = def.eval(
          kids.map((k) => values[k]!),
          node.attrs,
          node.dim,
        );
      }
    }
    return outs.map((o) => values[o]!);
  };
}
