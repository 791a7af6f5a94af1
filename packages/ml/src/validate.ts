/**
 * Argument checks shared by every algorithm. Each error names the argument (`what`) and says how to
 * fix it. The finiteness check runs on the device and reads back one number, so validating costs a
 * pass over the data, never a host loop over the points.
 */
import { DTypeError, ShapeError, Tensor, tidy, ValueError } from '@symtensor/lazytensor';

/** Checks that `x` is a float `[N, D]` tensor with N, D >= 1; returns `[N, D]`. */
export function checkPoints(x: unknown, what: string): [number, number] {
  if (!(x instanceof Tensor))
    throw new ValueError(
      `${what} must be a Tensor of shape [N, D] (create one with tensor(data, [N, D])), got ${describe(x)}`,
    );
  if (x.rank !== 2 || x.shape[0] === 0 || x.shape[1] === 0)
    throw new ShapeError(
      `${what} must have shape [N, D] with N, D >= 1, got [${x.shape}]; reshape a vector of scalars with x.reshape([-1, 1])`,
    );
  if (x.dtype === 'int32')
    throw new DTypeError(
      `${what} is int32; the algorithms compute in float32 or float64: use x.cast('float32')`,
    );
  return [x.shape[0]!, x.shape[1]!];
}

/** Checks that the number of clusters / neighbours `k` is an integer in `[1, max]`. */
export function checkCount(k: unknown, max: number, what: string, maxWhy: string): number {
  if (typeof k !== 'number' || !Number.isSafeInteger(k) || k <= 0)
    throw new ValueError(`${what} must be a positive integer, got ${String(k)}`);
  if (k > max) throw new ValueError(`${what} is ${k}, larger than ${maxWhy} (${max}); use k <= ${max}`);
  return k;
}

/** Checks an iteration count (an integer >= 1). */
export function checkIterations(n: unknown, what: string): number {
  if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < 1)
    throw new ValueError(`${what} must be an integer >= 1, got ${String(n)}`);
  return n;
}

/** Checks a finite number >= 0 (a tolerance, a regularisation). */
export function checkNonNegative(v: unknown, what: string): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 0)
    throw new ValueError(`${what} must be a finite number >= 0, got ${String(v)}`);
  return v;
}

/**
 * Rejects NaN and infinite entries. `x - x` is 0 for finite entries and NaN otherwise, so one
 * device reduction counts the bad rows; only on failure is the per-row flag read back to name the
 * first bad row.
 */
export async function checkFinite(x: Tensor, what: string): Promise<void> {
  const [badPerRow, count] = tidy(() => {
    const perRow = x.sub(x).ne(0).sum(1);
    return [perRow, perRow.sum()];
  });
  const nBad = await count.item();
  count.dispose();
  if (nBad === 0) {
    badPerRow.dispose();
    return;
  }
  const flags = await badPerRow.data();
  badPerRow.dispose();
  const row = flags.findIndex((f) => f !== 0);
  throw new ValueError(
    `${what} has NaN or infinite values (first in row ${row}); remove or impute those rows before calling`,
  );
}

/** Checks that two point sets have the same dimension D and dtype. */
export function checkSameSpace(a: Tensor, aWhat: string, b: Tensor, bWhat: string): void {
  if (a.shape[1] !== b.shape[1])
    throw new ShapeError(
      `${bWhat} has D = ${b.shape[1]} coordinates per row but ${aWhat} has D = ${a.shape[1]}; both must live in the same space`,
    );
  if (a.dtype !== b.dtype)
    throw new DTypeError(
      `${bWhat} is ${b.dtype} but ${aWhat} is ${a.dtype}; cast one with t.cast('${a.dtype}')`,
    );
  if (a.backend !== b.backend)
    throw new ValueError(
      `${bWhat} lives on backend '${b.backend.name}' but ${aWhat} on '${a.backend.name}'; move one with await t.to(backend)`,
    );
}

function describe(x: unknown): string {
  if (x === null) return 'null';
  if (Array.isArray(x)) return 'an array (wrap it with tensor(...))';
  return typeof x;
}
