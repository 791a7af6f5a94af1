/**
 * A contender is anything that computes a workload: a symtensor backend running the workload's
 * kernel spec, or a baseline computing the same problem its own way. The timing loop, the
 * correctness check and the reports treat both alike.
 */
import { BackendUnavailableError, type TypedArray } from '@symtensor/core-ir';
import type { Problem, Workload } from './suites/types.js';

export interface PreparedRun {
  /**
   * One complete computation, resolved with the result on the host. Downloading the result is
   * the only synchronisation point, so the clock stops only when the work is really done.
   */
  run(): Promise<TypedArray>;
  /** Releases what `prepare` allocated (device buffers, tensors). */
  dispose(): void | Promise<void>;
}

export interface Contender {
  /** 'cpu', 'reference', 'naive-js', 'tfjs-cpu', ... */
  readonly name: string;
  readonly kind: 'backend' | 'baseline';
  /**
   * An approximate method (hnswlib-node's HNSW): its kNN results are checked by recall against the
   * exact neighbours instead of by exactness.
   */
  readonly approximate?: boolean;
  /** A line on how it computes (threads, library version, method), for the report. */
  readonly detail: string;
  /** Whether it implements this kind of problem (baselines cover only some suites). */
  supports(kind: Problem['kind']): boolean;
  /** Moves the workload's inputs where the contender computes (not timed). */
  prepare(workload: Workload): Promise<PreparedRun>;
  /** Releases the contender itself (worker threads, devices) once every suite is done. */
  close(): Promise<void>;
}

/** Outcome of creating a contender: what is missing on this machine is reported, not hidden. */
export type Loaded =
  | { readonly name: string; readonly ok: true; readonly contender: Contender }
  | { readonly name: string; readonly ok: false; readonly reason: string };

/** Runs a factory and turns any failure into an "unavailable" entry with its reason. */
export async function tryLoad(name: string, factory: () => Promise<Contender>): Promise<Loaded> {
  try {
    return { name, ok: true, contender: await factory() };
  } catch (e) {
    const reason =
      e instanceof BackendUnavailableError
        ? e.reason
        : e instanceof Error
          ? `${e.name}: ${e.message}`
          : String(e);
    return { name, ok: false, reason };
  }
}
