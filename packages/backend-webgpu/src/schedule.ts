/**
 * Scheduling: from a lowered kernel, the run's sizes and the device limits, which kernels run
 * with which workgroup size, and the list of dispatches with their uniforms and the element
 * ranges each binds.
 *
 * - Reductions run one invocation per output row, with chunks of reduced-index variables in
 *   workgroup memory. When there are few row blocks (small N against M), the reduced range is
 *   split into slices reduced by separate workgroups, and a second pass merges their states
 *   (the split scheme).
 * - Buffers larger than the storage binding limit are bound in sub-ranges: the run is cut per
 *   batch entry into row windows and, for reductions, windows of the reduced range, each
 *   dispatch binding only what it reads and writes. A reduced window is reduced like a split
 *   (in slices when rows are few) and merged into the state carried from the previous windows.
 *   What cannot be cut (a single row larger than the limit) is refused with a typed error.
 */
import { type LoweredKernel, UnsupportedError } from '@symtensor/core-ir';
import type { BlockTable } from './ranges.js';
import type { UniformValues } from './wgsl/uniforms.js';

/** Device limits the scheduler needs (bytes unless stated). */
export interface DeviceShape {
  /** Largest storage binding. */
  readonly bindingBytes: number;
  /** Alignment of storage binding offsets. */
  readonly storageAlign: number;
  readonly workgroupStorage: number;
  /** Invocations per workgroup (and workgroup x size). */
  readonly maxInvocations: number;
  readonly maxGroupsPerDim: number;
}

export interface Tuning {
  /** Invocations per workgroup (default 64, fewer for fewer rows). */
  readonly workgroupSize?: number;
  /** Reduced indices per chunk: the tile and the block of the block summation (default 64). */
  readonly chunk?: number;
  /**
   * Slices of the reduced range for the split scheme: a number forces it (where the reduced
   * range allows), 'auto' (default) chooses from the sizes, 1 disables it.
   */
  readonly split?: number | 'auto';
}

/** Compile-time shape of a reduction's main kernel. */
export interface ReduceShape {
  readonly workgroupSize: number;
  readonly chunk: number;
  readonly tiled: boolean;
}

const DEFAULT_WORKGROUP = 64;
/** Reduced indices per chunk (tile) when workgroup memory allows. */
const CHUNK = 64;
/** Workgroups below which the split scheme adds slices (enough to fill a large GPU). */
const SPLIT_TARGET = 256;
/** The smallest tile worth staging in workgroup memory. */
const MIN_TILE = 16;
/** The smallest automatic workgroup (a SIMD vector of lavapipe, a quarter of a GPU warp). */
const MIN_WORKGROUP = 8;

export function workgroupSize(dev: DeviceShape, tuning: Tuning): number {
  const wg = tuning.workgroupSize ?? DEFAULT_WORKGROUP;
  return Math.max(1, Math.min(wg, dev.maxInvocations));
}

/**
 * The reduction kernel's shape. One invocation per row, so with fewer rows than the default
 * workgroup the workgroup shrinks (to a power of two, at least 8): idle invocations would still
 * walk the whole reduced range. The chunk stays 64 reduced indices, loaded by the workgroup
 * together, unless workgroup memory cannot hold it.
 */
export function reduceShape(
  kernel: LoweredKernel,
  dev: DeviceShape,
  tuning: Tuning,
  rows: number,
): ReduceShape {
  let wg = workgroupSize(dev, tuning);
  if (tuning.workgroupSize === undefined && rows < wg)
    wg = Math.max(MIN_WORKGROUP, 2 ** Math.ceil(Math.log2(Math.max(1, rows))));
  const chunk = tuning.chunk ?? Math.max(wg, CHUNK);
  const jWords = kernel.inputs.reduce((a, v) => a + (v.cat === 'j' ? v.dim : 0), 0);
  if (jWords === 0) return { workgroupSize: wg, chunk, tiled: false };
  const fit = Math.floor(dev.workgroupStorage / (4 * jWords));
  if (fit >= chunk) return { workgroupSize: wg, chunk, tiled: true };
  if (fit >= MIN_TILE) return { workgroupSize: wg, chunk: fit, tiled: true };
  // Too large for workgroup memory (D in the thousands): read from storage, chunks still
  // give block summation.
  return { workgroupSize: wg, chunk, tiled: false };
}

/** An element range of a buffer to bind; undefined binds the whole buffer. */
export interface ElementRange {
  readonly lo: number;
  readonly hi: number;
}

