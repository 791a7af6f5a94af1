/**
 * Code generation and scheduling without a GPU: the WGSL printed for representative specs, the
 * literals, the choice of scheme and workgroup shape, the sub-range windows for buffers larger
 * than a binding, and the block table of ranges against core-ir's definition of a row's reduced
 * indices. (Whether the WGSL compiles and computes the right numbers is the conformance suite's
 * job, on a real adapter.)
 */
import {
  exp,
  floatCst,
  lowerKernel,
  mapSpec,
  minus,
  mul,
  type Ranges,
  reductionSpec,
  sin,
  sqDist,
  sub,
  sum,
  UnsupportedError,
  variable,
} from '@symtensor/core-ir';
import { Rng } from '@symtensor/core-ir/testing';
import { describe, expect, it } from 'vitest';
import { blockTable } from '../src/ranges.js';
import {
  type DeviceShape,
  mapSchedule,
  type RunShape,
  reduceSchedule,
  reduceShape,
} from '../src/schedule.js';
import { F16, F32 } from '../src/wgsl/floats.js';
import { mapKernel } from '../src/wgsl/map-kernel.js';
import { mergeKernel } from '../src/wgsl/merge-kernel.js';
import { i32Literal } from '../src/wgsl/program.js';
import { type ReduceConfig, reduceKernel } from '../src/wgsl/reduce-kernel.js';

/** lavapipe's adapter limits. */
const LAVAPIPE: DeviceShape = {
  bindingBytes: 128 * 2 ** 20,
  storageAlign: 16,
  workgroupStorage: 32768,
  maxInvocations: 1024,
  maxGroupsPerDim: 65535,
};

const x = variable(0, 3, 'i');
const y = variable(1, 3, 'j');
const b = variable(2, 1, 'j');
const gaussian = mul(exp(minus(sqDist(x, y))), b);
const sumSpec = reductionSpec({ formula: gaussian, reduction: 'Sum', axis: 'j' });

const config = (over: Partial<ReduceConfig> = {}): ReduceConfig => ({
  workgroupSize: 64,
  chunk: 64,
  tiled: true,
  ranges: false,
  end: 'finalize',
  float: 'f32',
  ...over,
});

function shapeOf(
  spec: Parameters<typeof lowerKernel>[0],
  rows: number,
  reduced: number,
  batchSize = 1,
): RunShape {
  const kernel = lowerKernel(spec);
  const rowsOf = (cat: string) => (cat === 'p' ? 1 : cat === 'i' ? rows : reduced);
  return {
    kernel,
    batchSize,
    rows,
    reduced,
    offset: (bb, n) => bb * rowsOf(kernel.inputs[n]!.cat) * kernel.inputs[n]!.dim,
    inputLengths: kernel.inputs.map((v) => batchSize * rowsOf(v.cat) * v.dim),
    positions: kernel.inputs.map((v) => v.pos),
  };
}

