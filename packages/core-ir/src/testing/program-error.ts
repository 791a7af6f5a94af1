import { SymtensorError } from '../errors.js';

/**
 * A lowered program broke a rule of the program format while the test program backend ran it
 * (an unset value read, an index out of bounds, mixed scalar types, an unwritten output). It
 * always means a lowering bug, never bad user input.
 */
export class ProgramError extends SymtensorError {
  override name = 'ProgramError';
}
