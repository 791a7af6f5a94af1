/**
 * Every suite of the benchmark plan, runnable or pending, and the selection of suites by id or
 * group name from the command line.
 */
import { UsageError } from '../errors.js';
import { ALGORITHM_SUITES } from './algorithms.js';
import { KERNEL_SUITES } from './kernels.js';
import { KNN_SUITES } from './knn.js';
import { PENDING_SUITES } from './pending.js';
import { SOFTMIN_SUITE } from './softmin.js';
import type { PendingSuite, Suite } from './types.js';

export const SUITES: readonly Suite[] = [...KERNEL_SUITES, ...KNN_SUITES, SOFTMIN_SUITE, ...ALGORITHM_SUITES];

export interface SuiteSelection {
  readonly run: readonly Suite[];
  readonly pending: readonly PendingSuite[];
}

/** Every selectable name: suite ids, then group names. */
export function suiteNames(): string[] {
  const all = [...SUITES, ...PENDING_SUITES];
  return [...new Set([...all.map((s) => s.id), ...all.map((s) => s.group)])];
}

/**
 * Resolves suite ids and group names (all suites when `names` is empty), in the registry's order,
 * without duplicates. Throws UsageError naming the unknown names and listing the known ones.
 */
export function selectSuites(names: readonly string[]): SuiteSelection {
  const known = new Set(suiteNames());
  const unknown = names.filter((n) => !known.has(n));
  if (unknown.length > 0)
    throw new UsageError(
      `unknown suite ${unknown.map((n) => `'${n}'`).join(', ')}; choose from: ${[...known].join(', ')}`,
    );
  const wanted = (s: { id: string; group: string }) =>
    names.length === 0 || names.includes(s.id) || names.includes(s.group);
  return { run: SUITES.filter(wanted), pending: PENDING_SUITES.filter(wanted) };
}
