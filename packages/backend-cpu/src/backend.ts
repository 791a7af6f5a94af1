/**
 * `cpu()`: the CPU backend. `run` validates, compiles (cached) and enqueues at once; runs execute
 * one after the other in order. Small runs execute on the calling thread in a deferred job (a
 * worker round trip would cost more than the work); larger ones are cut into row chunks for the
 * worker pool. Without workers (browsers, `threads: 0`) large runs execute on the calling thread
 * in chunks that yield to the event loop between them.
 */
import {
  argBatchIndex,
  type Backend,
  BackendUnavailableError,
  type DeviceBuffer,
  type DType,
  DTypeError,
  dtypeOf,
  type FormulaSpec,
  type KernelSpec,
  type MemoryInfo,
  planRun,
  type RunOptions,
  SymtensorError,
  type TakeSpec,
  type TypedArray,
  takeConvert,
  ValueError,
} from '@symtensor/core-ir';
import { CpuBuffer } from './buffer.js';
import { defaultThreads, nodeWorkerThreads, yieldToEventLoop } from './env.js';
import { type CompiledKernel, type Engine, KernelCache } from './kernel-cache.js';
import { type TaskBase, WorkerPool } from './pool.js';
import { rowSpans } from './ranges.js';
import { wasmSimdSupported } from './wasm/support.js';

export interface CpuOptions {
  /**
   * Worker threads (Node). Default: `os.availableParallelism()`. `0` runs everything on the
   * calling thread, in chunks that yield to the event loop (the browser behaviour).
   */
  threads?: number;
  /**
   * Runs estimated below this much work (pairs x statements per pair) stay on the calling thread.
   * Default 2^20 (about a millisecond of work).
   */
  inlineWork?: number;
  /** Reduced indices per tile: the block of the block summation. Default 2048. */
  tile?: number;
  /** Compiled kernels kept in memory (least recently used dropped). Default 256. */
  cacheSize?: number;
  /**
   * Generated code: `'wasm'` (WebAssembly SIMD; kernels it cannot express, listed in the README,
   * still run as JavaScript), `'js'`, or `'auto'` (default): `'wasm'` where the runtime validates
   * a SIMD module, else `'js'`.
   */
  engine?: 'js' | 'wasm' | 'auto';
}

const DTYPES = ['float32', 'float64', 'int32'] as const satisfies readonly DType[];

/** Creates a CPU backend. */
export function cpu(options: CpuOptions = {}): CpuBackend {
  return new CpuBackend(options);
}

export class CpuBackend implements Backend {
  readonly name = 'cpu';
  readonly dtypes: readonly DType[] = DTYPES;
  /** Worker threads used for large runs (0: calling thread only). */
  readonly threads: number;
  /** The engine kernels are generated for (`auto` resolved). */
  readonly engine: Engine;
  private readonly inlineWork: number;
  private readonly kernels: KernelCache;
  private readonly pool: WorkerPool | undefined;
  private tail: Promise<void> = Promise.resolve();
  private disposed = false;
  private liveBuffers = 0;
  private liveBytes = 0;
  /** Safety net: buffers dropped without `free` leave the accounting once collected. */
  private readonly collected = new FinalizationRegistry<number>((bytes) => {
    if (this.disposed) return;
    this.liveBuffers--;
    this.liveBytes -= bytes;
  });

  constructor(options: CpuOptions) {
    const wt = nodeWorkerThreads();
    this.threads = checkCount('threads', options.threads ?? defaultThreads(), 0);
    if (this.threads > 0 && !wt)
      throw new ValueError(
        `cpu({ threads: ${this.threads} }): worker threads are unavailable here (no node:worker_threads); use threads: 0`,
      );
    this.inlineWork = checkCount('inlineWork', options.inlineWork ?? 2 ** 20, 0);
    const tile = checkCount('tile', options.tile ?? 2048, 1);
    const cacheSize = checkCount('cacheSize', options.cacheSize ?? 256, 1);
    const engine = options.engine ?? 'auto';
    if (engine !== 'js' && engine !== 'wasm' && engine !== 'auto')
      throw new ValueError(`cpu({ engine }): engine must be 'js', 'wasm' or 'auto', got ${String(engine)}`);
    const simd = wasmSimdSupported();
    if (engine === 'wasm' && !simd)
      throw new BackendUnavailableError(
        'cpu',
        "engine 'wasm' was asked for, but this runtime does not support WebAssembly SIMD; use engine: 'auto' or 'js'",
      );
    this.engine = engine === 'auto' ? (simd ? 'wasm' : 'js') : engine;
    this.kernels = new KernelCache({ tile, limit: cacheSize, engine: this.engine });
    this.pool = this.threads > 0 && wt ? new WorkerPool(this.threads, wt, cacheSize) : undefined;
  }

