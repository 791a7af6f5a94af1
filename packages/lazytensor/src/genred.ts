/**
 * `genred`: a reduction written as a KeOps formula string, compiled into a function of tensors.
 * `genred('Exp(-G*SqDist(X,Y))*C', ['X = Vi(3)', 'Y = Vj(3)', 'C = Vj(1)', 'G = Pm(1)'],
 * { reduction: 'Sum', axis: 'j' })(x, y, c, g)`. The result is differentiable like any reduction.
 */
import * as C from '@symtensor/core-ir';
import { type Formula, type Reduction, ShapeError, SymtensorError, ValueError } from '@symtensor/core-ir';
import type { Binding } from './lazy/binding.js';
import { type Axis, LazyTensor } from './lazy/lazytensor.js';
import { Pm, Vi, Vj } from './lazy/leaves.js';
import { type LazyReductionOptions, reduceLazy } from './lazy/reduce.js';
import { Tensor } from './tensor/tensor.js';

/** Options of `genred`. */
export interface GenredOptions extends LazyReductionOptions {
  /** The reduction (KeOps names: 'Sum', 'LogSumExp', 'ArgKMin', ...). */
  readonly reduction: `${Reduction}`;
  /** The reduced index. */
  readonly axis: Axis;
  /** K of the KMin family. */
  readonly k?: number;
  /** Weight formula (same aliases) of LogSumExp (optional) and SumSoftMaxWeight (required). */
  readonly weight?: string;
}

/** A compiled genred: tensors (or numbers for parameters) in alias position order. */
export type GenredFunction = (...args: (Tensor | number | LazyReductionOptions)[]) => Tensor | Tensor[];

/**
 * Compiles `formula` with `aliases` (KeOps declarations such as `['x = Vi(3)', 'p = Pm(0,1)']`, or a
 * record `{ x: 'Vi(3)' }`; positions follow the listing order unless given). The returned function
 * takes one argument per position (a trailing options object may override `ranges`, `accumulator`,
 * `backend`) and returns the reduction's output, or `[values, indices]` for the value+index kinds.
 */
export function genred(
  formula: string,
  aliases: readonly string[] | Readonly<Record<string, string | C.AliasSpec>>,
  options: GenredOptions,
): GenredFunction {
  if (options === undefined || typeof options !== 'object')
    throw new ValueError(
      "genred(formula, aliases, options): options must give { reduction, axis }, e.g. { reduction: 'Sum', axis: 'j' }",
    );
  const F = C.parseFormula(formula, aliases);
  const W = options.weight === undefined ? undefined : C.parseFormula(options.weight, aliases);
  const resolved = C.parseAliases(aliases as Parameters<typeof C.parseAliases>[0]);
  const names = new Map(Object.entries(resolved).map(([name, a]) => [a.pos, name]));
  const vars = C.varsOf(...(W ? [F, W] : [F])).map((v) => C.varInfo(v));
  const nargs = Math.max(0, ...vars.map((v) => v.pos + 1), ...Object.values(resolved).map((a) => a.pos + 1));
  const { reduction, axis, k, weight: _weight, ...defaults } = options;
  const order = [...names.entries()].sort((a, b) => a[0] - b[0]).map(([, n]) => n);

  return (...args) => {
    let overrides: LazyReductionOptions = {};
    const last = args[args.length - 1];
    if (args.length === nargs + 1 && last !== null && typeof last === 'object' && !(last instanceof Tensor)) {
      overrides = last as LazyReductionOptions;
      args = args.slice(0, -1);
    }
    if (args.length !== nargs)
      throw new ValueError(
        `genred: the formula takes ${nargs} arguments${order.length ? ` (${order.join(', ')} in position order)` : ''}, got ${args.length}`,
      );
    const bindings = new Map<number, Binding>();
    const leaves = new Map<number, Formula>();
    for (const v of vars) {
      const label = names.has(v.pos) ? `'${names.get(v.pos)}'` : `Var(${v.pos},${v.dim},${v.cat})`;
      const leaf = leafOf(args[v.pos] as Tensor | number, v.cat, `genred argument ${v.pos} (${label})`);
      if (leaf.dim !== v.dim)
        throw new ShapeError(
          `genred argument ${v.pos} (${label}) has D = ${leaf.dim} but the formula declares dim ${v.dim}`,
        );
      for (const [pos, b] of leaf.bindings) bindings.set(pos, b);
      leaves.set(v.pos, leaf.formula);
    }
    const [f, w] = C.substituteVars(W ? [F, W] : [F], (v) => leaves.get(C.varInfo(v).pos)!);
    const lazy = new LazyTensor(f!, bindings, 'genred');
    const weightLazy = w ? new LazyTensor(w, bindings, 'genred') : undefined;
    const outs = reduceLazy(
      lazy,
      reduction,
      axis,
      { ...(weightLazy ? { weight: weightLazy } : {}), ...(k === undefined ? {} : { k }) },
      { ...defaults, ...overrides },
    );
    return outs.length === 1 ? outs[0]! : outs;
  };
}

function leafOf(arg: Tensor | number, cat: C.Category, what: string): LazyTensor {
  try {
    return cat === 'i' ? Vi(arg as Tensor) : cat === 'j' ? Vj(arg as Tensor) : Pm(arg, what);
  } catch (e) {
    if (e instanceof SymtensorError) {
      const err = new (e.constructor as new (m: string) => SymtensorError)(`${what}: ${e.message}`);
      err.cause = e;
      throw err;
    }
    throw e;
  }
}
