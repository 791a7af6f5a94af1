/**
 * The timing protocol for one contender on one workload:
 * 1. a warm-up run, timed on its own: it pays for compilation, JIT warm-up and first-touch
 *    allocations, and is reported as "first run", never mixed into the statistics;
 * 2. up to `repeats` timed runs; each resolves only once the result is downloaded to the host
 *    (the only synchronisation point), so the clock never stops on merely enqueued work;
 * 3. every result, warm-up included, is checked against the float64 reference outside the timed
 *    region; one wrong result makes the whole measurement FAILED, with no time reported.
 * Repeats are capped so that one measurement stays near `budgetS` seconds (at least one timed run).
 */
import type { TypedArray } from '@symtensor/core-ir';
import type { CheckOutcome } from '../check/check.js';
import { summarize, type TimingStats } from '../stats.js';

export interface MeasureOptions {
  readonly repeats: number;
  readonly budgetS: number;
}

export type MeasureOutcome =
  | {
      readonly status: 'ok';
      readonly firstRunS: number;
      readonly stats: TimingStats;
      readonly check: CheckOutcome;
    }
  | { readonly status: 'failed'; readonly firstRunS: number; readonly check: CheckOutcome };

async function timed(run: () => Promise<TypedArray>): Promise<{ seconds: number; out: TypedArray }> {
  const t0 = performance.now();
  const out = await run();
  return { seconds: (performance.now() - t0) / 1000, out };
}

/** Repeats that fit the budget after a warm-up of `firstRunS` seconds: between 1 and `repeats`. */
export function repeatsWithinBudget(firstRunS: number, { repeats, budgetS }: MeasureOptions): number {
  return Math.max(1, Math.min(repeats, Math.floor(budgetS / Math.max(firstRunS, 1e-9))));
}

export async function measure(
  run: () => Promise<TypedArray>,
  verify: (out: TypedArray) => CheckOutcome,
  options: MeasureOptions,
): Promise<MeasureOutcome> {
  const first = await timed(run);
  let check = verify(first.out);
  if (!check.passed) return { status: 'failed', firstRunS: first.seconds, check };
  const times: number[] = [];
  const n = repeatsWithinBudget(first.seconds, options);
  for (let k = 0; k < n; k++) {
    const { seconds, out } = await timed(run);
    const c = verify(out);
    if (!c.passed) return { status: 'failed', firstRunS: first.seconds, check: c };
    if (c.error > check.error) check = c;
    times.push(seconds);
  }
  return { status: 'ok', firstRunS: first.seconds, stats: summarize(times), check };
}
