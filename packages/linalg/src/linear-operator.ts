/**
 * `LinearOperator`: a matrix known only through its products with vectors, like SciPy's. Built from
 * a scalar LazyTensor (`K @ v`, never stored), from a dense Tensor, or from user functions. Every
 * product takes and returns tensors on the device: `[n]` or `[n, E]` (E right-hand sides at once).
 */
import {
  type Backend,
  DTypeError,
  getBackend,
  type LazyReductionOptions,
  LazyTensor,
  ShapeError,
  Tensor,
  ValueError,
} from '@symtensor/lazytensor';

/** Float dtypes an operator computes in. */
export type FloatDType = 'float32' | 'float64';

/** What `aslinearoperator` accepts to build an operator from functions. */
export interface LinearOperatorInit {
  /** [rows, columns]. */
  readonly shape: readonly [number, number];
  readonly dtype: FloatDType;
  /** A v for v of shape [columns, E]; returns [rows, E]. */
  readonly matvec: (v: Tensor) => Tensor;
  /** A^T v for v of shape [rows, E]; returns [columns, E]. */
  readonly rmatvec?: ((v: Tensor) => Tensor) | undefined;
  /** Where its vectors live (default: the current backend). */
  readonly backend?: Backend | undefined;
}

/**
 * A linear map on the device. `matvec`/`rmatvec` accept `[n]` (returning a vector) or `[n, E]`
 * and check shapes; the solvers assume a symmetric operator where they say so (as SciPy's do).
 */
export class LinearOperator {
  readonly shape: readonly [number, number];
  readonly dtype: FloatDType;
  /** The backend its vectors live on (solvers create their work vectors there). */
  readonly backend: Backend;
  private readonly fwd: (v: Tensor) => Tensor;
  private readonly bwd: ((v: Tensor) => Tensor) | undefined;

  constructor(init: LinearOperatorInit) {
    const [m, n] = init.shape ?? [];
    if (!Number.isSafeInteger(m) || !Number.isSafeInteger(n) || m! < 1 || n! < 1)
      throw new ShapeError(`LinearOperator: shape must be two positive integers, got [${init.shape}]`);
    if (init.dtype !== 'float32' && init.dtype !== 'float64')
      throw new DTypeError(`LinearOperator: dtype must be 'float32' or 'float64', got ${init.dtype}`);
    if (typeof init.matvec !== 'function') throw new ValueError('LinearOperator: matvec must be a function');
    this.shape = [m!, n!];
    this.dtype = init.dtype;
    this.backend = init.backend ?? getBackend();
    this.fwd = init.matvec;
    this.bwd = init.rmatvec;
  }

  /** True when rmatvec is available. */
  get hasRmatvec(): boolean {
    return this.bwd !== undefined;
  }

  /** A v: v is `[columns]` or `[columns, E]`. */
  matvec(v: Tensor): Tensor {
    return this.apply(this.fwd, v, this.shape[1], this.shape[0], 'matvec');
  }

  /** A^T v: v is `[rows]` or `[rows, E]`. */
  rmatvec(v: Tensor): Tensor {
    if (!this.bwd)
      throw new ValueError(
        'rmatvec: this operator has no transpose product; pass rmatvec when building it (symmetric operators can reuse matvec)',
      );
    return this.apply(this.bwd, v, this.shape[0], this.shape[1], 'rmatvec');
  }

  private apply(f: (v: Tensor) => Tensor, v: Tensor, inRows: number, outRows: number, what: string): Tensor {
    if (!(v instanceof Tensor)) throw new ValueError(`${what}(v): v must be a Tensor`);
    if ((v.rank !== 1 && v.rank !== 2) || v.shape[0] !== inRows)
      throw new ShapeError(`${what}(v): v has shape [${v.shape}]; expected [${inRows}] or [${inRows}, E]`);
    if (v.dtype !== this.dtype)
      throw new DTypeError(`${what}(v): v is ${v.dtype} but the operator is ${this.dtype}; cast it`);
    const v2 = v.rank === 1 ? v.reshape([inRows, 1]) : v;
    const out = f(v2);
    if (
      !(out instanceof Tensor) ||
      out.rank !== 2 ||
      out.shape[0] !== outRows ||
      out.shape[1] !== v2.shape[1]
    )
      throw new ShapeError(
        `${what}: the operator's function returned ${out instanceof Tensor ? `shape [${out.shape}]` : typeof out} for an input of shape [${v2.shape}]; expected [${outRows}, ${v2.shape[1]}]`,
      );
    return v.rank === 1 ? out.reshape([outRows]) : out;
  }
}