export interface Dispatch {
  readonly kernel: 'reduce' | 'merge' | 'map';
  /** Write the outputs, or store states (reduce and merge kernels). */
  readonly end: 'finalize' | 'store';
  readonly uniforms: UniformValues;
  readonly groups: readonly [number, number];
  /** Bound ranges by program input and by output (undefined: the whole buffer). */
  readonly inputs: readonly (ElementRange | undefined)[];
  readonly outputs: readonly (ElementRange | undefined)[];
}

/** Sizes of a run as the scheduler sees them. */
export interface RunShape {
  readonly kernel: LoweredKernel;
  readonly batchSize: number;
  readonly rows: number;
  readonly reduced: number;
  /** Element offset of batch entry b's data in program input n. */
  readonly offset: (b: number, n: number) => number;
  /** Elements of each program input's buffer. */
  readonly inputLengths: readonly number[];
  readonly ranges?: BlockTable;
  /** Spec argument position of each program input (for error messages). */
  readonly positions: readonly number[];
}

export interface Schedule {
  readonly dispatches: readonly Dispatch[];
  /** 32-bit words of the state buffer (0: none). */
  readonly partWords: number;
}

/**
 * Bytes per element as the scheduler counts them: 4 (float32, int32, and the 32-bit words of
 * stored states). float16 data take 2, so their windows are cut at half of what a binding could
 * hold, which is safe; the host binds their sub-ranges at their real byte offsets.
 */
const elemBytes = 4;

/** The 2D grid for `total` workgroups. */
export function grid(total: number, dev: DeviceShape): [number, number] {
  if (total <= dev.maxGroupsPerDim) return [total, 1];
  const y = Math.ceil(total / dev.maxGroupsPerDim);
  if (y > dev.maxGroupsPerDim)
    throw new UnsupportedError(
      `a run of ${total} workgroups exceeds the device's dispatch grid; split the work`,
    );
  return [dev.maxGroupsPerDim, y];
}

/** Largest count of items of `words` 32-bit words each whose range fits one binding after alignment. */
export function fitting(words: number, dev: DeviceShape): number {
  return Math.floor((dev.bindingBytes - dev.storageAlign) / (words * elemBytes));
}

const baseUniforms = (u: Partial<UniformValues>): UniformValues => ({
  rows: 0,
  b0: 0,
  nb: 0,
  blk0: 0,
  nblk: 0,
  row_lo: 0,
  win_rows: 0,
  j_lo: 0,
  j_hi: 0,
  slices: 1,
  slice_len: 0,
  part_off: 0,
  grid_x: 0,
  ...u,
});

/** Which program inputs and outputs are larger than a binding. */
function oversized(shape: RunShape, dev: DeviceShape) {
  const limit = dev.bindingBytes;
  const inputs = shape.inputLengths.map((n) => n * elemBytes > limit);
  const outputs = shape.kernel.outputs.map((o) => shape.batchSize * shape.rows * o.dim * elemBytes > limit);
  return { inputs, outputs, any: inputs.some((x) => x) || outputs.some((x) => x) };
}

/** Row windows: the most rows per dispatch such that each oversized row-indexed buffer's window fits. */
function windowRows(
  shape: RunShape,
  dev: DeviceShape,
  big: ReturnType<typeof oversized>,
  extraWords = 0,
): number {
  let rows = shape.rows;
  shape.kernel.inputs.forEach((v, n) => {
    if (!big.inputs[n]) return;
    const fit = fitting(v.dim, dev);
    if (fit < 1) throw tooWide(shape, n, v.dim, dev);
    if (v.cat === 'i') rows = Math.min(rows, fit);
  });
  shape.kernel.outputs.forEach((o, k) => {
    if (!big.outputs[k]) return;
    const fit = fitting(o.dim, dev);
    if (fit < 1)
      throw new UnsupportedError(
        `output ${k} has ${o.dim} components per row, more than one storage binding holds (${dev.bindingBytes} bytes); use the cpu backend`,
      );
    rows = Math.min(rows, fit);
  });
  if (extraWords > 0) {
    const fit = Math.floor(dev.bindingBytes / (extraWords * elemBytes));
    if (fit < 1)
      throw new UnsupportedError(
        `the reduction's state (${extraWords / 2} words per row) is too large to carry between windows of the reduced range within one storage binding (${dev.bindingBytes} bytes); use the cpu backend`,
      );
    rows = Math.min(rows, fit);
  }
  return rows;
}

