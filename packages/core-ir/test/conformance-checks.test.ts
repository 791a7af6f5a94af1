/**
 * Tests of the conformance suite's own machinery: the output comparison must reject wrong
 * elements, NaN/infinity mismatches, undocumented empty values and index changes that are no
 * near-tie; the program evaluator must reject malformed programs; the seeded generator and the
 * range helpers must be deterministic and exact.
 */
import { describe, expect, it } from 'vitest';
import {
  Alu,
  cidx,
  type LoweredKernel,
  mapSpec,
  Reduction,
  reductionSpec,
  referenceRun,
  sub,
  variable,
} from '../src/index.js';
import { checkOutputs } from '../src/testing/check-outputs.js';
import { ProgramError, Rng, seedOf } from '../src/testing/index.js';
import { ProgramMachine } from '../src/testing/program-machine.js';
import { chunks, reducedIndices } from '../src/testing/reduced-indices.js';

const x = variable(0, 1, 'i');
const y = variable(1, 1, 'j');

function setup(reduction: Reduction, dtype: 'float32' | 'float64', ys: number[]) {
  const spec = reductionSpec({ formula: sub(x, y), reduction, axis: 'j', dtype });
  const mk = (v: number[]) => (dtype === 'float32' ? Float32Array.from(v) : Float64Array.from(v));
  const run = { args: [mk([0, 0.5]), mk(ys)], nx: 2, ny: ys.length };
  const ref = referenceRun(spec, run);
  const ctx = { spec, run, batchSize: 1, rows: 2, reduced: ys.length, exactIndices: false };
  return { spec, ref, ctx };
}

describe('checkOutputs', () => {
  it('accepts the reference itself and rejects an element beyond the tolerance', () => {
    const { ref, ctx } = setup(Reduction.Sum, 'float64', [0.25, -1, 2]);
    expect(checkOutputs(ctx, ref, [ref[0]!.slice()])).toEqual([]);
    const bad = ref[0]!.slice();
    bad[1]! += 1e-8;
    expect(checkOutputs(ctx, ref, [bad])).toHaveLength(1);
    // The same error is within the float32 sum tolerance (1e-4 of the row's scale).
    const f32 = setup(Reduction.Sum, 'float32', [0.25, -1, 2]);
    const ok = Float32Array.from(f32.ref[0]!);
    ok[1]! += 1e-6;
    expect(checkOutputs(f32.ctx, f32.ref, [ok])).toEqual([]);
  });

  it('requires NaN for NaN and the same infinity', () => {
    const { ref, ctx } = setup(Reduction.Max, 'float64', [Number.NaN, Number.POSITIVE_INFINITY]);
    expect(Number.isNaN(ref[0]![0]!)).toBe(true);
    expect(checkOutputs(ctx, ref, [Float64Array.of(0, 0)])).toHaveLength(2);
    const { ref: r2, ctx: c2 } = setup(Reduction.Max, 'float64', [Number.POSITIVE_INFINITY, 1]);
    expect(
      checkOutputs(c2, r2, [Float64Array.of(Number.NEGATIVE_INFINITY, Number.NEGATIVE_INFINITY)]),
    ).toHaveLength(2);
  });

  it('checks the documented empty values, in the reference and the backend', () => {
    const { ref, ctx } = setup(Reduction.LogSumExp, 'float64', []);
    expect(Array.from(ref[0]!)).toEqual([Number.NEGATIVE_INFINITY, Number.NEGATIVE_INFINITY]);
    expect(checkOutputs(ctx, ref, [ref[0]!.slice()])).toEqual([]);
    // A wrong empty value is reported twice: against the reference and against the documentation.
    expect(checkOutputs(ctx, ref, [Float64Array.of(0, Number.NEGATIVE_INFINITY)])).toHaveLength(2);
  });

  it('accepts a different index only for a float32 near-tie', () => {
    // y_0 and y_2 are 1e-7 apart: a near-tie in float32 terms.
    const ys = [0.3, 0.9, 0.3 + 1e-7];
    const f32 = setup(Reduction.ArgMin, 'float32', ys);
    expect(Array.from(f32.ref[0]!)).toEqual([1, 1]);
    const f64 = setup(Reduction.ArgMax, 'float64', ys);
    const swapped = Int32Array.from(f64.ref[0]!, (j) => (j === 0 ? 2 : j === 2 ? 0 : j));
    expect(checkOutputs(f64.ctx, f64.ref, [swapped]).length).toBeGreaterThan(0);
    const g32 = setup(Reduction.ArgMax, 'float32', ys);
    const near = Int32Array.from(g32.ref[0]!, (j) => (j === 0 ? 2 : j === 2 ? 0 : j));
    expect(checkOutputs(g32.ctx, g32.ref, [near])).toEqual([]);
    // Not a near-tie: index 1 is far from the maximum.
    expect(checkOutputs(g32.ctx, g32.ref, [Int32Array.of(1, 1)])).toHaveLength(2);
    // With exact ties declared, even float32 must match.
    expect(checkOutputs({ ...g32.ctx, exactIndices: true }, g32.ref, [near]).length).toBeGreaterThan(0);
  });

  it('rejects a repeated index among the K slots', () => {
    const spec = reductionSpec({
      formula: sub(x, y),
      reduction: Reduction.ArgKMin,
      axis: 'j',
      dtype: 'float32',
      k: 2,
    });
    const run = { args: [Float32Array.of(0), Float32Array.of(0.5, 0.5 + 1e-7, 3)], nx: 1, ny: 3 };
    const ref = referenceRun(spec, run);
    const ctx = { spec, run, batchSize: 1, rows: 1, reduced: 3, exactIndices: false };
    expect(Array.from(ref[0]!)).toEqual([2, 1]);
    // Slot 1 may hold index 0 (0.5 and 0.5 + 1e-7 are a float32 near-tie), but not index 2 twice.
    expect(checkOutputs(ctx, ref, [Int32Array.of(2, 0)])).toEqual([]);
    expect(checkOutputs(ctx, ref, [Int32Array.of(2, 2)]).length).toBeGreaterThan(0);
  });
});

