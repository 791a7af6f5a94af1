/**
 * Host-side planning of runs, checked without a GPU: range tables against a brute-force reading
 * of the ranges, the split scheme's choice, per-batch offsets with broadcasting, grids, and
 * argument packing.
 */
import {
  exp,
  mapSpec,
  minus,
  mul,
  planRun,
  type Ranges,
  Reduction,
  reductionSpec,
  sqDist,
  UnsupportedError,
  variable,
} from '@symtensor/core-ir';
import { Rng } from '@symtensor/core-ir/testing';
import { describe, expect, it } from 'vitest';
import { BLOCK, type Param } from '../src/codegen/layout.js';
import { kernelSource } from '../src/codegen/source.js';
import { mapLaunches, offsetTable, reductionLaunches } from '../src/launch-plan.js';
import { packParams } from '../src/params.js';
import { rangeTables } from '../src/ranges.js';
import { PARTIAL_BYTES_LIMIT, planSplits } from '../src/schedule.js';

/** The reduced indices of each row, as the Ranges contract defines them. */
function bruteForce(r: Ranges, rows: number): Set<number>[] {
  const sets = Array.from({ length: rows }, () => new Set<number>());
  for (let c = 0; c < r.slices.length; c++)
    for (let row = r.rows[2 * c]!; row < r.rows[2 * c + 1]!; row++)
      for (let s = c === 0 ? 0 : r.slices[c - 1]!; s < r.slices[c]!; s++)
        for (let j = r.redRanges[2 * s]!; j < r.redRanges[2 * s + 1]!; j++) sets[row]!.add(j);
  return sets;
}

function randomRanges(rng: Rng, rows: number, reduced: number): Ranges {
  const clusters = rng.int(1, 6);
  const rowList: number[] = [];
  const slices: number[] = [];
  const red: number[] = [];
  for (let c = 0; c < clusters; c++) {
    const a = rng.int(0, rows + 1);
    rowList.push(a, rng.int(a, rows + 1));
    // Disjoint ranges within a cluster, shuffled.
    const cuts = [
      ...new Set([0, reduced, rng.int(0, reduced + 1), rng.int(0, reduced + 1), rng.int(0, reduced + 1)]),
    ].sort((p, q) => p - q);
    const pieces: number[][] = [];
    for (let k = 0; k + 1 < cuts.length; k++) if (rng.next() < 0.6) pieces.push([cuts[k]!, cuts[k + 1]!]);
    pieces.reverse();
    for (const p of pieces) red.push(...p);
    slices.push(red.length / 2);
  }
  return { rows: Int32Array.from(rowList), slices: Int32Array.from(slices), redRanges: Int32Array.from(red) };
}

describe('range tables', () => {
  it('give every row of every block exactly its reduced indices, in blocks of one segment', () => {
    const rng = new Rng(7);
    for (let trial = 0; trial < 200; trial++) {
      const rows = rng.int(0, 40);
      const reduced = rng.int(0, 30);
      const block = rng.int(1, 9);
      const r = randomRanges(rng, rows, reduced);
      const t = rangeTables(r, rows, block);
      const want = bruteForce(r, rows);
      const seen = new Uint8Array(rows);
      for (let k = 0; k < t.blocks; k++) {
        const [a, b, seg] = [t.blockTab[3 * k]!, t.blockTab[3 * k + 1]!, t.blockTab[3 * k + 2]!];
        expect(b - a).toBeGreaterThan(0);
        expect(b - a).toBeLessThanOrEqual(block);
        const got: number[] = [];
        if (seg >= 0)
          for (let s = t.segSpan[seg]!; s < t.segSpan[seg + 1]!; s++) {
            const [ja, jz] = [t.spans[2 * s]!, t.spans[2 * s + 1]!];
            expect(jz).toBeGreaterThan(ja);
            // Spans are sorted and merged: each starts past the previous end.
            if (got.length > 0) expect(ja).toBeGreaterThan(got[got.length - 1]!);
            for (let j = ja; j < jz; j++) got.push(j);
          }
        for (let row = a; row < b; row++) {
          seen[row]!++;
          expect(got).toEqual([...want[row]!].sort((p, q) => p - q));
        }
      }
      expect([...seen].every((n) => n === 1)).toBe(true);
    }
  });
});

