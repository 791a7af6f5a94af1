/**
 * Typed errors of the benchmark app. They extend core-ir's `SymtensorError`, so one `instanceof`
 * tells a deliberate, explained failure from a bug.
 */
import { SymtensorError } from '@symtensor/core-ir';

/** The command line (or the options of `runBench`) asks for something that does not exist or make sense. */
export class UsageError extends SymtensorError {
  override name = 'UsageError';
}
