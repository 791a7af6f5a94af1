import { SymtensorError } from '../errors.js';
import { extremumReductions } from './extremum.js';
import { kminReductions } from './kmin.js';
import { logSumExpReduction, sumSoftMaxWeightReduction } from './logsumexp.js';
import { sumReduction } from './sum.js';
import { Reduction, type ReductionDef } from './types.js';

let table: { [R in Reduction]: ReductionDef } | undefined;

/** The definition of a reduction (exhaustive over `Reduction`). */
export function reductionDef(name: Reduction | string): ReductionDef {
  table ??= Object.fromEntries(
    [
      sumReduction,
      logSumExpReduction,
      sumSoftMaxWeightReduction,
      ...extremumReductions,
      ...kminReductions,
    ].map((d) => [d.name, d]),
  ) as { [R in Reduction]: ReductionDef };
  const def = table[name as Reduction];
  if (!def)
    throw new SymtensorError(
      `unknown reduction '${name}'; expected one of ${Object.values(Reduction).join(', ')}`,
    );
  return def;
}
