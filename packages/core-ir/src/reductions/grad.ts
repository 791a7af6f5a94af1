/**
 * Gradients of reductions. The gradient of a reduction with respect to a variable is another
 * reduction: over the same index for variables of the output's index, over the other index for
 * variables of the reduced index (its output is indexed like the variable), and for parameters a
 * reduction whose rows must then be summed. Derivatives of any order follow by recursion.
 */

import { grad } from '../diff/grad.js';
import { UnsupportedError, ValueError } from '../errors.js';
import { exp, intCst, mul, sub, varInfo } from '../formula/build.js';
import type { Formula } from '../formula/formula.js';
import { Reduction } from './types.js';

/** A reduction as an expression, without dtypes (see `ReductionSpec`). */
export interface ReductionExpr {
  readonly formula: Formula;
  readonly reduction: Reduction | `${Reduction}`;
  readonly axis: 'i' | 'j';
  readonly weight?: Formula;
  readonly k?: number;
}

/** Forward results a gradient needs, as variables of the output's index. */
export interface SavedForward {
  /** The reduction's own output (LogSumExp, SumSoftMaxWeight). */
  readonly output?: Formula;
  /** LogSumExp of the formula (SumSoftMaxWeight). */
  readonly logsumexp?: Formula;
}

export type ReductionGrad =
  /** The gradient is identically zero (ArgMin-type reductions, or v does not appear). */
  | { readonly kind: 'zero' }
  /**
   * A Sum reduction giving the gradient; when `sumRows` is set (v is a parameter), its rows are
   * to be summed (over the output rows and any batch dims the parameter is broadcast along).
   */
  | {
      readonly kind: 'reduction';
      readonly expr: ReductionExpr & { reduction: Reduction.Sum };
      readonly sumRows: boolean;
    };

/** What a reduction's gradient needs saved from the forward pass. */
export function savedForGrad(reduction: Reduction | `${Reduction}`): ('output' | 'logsumexp')[] {
  if (reduction === Reduction.LogSumExp) return ['output'];
  if (reduction === Reduction.SumSoftMaxWeight) return ['output', 'logsumexp'];
  return [];
}

/**
 * The gradient of `red` with respect to the variable `v`, contracted with `gradOut` (a variable
 * of the output's index, with the output's dim).
 */
export function reductionGrad(
  red: ReductionExpr,
  v: Formula,
  gradOut: Formula,
  saved: SavedForward = {},
): ReductionGrad {
  const { cat } = varInfo(v);
  const outCat = red.axis === 'j' ? 'i' : 'j';
  const need = (what: 'output' | 'logsumexp') => {
    const f = saved[what];
    if (!f) throw new ValueError(`the gradient of ${red.reduction} needs the saved forward ${what}`);
    return f;
  };
  let integrand: Formula;
  switch (red.reduction) {
    case Reduction.Sum:
      integrand = red.formula;
      break;
    case Reduction.LogSumExp:
      // d log sum e^F w = sum e^(F - out) (w dF + dw): the saved output is held constant.
      integrand = mul(exp(sub(red.formula, need('output'))), red.weight ?? intCst(1));
      break;
    case Reduction.SumSoftMaxWeight:
      // softmax-weighted mean: d out = sum softmax ((w - out) dF + dw).
      integrand = mul(exp(sub(red.formula, need('logsumexp'))), sub(red.weight!, need('output')));
      break;
    case Reduction.ArgMin:
    case Reduction.ArgMax:
    case Reduction.ArgKMin:
      return { kind: 'zero' };
    default:
      throw new UnsupportedError(
        `${red.reduction} is not differentiable here; compute the indices with ArgMin/ArgKMin (zero gradient) and gather the values with a differentiable formula or dense op`,
      );
  }
  const g = grad(integrand, v, gradOut);
  if (g.op === 'Zero') return { kind: 'zero' };
  const axis = cat === outCat || cat === 'p' ? red.axis : outCat;
  return { kind: 'reduction', expr: { formula: g, reduction: Reduction.Sum, axis }, sumRows: cat === 'p' };
}
