/**
 * Composition of LinearOperators without forming matrices: sums, scaling, and the shifted operator
 * `alpha I + A` of kernel ridge regression, kriging and Gaussian processes.
 */
import { DTypeError, ShapeError, ValueError } from '@symtensor/lazytensor';
import { LinearOperator } from './linear-operator.js';

/** A_1 + A_2 + ... (same shape and dtype). */
export function sumOperators(...ops: LinearOperator[]): LinearOperator {
  if (ops.length === 0) throw new ValueError('sumOperators: pass at least one operator');
  const [first] = ops as [LinearOperator, ...LinearOperator[]];
  for (const [k, op] of ops.entries()) {
    if (!(op instanceof LinearOperator))
      throw new ValueError(`sumOperators: argument ${k} is not a LinearOperator (use aslinearoperator)`);
    if (op.shape[0] !== first.shape[0] || op.shape[1] !== first.shape[1])
      throw new ShapeError(
        `sumOperators: operator ${k} has shape [${op.shape}], operator 0 [${first.shape}]`,
      );
    if (op.backend !== first.backend)
      throw new ValueError(`sumOperators: operator ${k} lives on another backend than operator 0`);
    if (op.dtype !== first.dtype)
      throw new DTypeError(`sumOperators: operator ${k} is ${op.dtype}, operator 0 ${first.dtype}`);
  }
  const total = (f: (op: LinearOperator) => ReturnType<LinearOperator['matvec']>) =>
    ops.slice(1).reduce((acc, op) => acc.add(f(op)), f(first));
  return new LinearOperator({
    shape: first.shape,
    dtype: first.dtype,
    backend: first.backend,
    matvec: (v) => total((op) => op.matvec(v)),
    rmatvec: ops.every((op) => op.hasRmatvec) ? (v) => total((op) => op.rmatvec(v)) : undefined,
  });
}

/** c A for a finite number c. */
export function scaleOperator(a: LinearOperator, c: number): LinearOperator {
  if (!Number.isFinite(c)) throw new ValueError(`scaleOperator: c must be finite, got ${c}`);
  return new LinearOperator({
    shape: a.shape,
    dtype: a.dtype,
    backend: a.backend,
    matvec: (v) => a.matvec(v).mul(c),
    rmatvec: a.hasRmatvec ? (v) => a.rmatvec(v).mul(c) : undefined,
  });
}

/** alpha I + A for a square A and a finite alpha. */
export function shiftOperator(a: LinearOperator, alpha: number): LinearOperator {
  if (!Number.isFinite(alpha)) throw new ValueError(`shiftOperator: alpha must be finite, got ${alpha}`);
  if (a.shape[0] !== a.shape[1])
    throw new ShapeError(`shiftOperator: alpha I + A needs a square A, got shape [${a.shape}]`);
  return new LinearOperator({
    shape: a.shape,
    dtype: a.dtype,
    backend: a.backend,
    matvec: (v) => a.matvec(v).add(v.mul(alpha)),
    rmatvec: a.hasRmatvec ? (v) => a.rmatvec(v).add(v.mul(alpha)) : undefined,
  });
}
