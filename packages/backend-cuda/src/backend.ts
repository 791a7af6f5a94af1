/**
 * The CUDA backend. Every device command goes to one stream, in call order, and nothing waits
 * for the GPU except `download` and `sync`, which poll. `run` validates and prints its kernel at
 * once (typed errors are thrown by `run` itself); a kernel still compiling is launched from a
 * small JS queue once ready, and while that queue is not empty every later command (launches,
 * frees) joins it, so the stream always sees the calls' order.
 */
import {
  allocTyped,
  type Backend,
  byteSize,
  type DeviceBuffer,
  type DType,
  DTypeError,
  dtypeOf,
  type KernelSpec,
  type MemoryInfo,
  planRun,
  type RunOptions,
  SymtensorError,
  type TakeSpec,
  type TypedArray,
  ValueError,
} from '@symtensor/core-ir';
import { CudaBuffer } from './buffer.js';
import { BLOCK, type KernelLayout } from './codegen/layout.js';
import type { CudaDevice } from './device/cuda-device.js';
import type { Jit } from './jit/jit.js';
import { type Entry, type Kernel, KernelStore } from './kernels.js';
import {
  type Launches,
  type Limits,
  mapLaunches,
  reductionLaunches,
  type TempRef,
  takeLaunches,
} from './launch-plan.js';
import type { EventHandle, ModuleHandle } from './native/addon.js';
import { type ArgValue, packParams } from './params.js';

const DTYPES = ['float32', 'float64', 'int32'] as const satisfies readonly DType[];

export interface CudaBackendOptions {
  /** Kernels kept compiled and loaded (least recently used dropped). */
  readonly cacheSize: number;
  /** Fewest reduced indices per chunk of the split scheme (see `CudaOptions.splitMinChunk`). */
  readonly splitMinChunk?: number;
}

export class CudaBackend implements Backend {
  readonly name = 'cuda';
  readonly dtypes: readonly DType[] = DTYPES;
  private readonly kernels: KernelStore;
  private readonly limits: Limits;
  /** Commands waiting for a kernel to compile, and everything submitted after them. */
  private queue: Promise<void> = Promise.resolve();
  private queued = 0;
  /** Modules dropped from the cache, unloaded once `event` has passed. */
  private retired: { module: ModuleHandle; event: EventHandle }[] = [];
  /** Addresses of device memory not yet released, to release at dispose. */
  private readonly live = new Set<bigint>();
  private liveBuffers = 0;
  private liveBytes = 0;
  private disposed = false;
  /** Safety net: a buffer collected without `free` releases its device memory then. */
  private readonly collected = new FinalizationRegistry<{ ptr: bigint; bytes: number }>(({ ptr, bytes }) => {
    if (this.disposed) return;
    this.liveBuffers--;
    this.liveBytes -= bytes;
    this.releaseMemory(ptr);
  });

  constructor(
    readonly device: CudaDevice,
    readonly jit: Jit,
    options: CudaBackendOptions,
  ) {
    this.limits = {
      multiprocessors: device.info.multiprocessors,
      maxGridX: device.info.maxGridX,
      ...(options.splitMinChunk === undefined ? {} : { splitMinChunk: options.splitMinChunk }),
    };
    this.kernels = new KernelStore(device, jit, options.cacheSize, (module) => {
      this.submit(true, () => {
        this.retired.push({ module, event: this.device.record() });
      });
    });
  }

  upload(data: TypedArray): DeviceBuffer {
    this.checkAlive('upload');
    if (
      !(
        data instanceof Float32Array ||
        data instanceof Float64Array ||
        data instanceof Int32Array ||
        data instanceof Uint16Array
      )
    )
      throw new ValueError('upload(data): data must be a Float32Array, Float64Array or Int32Array');
    const dtype = dtypeOf(data);
    if (dtype === 'float16')
      throw new DTypeError(
        `upload(data): the cuda backend stores ${DTYPES.join(', ')}, not float16 (Uint16Array); convert to a Float32Array`,
      );
    const buf = this.alloc(dtype, data.length);
    this.device.upload(buf.ptr, data);
    return buf;
  }

  async download(buf: DeviceBuffer): Promise<TypedArray> {
    const own = this.own(buf, 'download(buf)');
    if (own.freed) throw new ValueError('download(buf): the buffer was freed; download before free()');
    own.reads++;
    try {
      await this.queue;
      if (own.error) throw own.error;
      const out = allocTyped(own.dtype, own.length);
      await this.device.download(own.ptr, out).catch((e: unknown) => {
        throw deviceError(e);
      });
      return out;
    } finally {
      own.reads--;
      if (own.freed && own.reads === 0) this.releaseMemory(own.ptr);
      this.reap();
    }
  }

