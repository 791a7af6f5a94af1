/**
 * Block-sparsity ranges for the other axis. Ranges describe, for clusters of output rows, which
 * ranges of the reduced index they interact with. Gradients with respect to variables of the
 * reduced index are reductions over the other axis, which need the same interactions seen from the
 * other side: cut the reduced index at every range boundary, and list for each piece the row
 * clusters that reach it. Computed on the host from the ranges alone.
 */
import type { Ranges } from '@symtensor/core-ir';

/** The ranges of the transposed interaction (rows become reduced indices and back). */
export function transposeRanges(r: Ranges): Ranges {
  const clusters = r.slices.length;
  const cuts = new Set<number>();
  for (const v of r.redRanges) cuts.add(v);
  const points = [...cuts].sort((a, b) => a - b);
  const pieces = points.length - 1;
  // For each piece [points[t], points[t+1]), the row clusters whose reduced ranges cover it.
  const reach: Set<number>[] = Array.from({ length: Math.max(0, pieces) }, () => new Set());
  for (let c = 0; c < clusters; c++) {
    const from = c === 0 ? 0 : r.slices[c - 1]!;
    for (let s = from; s < r.slices[c]!; s++) {
      const a = r.redRanges[2 * s]!;
      const b = r.redRanges[2 * s + 1]!;
      for (let t = lowerBound(points, a); t < pieces && points[t]! < b; t++) reach[t]!.add(c);
    }
  }
  const rows: number[] = [];
  const slices: number[] = [];
  const redRanges: number[] = [];
  for (let t = 0; t < pieces; t++) {
    if (reach[t]!.size === 0) continue;
    rows.push(points[t]!, points[t + 1]!);
    for (const c of [...reach[t]!].sort((x, y) => x - y)) {
      const a = r.rows[2 * c]!;
      const b = r.rows[2 * c + 1]!;
      if (b > a) redRanges.push(a, b);
    }
    slices.push(redRanges.length / 2);
  }
  return {
    rows: Int32Array.from(rows),
    slices: Int32Array.from(slices),
    redRanges: Int32Array.from(redRanges),
  };
}

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