function tooWide(shape: RunShape, n: number, dim: number, dev: DeviceShape): UnsupportedError {
  return new UnsupportedError(
    `args[${shape.positions[n]}] has ${dim} components per row, more than one storage binding holds (${dev.bindingBytes} bytes); use the cpu backend`,
  );
}

/** The window ranges of the inputs for batch entry b, rows [r0, r1) and reduced [j0, j1). */
function inputWindows(
  shape: RunShape,
  big: ReturnType<typeof oversized>,
  b: number,
  r0: number,
  r1: number,
  j0: number,
  j1: number,
): (ElementRange | undefined)[] {
  return shape.kernel.inputs.map((v, n) => {
    if (!big.inputs[n]) return undefined;
    const o = shape.offset(b, n);
    if (v.cat === 'p') return { lo: o, hi: o + v.dim };
    const [a, z] = v.cat === 'i' ? [r0, r1] : [j0, j1];
    return { lo: o + a * v.dim, hi: o + z * v.dim };
  });
}

function outputWindows(
  shape: RunShape,
  big: ReturnType<typeof oversized>,
  b: number,
  r0: number,
  r1: number,
) {
  return shape.kernel.outputs.map((o, k) =>
    big.outputs[k] ? { lo: (b * shape.rows + r0) * o.dim, hi: (b * shape.rows + r1) * o.dim } : undefined,
  );
}

export function mapSchedule(shape: RunShape, dev: DeviceShape, tuning: Tuning): Schedule {
  const wg = workgroupSize(dev, tuning);
  const { batchSize, rows } = shape;
  if (batchSize * rows === 0) return { dispatches: [], partWords: 0 };
  const big = oversized(shape, dev);
  const dispatch = (b0: number, nb: number, r0: number, r1: number, b: number): Dispatch => {
    const groups = grid(Math.ceil((nb * (r1 - r0)) / wg), dev);
    return {
      kernel: 'map',
      end: 'finalize',
      uniforms: baseUniforms({ rows, b0, nb, row_lo: r0, win_rows: r1 - r0, grid_x: groups[0] }),
      groups,
      inputs: big.any ? inputWindows(shape, big, b, r0, r1, 0, 0) : shape.kernel.inputs.map(() => undefined),
      outputs: big.any ? outputWindows(shape, big, b, r0, r1) : shape.kernel.outputs.map(() => undefined),
    };
  };
  if (!big.any) return { dispatches: [dispatch(0, batchSize, 0, rows, 0)], partWords: 0 };
  const step = windowRows(shape, dev, big);
  const dispatches: Dispatch[] = [];
  for (let b = 0; b < batchSize; b++)
    for (let r0 = 0; r0 < rows; r0 += step) dispatches.push(dispatch(b, 1, r0, Math.min(rows, r0 + step), b));
  return { dispatches, partWords: 0 };
}