describe('split scheme', () => {
  const base = { batchSize: 1, multiprocessors: 132, tile: 256, stateBytes: 4 };

  it('is used for few rows and a long reduced range, with whole-tile chunks', () => {
    const p = planSplits({ ...base, rows: 10_000, reduced: 10_000 });
    // 40 blocks of rows for 528 wanted: 13 splits wanted, chunks of whole tiles.
    expect(p.chunk % 256).toBe(0);
    expect(p.splits).toBe(Math.ceil(10_000 / p.chunk));
    expect(p.splits).toBeGreaterThanOrEqual(2);
    expect((p.splits - 1) * p.chunk).toBeLessThan(10_000);
  });

  it('is not used when the rows fill the device or the range is short', () => {
    expect(planSplits({ ...base, rows: 1_000_000, reduced: 1_000_000 }).splits).toBe(1);
    expect(planSplits({ ...base, rows: 10, reduced: 1000 }).splits).toBe(1);
    expect(planSplits({ ...base, rows: 0, reduced: 1_000_000 }).splits).toBe(1);
    expect(planSplits({ ...base, rows: 10, reduced: 1000, minChunk: 1 }).splits).toBe(4);
  });

  it('keeps the partial states within their memory budget', () => {
    const p = planSplits({ ...base, rows: 1000, reduced: 10_000_000, stateBytes: 4096 });
    expect(p.splits * 1000 * 4096).toBeLessThanOrEqual(PARTIAL_BYTES_LIMIT);
  });
});

