/**
 * `Tensor`: a dense array living on a backend's device. Every operation enqueues kernels and
 * returns a new tensor at once; only `await t.data()` / `await t.array()` wait for results.
 */
import { type Backend, type DeviceBuffer, ValueError } from '@symtensor/core-ir';
import type { GradNode } from '../autograd/node.js';
import { track } from '../memory/scope.js';
import { countTensor } from '../memory/stats.js';
import { broadcastTo } from '../ops/broadcast.js';
import { cast } from '../ops/cast.js';
import * as E from '../ops/elementwise.js';
import { gather, indexSelect } from '../ops/gather.js';
import { matmul } from '../ops/matmul.js';
import { permute, transpose } from '../ops/permute.js';
import { max, mean, min, type ReduceOptions, sum } from '../ops/reduce.js';
import { reshape } from '../ops/reshape.js';
import { slice } from '../ops/slice.js';
import type { HostArray, TensorDType } from './dtype.js';
import { type NestedArray, toNested } from './nested.js';
import { type Shape, sizeOf } from './shape.js';
import type { Storage } from './storage.js';
import { download, moveTo } from './transfer.js';

/** A tensor, or a number used as a scalar (broadcast against the other operand). */
export type TensorLike = Tensor | number;

/** @internal How a tensor is put together (see `Tensor.wrap`). */
export interface TensorInit {
  readonly storage: Storage;
  readonly shape: Shape;
  readonly dtype: TensorDType;
  readonly requiresGrad?: boolean;
  /** The op that produced it (output `index`), for autograd. */
  readonly node?: GradNode;
  readonly index?: number;
  /** Identity of a leaf that requires grad (shared by handles of the same leaf). */
  readonly leafKey?: object;
}

/** Safety net: a tensor dropped without `dispose()` releases its buffer once garbage-collected. */
const finalizer = new FinalizationRegistry<{ storage: Storage; node: GradNode | undefined }>(
  ({ storage, node }) => {
    countTensor(storage.backend, -1);
    storage.release();
    node?.release();
  },
);

/**
 * A dense array on a backend's device (create with `tensor`, `zeros`, `rand`, ...). Methods enqueue
 * kernels and return new tensors at once.
 */
export class Tensor {
  /** The backend whose device holds the data. */
  readonly backend: Backend;
  /** Dimensions, row-major. `[]` is a scalar. */
  readonly shape: Shape;
  readonly dtype: TensorDType;
  /** True when gradients with respect to this tensor (or flowing through it) are tracked. */
  readonly requiresGrad: boolean;
  /** @internal The recorded op that produced this tensor. */
  readonly node: GradNode | undefined;
  /** @internal Which output of `node` this is. */
  readonly outputIndex: number;
  /** @internal Identity for gradient accumulation (undefined when no gradient is tracked). */
  readonly gradKey: object | undefined;
  private storage: Storage | null;
  private readonly owned: boolean;

  private constructor(init: TensorInit, owned: boolean) {
    this.storage = init.storage;
    this.backend = init.storage.backend;
    this.shape = Object.freeze([...init.shape]);
    this.dtype = init.dtype;
    this.node = init.node;
    this.outputIndex = init.index ?? 0;
    this.requiresGrad = init.node !== undefined || (init.requiresGrad ?? false);
    this.gradKey = init.node
      ? init.node.outputKeys[this.outputIndex]
      : this.requiresGrad
        ? (init.leafKey ?? {})
        : undefined;
    this.owned = owned;
    init.node?.retain();
  }

  /**
   * @internal Wraps a storage the caller hands over (its reference moves to the tensor). The tensor
   * joins the current `tidy` scope and the garbage-collection safety net.
   */
  static wrap(init: TensorInit): Tensor {
    const t = new Tensor(init, true);
    countTensor(t.backend, 1);
    finalizer.register(t, { storage: init.storage, node: init.node }, t);
    track(t);
    return t;
  }

  /**
   * @internal Another reference to the same data and autograd identity, owned by the caller (the
   * autograd tape keeps inputs this way): outside every scope, freed by its owner's `dispose()`.
   */
  handle(): Tensor {
    const storage = this.liveStorage('handle');
    return new Tensor(
      {
        storage: storage.retain(),
        shape: this.shape,
        dtype: this.dtype,
        requiresGrad: this.requiresGrad,
        ...(this.node ? { node: this.node, index: this.outputIndex } : {}),
        ...(this.gradKey && !this.node ? { leafKey: this.gradKey } : {}),
      },
      false,
    );
  }