  free(buf: DeviceBuffer): void {
    const own = this.own(buf, 'free(buf)');
    if (own.freed) return;
    own.freed = true;
    this.collected.unregister(own);
    this.liveBuffers--;
    this.liveBytes -= own.bytes;
    if (own.reads === 0) this.releaseMemory(own.ptr);
  }

  run(spec: KernelSpec, options: RunOptions): DeviceBuffer[] {
    this.checkAlive('run');
    if (spec.kind === 'take') return this.runTake(spec, options);
    if (spec.dtype === 'float16' || (spec.kind === 'reduction' && spec.accumulator === 'float16'))
      throw new DTypeError(
        `run(spec): the cuda backend computes in float32 and float64, not float16; build the spec with dtype 'float32'`,
      );
    const plan = planRun(spec, options, this.name);
    const kernel = this.kernels.get(spec);
    const ins = kernel.inputs.map((v) => this.arg(options.args[v.pos]!, `args[${v.pos}]`));
    const outs = kernel.outputs.map((o, n) =>
      this.alloc(o.type === 'i' ? 'int32' : spec.dtype, plan.outputLengths[n]!),
    );
    const { layout } = kernel;
    const base = { plan, ins: ins.map((b) => b.ptr), outs: outs.map((b) => b.ptr), limits: this.limits };
    // Planned now, so that sizes the device cannot take throw from run(); executed once ready.
    let planned: Launches;
    try {
      if (layout.kind === 'reduction')
        planned = reductionLaunches({ ...base, layout, inputs: kernel.inputs, ranges: options.ranges });
      else if (layout.kind === 'map') planned = mapLaunches({ ...base, layout, inputs: kernel.inputs });
      else throw new Error('a formula spec printed a take kernel');
    } catch (e) {
      for (const out of outs) this.free(out);
      throw e;
    }
    this.launch(kernel, planned, ins, outs);
    return outs;
  }

  private runTake(spec: TakeSpec, options: RunOptions): DeviceBuffer[] {
    planRun(spec, options, this.name);
    const kernel = this.kernels.get(spec);
    const src = this.arg(options.args[0]!, 'args[0]');
    const index = spec.indexed ? this.arg(options.args[1]!, 'args[1]') : undefined;
    const out = this.alloc(spec.dtype, options.nx);
    if (kernel.layout.kind !== 'take') throw new Error('a take spec printed a formula kernel');
    const planned = takeLaunches({
      layout: kernel.layout,
      src: src.ptr,
      srcLength: src.length,
      index: index?.ptr ?? 0n,
      out: out.ptr,
      n: options.nx,
      limits: this.limits,
    });
    this.launch(kernel, planned, index ? [src, index] : [src], [out]);
    return [out];
  }

  /** Launches now if nothing is queued and the kernel is loaded, else through the queue. */
  private launch(
    kernel: Kernel,
    planned: Launches,
    ins: readonly CudaBuffer[],
    outs: readonly CudaBuffer[],
  ): void {
    // An input whose run failed fails this run too, with that cause (checked when this run's turn
    // comes: the failure of an earlier queued run is known by then).
    const checkInputs = () => {
      const failed = ins.find((b) => b.error);
      if (failed)
        throw new SymtensorError(
          `an argument of this run comes from a run that failed (${failed.error!.message}); fix or repeat that run first`,
        );
    };
    const ready = kernel.loaded.ready;
    const done = ready
      ? this.submit(true, () => {
          checkInputs();
          this.execute(kernel.layout, ready, planned);
        })
      : this.submit(false, async () => {
          checkInputs();
          const { entry } = await kernel.loaded.promise;
          this.execute(kernel.layout, entry, planned);
        });
    done.catch((e: unknown) => {
      for (const out of outs) out.error = e instanceof SymtensorError ? e : deviceError(e);
    });
  }

