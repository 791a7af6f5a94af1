/**
 * The WebGPU backend: core-ir's `Backend` on a GPUDevice. `run` validates synchronously (typed
 * errors, nothing allocated on refusal), lowers and schedules the kernel, and enqueues it; only
 * `download` and `sync` wait. See `queue.ts` for ordering and batching, `schedule.ts` for the
 * schemes, `wgsl/` for the generated code.
 */
import {
  allocTyped,
  argBatchIndex,
  type Backend,
  byteSize,
  type DeviceBuffer,
  type DType,
  DTypeError,
  dtypeOf,
  type FormulaSpec,
  type KernelSpec,
  type LoweredKernel,
  lowerKernel,
  type MemoryInfo,
  planRun,
  type RunOptions,
  ShapeError,
  specInputs,
  type TakeSpec,
  type TypedArray,
  UnsupportedError,
  ValueError,
} from '@symtensor/core-ir';
import { BACKEND_NAME, BufferRegistry, type Slot } from './buffers.js';
import { DeviceLostError } from './errors.js';
import { BufferUsage, MAP_MODE_READ } from './gpu-constants.js';
import { type BackendLimits, backendLimits } from './limits.js';
import { Lru } from './lru.js';
import { type Pipeline, PipelineCache } from './pipelines.js';
import { BufferPool } from './pool.js';
import { OpQueue, type Submission } from './queue.js';
import { type BlockTable, blockTable } from './ranges.js';
import {
  type Dispatch,
  type ElementRange,
  mapSchedule,
  type ReduceShape,
  type RunShape,
  reduceSchedule,
  reduceShape,
  type Schedule,
  type Tuning,
  workgroupSize,
} from './schedule.js';
import { takeSchedule } from './take.js';
import type { KernelSource } from './wgsl/bindings.js';
import type { FloatType } from './wgsl/floats.js';
import { mapKernel } from './wgsl/map-kernel.js';
import { mergeKernel } from './wgsl/merge-kernel.js';
import { reduceKernel } from './wgsl/reduce-kernel.js';
import { takeKernel, takeUniformData } from './wgsl/take-kernel.js';
import { uniformData } from './wgsl/uniforms.js';

export interface WebGpuBackendOptions {
  /** Idle GPU memory kept for reuse by the buffer pool, in bytes (default 256 MiB). */
  readonly poolBytes?: number;
  /** Workgroup size and split scheme (defaults chosen from the device; mostly for tests). */
  readonly tuning?: Tuning;
  /**
   * Storage binding size the scheduler assumes, below the device's (a test hook: small data then
   * takes the path of data larger than a binding).
   */
  readonly maxBindingBytes?: number;
}

/** float16 needs the device feature `shader-f16` (f16 in WGSL, 16-bit storage access). */
const SHADER_F16 = 'shader-f16';
const DEFAULT_POOL_BYTES = 256 * 2 ** 20;

const ceil4 = (n: number) => Math.max(4, Math.ceil(n / 4) * 4);

interface BufferBinding {
  readonly buffer: GPUBuffer;
  readonly offset: number;
  readonly size: number;
}

/** A binding of part of a data buffer: `base` is the element index at `offset`. */
interface DataBinding extends BufferBinding {
  readonly base: number;
}

/** One dispatch of a compute pass: its pipeline, grid, uniform block and other bindings by name. */
interface PassItem {
  readonly pipeline: Pipeline;
  readonly groups: readonly [number, number];
  readonly uniform: ArrayBuffer;
  readonly resources: Readonly<Record<string, BufferBinding>>;
}

export class WebGpuBackend implements Backend {
  readonly name = BACKEND_NAME;
  /** float32 and int32, and float16 on devices with `shader-f16`. */
  readonly dtypes: readonly DType[];
  readonly limits: BackendLimits;
  private readonly tuning: Tuning;
  private readonly storage: BufferPool;
  private readonly uniforms: BufferPool;
  private readonly staging: BufferPool;
  private readonly buffers: BufferRegistry;
  private readonly queue: OpQueue;
  private readonly pipelines: PipelineCache;
  private readonly lowered = new Lru<string, LoweredKernel>(512);
  private disposed = false;
  /** The first run failure since the last `sync()` (which reports it). */
  private runFailure: Error | undefined;

