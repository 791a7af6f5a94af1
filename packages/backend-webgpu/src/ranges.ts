/**
 * Block sparsity (KeOps' ranges) as a table the reduction kernel walks: the row axis is cut into
 * segments where the set of covering row clusters is constant, each segment into blocks of at
 * most one workgroup of rows, and each block points at its segment's reduced spans (the sorted,
 * merged union of its clusters' ranges, so an index listed twice is reduced once, as in the
 * reference interpreter). Every row is in exactly one block, in row order; rows that no cluster
 * covers get an empty span list, hence the reduction's empty value. Sizes are
 * O(rows / blockRows + clusters * ranges), never rows * ranges.
 */
import type { Ranges } from '@symtensor/core-ir';

export interface BlockTable {
  /** Four u32 per block: first row, end row, first span, end span. */
  readonly blocks: Uint32Array;
  /** Reduced spans as [start, end) pairs. */
  readonly spans: Uint32Array;
  readonly count: number;
}

export function blockTable(ranges: Ranges, rows: number, blockRows: number): BlockTable {
  const nc = ranges.slices.length;
  const cuts = new Set<number>([0, rows]);
  for (let c = 0; c < nc; c++) {
    cuts.add(ranges.rows[2 * c]!);
    cuts.add(ranges.rows[2 * c + 1]!);
  }
  const bounds = [...cuts].sort((a, b) => a - b);
  const segments = bounds.length - 1;
  const clustersOf: number[][] = Array.from({ length: segments }, () => []);
  for (let c = 0; c < nc; c++) {
    const [a, b] = [ranges.rows[2 * c]!, ranges.rows[2 * c + 1]!];
    if (b <= a) continue;
    // Segments starting inside [a, b): bounds include a and b, so they tile the cluster exactly.
    for (let s = lowerBound(bounds, a); s < segments && bounds[s]! < b; s++) clustersOf[s]!.push(c);
  }
  const blocks: number[] = [];
  const spans: number[] = [];
  for (let s = 0; s < segments; s++) {
    const intervals: [number, number][] = [];
    for (const c of clustersOf[s]!)
      for (let k = c === 0 ? 0 : ranges.slices[c - 1]!; k < ranges.slices[c]!; k++) {
        const [a, b] = [ranges.redRanges[2 * k]!, ranges.redRanges[2 * k + 1]!];
        if (b > a) intervals.push([a, b]);
      }
    intervals.sort((p, q) => p[0] - q[0]);
    const first = spans.length / 2;
    for (const [a, b] of intervals) {
      const last = spans.length;
      if (last / 2 > first && a <= spans[last - 1]!) spans[last - 1] = Math.max(spans[last - 1]!, b);
      else spans.push(a, b);
    }
    const end = spans.length / 2;
    for (let r = bounds[s]!; r < bounds[s + 1]!; r += blockRows)
      blocks.push(r, Math.min(bounds[s + 1]!, r + blockRows), first, end);
  }
  return { blocks: Uint32Array.from(blocks), spans: Uint32Array.from(spans), count: blocks.length / 4 };
}

/** First index of a sorted array whose value is >= v. */
function lowerBound(sorted: readonly number[], v: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid]! < v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