  upload(data: TypedArray): DeviceBuffer {
    this.checkAlive('upload');
    if (
      !ArrayBuffer.isView(data) ||
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
        `upload(data): the cpu backend stores ${DTYPES.join(', ')}, not float16 (Uint16Array); convert to a Float32Array, or use a backend with float16 support`,
      );
    const buf = this.alloc(dtype, data.length);
    buf.data!.set(data);
    return buf;
  }

  async download(buf: DeviceBuffer): Promise<TypedArray> {
    const own = this.own(buf, 'download(buf)');
    await own.ready;
    if (!own.data) throw new ValueError('download(buf): the buffer was freed; download before free()');
    // slice() copies into ordinary (non-shared) memory the caller owns.
    return own.data.slice();
  }

  free(buf: DeviceBuffer): void {
    const own = this.own(buf, 'free(buf)');
    if (!own.data) return;
    this.collected.unregister(own);
    this.liveBuffers--;
    this.liveBytes -= own.bytes;
    own.data = null;
  }

  run(spec: KernelSpec, options: RunOptions): DeviceBuffer[] {
    this.checkAlive('run');
    if (spec.kind === 'take') return this.runTake(spec, options);
    if (spec.dtype === 'float16' || (spec.kind === 'reduction' && spec.accumulator === 'float16'))
      throw new DTypeError(
        `run(spec): the cpu backend computes in float32 and float64, not float16; build the spec with dtype 'float32' (the webgpu backend can run float16)`,
      );
    const plan = planRun(spec, options, this.name);
    const kernel = this.kernels.get(spec);
    const ins = kernel.lowered.inputs.map((input) => {
      const arg = this.own(options.args[input.pos]!, `args[${input.pos}]`);
      if (!arg.data)
        throw new ValueError(`args[${input.pos}] was freed; keep it until the runs reading it are enqueued`);
      return { arg, data: arg.data };
    });
    const outs = kernel.lowered.outputs.map((o, n) =>
      this.alloc(o.type === 'i' ? 'int32' : spec.dtype, plan.outputLengths[n]!),
    );
    // Int32 offsets when every index fits: V8 then compiles the kernels' index arithmetic to
    // integer instructions (float64 offsets cost a conversion per load: 42 against 36 million
    // pairs/s for the Gaussian product's JavaScript kernel).
    const small = ins.every((i) => i.data.length < 2 ** 31);
    const inOffs = small
      ? new Int32Array(plan.batchSize * ins.length)
      : new Float64Array(plan.batchSize * ins.length);
    for (let b = 0; b < plan.batchSize; b++)
      kernel.lowered.inputs.forEach((v, n) => {
        const rowsOf = v.cat === 'p' ? 1 : v.cat === 'i' ? plan.rows : plan.reduced;
        inOffs[b * ins.length + n] = argBatchIndex(plan.batch, plan.argBatch[v.pos]!, b) * rowsOf * v.dim;
      });
    const spans = options.ranges ? rowSpans(options.ranges, plan.rows, (n) => new Int32Array(n)) : undefined;
    const base: TaskBase = {
      ins: ins.map((i) => i.data),
      outs: outs.map((o) => o.data!),
      rows: plan.rows,
      reduced: plan.reduced,
      inOffs,
      rowSeg: spans?.rowSeg ?? null,
      segSpan: spans?.segSpan ?? null,
      spans: spans?.spans ?? null,
    };
    const pairsPerRow =
      spec.kind === 'map' ? 1 : Math.max(1, spans ? spans.pairs / Math.max(1, plan.rows) : plan.reduced);
    const done = this.tail.then(() => {
      const failed = ins.find((i) => i.arg.error);
      if (failed)
        throw new SymtensorError(
          `an argument of this run comes from a run that failed (${failed.arg.error!.message}); fix or repeat that run first`,
        );
      return this.execute(kernel, base, plan.batchSize * plan.rows, pairsPerRow * kernel.cost);
    });
    // Failures surface through `download` of the outputs; the queue itself keeps going.
    this.tail = done.catch(() => undefined);
    for (const out of outs) {
      out.ready = done;
      done.catch((e: Error) => {
        out.error = e;
      });
    }
    return outs;
  }

