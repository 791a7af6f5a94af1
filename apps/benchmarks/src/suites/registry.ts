/** Every suite of the benchmark plan, and the selection of suites by id or group name from the command line. */
import { UsageError } from '../errors.js';
import { CLUSTERING_SUITES } from './clustering.js';
import { KERNEL_SOLVER_SUITES } from './kernel-solvers.js';
import { KERNEL_SUITES } from './kernels.js';
import { KNN_SUITES } from './knn.js';
import { SINKHORN_SUITES } from './sinkhorn.js';
import { SOFTMIN_SUITE } from './softmin.js';
import type { Suite } from './types.js';

export const SUITES: readonly Suite[] = [
  ...KERNEL_SUITES,
  ...KNN_SUITES,
  SOFTMIN_SUITE,
  ...SINKHORN_SUITES,
  ...CLUSTERING_SUITES,
  ...KERNEL_SOLVER_SUITES,
];

/** Every selectable name: suite ids, then group names. */
export function suiteNames(): string[] {
  return [...new Set([...SUITES.map((s) => s.id), ...SUITES.map((s) => s.group)])];
}

/**
 * Resolves suite ids and group names (all suites when `names` is empty), in the registry's order,
 * without duplicates. Throws UsageError naming the unknown names and listing the known ones.
 */
export function selectSuites(names: readonly string[]): readonly Suite[] {
  const known = new Set(suiteNames());
  const unknown = names.filter((n) => !known.has(n));
  if (unknown.length > 0)
    throw new UsageError(
      `unknown suite ${unknown.map((n) => `'${n}'`).join(', ')}; choose from: ${[...known].join(', ')}`,
    );
  return SUITES.filter((s) => names.length === 0 || names.includes(s.id) || names.includes(s.group));
}
