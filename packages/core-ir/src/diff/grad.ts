/**
 * Symbolic differentiation. `grad` is reverse mode (a vector-Jacobian product built from each op's
 * VJP rule); `diff` is forward mode, obtained by transposing the VJP (the gradient w.r.t. the
 * cotangent of a VJP contracted with the tangent). Both return new formulas, so any order of
 * derivative follows by recursion.
 */
import { ShapeError, ValueError } from '../errors.js';
import { add, intCst, scalprod, varInfo, variable, zero } from '../formula/build.js';
import { type Formula, topoOrder } from '../formula/formula.js';
import { opDef } from '../ops/table.js';
import { Op } from '../ops/types.js';

/** (df/dv)^T e: the gradient of <f, e> with respect to the variable `v`. */
export function grad(f: Formula, v: Formula, e: Formula): Formula {
  if (v.op !== Op.Var) throw new ValueError(`grad: differentiate with respect to a Var, got ${v.op}`);
  if (e.dim !== f.dim)
    throw new ShapeError(
      `grad: the cotangent e has dim ${e.dim} but the formula has dim ${f.dim}; they must match`,
    );
  const order = topoOrder([f]);
  // Only nodes on a path to v carry a gradient.
  const reaches = new Set<number>();
  for (const node of order)
    if (node === v || node.children.some((c) => reaches.has(c.id))) reaches.add(node.id);
  if (!reaches.has(f.id)) return zero(v.dim);
  const cot = new Map<number, Formula>([[f.id, e]]);
  for (let n = order.length - 1; n >= 0; n--) {
    const node = order[n]!;
    const g = cot.get(node.id);
    if (!g || node === v || node.children.length === 0) continue;
    const parts = opDef(node.op).vjp(node, g);
    node.children.forEach((child, k) => {
      if (!reaches.has(child.id)) return;
      const part = parts[k]!;
      if (part.dim !== child.dim)
        throw new ShapeError(
          `internal: VJP of ${node.op} gave dim ${part.dim} for a child of dim ${child.dim}`,
        );
      const prev = cot.get(child.id);
      cot.set(child.id, prev ? add(prev, part) : part);
    });
  }
  return cot.get(v.id) ?? zero(v.dim);
}

/** (df/dv) u: the directional derivative of f along u (u has the dim of v). */
export function diff(f: Formula, v: Formula, u: Formula): Formula {
  if (v.op !== Op.Var) throw new ValueError(`diff: differentiate with respect to a Var, got ${v.op}`);
  if (u.dim !== v.dim)
    throw new ShapeError(`diff: the tangent u has dim ${u.dim} but the variable has dim ${v.dim}`);
  // e is a placeholder cotangent at a position no user variable has.
  const e = variable(Math.min(-1, ...varsOf(f, u).map((x) => varInfo(x).pos - 1)), f.dim, 'p');
  const vjp = grad(f, v, e);
  return grad(scalprod(vjp, u), e, intCst(1));
}

/** The distinct Var nodes of some formulas, by position. */
export function varsOf(...fs: Formula[]): Formula[] {
  return topoOrder(fs)
    .filter((n) => n.op === Op.Var)
    .sort((a, b) => a.attrs[0]! - b.attrs[0]!);
}