  /** Allocates the run's temporaries, launches its steps, and frees the temporaries after them. */
  private execute(layout: KernelLayout, entry: Entry, planned: Launches): void {
    const ptrs: bigint[] = [];
    try {
      for (const t of planned.temps) {
        const ptr = this.device.alloc(t.bytes);
        ptrs.push(ptr);
        if (t.data) this.device.upload(ptr, t.data);
      }
      for (const step of planned.steps) {
        const values: Record<string, ArgValue> = {};
        for (const [name, v] of Object.entries(step.args))
          values[name] = typeof v === 'object' ? ptrs[(v as TempRef).temp]! : v;
        const merge = step.fn === 'merge';
        if (merge && (layout.kind !== 'reduction' || !entry.merge))
          throw new Error('merge step without a merge kernel');
        const params = layout.kind === 'reduction' && merge ? layout.mergeParams : layout.params;
        this.device.launch(
          merge ? entry.merge! : entry.main,
          step.gridX,
          step.gridY,
          BLOCK,
          packParams(params, values),
        );
      }
    } finally {
      for (const ptr of ptrs) this.device.free(ptr);
    }
  }

  /**
   * Runs `op` now when nothing is queued and `now` allows it, else after the queued commands.
   * The returned promise settles with `op`.
   */
  private submit(now: boolean, op: () => void | Promise<void>): Promise<void> {
    if (now && this.queued === 0) {
      try {
        op();
        return Promise.resolve();
      } catch (e) {
        return Promise.reject(e);
      }
    }
    this.queued++;
    const done = this.queue.then(op).finally(() => {
      this.queued--;
    });
    this.queue = done.catch(() => undefined);
    return done;
  }

  async sync(): Promise<void> {
    this.checkAlive('sync');
    await this.queue;
    await this.device.drain().catch((e: unknown) => {
      throw deviceError(e);
    });
    this.reap();
  }

  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    await this.queue;
    for (const ptr of this.live) this.device.free(ptr);
    this.live.clear();
    this.liveBuffers = 0;
    this.liveBytes = 0;
    try {
      await this.device.drain();
    } catch {
      // A failed stream cannot drain; its context goes with close() below all the same.
    }
    for (const { module, event } of this.retired) {
      this.device.destroyEvent(event);
      this.device.unloadModule(module);
    }
    this.retired = [];
    for (const module of await this.kernels.drop()) this.device.unloadModule(module);
    this.device.close();
  }

  memory(): MemoryInfo {
    return { buffers: this.liveBuffers, bytes: this.liveBytes };
  }

  /** Free and total device memory, as the driver reports them (all processes included). */
  deviceMemory(): { free: number; total: number } {
    this.checkAlive('deviceMemory');
    return this.device.memInfo();
  }

  /** Unloads the retired modules whose launches have run. */
  private reap(): void {
    if (this.disposed) return;
    this.retired = this.retired.filter(({ module, event }) => {
      let passed = false;
      try {
        passed = this.device.passed(event);
      } catch {
        return true;
      }
      if (!passed) return true;
      this.device.destroyEvent(event);
      this.device.unloadModule(module);
      return false;
    });
  }

  private alloc(dtype: DType, length: number): CudaBuffer {
    const bytes = length * byteSize(dtype);
    const buf = new CudaBuffer(this, dtype, length, this.device.alloc(bytes));
    if (buf.ptr !== 0n) this.live.add(buf.ptr);
    this.liveBuffers++;
    this.liveBytes += bytes;
    this.collected.register(buf, { ptr: buf.ptr, bytes }, buf);
    return buf;
  }

  /** Frees device memory in stream order (after the commands queued so far). */
  private releaseMemory(ptr: bigint): void {
    if (ptr === 0n) return;
    this.live.delete(ptr);
    this.submit(true, () => this.device.free(ptr)).catch(() => undefined);
  }

  /** An argument buffer of this backend that has not been freed. */
  private arg(buf: DeviceBuffer, what: string): CudaBuffer {
    const own = this.own(buf, what);
    if (own.freed) throw new ValueError(`${what} was freed; keep it until the runs reading it are enqueued`);
    return own;
  }

  private own(buf: DeviceBuffer, what: string): CudaBuffer {
    this.checkAlive(what);
    if (!(buf instanceof CudaBuffer) || buf.owner !== this)
      throw new ValueError(
        `${what} is not a buffer of this cuda backend (it lives on '${buf?.backend}'); download it and upload it here`,
      );
    return buf;
  }

  private checkAlive(what: string): void {
    if (this.disposed)
      throw new ValueError(`${what}: this cuda backend was disposed; create a new one with cuda()`);
  }
}

/** An error from the driver, as a SymtensorError that says what it means for the backend. */
function deviceError(e: unknown): Error {
  if (e instanceof SymtensorError) return e;
  const message = e instanceof Error ? e.message : String(e);
  return new SymtensorError(
    `the CUDA device reported ${message}; after a failed kernel the device context is unusable: dispose() this backend and create a new one`,
  );
}
