/**
 * What one run enqueues, computed on the host: the temporary tables it needs on the device
 * (per-batch offsets, range tables, the split scheme's partial states) and its kernel launches
 * with their grids and arguments by name. Pure, so it is tested without a GPU; the backend
 * allocates the temporaries, packs the arguments by the layout's parameter lists and launches.
 */
import {
  argBatchIndex,
  type ProgramInput,
  type Ranges,
  type RunPlan,
  UnsupportedError,
} from '@symtensor/core-ir';
import { BLOCK, type MapLayout, type ReductionLayout, type TakeLayout } from './codegen/layout.js';
import type { ArgValue } from './params.js';
import { rangeTables } from './ranges.js';
import { planSplits } from './schedule.js';

/** A device buffer the run allocates before its launches and frees after them. */
export interface Temp {
  readonly bytes: number;
  /** Contents uploaded after allocation (none: left uninitialised, the kernel writes it). */
  readonly data?: ArrayBufferView;
}

/** An argument naming a temporary. */
export interface TempRef {
  readonly temp: number;
}

export interface Step {
  readonly fn: 'main' | 'merge';
  readonly gridX: number;
  readonly gridY: number;
  readonly args: Readonly<Record<string, ArgValue | TempRef>>;
}

export interface Launches {
  readonly temps: readonly Temp[];
  readonly steps: readonly Step[];
}

export interface Limits {
  readonly multiprocessors: number;
  readonly maxGridX: number;
  /** See `planSplits` (undefined: its default). */
  readonly splitMinChunk?: number;
}

/** Grid-stride kernels (maps, take, merge) need no more blocks than fill the device many times. */
const STRIDE_BLOCKS_PER_SM = 32;

function strideGrid(total: number, limits: Limits): number {
  return Math.max(1, Math.min(Math.ceil(total / BLOCK), limits.multiprocessors * STRIDE_BLOCKS_PER_SM));
}

/**
 * Element offsets of each program input's data per batch entry (`offs[b * inputs + n]`), with
 * broadcasting applied; none without batch dims (the kernels then read offset 0).
 */
export function offsetTable(plan: RunPlan, inputs: readonly ProgramInput[]): BigInt64Array | undefined {
  if (plan.batch.length === 0) return undefined;
  const table = new BigInt64Array(plan.batchSize * inputs.length);
  for (let b = 0; b < plan.batchSize; b++)
    inputs.forEach((v, n) => {
      const rowsOf = v.cat === 'p' ? 1 : v.cat === 'i' ? plan.rows : plan.reduced;
      table[b * inputs.length + n] = BigInt(
        argBatchIndex(plan.batch, plan.argBatch[v.pos]!, b) * rowsOf * v.dim,
      );
    });
  return table;
}

/** Argument values by name: `in<n>` and `out<n>` pointers. */
function bufferArgs(ins: readonly bigint[], outs: readonly bigint[]): Record<string, ArgValue> {
  const args: Record<string, ArgValue> = {};
  ins.forEach((p, n) => {
    args[`in${n}`] = p;
  });
  outs.forEach((p, n) => {
    args[`out${n}`] = p;
  });
  return args;
}

