/** Creating tensors from host data, constants, ranges and seeded random numbers. */
import { type Backend, DTypeError, ValueError } from '@symtensor/core-ir';
import { getBackend } from '../backend/registry.js';
import { allocHost, checkDType, type HostArray, type TensorDType } from './dtype.js';
import { flattenInto, type NestedArray, nestedShape } from './nested.js';
import { checkSeed, drawSeed, normals, uniforms } from './random.js';
import { checkShape, sizeOf } from './shape.js';
import type { Tensor } from './tensor.js';
import { upload } from './transfer.js';

/** Options shared by the creation functions. */
export interface TensorOptions {
  /** Element type (default: the typed array's, else float32). */
  readonly dtype?: TensorDType;
  /** Track gradients with respect to this tensor (float dtypes only). */
  readonly requiresGrad?: boolean;
  /** Where the data live (default: `getBackend()`). */
  readonly backend?: Backend;
}

/** Options of `rand` and `randn`. */
export interface RandomOptions extends TensorOptions {
  /** Stream seed; without one, calls draw successive seeds from `manualSeed`'s sequence. */
  readonly seed?: number;
}

/** Data accepted by `tensor`. */
export type TensorData = NestedArray | HostArray | readonly number[];

/**
 * A tensor holding a copy of `data`: a typed array (Float32Array, Float64Array, Int32Array), a
 * number, or (nested) arrays of numbers. `shape` is required for flat data of rank other than 1 and
 * checked against nested data. float32 unless the typed array or `dtype` says otherwise.
 */
export function tensor(data: TensorData, shape?: readonly number[], options: TensorOptions = {}): Tensor {
  const isTyped = data instanceof Float32Array || data instanceof Float64Array || data instanceof Int32Array;
  const inferred = isTyped
    ? [data.length]
    : typeof data === 'number'
      ? []
      : nestedShape(data as NestedArray, 'data');
  const dtype =
    options.dtype === undefined
      ? isTyped
        ? dtypeOfHost(data)
        : 'float32'
      : checkDType(options.dtype, 'dtype');
  let finalShape = inferred;
  if (shape !== undefined) {
    finalShape = [...checkShape(shape, 'shape')];
    const flatInput = isTyped || inferred.length <= 1;
    if (flatInput ? sizeOf(finalShape) !== sizeOf(inferred) : finalShape.join() !== inferred.join())
      throw new ValueError(
        `tensor(data, shape): data has ${isTyped || inferred.length <= 1 ? `${sizeOf(inferred)} elements` : `shape [${inferred}]`} but shape is [${finalShape}]`,
      );
  }
  let values: ArrayLike<number>;
  if (isTyped) values = data;
  else if (typeof data === 'number') values = [data];
  else {
    const flat = new Float64Array(sizeOf(finalShape));
    flattenInto(data as NestedArray, flat);
    values = flat;
  }
  const host = allocHost(dtype, sizeOf(finalShape));
  host.set(values);
  // Typed-array assignment truncates silently: refuse data that int32 cannot hold exactly.
  if (dtype === 'int32') checkIntegers(values, host);
  return make(host, finalShape, options);
}

/** A tensor of zeros. */
export function zeros(shape: readonly number[], options: TensorOptions = {}): Tensor {
  return full(shape, 0, options);
}

/** A tensor of ones. */
export function ones(shape: readonly number[], options: TensorOptions = {}): Tensor {
  return full(shape, 1, options);
}

/** A tensor filled with `value`. */
export function full(shape: readonly number[], value: number, options: TensorOptions = {}): Tensor {
  const s = checkShape(shape, 'shape');
  const dtype = checkDType(options.dtype ?? 'float32', 'dtype');
  if (dtype === 'int32' && !Number.isInteger(value))
    throw new ValueError(`full(value): an int32 tensor needs an integer value, got ${value}`);
  return make(allocHost(dtype, sizeOf(s)).fill(value), s, options);
}

/**
 * `start, start + step, ...` below `stop` (1-D); `arange(n)` is `0, 1, ..., n - 1`. float32 unless
 * `dtype` says otherwise.
 */
export function arange(start: number, stop?: number, step = 1, options: TensorOptions = {}): Tensor {
  if (stop === undefined) [start, stop] = [0, start];
  if (![start, stop, step].every(Number.isFinite) || step === 0)
    throw new ValueError(
      `arange(start, stop, step) needs finite numbers and step != 0, got ${start}, ${stop}, ${step}`,
    );
  const n = Math.max(0, Math.ceil((stop - start) / step));
  const dtype = checkDType(options.dtype ?? 'float32', 'dtype');
  if (dtype === 'int32' && !(Number.isInteger(start) && Number.isInteger(step)))
    throw new ValueError(`arange: an int32 range needs an integer start and step, got ${start} and ${step}`);
  const host = allocHost(dtype, n);
  for (let k = 0; k < n; k++) host[k] = start + k * step;
  return make(host, [n], options);
}

/** Uniform random numbers in [0, 1) (float dtypes), reproducible from `seed`. */
export function rand(shape: readonly number[], options: RandomOptions = {}): Tensor {
  const s = checkShape(shape, 'shape');
  const seed = options.seed === undefined ? drawSeed() : checkSeed(options.seed, 'seed');
  return make(fromFloat64(uniforms(seed, sizeOf(s)), floatOption(options.dtype, 'rand')), s, options);
}

/** Standard normal random numbers (float dtypes), reproducible from `seed`. */
export function randn(shape: readonly number[], options: RandomOptions = {}): Tensor {
  const s = checkShape(shape, 'shape');
  const seed = options.seed === undefined ? drawSeed() : checkSeed(options.seed, 'seed');
  return make(fromFloat64(normals(seed, sizeOf(s)), floatOption(options.dtype, 'randn')), s, options);
}

function floatOption(dtype: TensorDType | undefined, what: string): 'float32' | 'float64' {
  const d = checkDType(dtype ?? 'float32', `${what}(dtype)`);
  if (d === 'int32') throw new DTypeError(`${what}: random numbers are float32 or float64, not int32`);
  return d;
}

function fromFloat64(values: Float64Array, dtype: 'float32' | 'float64'): HostArray {
  return dtype === 'float64' ? values : Float32Array.from(values);
}

function dtypeOfHost(data: HostArray): TensorDType {
  return data instanceof Float64Array ? 'float64' : data instanceof Float32Array ? 'float32' : 'int32';
}

function checkIntegers(source: ArrayLike<number>, host: HostArray): void {
  for (let k = 0; k < source.length; k++)
    if (host[k] !== source[k])
      throw new ValueError(
        `tensor: element ${k} (${source[k]}) is not an int32 value; round the data first, or use a float dtype`,
      );
}

function make(host: HostArray, shape: readonly number[], options: TensorOptions): Tensor {
  if (options.requiresGrad && host instanceof Int32Array)
    throw new DTypeError('requiresGrad: int32 tensors hold indices and carry no gradient; use a float dtype');
  return upload(options.backend ?? getBackend(), host, shape, options.requiresGrad ?? false);
}
