/**
 * The backend contract. A backend uploads and downloads buffers, runs kernel specs without
 * waiting (`run` enqueues and returns output buffers at once) and waits only in `download` and
 * `sync`. Every backend passes the same conformance suite (`@symtensor/core-ir/testing`).
 */
import type { DType, TypedArray } from './dtype.js';
import { DTypeError, ShapeError, ValueError } from './errors.js';
import { type KernelSpec, specInputs, specOutputs } from './kernel/spec.js';
import type { TakeSpec } from './kernel/take.js';

/** A buffer living on a backend's device. */
export interface DeviceBuffer {
  /** Name of the backend that owns it. */
  readonly backend: string;
  readonly dtype: DType;
  /** Number of elements. */
  readonly length: number;
}

/**
 * Block sparsity (KeOps' ranges, for the spec's reduced axis): row cluster c covers output rows
 * `[rows[2c], rows[2c+1])` and reduces over the index ranges
 * `redRanges[2r], redRanges[2r+1]` for r in `[slices[c-1], slices[c])` (with slices[-1] = 0).
 * Rows in no cluster get the reduction's empty value; the ranges of one cluster must not overlap
 * (checked). With batch dims, ranges apply inside each batch entry.
 */
export interface Ranges {
  readonly rows: Int32Array;
  readonly slices: Int32Array;
  readonly redRanges: Int32Array;
}

/**
 * Arguments of a run. Buffer layouts (row-major): an `i` variable is `[...batch, nx, dim]`, a `j`
 * variable `[...batch, ny, dim]`, a parameter `[...batch, dim]`, where the variable's batch shape
 * (`argBatch[pos]`, default `batch`) has each entry equal to the output's or 1 (broadcast).
 * Outputs are `[...batch, rows, dim]` with rows = nx for a reduction over j (and maps), ny over i.
 */
export interface RunOptions {
  /** Buffers by variable position: `args[pos]` feeds `Var(pos, ...)`. */
  readonly args: readonly (DeviceBuffer | undefined)[];
  /** Number of i indices (rows of i variables). */
  readonly nx: number;
  /** Number of j indices (ignored by maps). */
  readonly ny: number;
  /** Output batch shape (default []). */
  readonly batch?: readonly number[];
  /** Per-position batch shapes for broadcasting (default: `batch` for every argument). */
  readonly argBatch?: readonly (readonly number[] | undefined)[];
  readonly ranges?: Ranges;
}

/** Live device memory of a backend. */
export interface MemoryInfo {
  readonly buffers: number;
  readonly bytes: number;
}

export interface Backend {
  /** 'cpu', 'webgpu', 'cuda', 'reference', ... */
  readonly name: string;
  /** Dtypes it can store and compute in. */
  readonly dtypes: readonly DType[];
  /** Copies host data to the device (the dtype is the array's: Float32Array -> float32, ...). */
  upload(data: TypedArray): DeviceBuffer;
  /** Resolves with a host copy once all work writing `buf` is done. */
  download(buf: DeviceBuffer): Promise<TypedArray>;
  /** Releases a buffer now (a backend may also free unreachable buffers later as a safety net). */
  free(buf: DeviceBuffer): void;
  /** Enqueues a kernel; returns its output buffers without waiting (one per spec output). */
  run(spec: KernelSpec, options: RunOptions): DeviceBuffer[];
  /** Resolves when all enqueued work is done. */
  sync(): Promise<void>;
  /** Frees every buffer and resource (workers, devices); the backend is unusable afterwards. */
  dispose(): Promise<void>;
  memory(): MemoryInfo;
}

/** Sizes of a validated run. */
export interface RunPlan {
  readonly batch: readonly number[];
  readonly batchSize: number;
  readonly argBatch: readonly (readonly number[])[];
  /** Output rows per batch entry, and reduced indices per batch entry. */
  readonly rows: number;
  readonly reduced: number;
  readonly outputLengths: readonly number[];
}

/**
 * Checks a run against its spec (shared by every backend so that errors read the same): buffer
 * presence, backend, dtype and length, batch broadcasting and ranges. Throws typed errors naming
 * the argument.
 */
export function planRun(spec: KernelSpec, options: RunOptions, backendName: string): RunPlan {
  if (spec.kind === 'take') return planTake(spec, options, backendName);
  const { nx, ny } = options;
  const checkSize = (v: number, what: string) => {
    if (!Number.isInteger(v) || v < 0)
      throw new ValueError(`${what} must be a non-negative integer, got ${v}`);
  };
  checkSize(nx, 'nx');
  if (spec.kind === 'reduction') checkSize(ny, 'ny');
  const batch = options.batch ?? [];
  for (const [k, b] of batch.entries()) checkSize(b, `batch[${k}]`);
  const batchSize = batch.reduce((a, b) => a * b, 1);
  const argBatch: (readonly number[])[] = [];
  for (const input of specInputs(spec)) {
    const { pos, cat, dim } = input;
    const buf = options.args[pos];
    const name = `args[${pos}]`;
    if (!buf) throw new ValueError(`${name} is missing: the formula reads Var(${pos},${dim},${cat})`);
    checkOwnerAndDtype(buf, name, backendName, spec.dtype);
    const ab = options.argBatch?.[pos] ?? batch;
    if (ab.length !== batch.length || ab.some((b, k) => b !== batch[k] && b !== 1))
      throw new ShapeError(
        `${name} has batch shape [${ab}] which does not broadcast to [${batch}]: each entry must equal the output's or be 1`,
      );
    argBatch[pos] = ab;
    const rowsOf = cat === 'p' ? 1 : cat === 'i' ? nx : ny;
    const expected = ab.reduce((a, b) => a * b, 1) * rowsOf * dim;
    if (buf.length !== expected)
      throw new ShapeError(
        `${name} has ${buf.length} elements but Var(${pos},${dim},${cat}) needs ${expected} (batch [${ab}] x ${cat === 'p' ? '' : `${rowsOf} rows x `}dim ${dim})`,
      );
  }
  const rows = spec.kind === 'map' || spec.axis === 'j' ? nx : ny;
  const reduced = spec.kind === 'map' ? 0 : spec.axis === 'j' ? ny : nx;
  if (options.ranges) {
    if (spec.kind === 'map') throw new ValueError('ranges apply to reductions, not map kernels');
    checkRanges(options.ranges, rows, reduced);
  }
  return {
    batch,
    batchSize,
    argBatch,
    rows,
    reduced,
    outputLengths: specOutputs(spec).map((o) => batchSize * rows * o.dim),
  };
}