  constructor(
    readonly device: GPUDevice,
    /** Whether dispose() destroys the device (false for a device the caller gave). */
    private readonly ownsDevice: boolean,
    /** Adapter description, for reports. */
    readonly description: string,
    options: WebGpuBackendOptions = {},
  ) {
    this.limits = backendLimits(device, options.maxBindingBytes);
    this.dtypes = device.features.has(SHADER_F16) ? ['float16', 'float32', 'int32'] : ['float32', 'int32'];
    this.tuning = checkTuning(options.tuning ?? {});
    const poolBytes = options.poolBytes ?? DEFAULT_POOL_BYTES;
    const max = this.limits.maxBufferSize;
    const { STORAGE, COPY_SRC, COPY_DST, UNIFORM, MAP_READ: MAP } = BufferUsage;
    this.storage = new BufferPool(device, STORAGE | COPY_SRC | COPY_DST, poolBytes, max);
    this.uniforms = new BufferPool(device, UNIFORM | COPY_DST, 2 ** 20, max);
    this.staging = new BufferPool(device, MAP | COPY_DST, poolBytes, max);
    this.buffers = new BufferRegistry(this.storage);
    this.queue = new OpQueue(device, this.buffers, (e) => this.die(e));
    this.pipelines = new PipelineCache(device);
    device.lost.then((info) => {
      if (!this.disposed) this.die(new DeviceLostError(info.message || String(info.reason)));
    });
  }

  upload(data: TypedArray): DeviceBuffer {
    this.checkUsable();
    const dtype = dtypeOf(data);
    if (!this.dtypes.includes(dtype))
      throw new DTypeError(
        `upload(data): data is ${dtype}, but the webgpu backend on this device stores ${this.dtypes.join(', ')}${whyNot(dtype)}; convert the data first`,
      );
    const bytes = data.byteLength;
    if (bytes > this.limits.maxBufferSize)
      throw new ShapeError(
        `data has ${bytes} bytes, more than this device's largest buffer (maxBufferSize ${this.limits.maxBufferSize}); split it into smaller tensors or use the cpu backend`,
      );
    const { handle, slot } = this.buffers.create(dtype, data.length, bytes);
    // writeBuffer copies the data now (later changes to `data` do not reach the GPU) and is
    // ordered before every command buffer submitted after it. It writes whole 4-byte words: an
    // odd count of float16 values ends with a padded word.
    const whole = bytes & ~3;
    if (whole > 0) this.device.queue.writeBuffer(slot.gpu, 0, data.buffer, data.byteOffset, whole);
    if (whole < bytes) {
      const last = new Uint8Array(4);
      last.set(new Uint8Array(data.buffer, data.byteOffset + whole, bytes - whole));
      this.device.queue.writeBuffer(slot.gpu, whole, last);
    }
    return handle;
  }

  download(buf: DeviceBuffer): Promise<TypedArray> {
    let slot: Slot;
    try {
      this.checkUsable();
      slot = this.buffers.slot(buf, 'buffer');
    } catch (e) {
      return Promise.reject(e);
    }
    return new Promise((resolve, reject) => {
      this.queue.enqueue({
        waits: [],
        slots: [slot],
        encode: (encoder, sub) => {
          if (slot.failed) return reject(slot.failed);
          if (slot.bytes === 0) return resolve(allocTyped(slot.dtype, 0));
          const size = ceil4(slot.bytes);
          const staging = this.staging.acquire(size);
          encoder.copyBufferToBuffer(slot.gpu, 0, staging, 0, size);
          sub.flushNow = true;
          sub.afterSubmit.push(() => this.readBack(staging, slot, sub, resolve, reject));
        },
        fail: reject,
      });
    });
  }