  /** Data movement: a plain loop on the calling thread (memory-bound; workers would not pay off). */
  private runTake(spec: TakeSpec, options: RunOptions): DeviceBuffer[] {
    planRun(spec, options, this.name);
    const src = this.own(options.args[0]!, 'args[0]');
    const index = spec.indexed ? this.own(options.args[1]!, 'args[1]') : undefined;
    for (const [name, b] of [
      ['args[0]', src],
      ['args[1]', index],
    ] as const)
      if (b && !b.data)
        throw new ValueError(`${name} was freed; keep it until the runs reading it are enqueued`);
    const out = this.alloc(spec.dtype, options.nx);
    const srcData = src.data!;
    const idxData = index?.data as Int32Array | undefined;
    // Captured now: the output may be freed (e.g. by tidy) before this job runs.
    const o = out.data!;
    const done = this.tail.then(() => {
      const failed = [src, index].find((b) => b?.error);
      if (failed)
        throw new SymtensorError(
          `an argument of this take comes from a run that failed (${failed.error!.message})`,
        );
      const n = options.nx;
      const len = srcData.length;
      for (let k = 0; k < n; k++) {
        const at = idxData ? idxData[k]! : k;
        o[k] = at >= 0 && at < len ? takeConvert(spec, srcData[at]!) : spec.fill;
      }
    });
    this.tail = done.catch(() => undefined);
    out.ready = done;
    done.catch((e: Error) => {
      out.error = e;
    });
    return [out];
  }

  sync(): Promise<void> {
    return this.tail;
  }

  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    await this.pool?.dispose();
    this.liveBuffers = 0;
    this.liveBytes = 0;
  }

  memory(): MemoryInfo {
    return { buffers: this.liveBuffers, bytes: this.liveBytes };
  }

  /**
   * What a kernel spec runs as on this backend: `'wasm'` or `'js'`, with the reason when a
   * WebAssembly backend keeps it on JavaScript. Compiles (and caches) the kernel.
   */
  kernelEngine(spec: FormulaSpec): { engine: Engine; fallback?: string } {
    this.checkAlive('kernelEngine');
    const { engine, fallback } = this.kernels.get(spec);
    return fallback === undefined ? { engine } : { engine, fallback };
  }

  /** The worker pool, if any (tests use it to kill a worker mid-run). */
  get workerPool(): WorkerPool | undefined {
    return this.pool;
  }

  private async execute(
    kernel: CompiledKernel,
    base: TaskBase,
    totalRows: number,
    workPerRow: number,
  ): Promise<void> {
    if (totalRows === 0) return;
    if (this.pool && totalRows * workPerRow >= this.inlineWork) {
      // A few chunks per worker: idle workers pull the next one, which balances uneven rows.
      const count = Math.min(totalRows, this.threads * 4);
      const chunks = Array.from(
        { length: count },
        (_, c) => [Math.floor((c * totalRows) / count), Math.floor(((c + 1) * totalRows) / count)] as const,
      );
      return this.pool.run(kernel, base, chunks);
    }
    const step = Math.max(1, Math.floor(this.inlineWork / workPerRow));
    for (let g = 0; g < totalRows; g += step) {
      if (g > 0) await yieldToEventLoop();
      kernel.fn({ ...base, g0: g, g1: Math.min(totalRows, g + step) });
    }
  }

  private alloc(dtype: DType, length: number): CpuBuffer {
    const buf = new CpuBuffer(this, dtype, length);
    this.liveBuffers++;
    this.liveBytes += buf.bytes;
    this.collected.register(buf, buf.bytes, buf);
    return buf;
  }

  /** The buffer as this backend's own (freed or not: callers decide what a freed one means). */
  private own(buf: DeviceBuffer, what: string): CpuBuffer {
    this.checkAlive(what);
    if (!(buf instanceof CpuBuffer) || buf.owner !== this)
      throw new ValueError(
        `${what} is not a buffer of this cpu backend (it lives on '${buf?.backend}'); download it and upload it here`,
      );
    return buf;
  }

  private checkAlive(what: string): void {
    if (this.disposed)
      throw new ValueError(`${what}: this cpu backend was disposed; create a new one with cpu()`);
  }
}

function checkCount(name: string, v: number, min: number): number {
  if (!Number.isInteger(v) || v < min)
    throw new ValueError(`cpu({ ${name} }): ${name} must be an integer >= ${min}, got ${v}`);
  return v;
}