function checkOwnerAndDtype(buf: DeviceBuffer, name: string, backendName: string, dtype: DType): void {
  if (buf.backend !== backendName)
    throw new ValueError(
      `${name} lives on the '${buf.backend}' backend, not '${backendName}': download it and upload it here`,
    );
  if (buf.dtype !== dtype)
    throw new DTypeError(
      `${name} has dtype ${buf.dtype} but the kernel reads ${dtype}; convert the data (a take kernel casts)`,
    );
}

/** A take kernel reads `args[0]` (the source) and, when indexed, `args[1]` (int32, one per output). */
function planTake(spec: TakeSpec, options: RunOptions, backendName: string): RunPlan {
  const n = options.nx;
  if (!Number.isInteger(n) || n < 0)
    throw new ValueError(`nx (the output length) must be a non-negative integer, got ${n}`);
  if ((options.batch?.length ?? 0) > 0 || options.ranges)
    throw new ValueError('a take kernel has no batch dims or ranges: fold them into its index array');
  const [src, index] = options.args;
  if (!src) throw new ValueError('args[0] (the source of take) is missing');
  checkOwnerAndDtype(src, 'args[0]', backendName, spec.srcDtype);
  if (spec.indexed) {
    if (!index) throw new ValueError('args[1] (the int32 index of take) is missing');
    checkOwnerAndDtype(index, 'args[1]', backendName, 'int32');
    if (index.length !== n)
      throw new ShapeError(`args[1] has ${index.length} indices but nx = ${n} outputs are asked for`);
  } else if (src.length !== n) {
    throw new ShapeError(
      `args[0] has ${src.length} elements; an unindexed take copies all of them, so nx must be ${src.length}`,
    );
  }
  return { batch: [], batchSize: 1, argBatch: [[], []], rows: n, reduced: 0, outputLengths: [n] };
}

function checkRanges(r: Ranges, rows: number, reduced: number): void {
  const nc = r.slices.length;
  if (r.rows.length !== 2 * nc)
    throw new ShapeError(`ranges.rows has ${r.rows.length} entries; it needs 2 per cluster (${2 * nc})`);
  if (r.redRanges.length % 2 !== 0) throw new ShapeError('ranges.redRanges needs an even number of entries');
  let prevSlice = 0;
  for (let c = 0; c < nc; c++) {
    const [a, b] = [r.rows[2 * c]!, r.rows[2 * c + 1]!];
    if (a < 0 || b < a || b > rows)
      throw new ValueError(`ranges.rows cluster ${c} = [${a}, ${b}) is outside [0, ${rows}]`);
    const s = r.slices[c]!;
    if (s < prevSlice || s > r.redRanges.length / 2)
      throw new ValueError(
        `ranges.slices[${c}] = ${s} must be non-decreasing and at most ${r.redRanges.length / 2}`,
      );
    prevSlice = s;
  }
  for (let k = 0; k < r.redRanges.length; k += 2) {
    const [a, b] = [r.redRanges[k]!, r.redRanges[k + 1]!];
    if (a < 0 || b < a || b > reduced)
      throw new ValueError(`ranges.redRanges entry ${k / 2} = [${a}, ${b}) is outside [0, ${reduced}]`);
  }
  // Within a cluster the reduced ranges must be disjoint: a streaming backend would count an
  // index twice, the reference once, so overlap is refused rather than left ambiguous.
  let start = 0;
  for (let c = 0; c < nc; c++) {
    const end = r.slices[c]!;
    const spans: [number, number][] = [];
    for (let s = start; s < end; s++)
      if (r.redRanges[2 * s + 1]! > r.redRanges[2 * s]!)
        spans.push([r.redRanges[2 * s]!, r.redRanges[2 * s + 1]!]);
    spans.sort((x, y) => x[0] - y[0]);
    for (let k = 1; k < spans.length; k++)
      if (spans[k]![0] < spans[k - 1]![1])
        throw new ValueError(
          `ranges: cluster ${c} reduces over overlapping ranges [${spans[k - 1]}) and [${spans[k]}); merge them`,
        );
    start = end;
  }
}

/**
 * The flat batch index, within an argument of batch shape `argBatch`, of output batch entry `b`
 * (size-1 dims broadcast). Multiply by the argument's rows x dim to get its data offset.
 */
export function argBatchIndex(batch: readonly number[], argBatch: readonly number[], b: number): number {
  let offset = 0;
  let stride = 1;
  for (let k = batch.length - 1; k >= 0; k--) {
    const idx = b % batch[k]!;
    b = Math.floor(b / batch[k]!);
    if (argBatch[k] !== 1) offset += idx * stride;
    stride *= argBatch[k]!;
  }
  return offset;
}