describe('launches', () => {
  const x = variable(0, 3, 'i');
  const y = variable(1, 3, 'j');
  const b = variable(2, 2, 'j');
  const p = variable(3, 1, 'p');
  const spec = reductionSpec({
    formula: mul(exp(minus(mul(p, sqDist(x, y)))), b),
    reduction: Reduction.Sum,
    axis: 'j',
  });
  const kernel = kernelSource(spec);
  if (kernel.layout.kind !== 'reduction') throw new Error('expected a reduction layout');
  const layout = kernel.layout;
  const buf = (length: number) => ({ backend: 'host', dtype: 'float32' as const, length });
  const limits = { multiprocessors: 132, maxGridX: 2 ** 31 - 1 };

  it('offset each input per batch entry, broadcasting size-1 batch dims', () => {
    const plan = planRun(
      spec,
      {
        args: [buf(2 * 3 * 5 * 3), buf(2 * 7 * 3), buf(3 * 7 * 2), buf(1)],
        nx: 5,
        ny: 7,
        batch: [2, 3],
        argBatch: [
          [2, 3],
          [2, 1],
          [1, 3],
          [1, 1],
        ],
      },
      'host',
    );
    const t = offsetTable(plan, kernel.inputs)!;
    const at = (bb: number, n: number) => Number(t[bb * 4 + n]);
    for (let bb = 0; bb < 6; bb++) {
      const [b0, b1] = [Math.floor(bb / 3), bb % 3];
      expect(at(bb, 0)).toBe(bb * 5 * 3);
      expect(at(bb, 1)).toBe(b0 * 7 * 3);
      expect(at(bb, 2)).toBe(b1 * 7 * 2);
      expect(at(bb, 3)).toBe(0);
    }
    expect(
      offsetTable(
        planRun(spec, { args: [buf(15), buf(21), buf(14), buf(1)], nx: 5, ny: 7 }, 'host'),
        kernel.inputs,
      ),
    ).toBeUndefined();
  });

  it('choose 1D or split, and pack every parameter of each kernel', () => {
    const args = (nx: number, ny: number) => [buf(nx * 3), buf(ny * 3), buf(ny * 2), buf(1)];
    const ins = [1n, 2n, 3n, 4n];
    const one = reductionLaunches({
      layout,
      inputs: kernel.inputs,
      plan: planRun(spec, { args: args(100_000, 50), nx: 100_000, ny: 50 }, 'host'),
      ranges: undefined,
      ins,
      outs: [5n],
      limits,
    });
    expect(one.steps).toHaveLength(1);
    expect(one.steps[0]).toMatchObject({ fn: 'main', gridX: Math.ceil(100_000 / BLOCK), gridY: 1 });
    expect(one.temps).toEqual([]);
    const packed = packParams(layout.params, one.steps[0]!.args as Record<string, bigint | number>);
    expect([...packed.slice(0, 5)]).toEqual([1n, 2n, 3n, 4n, 5n]);

    const split = reductionLaunches({
      layout,
      inputs: kernel.inputs,
      plan: planRun(spec, { args: args(300, 100_000), nx: 300, ny: 100_000 }, 'host'),
      ranges: undefined,
      ins,
      outs: [5n],
      limits,
    });
    expect(split.steps.map((s) => s.fn)).toEqual(['main', 'merge']);
    const [main, merge] = split.steps;
    expect(main!.gridX).toBe(2);
    expect(main!.gridY).toBeGreaterThan(1);
    expect(merge!.args.splits).toBe(main!.gridY);
    // The partial buffer: one state per (split, row), units rounded up to even.
    expect(split.temps).toHaveLength(1);
    expect(split.temps[0]!.bytes).toBe(2 * Math.ceil((main!.gridY * 300) / 2) * layout.stateBytes);
    expect(main!.args.part).toEqual({ temp: 0 });
  });

  it('refuse grids the device cannot launch, and reduced ranges past int32', () => {
    const plan = planRun(spec, { args: [buf(3000 * 3), buf(3), buf(2), buf(1)], nx: 3000, ny: 1 }, 'host');
    expect(() =>
      reductionLaunches({
        layout,
        inputs: kernel.inputs,
        plan,
        ranges: undefined,
        ins: [],
        outs: [],
        limits: { ...limits, maxGridX: 5 },
      }),
    ).toThrow(UnsupportedError);
    const big = { ...plan, reduced: 2 ** 31 };
    expect(() =>
      reductionLaunches({
        layout,
        inputs: kernel.inputs,
        plan: big,
        ranges: undefined,
        ins: [],
        outs: [],
        limits,
      }),
    ).toThrow(/2\^31/);
  });

  it('launch nothing for empty outputs', () => {
    const plan = planRun(spec, { args: [buf(0), buf(3), buf(2), buf(1)], nx: 0, ny: 1 }, 'host');
    expect(
      reductionLaunches({ layout, inputs: kernel.inputs, plan, ranges: undefined, ins: [], outs: [], limits })
        .steps,
    ).toEqual([]);
    const m = kernelSource(mapSpec({ formula: exp(x) }));
    if (m.layout.kind !== 'map') throw new Error('expected a map layout');
    const mp = planRun(mapSpec({ formula: exp(x) }), { args: [buf(0)], nx: 0, ny: 0 }, 'host');
    expect(
      mapLaunches({ layout: m.layout, inputs: m.inputs, plan: mp, ins: [], outs: [], limits }).steps,
    ).toEqual([]);
  });

  it('packs arguments by name and refuses a missing one', () => {
    const params: Param[] = [
      { name: 'a', ctype: 'long long' },
      { name: 'b', ctype: 'float*' },
    ];
    expect([...packParams(params, { b: 7n, a: 3, extra: 1 })]).toEqual([3n, 7n]);
    expect(() => packParams(params, { a: 1 })).toThrow(/'b'/);
  });
});