describe('ProgramMachine', () => {
  const kernel = (row: LoweredKernel['row'], ids: number): LoweredKernel => ({
    kind: 'map',
    inputs: [],
    outputs: [{ dim: 1, type: 'f' }],
    state: [],
    row,
    init: [],
    pair: [],
    merge: [],
    finalize: [],
    counts: { ids, arrays: 0, loops: 0 },
  });
  const runRow = (k: LoweredKernel) => {
    const m = new ProgramMachine(k, 'float32', 'float64');
    const out = new Float32Array(1);
    m.beginRow([out], [0]);
    m.exec(k.row);
    m.endRow();
    return out[0];
  };

  it('rounds f values to float32 and runs a well-formed program', () => {
    const k = kernel([{ t: 'out', out: 0, idx: cidx(0), e: { t: 'num', v: 0.1 } }], 0);
    expect(runRow(k)).toBe(Math.fround(0.1));
  });

  it('rejects reads of unset locals, mixed types, and unwritten outputs', () => {
    expect(() =>
      runRow(
        kernel(
          [
            { t: 'out', out: 0, idx: cidx(0), e: { t: 'ref', id: 0 } },
            { t: 'let', id: 0, ty: 'f', e: { t: 'num', v: 1 } },
          ],
          1,
        ),
      ),
    ).toThrow(ProgramError);
    const mixed = kernel(
      [
        { t: 'let', id: 0, ty: 'acc', e: { t: 'num', v: 1 } },
        {
          t: 'out',
          out: 0,
          idx: cidx(0),
          e: {
            t: 'alu',
            op: Alu.Add,
            args: [
              { t: 'ref', id: 0 },
              { t: 'num', v: 1 },
            ],
          },
        },
      ],
      1,
    );
    expect(() => runRow(mixed)).toThrow(ProgramError);
    expect(() => runRow(kernel([], 0))).toThrow(ProgramError);
    expect(() => runRow(kernel([{ t: 'out', out: 0, idx: cidx(1), e: { t: 'num', v: 1 } }], 0))).toThrow(
      ProgramError,
    );
  });
});

describe('seeded inputs and range helpers', () => {
  it('Rng is deterministic per seed and uniform on [0, 1)', () => {
    const a = new Rng(seedOf('x'));
    const b = new Rng(seedOf('x'));
    const xs = Array.from({ length: 1000 }, () => a.next());
    expect(xs).toEqual(Array.from({ length: 1000 }, () => b.next()));
    expect(Math.min(...xs)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...xs)).toBeLessThan(1);
    expect(Math.abs(xs.reduce((s, v) => s + v, 0) / 1000 - 0.5)).toBeLessThan(0.05);
    expect(seedOf('x')).not.toBe(seedOf('y'));
  });

  it('chunks cover the items in order; reducedIndices follows the ranges', () => {
    expect(chunks([1, 2, 3, 4, 5], 3)).toEqual([[1], [2, 3], [4, 5]]);
    expect(chunks([1], 3)).toEqual([[], [], [1]]);
    const ranges = {
      rows: Int32Array.of(0, 2, 1, 3),
      slices: Int32Array.of(2, 3),
      redRanges: Int32Array.of(5, 7, 0, 1, 6, 9),
    };
    expect(reducedIndices(ranges, 10, 0)).toEqual([0, 5, 6]);
    expect(reducedIndices(ranges, 10, 1)).toEqual([0, 5, 6, 7, 8]);
    expect(reducedIndices(ranges, 10, 3)).toEqual([]);
    expect(reducedIndices(undefined, 3, 0)).toEqual([0, 1, 2]);
  });

  it('mapSpec outputs are checked elementwise', () => {
    const spec = mapSpec({ formula: sub(x, variable(1, 1, 'p')), dtype: 'float64' });
    const run = { args: [Float64Array.of(1, 2, 3), Float64Array.of(0.5)], nx: 3, ny: 0 };
    const ref = referenceRun(spec, run);
    const ctx = { spec, run, batchSize: 1, rows: 3, reduced: 0, exactIndices: false };
    expect(checkOutputs(ctx, ref, [Float64Array.of(0.5, 1.5, 2.5)])).toEqual([]);
    expect(checkOutputs(ctx, ref, [Float64Array.of(0.5, 1.5, 2.6)])).toHaveLength(1);
  });
});
