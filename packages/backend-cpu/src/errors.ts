/** Errors specific to the CPU backend's worker pool. */
import { SymtensorError } from '@symtensor/core-ir';

/**
 * A worker thread died (out of memory, killed, a crash) while running a kernel. The pool has
 * already replaced it: running the kernel again is safe.
 */
export class WorkerCrashError extends SymtensorError {
  override name = 'WorkerCrashError';
}