export function reductionLaunches(init: {
  layout: ReductionLayout;
  inputs: readonly ProgramInput[];
  plan: RunPlan;
  ranges: Ranges | undefined;
  ins: readonly bigint[];
  outs: readonly bigint[];
  limits: Limits;
}): Launches {
  const { layout, inputs, plan, ranges, limits } = init;
  if (plan.reduced > 2 ** 31 - 1)
    throw new UnsupportedError(
      `the cuda backend reduces over at most 2^31 - 1 indices (int32 indices), got ${plan.reduced}`,
    );
  if (plan.batchSize === 0 || plan.rows === 0) return { temps: [], steps: [] };
  const temps: Temp[] = [];
  const temp = (t: Temp): TempRef => {
    temps.push(t);
    return { temp: temps.length - 1 };
  };
  const offsets = offsetTable(plan, inputs);
  const common = {
    ...bufferArgs(init.ins, init.outs),
    rows: plan.rows,
    reduced: plan.reduced,
    offs: offsets ? temp({ bytes: offsets.byteLength, data: offsets }) : 0n,
  };
  const grid = (blocks: number) => {
    const gridX = plan.batchSize * blocks;
    if (gridX > limits.maxGridX)
      throw new UnsupportedError(
        `this run needs ${gridX} CUDA blocks (batch ${plan.batchSize} x ${blocks}); the device allows ${limits.maxGridX}: split the batch`,
      );
    return gridX;
  };
  const none = { blockTab: 0n, segSpan: 0n, spans: 0n, part: 0n, units: 0, total: 0, chunk: 0 };

  if (ranges) {
    const t = rangeTables(ranges, plan.rows, BLOCK);
    const args = {
      ...common,
      ...none,
      nBlocks: t.blocks,
      blockTab: temp({ bytes: t.blockTab.byteLength, data: t.blockTab }),
      segSpan: temp({ bytes: t.segSpan.byteLength, data: t.segSpan }),
      spans: t.spans.length > 0 ? temp({ bytes: t.spans.byteLength, data: t.spans }) : 0n,
    };
    return { temps, steps: [{ fn: 'main', gridX: grid(t.blocks), gridY: 1, args }] };
  }

  const nBlocks = Math.ceil(plan.rows / BLOCK);
  const split = planSplits({
    rows: plan.rows,
    reduced: plan.reduced,
    batchSize: plan.batchSize,
    multiprocessors: limits.multiprocessors,
    tile: layout.tile,
    stateBytes: layout.stateBytes,
    ...(limits.splitMinChunk === undefined ? {} : { minChunk: limits.splitMinChunk }),
  });
  if (split.splits === 1)
    return {
      temps,
      steps: [{ fn: 'main', gridX: grid(nBlocks), gridY: 1, args: { ...common, ...none, nBlocks } }],
    };

  const total = plan.batchSize * plan.rows;
  // Rounded up to even so that every slot region starts 8-byte aligned (see ReductionLayout).
  const units = 2 * Math.ceil((split.splits * total) / 2);
  const part = temp({ bytes: units * layout.stateBytes });
  return {
    temps,
    steps: [
      {
        fn: 'main',
        gridX: grid(nBlocks),
        gridY: split.splits,
        args: { ...common, ...none, nBlocks, part, units, total, chunk: split.chunk },
      },
      {
        fn: 'merge',
        gridX: strideGrid(total, limits),
        gridY: 1,
        args: { ...bufferArgs([], init.outs), part, units, total, splits: split.splits },
      },
    ],
  };
}

export function mapLaunches(init: {
  layout: MapLayout;
  inputs: readonly ProgramInput[];
  plan: RunPlan;
  ins: readonly bigint[];
  outs: readonly bigint[];
  limits: Limits;
}): Launches {
  const { plan, limits } = init;
  const total = plan.batchSize * plan.rows;
  if (total === 0) return { temps: [], steps: [] };
  const offsets = offsetTable(plan, init.inputs);
  const temps: Temp[] = offsets ? [{ bytes: offsets.byteLength, data: offsets }] : [];
  const args = {
    ...bufferArgs(init.ins, init.outs),
    rows: plan.rows,
    total,
    offs: offsets ? { temp: 0 } : 0n,
  };
  return { temps, steps: [{ fn: 'main', gridX: strideGrid(total, limits), gridY: 1, args }] };
}

export function takeLaunches(init: {
  layout: TakeLayout;
  src: bigint;
  srcLength: number;
  index: bigint;
  out: bigint;
  n: number;
  limits: Limits;
}): Launches {
  if (init.n === 0) return { temps: [], steps: [] };
  const args = { src: init.src, index: init.index, out: init.out, n: init.n, srcLen: init.srcLength };
  return { temps: [], steps: [{ fn: 'main', gridX: strideGrid(init.n, init.limits), gridY: 1, args }] };
}
