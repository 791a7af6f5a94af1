/**
 * What the algorithm suites (whole solvers built on lazytensor: Sinkhorn, k-means, EM, CG, Lanczos)
 * share: a workload with no single kernel spec, running on the measured backend, and the shape of
 * their float64 self-checks.
 */
import type { Backend } from '@symtensor/core-ir';
import { useBackend } from '@symtensor/lazytensor';
import type { AlgorithmCheck, AlgorithmProblem, KMeansProblem, Workload } from './types.js';

/** A workload of an algorithm suite: its own problem, no kernel spec, no host arguments. */
export function algorithmWorkload(
  suite: string,
  n: number,
  sizeLabel: string,
  pairs: number,
  problem: AlgorithmProblem | KMeansProblem,
): Workload {
  return { suite, n, sizeLabel, pairs, problem, args: [], nx: n, ny: n };
}

/** Runs `body` with lazytensor's tensors created on `backend`. */
export async function on<T>(backend: Backend, body: () => Promise<T>): Promise<T> {
  useBackend(backend);
  return body();
}

export const algorithmCheck = (
  error: number,
  tolerance: number,
  metric: string,
  rows: number,
  note?: string,
): AlgorithmCheck => ({ error, tolerance, metric, rows, ...(note ? { note } : {}) });

/** A result of the wrong shape or with impossible values: an infinite error, with the reason. */
export const invalid = (metric: string, tolerance: number, note: string) =>
  algorithmCheck(Number.POSITIVE_INFINITY, tolerance, metric, 0, note);