  /** Number of elements. */
  get size(): number {
    return sizeOf(this.shape);
  }

  /** Number of dimensions. */
  get rank(): number {
    return this.shape.length;
  }

  /** True once `dispose()` was called. */
  get isDisposed(): boolean {
    return this.storage === null;
  }

  /** @internal The device buffer (throws if disposed); `what` names the caller in the error. */
  bufferFor(what: string): DeviceBuffer {
    return this.liveStorage(what).buffer;
  }

  /** @internal The shared storage (throws if disposed). */
  liveStorage(what: string): Storage {
    if (!this.storage)
      throw new ValueError(
        `${what}: this tensor (shape [${this.shape}]) was disposed; keep it alive (keep(t), or return it from tidy) while it is used`,
      );
    return this.storage;
  }

  /**
   * Releases the device memory now. Further use throws; other tensors sharing the data (reshapes,
   * the autograd tape) keep it alive until they are released. Disposing twice is harmless.
   */
  dispose(): void {
    const storage = this.storage;
    if (!storage) return;
    this.storage = null;
    if (this.owned) {
      finalizer.unregister(this);
      countTensor(storage.backend, -1);
    }
    storage.release();
    this.node?.release();
  }

  /** Copies the data to the host: a Float32Array, Float64Array or Int32Array (waits for pending work). */
  data(): Promise<HostArray> {
    return download(this);
  }

  /** The data as nested arrays following `shape` (a number for a scalar); waits for pending work. */
  async array(): Promise<NestedArray> {
    return toNested(await download(this), this.shape);
  }

  /** The single value of a one-element tensor; waits for pending work. */
  async item(): Promise<number> {
    if (this.size !== 1)
      throw new ValueError(
        `item(): the tensor has ${this.size} elements (shape [${this.shape}]); use array()`,
      );
    return (await download(this))[0]!;
  }

  /** A copy on another backend (downloads, then uploads); the copy does not track gradients. */
  to(backend: Backend): Promise<Tensor> {
    return moveTo(this, backend);
  }

  /**
   * A tensor sharing this data, cut from the autograd tape. With `{ requiresGrad: true }` it is a
   * new leaf whose gradients `grad` can compute.
   */
  detach(options: { requiresGrad?: boolean } = {}): Tensor {
    const storage = this.liveStorage('detach');
    return Tensor.wrap({
      storage: storage.retain(),
      shape: this.shape,
      dtype: this.dtype,
      requiresGrad: options.requiresGrad ?? false,
    });
  }

  // Elementwise (NumPy broadcasting; numbers are scalars).
  /** Elementwise a + b. */
  add(other: TensorLike): Tensor {
    return E.add(this, other);
  }
  /** Elementwise a - b. */
  sub(other: TensorLike): Tensor {
    return E.sub(this, other);
  }
  /** Elementwise a * b. */
  mul(other: TensorLike): Tensor {
    return E.mul(this, other);
  }
  /** Elementwise a / b. */
  div(other: TensorLike): Tensor {
    return E.div(this, other);
  }
  /** Integer exponents use repeated products; others `x^y` (x > 0). */
  pow(exponent: TensorLike): Tensor {
    return E.pow(this, exponent);
  }
  /** Elementwise -x. */
  neg(): Tensor {
    return E.neg(this);
  }
  /** Elementwise |x|. */
  abs(): Tensor {
    return E.abs(this);
  }
  /** Elementwise e^x. */
  exp(): Tensor {
    return E.exp(this);
  }
  /** Elementwise natural logarithm. */
  log(): Tensor {
    return E.log(this);
  }
  /** Elementwise square root. */
  sqrt(): Tensor {
    return E.sqrt(this);
  }
  /** 1/sqrt(x), with 0 at 0 (KeOps' convention). */
  rsqrt(): Tensor {
    return E.rsqrt(this);
  }
  /** Elementwise x^2. */
  square(): Tensor {
    return E.square(this);
  }
  /** Elementwise max(x, 0). */
  relu(): Tensor {
    return E.relu(this);
  }
  /** Elementwise 1 / (1 + e^-x). */
  sigmoid(): Tensor {
    return E.sigmoid(this);
  }
  /** Elementwise sign (-1, 0 or 1). */
  sign(): Tensor {
    return E.sign(this);
  }
  /** 1 where x >= 0, else 0. */
  step(): Tensor {
    return E.step(this);
  }
  /** Elementwise sine. */
  sin(): Tensor {
    return E.sin(this);
  }
  /** Elementwise cosine. */
  cos(): Tensor {
    return E.cos(this);
  }
  /** Elementwise atan2(this, other), the angle of the point (other, this). */
  atan2(other: TensorLike): Tensor {
    return E.atan2(this, other);
  }
  /** Elementwise floor. */
  floor(): Tensor {
    return E.floor(this);
  }
  /** Rounds to `decimals` digits, halves away from zero. */
  round(decimals = 0): Tensor {
    return E.round(this, decimals);
  }
  /** Elementwise clamp to [lo, hi]. */
  clamp(lo: TensorLike, hi: TensorLike): Tensor {
    return E.clamp(this, lo, hi);
  }
  /** Elementwise smaller of the two (this on ties). */
  minimum(other: TensorLike): Tensor {
    return E.minimum(this, other);
  }
  /** Elementwise larger of the two (this on ties). */
  maximum(other: TensorLike): Tensor {
    return E.maximum(this, other);
  }
  /** 1 where this < other, else 0 (same dtype as the inputs). */
  lt(other: TensorLike): Tensor {
    return E.lt(this, other);
  }
  /** 1 where this <= other, else 0. */
  le(other: TensorLike): Tensor {
    return E.le(this, other);
  }
  /** 1 where this > other, else 0. */
  gt(other: TensorLike): Tensor {
    return E.gt(this, other);
  }
  /** 1 where this >= other, else 0. */
  ge(other: TensorLike): Tensor {
    return E.ge(this, other);
  }
  /** 1 where this == other, else 0. */
  eq(other: TensorLike): Tensor {
    return E.eq(this, other);
  }
  /** 1 where this != other, else 0. */
  ne(other: TensorLike): Tensor {
    return E.ne(this, other);
  }

