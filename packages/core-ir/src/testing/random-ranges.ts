/**
 * Random block-sparse `Ranges`: consecutive row clusters (some rows in none), each reducing over
 * a shuffled set of disjoint index ranges, with the odd empty range, empty slice and empty row
 * cluster thrown in. Ranges of one cluster never overlap: what overlapping ranges mean is not
 * part of the contract.
 */
import type { Ranges } from '../backend.js';
import type { Rng } from './random.js';

export function randomRanges(rng: Rng, rows: number, reduced: number): Ranges {
  const rowRanges: number[] = [];
  const slices: number[] = [];
  const red: number[] = [];
  const cluster = (a: number, b: number) => {
    const cuts = [...new Set([0, reduced, ...Array.from({ length: 4 }, () => rng.int(0, reduced + 1))])].sort(
      (p, q) => p - q,
    );
    const pieces: [number, number][] = [];
    for (let k = 0; k + 1 < cuts.length; k++) if (rng.next() < 0.5) pieces.push([cuts[k]!, cuts[k + 1]!]);
    if (rng.next() < 0.2) {
      const e = rng.int(0, reduced + 1);
      pieces.push([e, e]);
    }
    // Shuffled: a backend may not assume the ranges of a cluster are sorted.
    for (let k = pieces.length - 1; k > 0; k--) {
      const m = rng.int(0, k + 1);
      [pieces[k], pieces[m]] = [pieces[m]!, pieces[k]!];
    }
    for (const [p, q] of pieces) red.push(p, q);
    rowRanges.push(a, b);
    slices.push(red.length / 2);
  };
  let r = 0;
  while (r < rows) {
    const end = Math.min(rows, r + rng.int(1, 6));
    if (rng.next() < 0.1) cluster(r, r);
    if (rng.next() < 0.85) cluster(r, end);
    r = end;
  }
  return {
    rows: Int32Array.from(rowRanges),
    slices: Int32Array.from(slices),
    redRanges: Int32Array.from(red),
  };
}

/**
 * Fixed ranges over 6 rows and 8 reduced indices with every kind of emptiness: rows 0-1 reduce
 * over [1, 4) and [6, 8); rows 2-3 have an empty slice; row 4 is in no cluster; row 5 reduces
 * over the empty range [3, 3).
 */
export function emptyishRanges(): Ranges {
  return {
    rows: Int32Array.of(0, 2, 2, 4, 5, 6),
    slices: Int32Array.of(2, 2, 3),
    redRanges: Int32Array.of(1, 4, 6, 8, 3, 3),
  };
}
