/** The settings of one benchmark run, as the CLI parses them or a program passes them to `runBench`. */

export interface BenchOptions {
  /** Suite ids or group names; empty means every suite. */
  readonly suites: readonly string[];
  /** Backends to measure; undefined means the default: cpu, or the reference interpreter if cpu cannot load. */
  readonly backends: readonly string[] | undefined;
  /** In-process baselines to measure (may be empty). */
  readonly baselines: readonly string[];
  /** The N sweep for every selected suite; undefined means each suite's own (quick or full) sweep. */
  readonly sizes: readonly number[] | undefined;
  readonly quick: boolean;
  /** Output folder of the JSON results, report.md and plots. */
  readonly out: string;
  /** Timed runs per measurement, after the warm-up. */
  readonly repeats: number;
  /** Seconds one measurement may take: repeats are capped to fit, larger sizes are skipped when estimated to exceed it. */
  readonly budgetS: number;
  /** Reference pairs spent on each workload's correctness check (at least 20 rows are checked). */
  readonly checkPairs: number;
  /** Show a progress bar (only drawn on a terminal). */
  readonly progress: boolean;
}

/** Defaults that depend on --quick: quick runs must finish in under two minutes on two cores. */
export function modeDefaults(quick: boolean): Pick<BenchOptions, 'repeats' | 'budgetS' | 'checkPairs'> {
  return quick
    ? { repeats: 3, budgetS: 4, checkPairs: 50_000 }
    : { repeats: 5, budgetS: 30, checkPairs: 200_000 };
}
