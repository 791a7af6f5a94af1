/**
 * Typed errors shared by every symtensor package. Each names the offending argument and says how
 * to fix the problem, so a user never has to read a stack trace to know what went wrong.
 */

/** Base class of every error thrown on purpose by symtensor. */
export class SymtensorError extends Error {
  override name = 'SymtensorError';
}

/** A shape, a vector dimension or a size does not fit what the operation needs. */
export class ShapeError extends SymtensorError {
  override name = 'ShapeError';
}

/** A dtype is not supported here (by an op, a reduction or a backend). */
export class DTypeError extends SymtensorError {
  override name = 'DTypeError';
}

/** The request is well formed but this feature is not available (yet, or on this backend). */
export class UnsupportedError extends SymtensorError {
  override name = 'UnsupportedError';
}

/** A backend cannot be created on this machine; `reason` says why. */
export class BackendUnavailableError extends SymtensorError {
  override name = 'BackendUnavailableError';
  constructor(
    readonly backend: string,
    readonly reason: string,
  ) {
    super(`${backend} backend unavailable: ${reason}`);
  }
}

/** Generated code failed to compile; `source` is the generated program. */
export class CompileError extends SymtensorError {
  override name = 'CompileError';
  constructor(
    message: string,
    readonly source: string,
  ) {
    super(message);
  }
}

/** A formula string is malformed; `column` (1-based) points at the problem. */
export class ParseError extends SymtensorError {
  override name = 'ParseError';
  constructor(
    readonly reason: string,
    readonly input: string,
    readonly column: number,
  ) {
    super(`${reason} at column ${column}\n  ${input}\n  ${' '.repeat(Math.max(0, column - 1))}^`);
  }
}

/** A value or argument is out of its valid range (negative K, NaN bandwidth, ...). */
export class ValueError extends SymtensorError {
  override name = 'ValueError';
}
