/**
 * Summary statistics of repeated timings. The median is the headline figure because a timing
 * distribution is skewed to the right (a GC pause or a scheduler hiccup only ever adds time); min
 * and max are kept so the reader sees the noise instead of trusting one number.
 */
import { ValueError } from '@symtensor/core-ir';

export interface TimingStats {
  /** Number of timed runs (warm-up excluded). */
  readonly n: number;
  readonly median: number;
  readonly min: number;
  readonly max: number;
  /** (max - min) / median: the relative width of the observed range (0 for one run). */
  readonly spread: number;
}

/** Median of a non-empty list (mean of the two middle values for an even count). */
export function median(values: readonly number[]): number {
  if (values.length === 0) throw new ValueError('median of an empty list: time at least one run');
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Summarises timings in seconds; every value must be a finite non-negative number. */
export function summarize(seconds: readonly number[]): TimingStats {
  const bad = seconds.find((s) => !Number.isFinite(s) || s < 0);
  if (bad !== undefined) throw new ValueError(`timings must be finite and non-negative, got ${bad}`);
  const med = median(seconds);
  const min = Math.min(...seconds);
  const max = Math.max(...seconds);
  return { n: seconds.length, median: med, min, max, spread: med > 0 ? (max - min) / med : 0 };
}