export function reduceSchedule(
  shape: RunShape,
  red: ReduceShape,
  stateWords: number,
  dev: DeviceShape,
  tuning: Tuning,
): Schedule {
  const { batchSize, rows, reduced, ranges } = shape;
  const wg = red.workgroupSize;
  if (batchSize * rows === 0) return { dispatches: [], partWords: 0 };
  const big = oversized(shape, dev);

  // Windows of the reduced range: each oversized j input's window must fit a binding.
  let jStep = Math.max(1, reduced);
  shape.kernel.inputs.forEach((v, n) => {
    if (big.inputs[n] && v.cat === 'j') {
      const fit = fitting(v.dim, dev);
      if (fit < 1) throw tooWide(shape, n, v.dim, dev);
      jStep = Math.min(jStep, fit >= red.chunk ? Math.floor(fit / red.chunk) * red.chunk : fit);
    }
  });
  const jWindows: [number, number][] = [];
  for (let j0 = 0; j0 < reduced; j0 += jStep) jWindows.push([j0, Math.min(reduced, j0 + jStep)]);
  if (jWindows.length === 0) jWindows.push([0, 0]);
  const carry = jWindows.length > 1;

  // Groups of rows dispatched together: all of them, or windows of whole row blocks per batch
  // entry. A carried state needs two slots per row (the carry and one slice).
  const groups: { b0: number; nb: number; r0: number; r1: number; blk0: number; nblk: number }[] = [];
  const totalBlocks = ranges ? ranges.count : Math.ceil(rows / wg);
  if (!big.any) groups.push({ b0: 0, nb: batchSize, r0: 0, r1: rows, blk0: 0, nblk: totalBlocks });
  else {
    let rStep = windowRows(shape, dev, big, carry ? 2 * stateWords : 0);
    const windows: { r0: number; r1: number; blk0: number; nblk: number }[] = [];
    if (!ranges) {
      if (rStep < rows) rStep = Math.floor(rStep / wg) * wg;
      if (rStep < 1)
        throw new UnsupportedError(`rows too wide to bind ${wg} of them at once; use the cpu backend`);
      for (let r0 = 0; r0 < rows; r0 += rStep) {
        const r1 = Math.min(rows, r0 + rStep);
        windows.push({ r0, r1, blk0: r0 / wg, nblk: Math.ceil((r1 - r0) / wg) });
      }
    } else {
      for (let k = 0; k < ranges.count; ) {
        const r0 = ranges.blocks[4 * k]!;
        if (ranges.blocks[4 * k + 1]! - r0 > rStep)
          throw new UnsupportedError('rows too wide to bind one block of them at once; use the cpu backend');
        let z = k + 1;
        while (z < ranges.count && ranges.blocks[4 * z + 1]! - r0 <= rStep) z++;
        windows.push({ r0, r1: ranges.blocks[4 * (z - 1) + 1]!, blk0: k, nblk: z - k });
        k = z;
      }
    }
    for (let b = 0; b < batchSize; b++) for (const w of windows) groups.push({ b0: b, nb: 1, ...w });
  }

  const dispatches: Dispatch[] = [];
  let partWords = 0;
  for (const g of groups) {
    const winRows = g.r1 - g.r0;
    const words = g.nb * winRows * stateWords;
    const slices = chooseSlices(
      g.nblk * g.nb,
      jStep,
      red.chunk,
      words,
      carry,
      ranges !== undefined,
      dev,
      tuning,
    );
    const sliceLen = slices === 1 ? jStep : Math.ceil(Math.ceil(jStep / slices) / red.chunk) * red.chunk;
    const S = slices === 1 ? 1 : Math.ceil(jStep / sliceLen);
    const common = { rows, b0: g.b0, nb: g.nb, row_lo: g.r0, win_rows: winRows };
    const mainGroups = grid(g.nblk * g.nb * S, dev);
    const mergeGroups = grid(Math.ceil((g.nb * winRows) / wg), dev);
    const direct = !carry && S === 1;
    if (!direct) partWords = Math.max(partWords, (S + (carry ? 1 : 0)) * words);
    jWindows.forEach(([j0, j1], w) => {
      const last = w === jWindows.length - 1;
      const inputs = inputWindows(shape, big, g.b0, g.r0, g.r1, j0, j1);
      const outputs = outputWindows(shape, big, g.b0, g.r0, g.r1);
      dispatches.push({
        kernel: 'reduce',
        end: direct ? 'finalize' : 'store',
        uniforms: baseUniforms({
          ...common,
          blk0: g.blk0,
          nblk: g.nblk,
          j_lo: j0,
          j_hi: j1,
          slices: S,
          slice_len: sliceLen,
          // After the first window, slice 0 holds the carried state.
          part_off: w === 0 ? 0 : 1,
          grid_x: mainGroups[0],
        }),
        groups: mainGroups,
        inputs,
        outputs,
      });
      if (direct) return;
      dispatches.push({
        kernel: 'merge',
        end: last ? 'finalize' : 'store',
        uniforms: baseUniforms({ ...common, slices: S + (w === 0 ? 0 : 1), grid_x: mergeGroups[0] }),
        groups: mergeGroups,
        inputs,
        outputs,
      });
    });
  }
  return { dispatches, partWords };
}

/** Number of slices of the reduced range (1: no split). */
function chooseSlices(
  workgroups: number,
  reduced: number,
  chunk: number,
  wordsPerSlice: number,
  carry: boolean,
  ranges: boolean,
  dev: DeviceShape,
  tuning: Tuning,
): number {
  // Block-sparse runs keep one workgroup per block: their spans differ per block.
  if (ranges || reduced <= chunk || wordsPerSlice === 0) return 1;
  // The state buffer holds the slices (and the carried state) and must fit a binding.
  const maxByMemory = Math.max(
    1,
    Math.floor(dev.bindingBytes / (wordsPerSlice * elemBytes)) - (carry ? 1 : 0),
  );
  const maxByChunks = Math.ceil(reduced / chunk);
  const wanted =
    tuning.split === undefined || tuning.split === 'auto'
      ? workgroups >= SPLIT_TARGET
        ? 1
        : Math.min(Math.ceil(SPLIT_TARGET / workgroups), Math.floor(reduced / (2 * chunk)))
      : tuning.split;
  return Math.max(1, Math.min(wanted, maxByMemory, maxByChunks));
}
