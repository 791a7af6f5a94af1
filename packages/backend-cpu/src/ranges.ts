/**
 * Block-sparsity ranges turned into per-row span lists the kernel can walk. The row axis is cut
 * into segments where the set of covering clusters is constant; each segment gets the sorted,
 * merged union of its clusters' reduced ranges (so an index listed twice is reduced once, as in
 * the reference interpreter). Memory is O(rows + clusters * ranges), never rows * ranges.
 */
import type { Ranges } from '@symtensor/core-ir';

export interface RowSpans {
  /** Segment of each row, -1 when no cluster covers the row. */
  readonly rowSeg: Int32Array;
  /** Spans of segment s: `spans[2k], spans[2k+1]` for k in `[segSpan[s], segSpan[s+1])`. */
  readonly segSpan: Int32Array;
  readonly spans: Int32Array;
  /** Reduced indices over all rows (work estimate). */
  readonly pairs: number;
}

export function rowSpans(ranges: Ranges, rows: number, alloc: (n: number) => Int32Array): RowSpans {
  const nc = ranges.slices.length;
  const cuts = new Set<number>([0, rows]);
  for (let c = 0; c < nc; c++) {
    cuts.add(ranges.rows[2 * c]!);
    cuts.add(ranges.rows[2 * c + 1]!);
  }
  const bounds = [...cuts].sort((a, b) => a - b);
  const segOf = (row: number) => {
    let lo = 0;
    let hi = bounds.length - 1;
    while (hi - lo > 1) {
      const mid = (lo + hi) >> 1;
      if (bounds[mid]! <= row) lo = mid;
      else hi = mid;
    }
    return lo;
  };
  const clustersOf: number[][] = bounds.slice(0, -1).map(() => []);
  for (let c = 0; c < nc; c++) {
    const [a, b] = [ranges.rows[2 * c]!, ranges.rows[2 * c + 1]!];
    if (b <= a) continue;
    for (let s = segOf(a); s < bounds.length - 1 && bounds[s]! < b; s++) clustersOf[s]!.push(c);
  }
  const segSpanList: number[] = [0];
  const spanList: number[] = [];
  const segIndex: number[] = [];
  for (const clusters of clustersOf) {
    if (clusters.length === 0) {
      segIndex.push(-1);
      continue;
    }
    const intervals: [number, number][] = [];
    for (const c of clusters)
      for (let s = c === 0 ? 0 : ranges.slices[c - 1]!; s < ranges.slices[c]!; s++) {
        const [a, b] = [ranges.redRanges[2 * s]!, ranges.redRanges[2 * s + 1]!];
        if (b > a) intervals.push([a, b]);
      }
    intervals.sort((p, q) => p[0] - q[0]);
    const before = spanList.length;
    for (const [a, b] of intervals) {
      const last = spanList.length;
      if (last > before && a <= spanList[last - 1]!) spanList[last - 1] = Math.max(spanList[last - 1]!, b);
      else spanList.push(a, b);
    }
    segIndex.push(segSpanList.length - 1);
    segSpanList.push(spanList.length / 2);
  }
  const rowSeg = alloc(rows);
  let pairs = 0;
  for (let s = 0; s < segIndex.length; s++) {
    const idx = segIndex[s]!;
    rowSeg.fill(idx, bounds[s]!, bounds[s + 1]!);
    if (idx < 0) continue;
    let width = 0;
    for (let k = segSpanList[idx]!; k < segSpanList[idx + 1]!; k++)
      width += spanList[2 * k + 1]! - spanList[2 * k]!;
    pairs += width * (bounds[s + 1]! - bounds[s]!);
  }
  const segSpan = alloc(segSpanList.length);
  segSpan.set(segSpanList);
  const spans = alloc(spanList.length);
  spans.set(spanList);
  return { rowSeg, segSpan, spans, pairs };
}