  private readBack(
    staging: GPUBuffer,
    slot: Slot,
    sub: Submission,
    resolve: (data: TypedArray) => void,
    reject: (e: Error) => void,
  ): void {
    const size = ceil4(slot.bytes);
    Promise.all([staging.mapAsync(MAP_MODE_READ, 0, size), sub.checked]).then(
      ([, error]) => {
        if (error) reject(error);
        else {
          const out = allocTyped(slot.dtype, slot.length);
          new Uint8Array(out.buffer).set(new Uint8Array(staging.getMappedRange(0, size), 0, slot.bytes));
          resolve(out);
        }
        staging.unmap();
        this.staging.release(staging);
      },
      (e: Error) => reject(this.queue.fatal ?? new DeviceLostError(e.message)),
    );
  }

  free(buf: DeviceBuffer): void {
    this.buffers.free(buf);
  }

  sync(): Promise<void> {
    try {
      this.checkUsable();
    } catch (e) {
      return Promise.reject(e);
    }
    return new Promise((resolve, reject) => {
      this.queue.enqueue({
        waits: [],
        slots: [],
        encode: (_encoder, sub) => {
          sub.flushNow = true;
          sub.afterSubmit.push(() => {
            Promise.all([this.device.queue.onSubmittedWorkDone(), sub.checked]).then(([, error]) => {
              const failure = error ?? this.runFailure;
              this.runFailure = undefined;
              if (failure) reject(failure);
              else resolve();
            }, reject);
          });
        },
        fail: reject,
      });
    });
  }

  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    const error = new ValueError('the webgpu backend was disposed; create a new one with webgpu()');
    this.queue.failAll(error);
    this.queue.flush();
    if (!this.queue.fatal) await this.device.queue.onSubmittedWorkDone().catch(() => {});
    this.queue.fatal ??= error;
    this.buffers.clear();
    this.storage.clear();
    this.uniforms.clear();
    this.staging.clear();
    this.pipelines.clear();
    this.lowered.clear();
    if (this.ownsDevice) this.device.destroy();
  }

  memory(): MemoryInfo {
    return this.buffers.memory();
  }

  run(spec: KernelSpec, options: RunOptions): DeviceBuffer[] {
    this.checkUsable();
    this.checkComputeDtype(spec);
    if (spec.kind === 'take') return this.runTake(spec, options);
    const plan = planRun(spec, options, BACKEND_NAME);
    const argSlots = new Map<number, Slot>();
    for (const { pos } of specInputs(spec))
      argSlots.set(pos, this.buffers.slot(options.args[pos]!, `args[${pos}]`));
    const kernel = this.lower(spec);
    const nIn = kernel.inputs.length;
    const rowsOf = (cat: 'i' | 'j' | 'p') => (cat === 'p' ? 1 : cat === 'i' ? plan.rows : plan.reduced);
    const offset = (b: number, n: number) => {
      const v = kernel.inputs[n]!;
      return argBatchIndex(plan.batch, plan.argBatch[v.pos]!, b) * rowsOf(v.cat) * v.dim;
    };
    const shapeBase = {
      kernel,
      batchSize: plan.batchSize,
      rows: plan.rows,
      reduced: plan.reduced,
      offset,
      inputLengths: kernel.inputs.map((v) => argSlots.get(v.pos)!.length),
      positions: kernel.inputs.map((v) => v.pos),
    };
    const dev = this.limits;
    let schedule: Schedule;
    let red: ReduceShape | undefined;
    let table: BlockTable | undefined;
    if (kernel.kind === 'map') schedule = mapSchedule(shapeBase, dev, this.tuning);
    else {
      red = reduceShape(kernel, dev, this.tuning, plan.rows);
      if (options.ranges) table = blockTable(options.ranges, plan.rows, red.workgroupSize);
      const shape: RunShape = table ? { ...shapeBase, ranges: table } : shapeBase;
      const words = kernel.state.reduce((a, slot) => a + slot.size, 0);
      schedule = reduceSchedule(shape, red, words, dev, this.tuning);
    }

    // The offset table: element offset of each batch entry's data in each input.
    const offsets = new Uint32Array(Math.max(1, plan.batchSize * nIn));
    if (schedule.dispatches.length > 0)
      for (let b = 0; b < plan.batchSize; b++)
        for (let n = 0; n < nIn; n++) offsets[b * nIn + n] = offset(b, n);
    for (const [what, bytes] of [
      ['the batch offset table', offsets.byteLength],
      ['the ranges', table ? Math.max(table.blocks.byteLength, table.spans.byteLength) : 0],
    ] as const)
      if (bytes > dev.bindingBytes)
        throw new UnsupportedError(
          `${what} of this run needs ${bytes} bytes, more than one storage binding holds; split the run`,
        );

    const pipelines = this.pipelinesFor(spec, kernel, schedule, red, table !== undefined);

    const outs = kernel.outputs.map((o, k) => {
      const dtype: DType = o.type === 'i' ? 'int32' : spec.dtype;
      const length = plan.outputLengths[k]!;
      return this.buffers.create(dtype, length, length * byteSize(dtype));
    });
    const handles = outs.map((o) => o.handle);
    if (schedule.dispatches.length === 0) return handles;
    const inSlots = kernel.inputs.map((v) => argSlots.get(v.pos)!);
    const outSlots = outs.map((o) => o.slot);
    const fail = (error: Error) => {
      for (const s of outSlots) s.failed = error;
      this.runFailure ??= error;
    };
    this.queue.enqueue({
      waits: [...new Set(pipelines.values())],
      slots: [...new Set(inSlots), ...outSlots],
      encode: (encoder, sub) => {
        const failed = inSlots.find((s) => s.failed)?.failed;
        if (failed) return fail(failed);
        this.encodeRun(encoder, sub, schedule, pipelines, inSlots, outSlots, offsets, table);
      },
      fail,
    });
    return handles;
  }

  /** Records a run's dispatches in one compute pass. */
  private encodeRun(
    encoder: GPUCommandEncoder,
    sub: Submission,
    schedule: Schedule,
    pipelines: Map<string, Pipeline>,
    inSlots: readonly Slot[],
    outSlots: readonly Slot[],
    offsets: Uint32Array,
    table: BlockTable | undefined,
  ): void {
    const transient: [BufferPool, GPUBuffer][] = [];
    const storageWith = (data: Uint32Array | undefined, bytes: number): BufferBinding => {
      const buffer = this.storage.acquire(bytes);
      transient.push([this.storage, buffer]);
      if (data && data.byteLength > 0)
        this.device.queue.writeBuffer(buffer, 0, data.buffer, data.byteOffset, data.byteLength);
      return { buffer, offset: 0, size: ceil4(bytes) };
    };
    const shared: Record<string, BufferBinding> = { boffs: storageWith(offsets, offsets.byteLength) };
    if (table) {
      shared.blocks = storageWith(table.blocks, table.blocks.byteLength);
      shared.spans = storageWith(table.spans, table.spans.byteLength);
    }
    if (schedule.partWords > 0) shared.part = storageWith(undefined, schedule.partWords * 4);
    const items = schedule.dispatches.map((d): PassItem => {
      const inputs = inSlots.map((s, n) => this.bindRange(s, d.inputs[n]));
      const outputs = outSlots.map((s, k) => this.bindRange(s, d.outputs[k]));
      const resources: Record<string, BufferBinding> = { ...shared };
      inputs.forEach((b, n) => {
        resources[`in${n}`] = b;
      });
      outputs.forEach((b, k) => {
        resources[`out${k}`] = b;
      });
      const uniform = uniformData(
        d.uniforms,
        inputs.map((b) => b.base),
        outputs.map((b) => b.base),
      );
      return { pipeline: pipelines.get(dispatchKind(d))!, groups: d.groups, uniform, resources };
    });
    this.encodePass(encoder, sub, items, transient);
  }

  /**
   * Records dispatches in one compute pass, each with its own uniform buffer (written now, so in
   * queue order before the submission that reads it); `transient` buffers and the uniform
   * buffers return to their pools once the submission has completed.
   */
  private encodePass(
    encoder: GPUCommandEncoder,
    sub: Submission,
    items: readonly PassItem[],
    transient: [BufferPool, GPUBuffer][],
  ): void {
    sub.onDone.push(() => {
      for (const [pool, buffer] of transient) pool.release(buffer);
    });
    // Bind groups first: anything that throws does so before the pass is open, which would
    // otherwise leave the whole command buffer invalid.
    const groups = items.map((item) => {
      const uniform = this.uniforms.acquire(item.uniform.byteLength);
      transient.push([this.uniforms, uniform]);
      this.device.queue.writeBuffer(uniform, 0, item.uniform);
      const resources: Record<string, BufferBinding> = {
        ...item.resources,
        u: { buffer: uniform, offset: 0, size: item.uniform.byteLength },
      };
      return this.device.createBindGroup({
        layout: item.pipeline.layout,
        entries: item.pipeline.source.bindings.map((b, k) => ({ binding: k, resource: resources[b.name]! })),
      });
    });
    const pass = encoder.beginComputePass();
    items.forEach((item, k) => {
      pass.setPipeline(item.pipeline.pipeline!);
      pass.setBindGroup(0, groups[k]!);
      pass.dispatchWorkgroups(item.groups[0], item.groups[1]);
    });
    pass.end();
  }

  /** `take`: gathers and casts (see `wgsl/take-kernel.ts`). */
  private runTake(spec: TakeSpec, options: RunOptions): DeviceBuffer[] {
    const plan = planRun(spec, options, BACKEND_NAME);
    const src = this.buffers.slot(options.args[0]!, 'args[0]');
    const index = spec.indexed ? this.buffers.slot(options.args[1]!, 'args[1]') : undefined;
    const n = plan.outputLengths[0]!;
    const wg = workgroupSize(this.limits, this.tuning);
    const dispatches = takeSchedule(spec, n, src.length, this.limits, wg);
    const out = this.buffers.create(spec.dtype, n, n * byteSize(spec.dtype));
    if (dispatches.length === 0) return [out.handle];
    const pipeline = this.pipelines.get(`${spec.key}|take|${wg}`, () => takeKernel(spec, wg));
    const fail = (error: Error) => {
      out.slot.failed = error;
      this.runFailure ??= error;
    };
    this.queue.enqueue({
      waits: [pipeline],
      slots: index ? [src, index, out.slot] : [src, out.slot],
      encode: (encoder, sub) => {
        const failed = src.failed ?? index?.failed;
        if (failed) return fail(failed);
        const items = dispatches.map((d): PassItem => {
          const resources: Record<string, DataBinding> = {
            src: this.bindRange(src, d.src),
            out: this.bindRange(out.slot, d.out),
          };
          if (index) resources.idx = this.bindRange(index, d.out);
          const uniform = takeUniformData({
            ...d.fields,
            src_base: resources.src!.base,
            idx_base: resources.idx?.base ?? 0,
            out_base: resources.out!.base,
          });
          return { pipeline, groups: d.groups, uniform, resources };
        });
        this.encodePass(encoder, sub, items, []);
      },
      fail,
    });
    return [out.handle];
  }

  /** The binding of a whole buffer, or of the aligned sub-range holding `range`. */
  private bindRange(slot: Slot, range: ElementRange | undefined): DataBinding {
    if (!range) return { buffer: slot.gpu, offset: 0, size: ceil4(slot.bytes), base: 0 };
    const elem = byteSize(slot.dtype);
    const align = this.limits.storageAlign;
    const offset = Math.floor((range.lo * elem) / align) * align;
    return { buffer: slot.gpu, offset, size: ceil4(range.hi * elem - offset), base: offset / elem };
  }

  private lower(spec: FormulaSpec): LoweredKernel {
    let k = this.lowered.get(spec.key);
    if (!k) {
      k = lowerKernel(spec);
      this.lowered.set(spec.key, k);
    }
    return k;
  }

  /** The pipelines a schedule uses, by dispatch kind (see `dispatchKind`). */
  private pipelinesFor(
    spec: FormulaSpec,
    kernel: LoweredKernel,
    schedule: Schedule,
    red: ReduceShape | undefined,
    ranges: boolean,
  ): Map<string, Pipeline> {
    const out = new Map<string, Pipeline>();
    const wg = workgroupSize(this.limits, this.tuning);
    const float: FloatType = spec.dtype === 'float16' ? 'f16' : 'f32';
    for (const d of schedule.dispatches) {
      const kind = dispatchKind(d);
      if (out.has(kind)) continue;
      let make: () => KernelSource;
      let key: string;
      if (d.kernel === 'map') {
        key = `${spec.key}|map|${wg}`;
        make = () => mapKernel(kernel, wg, float);
      } else if (d.kernel === 'merge') {
        const mwg = red!.workgroupSize;
        key = `${spec.key}|merge|${mwg}|${d.end}`;
        make = () => mergeKernel(kernel, mwg, d.end, float);
      } else {
        const cfg = { ...red!, ranges, end: d.end, float };
        key = `${spec.key}|reduce|${cfg.workgroupSize}|${cfg.chunk}|${cfg.tiled}|${ranges}|${d.end}`;
        make = () => reduceKernel(kernel, cfg);
      }
      out.set(
        kind,
        this.pipelines.get(key, () => this.checkBindings(make())),
      );
    }
    return out;
  }

  /** Refuses a kernel needing more storage buffers than the device binds (before compiling it). */
  private checkBindings(source: KernelSource): KernelSource {
    const storage = source.bindings.filter((b) => b.kind !== 'uniform').length;
    if (storage > this.limits.maxStorageBuffers)
      throw new UnsupportedError(
        `this kernel needs ${storage} storage buffers but the device binds at most ${this.limits.maxStorageBuffers} per kernel; use fewer variables or the cpu backend`,
      );
    return source;
  }

  /**
   * Refuses what WGSL cannot compute here: float64 anywhere, and float16 on a device without
   * `shader-f16`. (A float16 accumulator is widened to float32, as `acc` always prints f32.)
   */
  private checkComputeDtype(spec: KernelSpec): void {
    const dtypes =
      spec.kind === 'take'
        ? { dtype: spec.dtype, 'source dtype': spec.srcDtype }
        : spec.kind === 'reduction'
          ? { dtype: spec.dtype, accumulator: spec.accumulator }
          : { dtype: spec.dtype };
    for (const [what, dtype] of Object.entries(dtypes)) {
      if (dtype === 'float64')
        throw new DTypeError(
          `run(spec): the webgpu backend computes in float32 and float16 (WGSL has no float64), but this kernel's ${what} is float64; run float64 kernels on a backend that has it ('cpu')`,
        );
      if (dtype !== 'float16' || what === 'accumulator') continue;
      if (spec.kind === 'take')
        throw new DTypeError(
          `run(spec): take kernels move float32 and int32 data, but this one's ${what} is float16; convert the data to float32 first`,
        );
      if (!this.dtypes.includes('float16'))
        throw new DTypeError(`run(spec): this kernel's ${what} is float16${whyNot('float16')}`);
    }
  }

  private checkUsable(): void {
    if (this.disposed)
      throw new ValueError('the webgpu backend was disposed; create a new one with webgpu()');
    if (this.queue.fatal) throw this.queue.fatal;
  }

  private die(error: Error): void {
    if (this.queue.fatal) return;
    this.queue.fatal = error;
    this.queue.failAll(error);
  }
}

function checkTuning(t: Tuning): Tuning {
  for (const [name, v] of [
    ['workgroupSize', t.workgroupSize],
    ['chunk', t.chunk],
    ['split', t.split === 'auto' ? undefined : t.split],
  ] as const)
    if (v !== undefined && (!Number.isInteger(v) || v < 1))
      throw new ValueError(`tuning.${name} must be an integer >= 1, got ${v}`);
  return t;
}

function dispatchKind(d: Dispatch): string {
  return `${d.kernel}|${d.end}`;
}

/** Why a dtype is missing from the backend's list, for error messages. */
function whyNot(dtype: DType): string {
  if (dtype === 'float64') return " (WGSL has no float64; the 'cpu' backend has it)";
  if (dtype === 'float16')
    return ` (float16 needs the device feature '${SHADER_F16}', which this device lacks; convert to float32 with fromFloat16, or use a device that has it)`;
  return '';
}