/** Options of `aslinearoperator` for LazyTensors. */
export type LazyOperatorOptions = Pick<LazyReductionOptions, 'accumulator' | 'ranges'>;

/**
 * A LinearOperator from a scalar LazyTensor K (`K @ v = sum_j K_ij v_j`, computed by one fused
 * reduction per product, `K.t() @ v` for rmatvec), from a dense 2-D Tensor, from a
 * `LinearOperatorInit`, or an existing operator (returned as is). `options` pass reduction options
 * (e.g. `{ accumulator: 'float64' }`) to the LazyTensor products.
 */
export function aslinearoperator(
  a: LinearOperator | LazyTensor | Tensor | LinearOperatorInit,
  options: LazyOperatorOptions = {},
): LinearOperator {
  if (a instanceof LinearOperator) return a;
  if (a instanceof LazyTensor) return fromLazy(a, options);
  if (a instanceof Tensor) return fromDense(a);
  if (a !== null && typeof a === 'object' && 'matvec' in a) return new LinearOperator(a);
  throw new ValueError(
    'aslinearoperator: pass a LazyTensor, a dense 2-D Tensor, a LinearOperator or { shape, dtype, matvec, rmatvec? }',
  );
}

function fromLazy(K: LazyTensor, options: LazyOperatorOptions): LinearOperator {
  if (K.dim !== 1)
    throw new ShapeError(
      `aslinearoperator(K): K @ v needs a scalar formula; this LazyTensor has dim ${K.dim} (reduce it to one number per (i, j) first)`,
    );
  if (K.batch.length > 0)
    throw new ShapeError(`aslinearoperator(K): batched LazyTensors (batch [${K.batch}]) are not supported`);
  if (K.n === undefined || K.m === undefined)
    throw new ShapeError(
      'aslinearoperator(K): K must depend on both a Vi and a Vj variable (an N x M matrix)',
    );
  const sources = boundTensors(K);
  const dtype = sources[0]?.dtype;
  if (dtype !== 'float32' && dtype !== 'float64')
    throw new DTypeError('aslinearoperator(K): K must bind at least one float32 or float64 tensor');
  const Kt = K.t();
  return new LinearOperator({
    shape: [K.n, K.m],
    dtype,
    backend: sources[0]!.backend,
    matvec: (v) => K.matmul(v, options),
    // The transposed ranges are not K's: block-sparse operators have no rmatvec.
    rmatvec: options.ranges ? undefined : (v) => Kt.matmul(v),
  });
}

/** The tensors a LazyTensor's formula reads (each once, in order of binding). */
export function boundTensors(K: LazyTensor): Tensor[] {
  return [
    ...new Set([...K.bindings.values()].flatMap((b) => (b.source instanceof Tensor ? [b.source] : []))),
  ];
}

function fromDense(a: Tensor): LinearOperator {
  if (a.rank !== 2)
    throw new ShapeError(`aslinearoperator(A): a dense matrix needs rank 2, got [${a.shape}]`);
  if (a.dtype === 'int32')
    throw new DTypeError("aslinearoperator(A): A is int32; cast it with A.cast('float64')");
  const dtype = a.dtype;
  return new LinearOperator({
    shape: [a.shape[0]!, a.shape[1]!],
    dtype,
    backend: a.backend,
    matvec: (v) => a.matmul(v),
    rmatvec: (v) => a.transpose().matmul(v),
  });
}
