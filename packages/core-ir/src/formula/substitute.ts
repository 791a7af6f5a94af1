import { SymtensorError } from '../errors.js';
import { Op } from '../ops/types.js';
import { apply, varInfo } from './build.js';
import { type Formula, topoOrder } from './formula.js';

/**
 * Rebuilds formulas with each variable replaced by `replace(var)` (same dim required). Used to
 * renumber argument slots (so that equal computations share one kernel key) and to plug values
 * into placeholders. Nodes are rebuilt with `apply`, so no simplification is redone: the structure
 * is kept exactly.
 */
export function substituteVars(roots: readonly Formula[], replace: (v: Formula) => Formula): Formula[] {
  const memo = new Map<number, Formula>();
  for (const node of topoOrder(roots)) {
    let out: Formula;
    if (node.op === Op.Var) {
      out = replace(node);
      if (out.dim !== node.dim)
        throw new SymtensorError(
          `substituteVars: Var(${varInfo(node).pos}) of dim ${node.dim} replaced by a formula of dim ${out.dim}`,
        );
    } else if (node.children.length === 0) {
      out = node;
    } else {
      const kids = node.children.map((c) => memo.get(c.id)!);
      out = kids.every((k, n) => k === node.children[n]) ? node : apply(node.op as Op, kids, node.attrs);
    }
    memo.set(node.id, out);
  }
  return roots.map((r) => memo.get(r.id)!);
}
