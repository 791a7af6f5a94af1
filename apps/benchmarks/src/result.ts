/** The record of a benchmark run: what the JSON file holds and every report is rendered from. */
import type { CheckOutcome } from './check/check.js';
import type { MachineInfo } from './report/machine.js';
import type { TimingStats } from './stats.js';

export const RESULT_SCHEMA = 'symtensor-bench/2';

export interface ContenderEntry {
  readonly name: string;
  readonly kind: 'backend' | 'baseline';
  readonly available: boolean;
  /** How it computes (when available). */
  readonly detail?: string;
  /** Why it is unavailable. */
  readonly reason?: string;
}

export interface SuiteEntry {
  readonly id: string;
  readonly group: string;
  readonly title: string;
  readonly formula: string;
}

/**
 * ok: timed and correct. failed: the result missed its tolerance (no time is reported).
 * error: the contender threw. skipped: estimated to exceed the time budget.
 */
export type MeasurementStatus = 'ok' | 'failed' | 'error' | 'skipped';

export interface Measurement {
  readonly suite: string;
  readonly contender: string;
  readonly kind: 'backend' | 'baseline';
  readonly n: number;
  readonly sizeLabel: string;
  readonly pairs: number;
  readonly status: MeasurementStatus;
  /** Seconds of the warm-up run (compilation + first run). */
  readonly firstRunS?: number;
  /** Seconds of the timed runs; present only when status is 'ok'. */
  readonly stats?: TimingStats;
  readonly check?: CheckOutcome;
  /** Why it errored or was skipped. */
  readonly reason?: string;
}

export interface BenchResult {
  readonly schema: typeof RESULT_SCHEMA;
  readonly startedAt: string;
  readonly finishedAt: string;
  readonly machine: MachineInfo;
  readonly settings: {
    readonly quick: boolean;
    readonly repeats: number;
    readonly budgetS: number;
    readonly checkPairs: number;
    readonly dtype: 'float32';
  };
  readonly contenders: readonly ContenderEntry[];
  readonly suites: readonly SuiteEntry[];
  readonly measurements: readonly Measurement[];
  /** Facts a reader needs (e.g. the default backend fell back to the reference interpreter). */
  readonly notes: readonly string[];
}
