/**
 * Block-sparsity ranges as the tables `st_red` walks. Rows are cut into segments where the set of
 * covering clusters is constant; each segment gets the sorted, merged union of its clusters'
 * reduced ranges (an index listed twice is reduced once, as in the reference). Each segment is cut
 * into blocks of at most `block` rows, so that all threads of a CUDA block walk the same spans.
 * Sizes are O(rows / block + clusters * ranges), never rows * ranges.
 */
import type { Ranges } from '@symtensor/core-ir';

export interface RangeTables {
  /** Per block: first row, end row, segment (-1: rows in no cluster, reduced over nothing). */
  readonly blockTab: Int32Array;
  /** Spans of segment s: pairs k in `[segSpan[s], segSpan[s + 1])` of `spans`. */
  readonly segSpan: Int32Array;
  /** Reduced spans as [start, end) pairs. */
  readonly spans: Int32Array;
  readonly blocks: number;
}

export function rangeTables(ranges: Ranges, rows: number, block: number): RangeTables {
  const nc = ranges.slices.length;
  const cuts = new Set<number>([0, rows]);
  for (let c = 0; c < nc; c++) {
    cuts.add(ranges.rows[2 * c]!);
    cuts.add(ranges.rows[2 * c + 1]!);
  }
  const bounds = [...cuts].sort((a, b) => a - b);
  const clustersOf: number[][] = bounds.slice(0, -1).map(() => []);
  for (let c = 0; c < nc; c++) {
    const [a, b] = [ranges.rows[2 * c]!, ranges.rows[2 * c + 1]!];
    for (let s = bounds.indexOf(a); s >= 0 && bounds[s]! < b; s++) clustersOf[s]!.push(c);
  }
  const segSpan: number[] = [0];
  const spans: number[] = [];
  const blockTab: number[] = [];
  clustersOf.forEach((clusters, s) => {
    let seg = -1;
    if (clusters.length > 0) {
      const intervals: [number, number][] = [];
      for (const c of clusters)
        for (let k = c === 0 ? 0 : ranges.slices[c - 1]!; k < ranges.slices[c]!; k++) {
          const [a, b] = [ranges.redRanges[2 * k]!, ranges.redRanges[2 * k + 1]!];
          if (b > a) intervals.push([a, b]);
        }
      intervals.sort((p, q) => p[0] - q[0]);
      const first = spans.length;
      for (const [a, b] of intervals) {
        if (spans.length > first && a <= spans[spans.length - 1]!)
          spans[spans.length - 1] = Math.max(spans[spans.length - 1]!, b);
        else spans.push(a, b);
      }
      seg = segSpan.length - 1;
      segSpan.push(spans.length / 2);
    }
    for (let r = bounds[s]!; r < bounds[s + 1]!; r += block)
      blockTab.push(r, Math.min(bounds[s + 1]!, r + block), seg);
  });
  return {
    blockTab: Int32Array.from(blockTab),
    segSpan: Int32Array.from(segSpan),
    spans: Int32Array.from(spans),
    blocks: blockTab.length / 3,
  };
}
