/**
 * The float64 reference interpreter: runs a kernel spec by evaluating the formula pair by pair
 * with the op table's float64 rules and applying each reduction's direct definition. Simple and
 * obviously right; the conformance suite measures every backend against it.
 */

import { argBatchIndex, type DeviceBuffer, planRun, type RunOptions } from '../backend.js';
import type { DType, TypedArray } from '../dtype.js';
import { type KernelSpec, reductionSizes, specInputs, specOutputs } from '../kernel/spec.js';
import { takeReference } from '../kernel/take.js';
import { reductionDef } from '../reductions/table.js';
import { evaluator } from './evaluate.js';

/** Host arguments for `referenceRun`: like `RunOptions` with typed arrays instead of buffers. */
export interface ReferenceRunOptions extends Omit<RunOptions, 'args'> {
  readonly args: readonly (TypedArray | undefined)[];
}

/** Runs a spec in float64; returns one array per output (indices as integer-valued floats). */
export function referenceRun(spec: KernelSpec, options: ReferenceRunOptions): Float64Array[] {
  if (spec.kind === 'take') {
    planRun(
      spec,
      { ...options, args: options.args.map((a, n) => a && hostBuffer(a, n === 1 ? 'int32' : spec.srcDtype)) },
      'reference',
    );
    return [takeReference(spec, options.args[0]!, options.args[1] as Int32Array | undefined, options.nx)];
  }
  const asBuffers = options.args.map((a) =>
    a ? ({ backend: 'reference', dtype: spec.dtype, length: a.length } satisfies DeviceBuffer) : undefined,
  );
  const plan = planRun(spec, { ...options, args: asBuffers }, 'reference');
  const inputByPos = new Map(specInputs(spec).map((v) => [v.pos, v]));
  const outputs = specOutputs(spec);
  const results = plan.outputLengths.map((n) => new Float64Array(n));
  const reducedCat = spec.kind === 'reduction' ? spec.axis : undefined;
  const rowCat = reducedCat === 'i' ? 'j' : 'i';
  const run = evaluator(
    spec.kind === 'reduction' && spec.weight ? [spec.formula, spec.weight] : [spec.formula],
  );

  for (let b = 0; b < plan.batchSize; b++) {
    // Reads component vectors of each variable for a given (row, reduced) pair.
    const valueAt = (row: number, red: number) => (pos: number) => {
      const input = inputByPos.get(pos)!;
      const data = options.args[pos]!;
      const rows = input.cat === 'p' ? 1 : input.cat === 'i' ? options.nx : options.ny;
      const r = input.cat === 'p' ? 0 : input.cat === rowCat ? row : red;
      const base = (argBatchIndex(plan.batch, plan.argBatch[pos]!, b) * rows + r) * input.dim;
      return Float64Array.from(data.subarray(base, base + input.dim) as ArrayLike<number>);
    };
    for (let row = 0; row < plan.rows; row++) {
      let outs: Float64Array[];
      if (spec.kind === 'map') {
        outs = run(valueAt(row, 0));
      } else {
        const def = reductionDef(spec.reduction);
        const indices = reducedIndices(options, plan.reduced, row);
        const values: Float64Array[] = [];
        const weights: Float64Array[] = [];
        for (const red of indices) {
          const [v, w] = run(valueAt(row, red));
          values.push(v!);
          if (w) weights.push(w);
        }
        outs = def.reference(values, spec.weight ? weights : undefined, indices, reductionSizes(spec));
      }
      for (const [n, o] of outs.entries()) results[n]!.set(o, (b * plan.rows + row) * outputs[n]!.dim);
    }
  }
  return results;
}

function hostBuffer(data: TypedArray, dtype: DType): DeviceBuffer {
  return { backend: 'reference', dtype, length: data.length };
}

/** The reduced indices of a row, in increasing order: all of them, or those its ranges allow. */
function reducedIndices(options: ReferenceRunOptions, reduced: number, row: number): number[] {
  const r = options.ranges;
  if (!r) return Array.from({ length: reduced }, (_, k) => k);
  const out = new Set<number>();
  for (let c = 0; c < r.slices.length; c++) {
    if (row < r.rows[2 * c]! || row >= r.rows[2 * c + 1]!) continue;
    for (let s = c === 0 ? 0 : r.slices[c - 1]!; s < r.slices[c]!; s++)
      for (let k = r.redRanges[2 * s]!; k < r.redRanges[2 * s + 1]!; k++) out.add(k);
  }
  return [...out].sort((a, b) => a - b);
}
