/**
 * The lowering driver: turns a kernel spec into a `LoweredKernel`. Each DAG node is lowered once
 * (shared subexpressions are computed once); nodes that read no reduced-index variable go to the
 * `row` block, so a backend evaluates them once per output row and keeps them in registers.
 */
import type { Formula } from '../formula/formula.js';
import { topoOrder } from '../formula/formula.js';
import { type FormulaSpec, reductionSizes, specInputs, specOutputs } from '../kernel/spec.js';
import { opDef } from '../ops/table.js';
import { Op } from '../ops/types.js';
import { reductionDef } from '../reductions/table.js';
import type { ReduceEmitter } from '../reductions/types.js';
import { DEFAULT_UNROLL_LIMIT, LowerCtx, type Val } from './context.js';
import type { Idx, LoweredKernel, ProgramInput, Stmt } from './program.js';

export interface LowerOptions {
  /** Vectors up to this dim are unrolled; larger ones use loops (default 16). */
  unrollLimit?: number;
}

/**
 * Lowers a spec. For a reduction over `i` the roles swap, so in the program `i` always means the
 * output row and `j` the reduced index: `ProgramInput.cat` is relative to the program.
 */
export function lowerKernel(spec: FormulaSpec, options: LowerOptions = {}): LoweredKernel {
  const ctx = new LowerCtx(options.unrollLimit ?? DEFAULT_UNROLL_LIMIT);
  const swap = spec.kind === 'reduction' && spec.axis === 'i';
  const inputs: ProgramInput[] = specInputs(spec).map((v) => ({
    ...v,
    cat: swap && v.cat !== 'p' ? (v.cat === 'i' ? 'j' : 'i') : v.cat,
  }));
  const inputIndex = new Map(inputs.map((v, n) => [v.pos, n]));
  const row: Stmt[] = [];
  const pair: Stmt[] = [];
  const vals = new Map<number, Val>();
  const readsJ = new Set<number>();

  const lowerAll = (roots: Formula[]) => {
    for (const node of topoOrder(roots)) {
      if (vals.has(node.id)) continue;
      if (node.op === Op.Var) {
        const n = inputIndex.get(node.attrs[0]!)!;
        if (inputs[n]!.cat === 'j') readsJ.add(node.id);
        vals.set(node.id, { kind: 'input', input: n, dim: node.dim });
        continue;
      }
      const inPair = node.children.some((c) => readsJ.has(c.id));
      if (inPair) readsJ.add(node.id);
      const kids = node.children.map((c) => vals.get(c.id)!);
      vals.set(
        node.id,
        ctx.into(inPair ? pair : row, () => opDef(node.op).lower(ctx, node, kids)),
      );
    }
  };

  const outputs = specOutputs(spec);
  if (spec.kind === 'map') {
    lowerAll([spec.formula]);
    const v = vals.get(spec.formula.id)!;
    ctx.into(row, () =>
      ctx.each(spec.formula.dim, (k) => ctx.emit({ t: 'out', out: 0, idx: k, e: ctx.at(v, k) })),
    );
    return {
      kind: 'map',
      inputs,
      outputs,
      state: [],
      row,
      init: [],
      pair: [],
      merge: [],
      finalize: [],
      counts: ctx.counts,
    };
  }

  const def = reductionDef(spec.reduction);
  const sizes = reductionSizes(spec);
  lowerAll(spec.weight ? [spec.formula, spec.weight] : [spec.formula]);
  const value = vals.get(spec.formula.id)!;
  const weight = spec.weight ? vals.get(spec.weight.id) : undefined;
  const emitter: ReduceEmitter = {
    ctx,
    sizes,
    st: (slot, copy, idx: Idx) => ({ t: 'st', slot, copy, idx }),
    setSt: (slot, copy, idx, e) => ctx.emit({ t: 'stset', slot, copy, idx, e }),
    out: (out, idx, e) => ctx.emit({ t: 'out', out, idx, e }),
    j: { t: 'j' },
  };
  const init: Stmt[] = [];
  const merge: Stmt[] = [];
  const finalize: Stmt[] = [];
  ctx.into(init, () => def.init(emitter));
  ctx.into(pair, () => def.fold(emitter, value, weight));
  ctx.into(merge, () => def.merge(emitter));
  ctx.into(finalize, () => def.finalize(emitter));
  return {
    kind: 'reduction',
    inputs,
    outputs,
    state: def.state(sizes),
    row,
    init,
    pair,
    merge,
    finalize,
    counts: ctx.counts,
  };
}
