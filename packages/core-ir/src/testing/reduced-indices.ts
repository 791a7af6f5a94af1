/**
 * The reduced indices of one output row, as `Ranges` defines them: all of them without ranges;
 * otherwise the union of the index ranges of every row cluster that covers the row, ascending.
 */
import type { Ranges } from '../backend.js';

export function reducedIndices(ranges: Ranges | undefined, reduced: number, row: number): number[] {
  if (!ranges) return Array.from({ length: reduced }, (_, k) => k);
  const seen = new Set<number>();
  for (let c = 0; c < ranges.slices.length; c++) {
    if (row < ranges.rows[2 * c]! || row >= ranges.rows[2 * c + 1]!) continue;
    for (let s = c === 0 ? 0 : ranges.slices[c - 1]!; s < ranges.slices[c]!; s++)
      for (let k = ranges.redRanges[2 * s]!; k < ranges.redRanges[2 * s + 1]!; k++) seen.add(k);
  }
  return [...seen].sort((a, b) => a - b);
}

/** Splits `items` into `parts` consecutive chunks of near-equal size (some may be empty). */
export function chunks<T>(items: readonly T[], parts: number): T[][] {
  return Array.from({ length: parts }, (_, p) =>
    items.slice(Math.floor((p * items.length) / parts), Math.floor(((p + 1) * items.length) / parts)),
  );
}