  // Reductions over numeric axes (the symbolic 'i' / 'j' reductions belong to LazyTensors).
  /** Sum of all elements, or along `axis` (`keepDims` keeps it with size 1). */
  sum(axis?: number, options?: ReduceOptions): Tensor {
    return sum(this, axis, options);
  }
  /** Mean of all elements, or along `axis`. */
  mean(axis?: number, options?: ReduceOptions): Tensor {
    return mean(this, axis, options);
  }
  /** Maximum of all elements, or along `axis` (ties share the gradient). */
  max(axis?: number, options?: ReduceOptions): Tensor {
    return max(this, axis, options);
  }
  /** Minimum of all elements, or along `axis` (ties share the gradient). */
  min(axis?: number, options?: ReduceOptions): Tensor {
    return min(this, axis, options);
  }

  // Linear algebra.
  /** Matrix product `[..., n, k] @ [..., k, m]` (batch dims broadcast; 1-D operands as in NumPy). */
  matmul(other: Tensor): Tensor {
    return matmul(this, other);
  }
  /** Dot product of two 1-D tensors of equal length. */
  dot(other: Tensor): Tensor {
    return E.dot(this, other);
  }

  // Data movement.
  /** Same data, new shape (no copy; one dim may be -1). */
  reshape(shape: readonly number[]): Tensor {
    return reshape(this, shape);
  }
  /** Swaps two axes (default: the last two). */
  transpose(axis0?: number, axis1?: number): Tensor {
    return transpose(this, axis0, axis1);
  }
  /** Reorders the axes: output axis k is input axis `axes[k]`. */
  permute(axes: readonly number[]): Tensor {
    return permute(this, axes);
  }
  /** Elements `start <= index < end` along `axis` (negative values count from the end). */
  slice(axis: number, start: number, end?: number): Tensor {
    return slice(this, axis, start, end);
  }
  /** Takes the entries `indices` (an int32 tensor of any shape) along `axis`. */
  gather(indices: Tensor, axis = 0): Tensor {
    return gather(this, indices, axis);
  }
  /** Takes the entries of the 1-D int32 tensor `index` along `axis` (PyTorch's index_select). */
  indexSelect(axis: number, index: Tensor): Tensor {
    return indexSelect(this, axis, index);
  }
  /** Repeats the data along size-1 (or missing leading) dims up to `shape`. */
  broadcastTo(shape: readonly number[]): Tensor {
    return broadcastTo(this, shape);
  }
  /** Converts to another dtype (float to int32 truncates toward zero). */
  cast(dtype: TensorDType): Tensor {
    return cast(this, dtype);
  }

  /** A short description (shape, dtype, backend). */
  toString(): string {
    return `Tensor(shape=[${this.shape}], dtype=${this.dtype}, backend=${this.backend.name}${this.isDisposed ? ', disposed' : ''})`;
  }
}
