/**
 * Element-by-element comparison of a backend's outputs with the float64 reference, under the
 * tolerances of `tolerance.ts`, plus the documented values of empty reductions. Returns the
 * problems found (empty when the outputs conform), each naming the element.
 */
import type { TypedArray } from '../dtype.js';
import type { ReferenceRunOptions } from '../interpret/reference.js';
import { type FormulaSpec, specOutputs } from '../kernel/spec.js';
import { reductionDef } from '../reductions/table.js';
import { Reduction } from '../reductions/types.js';
import { EMPTY_VALUES, sameValue } from './empty-values.js';
import { pairValues } from './pair-values.js';
import { reducedIndices } from './reduced-indices.js';
import { rowScale, rtol, type ToleranceKind } from './tolerance.js';

export interface CheckContext {
  readonly spec: FormulaSpec;
  /** The run's host inputs and sizes (as given to the reference). */
  readonly run: ReferenceRunOptions;
  readonly batchSize: number;
  /** Output rows and reduced indices per batch entry. */
  readonly rows: number;
  readonly reduced: number;
  /** Inputs hold exact ties: indices must match the reference even in float32. */
  readonly exactIndices: boolean;
}

const SUM_LIKE: ReadonlySet<Reduction> = new Set([
  Reduction.Sum,
  Reduction.LogSumExp,
  Reduction.SumSoftMaxWeight,
]);
const MAX_REPORTED = 8;

export function checkOutputs(
  ctx: CheckContext,
  ref: readonly Float64Array[],
  got: readonly TypedArray[],
): string[] {
  const { spec, run } = ctx;
  const problems: string[] = [];
  let more = 0;
  const report = (msg: string) => {
    if (problems.length < MAX_REPORTED) problems.push(msg);
    else more++;
  };
  const kind: ToleranceKind =
    spec.kind === 'reduction' && SUM_LIKE.has(spec.reduction) ? 'sum' : 'elementwise';
  const tol = rtol(spec.dtype, kind);
  const tieTol = rtol(spec.dtype, 'elementwise');
  // Near-ties may only differ where the backend computes in less than float64.
  const nearTiesAllowed = !ctx.exactIndices && spec.dtype !== 'float64';
  const D = spec.formula.dim;
  const K = spec.kind === 'reduction' && reductionDef(spec.reduction).usesK ? spec.k! : 0;

  specOutputs(spec).forEach((out, n) => {
    const r = ref[n]!;
    const g = got[n]!;
    for (let flat = 0; flat < ctx.batchSize * ctx.rows; flat++) {
      const b = Math.floor(flat / ctx.rows);
      const row = flat % ctx.rows;
      const start = flat * out.dim;
      const scale = rowScale(r, start, start + out.dim);
      const indices = spec.kind === 'reduction' ? reducedIndices(run.ranges, ctx.reduced, row) : [];
      const where = (k: number) => `output ${n} [batch ${b}, row ${row}, component ${k}]`;
      for (let k = 0; k < out.dim; k++) {
        const e = r[start + k]!;
        const v = g[start + k]!;
        if (out.type === 'f') {
          const ok = Number.isNaN(e)
            ? Number.isNaN(v)
            : !Number.isFinite(e)
              ? v === e
              : Math.abs(v - e) <= tol * scale;
          if (!ok) report(`${where(k)}: got ${v}, expected ${e} (tolerance ${tol} x ${scale})`);
        } else if (v !== e) {
          const why =
            nearTiesAllowed && spec.kind === 'reduction'
              ? nearTie(k % D, e, v)
              : 'indices must match exactly';
          if (why) report(`${where(k)}: got index ${v}, expected ${e}: ${why}`);
        }
        // Documented values: an empty range, and KMin slots beyond the range's size.
        if (spec.kind === 'reduction') {
          const slot = K > 0 ? Math.floor(k / D) : 0;
          if (indices.length === 0 || (K > 0 && slot >= indices.length)) {
            const want = EMPTY_VALUES[spec.reduction][n]!;
            if (!sameValue(e, want))
              report(`${where(k)}: the reference gives ${e} for an empty range, documented ${want}`);
            if (!sameValue(v, want)) report(`${where(k)}: got ${v} for an empty range, documented ${want}`);
          }
        }
      }
      if (out.type === 'i' && K > 0) distinctSlots(g, start, D, K, where, report);

      // Explains why index v may stand for e (a float32 near-tie), or returns why not.
      function nearTie(d: number, e: number, v: number): string | undefined {
        if (spec.kind !== 'reduction') return 'indices must match exactly';
        if (e < 0 || !indices.includes(v)) return `index ${v} is not in the row's reduced range`;
        const ve = pairValues(spec, run, b, row, e)[d]!;
        const vv = pairValues(spec, run, b, row, v)[d]!;
        if (!Number.isFinite(ve) || !Number.isFinite(vv)) return 'non-finite values must match exactly';
        const t = tieTol * Math.max(1, Math.abs(ve));
        return Math.abs(vv - ve) <= t
          ? undefined
          : `formula values ${vv} vs ${ve} are no near-tie (tolerance ${t})`;
      }
    }
  });
  if (more > 0) problems.push(`... and ${more} more`);
  return problems;
}

/** The K indices of each component of a KMin-type row must be distinct (except the -1 padding). */
function distinctSlots(
  g: TypedArray,
  start: number,
  D: number,
  K: number,
  where: (k: number) => string,
  report: (msg: string) => void,
): void {
  for (let d = 0; d < D; d++) {
    const seen = new Set<number>();
    for (let s = 0; s < K; s++) {
      const j = g[start + s * D + d]!;
      if (j >= 0 && seen.has(j)) report(`${where(s * D + d)}: index ${j} appears twice among the K slots`);
      seen.add(j);
    }
  }
}
