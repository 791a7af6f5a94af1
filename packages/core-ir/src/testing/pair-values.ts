/**
 * The float64 value of a reduction's formula at one (row, reduced index) pair, read from the host
 * inputs of a run with the reference interpreter's layout. The suite uses it to judge whether two
 * candidate indices of an ArgMin-type result are a near-tie.
 */
import { argBatchIndex } from '../backend.js';
import { evaluate } from '../interpret/evaluate.js';
import type { ReferenceRunOptions } from '../interpret/reference.js';
import { type ReductionSpec, specInputs } from '../kernel/spec.js';

export function pairValues(
  spec: ReductionSpec,
  run: ReferenceRunOptions,
  b: number,
  row: number,
  red: number,
): Float64Array {
  const batch = run.batch ?? [];
  const rowCat = spec.axis === 'i' ? 'j' : 'i';
  const inputs = new Map(specInputs(spec).map((v) => [v.pos, v]));
  const [value] = evaluate([spec.formula], (pos) => {
    const { cat, dim } = inputs.get(pos)!;
    const rows = cat === 'p' ? 1 : cat === 'i' ? run.nx : run.ny;
    const r = cat === 'p' ? 0 : cat === rowCat ? row : red;
    const base = (argBatchIndex(batch, run.argBatch?.[pos] ?? batch, b) * rows + r) * dim;
    return Float64Array.from(run.args[pos]!.subarray(base, base + dim) as ArrayLike<number>);
  });
  return value!;
}
