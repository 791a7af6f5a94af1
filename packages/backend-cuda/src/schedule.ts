/**
 * How a reduction is cut into blocks: the 1D scheme (one thread per row) unless the rows are too
 * few to fill the device while the reduced range is long, in which case the split scheme cuts the
 * reduced range into chunks reduced by separate blocks and merged afterwards (KeOps' GPU_2D).
 */
import { BLOCK } from './codegen/layout.js';

/** Blocks that keep every multiprocessor busy (a few resident blocks each). */
const BLOCKS_PER_SM = 4;

/** The split scheme's partial states may use at most this much device memory. */
export const PARTIAL_BYTES_LIMIT = 256 << 20;

/** Blocks per grid row in the y dimension (CUDA's limit). */
const MAX_SPLITS = 65535;

export interface SplitPlan {
  /** Chunks of the reduced range (1: the 1D scheme). */
  readonly splits: number;
  /** Reduced indices per chunk, a multiple of the tile (so every tile but the last is full). */
  readonly chunk: number;
}

export function planSplits(init: {
  rows: number;
  reduced: number;
  batchSize: number;
  multiprocessors: number;
  tile: number;
  stateBytes: number;
  /**
   * Fewest reduced indices per chunk (default two tiles: shorter chunks would cost more in
   * partial states than they gain).
   */
  minChunk?: number;
}): SplitPlan {
  const { rows, reduced, batchSize, multiprocessors, tile, stateBytes } = init;
  const minChunk = init.minChunk ?? 2 * tile;
  const none = { splits: 1, chunk: reduced };
  const blocks = batchSize * Math.ceil(rows / BLOCK);
  const target = BLOCKS_PER_SM * multiprocessors;
  if (blocks === 0 || blocks >= target || reduced < 2 * minChunk) return none;
  const byMemory = Math.floor(PARTIAL_BYTES_LIMIT / Math.max(1, batchSize * rows * stateBytes));
  const wanted = Math.min(Math.ceil(target / blocks), Math.floor(reduced / minChunk), byMemory, MAX_SPLITS);
  if (wanted < 2) return none;
  const chunk = Math.ceil(reduced / wanted / tile) * tile;
  const splits = Math.ceil(reduced / chunk);
  return splits < 2 ? none : { splits, chunk };
}