describe('WGSL of the reduction skeleton', () => {
  const kernel = lowerKernel(sumSpec);

  it('stages reduced-index variables in workgroup memory and folds chunks into block sums', () => {
    const { wgsl, bindings } = reduceKernel(kernel, config());
    // y (dim 3) and b (dim 1) are j variables: one tile each, 64 rows of them.
    expect(wgsl).toContain('var<workgroup> tile1: array<f32, 192>;');
    expect(wgsl).toContain('var<workgroup> tile2: array<f32, 64>;');
    expect(wgsl.match(/workgroupBarrier\(\);/g)).toHaveLength(2);
    expect(wgsl).toContain('@compute @workgroup_size(64)');
    // Per chunk: copy 1 is reset, folded, then merged into the running total in copy 0.
    expect(wgsl).toMatch(
      /s0_1_0 = 0\.0f;[\s\S]*s0_1_0 = \(s0_1_0 \+ v\d+\);[\s\S]*s0_0_0 = \(s0_0_0 \+ s0_1_0\);/,
    );
    // Loads of the row's x are hoisted out of the reduced loop.
    expect(wgsl).toMatch(/let h0_0 = in0\[x0\];[\s\S]*for \(var jc/);
    expect(wgsl).toContain('out0[ob0] = s0_0_0;');
    expect(bindings.map((bb) => bb.name)).toEqual(['u', 'boffs', 'in0', 'in1', 'in2', 'out0']);
  });

  it('keeps sizes in the uniform block, not in the code', () => {
    const { wgsl } = reduceKernel(kernel, config());
    expect(wgsl).toMatch(/struct U \{[\s\S]*rows: u32,[\s\S]*j_hi: u32,[\s\S]*\}/);
    expect(wgsl).toContain('let row_b = min(u.rows, row_a + 64u);');
    expect(wgsl).toContain('let je = min(u.j_hi, js + u.slice_len);');
  });

  it('decides NaN by bit pattern and never writes non-finite constants', () => {
    const minSpec = reductionSpec({ formula: sub(x, y), reduction: 'MinArgMin', axis: 'j' });
    const { wgsl } = reduceKernel(lowerKernel(minSpec), config());
    expect(wgsl).toContain('(bitcast<u32>(x) & 0x7fffffffu) > 0x7f800000u');
    expect(wgsl).toContain('= u.pinf;');
    const code = wgsl.slice(wgsl.indexOf('fn ')).replace(/u\.(pinf|ninf|nan)\b/g, '');
    expect(code).not.toMatch(/\b(inf|nan|NaN|Infinity)\b/);
  });

  it('folds exact selections straight into the running state, without block sums', () => {
    const spec = reductionSpec({ formula: sqDist(x, y), reduction: 'ArgKMin', axis: 'j', k: 3 });
    const { wgsl } = reduceKernel(lowerKernel(spec), config());
    expect(wgsl).toContain('var s0_0_0: f32;');
    expect(wgsl).not.toMatch(/s\d+_1_\d+/);
  });

  it('walks the block table and clamps spans to the dispatch window with ranges', () => {
    const { wgsl, bindings } = reduceKernel(kernel, config({ ranges: true }));
    expect(wgsl).toContain('for (var sp = blocks[4u * blk + 2u]; sp < blocks[4u * blk + 3u]; sp++) {');
    expect(wgsl).toContain('let js = max(spans[2u * sp], u.j_lo);');
    expect(bindings.map((bb) => bb.name).slice(-2)).toEqual(['blocks', 'spans']);
  });

  it('stores states as 32-bit words for the split scheme, which the merge pass folds in slice order', () => {
    const store = reduceKernel(kernel, config({ end: 'store' })).wgsl;
    expect(store).toContain('part[pb + 0u] = bitcast<u32>(s0_0_0);');
    expect(store).toContain('let pb = (((sl + u.part_off) * u.nb');
    expect(store).not.toContain('out0');
    const merge = mergeKernel(kernel, 64, 'finalize', 'f32').wgsl;
    expect(merge).toContain('s0_0_0 = bitcast<f32>(part[');
    expect(merge).toMatch(/for \(var sl = 1u; sl < u\.slices; sl\+\+\) \{[\s\S]*s0_1_0 = bitcast<f32>/);
    expect(merge).toContain('out0[ob0] = s0_0_0;');
    // Between windows of the reduced range the merged state goes back to slice 0.
    const carry = mergeKernel(kernel, 64, 'store', 'f32').wgsl;
    expect(carry).toMatch(/part\[\(\(0u \* u\.nb[^\]]*\] = bitcast<u32>\(s0_0_0\);/);
    expect(carry).not.toContain('out0');
  });

  it('prints large dims as loops and reads them from storage when a tile would not fit', () => {
    const big = variable(1, 784, 'j');
    const spec = reductionSpec({
      formula: sqDist(variable(0, 784, 'i'), big),
      reduction: 'ArgKMin',
      axis: 'j',
      k: 2,
    });
    const k = lowerKernel(spec);
    const shape = reduceShape(k, { ...LAVAPIPE, workgroupStorage: 16384 }, {}, 1000);
    expect(shape.tiled).toBe(false);
    const { wgsl } = reduceKernel(k, config({ ...shape }));
    expect(wgsl).not.toContain('var<workgroup>');
    expect(wgsl).toMatch(/for \(var l\d+ = 0i; l\d+ < 784i; l\d+\+\+\)/);
    expect(wgsl).toContain('let y1 = o1 + jg * 784u;');
    expect(wgsl.split('\n').length).toBeLessThan(400);
  });
});

describe('WGSL of the map skeleton', () => {
  it('runs the row block per invocation, batch entries included', () => {
    const spec = mapSpec({ formula: mul(sin(x), variable(1, 1, 'p')) });
    const { wgsl } = mapKernel(lowerKernel(spec), 64, 'f32');
    expect(wgsl).toContain('let g = gid.x + gid.y * u.grid_x * 64u;');
    expect(wgsl).toContain('let o1 = boffs[b * 2u + 1u] - u.base_1;');
    expect(wgsl).toMatch(/out0\[ob0 \+ 2u\] = /);
    expect(wgsl).not.toContain('var<workgroup>');
  });
});

describe('WGSL of float16 kernels', () => {
  const half = (spec: Parameters<typeof lowerKernel>[0], over: Partial<ReduceConfig> = {}) =>
    reduceKernel(lowerKernel(spec), config({ float: 'f16', ...over })).wgsl;

  it('stores and evaluates in f16 but accumulates sums in f32', () => {
    const wgsl = half(reductionSpec({ formula: gaussian, reduction: 'Sum', axis: 'j', dtype: 'float16' }));
    expect(wgsl.startsWith('enable f16;\n')).toBe(true);
    expect(wgsl).toContain('var<storage, read> in1: array<f16>;');
    expect(wgsl).toContain('var<storage, read_write> out0: array<f16>;');
    expect(wgsl).toContain('var<workgroup> tile1: array<f16, 192>;');
    expect(wgsl).toContain('var s0_0_0: f32;');
    expect(wgsl).toMatch(/let v\d+: f16 = /);
    expect(wgsl).toMatch(/s0_1_0 = \(s0_1_0 \+ f32\(v\d+\)\);/);
    expect(wgsl).toContain('out0[ob0] = f16(s0_0_0);');
    // The formula's exp is the f16 helper, which reads f16 specials from the uniform block.
    expect(wgsl).toContain('fn st_exp_h(x: f16) -> f16 {');
    expect(wgsl).toMatch(/= st_exp_h\(/);
    expect(wgsl).toContain('bitcast<u32>(vec2<f16>(x, x))');
    expect(wgsl).not.toContain('fn st_exp(');
  });

  it('runs LogSumExp on f32 values even when they come from an f16 formula', () => {
    const lse = reductionSpec({
      formula: minus(sqDist(x, y)),
      reduction: 'LogSumExp',
      axis: 'j',
      dtype: 'float16',
    });
    const wgsl = half(lse);
    expect(wgsl).toContain('var s0_0_0: f32;');
    expect(wgsl).toContain('fn st_exp(x: f32) -> f32 {');
    expect(wgsl).toContain('fn st_log(x: f32) -> f32 {');
    expect(wgsl).toMatch(/out0\[ob0\] = f16\(/);
  });

  it('keeps selections in f16 and stores their states as the f32 of the same value', () => {
    const spec = reductionSpec({
      formula: sqDist(x, y),
      reduction: 'MinArgMin',
      axis: 'j',
      dtype: 'float16',
    });
    const k = lowerKernel(spec);
    expect(half(spec)).toContain('var s0_0_0: f16;');
    expect(half(spec, { end: 'store' })).toContain('part[pb + 0u] = bitcast<u32>(f32(s0_0_0));');
    const merge = mergeKernel(k, 64, 'finalize', 'f16').wgsl;
    expect(merge).toContain('s0_0_0 = f16(bitcast<f32>(part[');
    expect(merge).toContain('var<storage, read_write> out0: array<f16>;');
    expect(merge).toContain('var<storage, read_write> out1: array<i32>;');
  });

  it('prints f16 literals rounded to float16, non-finite ones from the uniform block', () => {
    expect(F16.literal(0.1)).toBe('0.0999755859h');
    expect(F16.literal(3)).toBe('3.0h');
    expect(F16.literal(-2.5)).toBe('(-2.50000000h)');
    expect(F16.literal(2 ** -24)).toBe('5.96046448e-8h');
    expect(F16.literal(70000)).toBe('bitcast<vec2<f16>>(u.h_pinf).x');
    expect(F16.literal(Number.NaN)).toBe('bitcast<vec2<f16>>(u.h_nan).x');
    const map = mapKernel(
      lowerKernel(mapSpec({ formula: mul(floatCst(0.1), x), dtype: 'float16' })),
      64,
      'f16',
    );
    expect(map.wgsl).toContain('0.0999755859h');
  });
});

describe('literals', () => {
  it('prints float32 values exactly, with non-finite values from the uniform block', () => {
    expect(F32.literal(0.1)).toBe('0.100000001f');
    expect(Math.fround(Number.parseFloat(F32.literal(1 / 3)))).toBe(Math.fround(1 / 3));
    expect(F32.literal(3)).toBe('3.0f');
    expect(F32.literal(-2.5)).toBe('(-2.50000000f)');
    expect(F32.literal(-0)).toBe('(-0.0f)');
    expect(F32.literal(1e39)).toBe('u.pinf');
    expect(F32.literal(Number.NEGATIVE_INFINITY)).toBe('u.ninf');
    expect(F32.literal(Number.NaN)).toBe('u.nan');
    expect(i32Literal(-2147483648)).toBe('(-2147483647i - 1i)');
  });

  it('keeps constants of formulas in float32', () => {
    const spec = reductionSpec({ formula: mul(floatCst(0.1), sub(x, y)), reduction: 'Sum', axis: 'j' });
    expect(reduceKernel(lowerKernel(spec), config()).wgsl).toContain('0.100000001f');
  });
});

describe('scheduling', () => {
  it('one dispatch per run when rows fill the device', () => {
    const k = lowerKernel(sumSpec);
    const red = reduceShape(k, LAVAPIPE, {}, 100_000);
    expect(red).toEqual({ workgroupSize: 64, chunk: 64, tiled: true });
    const s = reduceSchedule(shapeOf(sumSpec, 100_000, 1000), red, 1, LAVAPIPE, {});
    expect(s.dispatches).toHaveLength(1);
    expect(s.dispatches[0]!.end).toBe('finalize');
    expect(s.dispatches[0]!.groups).toEqual([Math.ceil(100_000 / 64), 1]);
  });

  it('shrinks workgroups to the rows, down to 8, keeping chunks of 64', () => {
    const k = lowerKernel(sumSpec);
    expect(reduceShape(k, LAVAPIPE, {}, 3)).toEqual({ workgroupSize: 8, chunk: 64, tiled: true });
    expect(reduceShape(k, LAVAPIPE, {}, 20)).toEqual({ workgroupSize: 32, chunk: 64, tiled: true });
    expect(reduceShape(k, LAVAPIPE, { workgroupSize: 4 }, 3)).toEqual({
      workgroupSize: 4,
      chunk: 64,
      tiled: true,
    });
  });

  it('splits the reduced range when rows are few, then merges', () => {
    const k = lowerKernel(sumSpec);
    const red = reduceShape(k, LAVAPIPE, {}, 3);
    const s = reduceSchedule(shapeOf(sumSpec, 3, 1_000_000), red, 1, LAVAPIPE, {});
    expect(s.dispatches.map((d) => `${d.kernel}:${d.end}`)).toEqual(['reduce:store', 'merge:finalize']);
    const { slices, slice_len } = s.dispatches[0]!.uniforms;
    // 256 slices wanted, fewer after rounding their length up to whole chunks.
    expect(slices).toBeGreaterThan(200);
    expect(slices).toBeLessThanOrEqual(256);
    expect(slice_len % 64).toBe(0);
    expect(slices * slice_len).toBeGreaterThanOrEqual(1_000_000);
    expect((slices - 1) * slice_len).toBeLessThan(1_000_000);
    expect(s.partWords).toBe(slices * 3);
    // Forced off, and never with ranges.
    expect(
      reduceSchedule(shapeOf(sumSpec, 3, 1_000_000), red, 1, LAVAPIPE, { split: 1 }).dispatches,
    ).toHaveLength(1);
  });

  it('wraps grids past the per-dimension limit', () => {
    const spec = mapSpec({ formula: sin(x) });
    const s = mapSchedule(shapeOf(spec, 10_000_000, 0), LAVAPIPE, {});
    const [gx, gy] = s.dispatches[0]!.groups;
    expect(gx).toBe(65535);
    expect(gx * gy * 64).toBeGreaterThanOrEqual(10_000_000);
  });

  it('binds sub-ranges of buffers larger than a binding, carrying states across reduced windows', () => {
    const dev = { ...LAVAPIPE, bindingBytes: 4096 };
    const k = lowerKernel(sumSpec);
    const red = reduceShape(k, dev, {}, 200);
    // y: 1000 x 3 floats = 12000 bytes > 4096; x (200 x 3) and b (1000) fit.
    const s = reduceSchedule(shapeOf(sumSpec, 200, 1000), red, 1, dev, {});
    const kinds = s.dispatches.map((d) => `${d.kernel}:${d.end}`);
    // Each window: reduce in slices, then merge into the carried state; the last one finalizes.
    expect(kinds.slice(0, 2)).toEqual(['reduce:store', 'merge:store']);
    expect(kinds.slice(-2)).toEqual(['reduce:store', 'merge:finalize']);
    const reduces = s.dispatches.filter((d) => d.kernel === 'reduce');
    expect(reduces.length).toBeGreaterThan(2);
    let covered = 0;
    reduces.forEach((d, w) => {
      expect(d.uniforms.part_off).toBe(w === 0 ? 0 : 1);
      expect(d.inputs[0]).toBeUndefined();
      const win = d.inputs[1]!;
      expect(win.hi - win.lo).toBe((d.uniforms.j_hi - d.uniforms.j_lo) * 3);
      expect((win.hi - win.lo) * 4 + dev.storageAlign).toBeLessThanOrEqual(dev.bindingBytes);
      expect(d.uniforms.slices * d.uniforms.slice_len).toBeGreaterThanOrEqual(
        d.uniforms.j_hi - d.uniforms.j_lo,
      );
      covered += d.uniforms.j_hi - d.uniforms.j_lo;
    });
    expect(covered).toBe(1000);
    const merges = s.dispatches.filter((d) => d.kernel === 'merge');
    merges.forEach((d, w) => {
      expect(d.uniforms.slices).toBe(reduces[w]!.uniforms.slices + (w === 0 ? 0 : 1));
    });
    expect(s.partWords * 4).toBeLessThanOrEqual(dev.bindingBytes);
  });

  it('refuses a single row larger than a binding with a typed error naming the argument', () => {
    const wide = reductionSpec({
      formula: mul(sum(variable(0, 300, 'i')), variable(1, 1, 'j')),
      reduction: 'Sum',
      axis: 'j',
    });
    const dev = { ...LAVAPIPE, bindingBytes: 1024 };
    const k = lowerKernel(wide);
    const run = () => reduceSchedule(shapeOf(wide, 10, 10), reduceShape(k, dev, {}, 10), 1, dev, {});
    expect(run).toThrow(UnsupportedError);
    expect(run).toThrow(/args\[0\] has 300 components per row/);
  });
});

describe('block table of ranges', () => {
  /** A row's reduced indices as core-ir defines them (union over covering clusters). */
  function reducedIndices(r: Ranges, row: number): number[] {
    const out = new Set<number>();
    for (let c = 0; c < r.slices.length; c++) {
      if (row < r.rows[2 * c]! || row >= r.rows[2 * c + 1]!) continue;
      for (let s = c === 0 ? 0 : r.slices[c - 1]!; s < r.slices[c]!; s++)
        for (let k = r.redRanges[2 * s]!; k < r.redRanges[2 * s + 1]!; k++) out.add(k);
    }
    return [...out].sort((p, q) => p - q);
  }

  function randomRanges(rng: Rng, rows: number, reduced: number): Ranges {
    const rowR: number[] = [];
    const slices: number[] = [];
    const red: number[] = [];
    for (let c = 0; c < rng.int(1, 8); c++) {
      const a = rng.int(0, rows + 1);
      rowR.push(a, rng.int(a, rows + 1));
      for (let k = 0; k < rng.int(0, 4); k++) {
        const p = rng.int(0, reduced + 1);
        red.push(p, rng.int(p, reduced + 1));
      }
      slices.push(red.length / 2);
    }
    return { rows: Int32Array.from(rowR), slices: Int32Array.from(slices), redRanges: Int32Array.from(red) };
  }

  it('covers every row once, in order, with exactly its reduced indices', () => {
    const rng = new Rng(20261121);
    for (let trial = 0; trial < 200; trial++) {
      const rows = rng.int(0, 40);
      const reduced = rng.int(0, 30);
      const ranges = randomRanges(rng, rows, reduced);
      const blockRows = rng.int(1, 9);
      const t = blockTable(ranges, rows, blockRows);
      let next = 0;
      for (let k = 0; k < t.count; k++) {
        const [r0, r1, s0, s1] = Array.from(t.blocks.subarray(4 * k, 4 * k + 4));
        expect(r0).toBe(next);
        expect(r1! - r0!).toBeGreaterThan(0);
        expect(r1! - r0!).toBeLessThanOrEqual(blockRows);
        next = r1!;
        const walked: number[] = [];
        for (let s = s0!; s < s1!; s++)
          for (let j = t.spans[2 * s]!; j < t.spans[2 * s + 1]!; j++) walked.push(j);
        for (let row = r0!; row < r1!; row++) expect(walked).toEqual(reducedIndices(ranges, row));
      }
      expect(next).toBe(rows);
    }
  });
});
