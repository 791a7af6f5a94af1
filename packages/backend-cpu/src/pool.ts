/**
 * The worker pool (Node `worker_threads`). A job is one kernel run cut into chunks of rows; idle
 * workers pull the next chunk, so uneven rows (ranges) still balance. Buffers live on
 * SharedArrayBuffers, so a chunk message carries views, never data. Idle workers are unref'd: a
 * script that forgets `dispose()` still exits, while a pending job keeps the process alive.
 */
import type { Worker } from 'node:worker_threads';
import { CompileError, SymtensorError } from '@symtensor/core-ir';
import type { nodeWorkerThreads } from './env.js';
import { WorkerCrashError } from './errors.js';
import type { CompiledKernel } from './kernel-cache.js';
import { LruMap } from './lru.js';
import type { KernelTask } from './printer.js';
import { WORKER_SOURCE } from './worker-source.js';

type WorkerThreads = NonNullable<ReturnType<typeof nodeWorkerThreads>>;

/** The shared part of a job's chunks: everything but the row range. */
export type TaskBase = Omit<KernelTask, 'g0' | 'g1'>;

interface Job {
  readonly kernel: CompiledKernel;
  readonly base: TaskBase;
  readonly chunks: readonly (readonly [g0: number, g1: number])[];
  next: number;
  inFlight: number;
  settled: boolean;
  readonly resolve: () => void;
  readonly reject: (e: Error) => void;
}

interface Slot {
  readonly index: number;
  readonly worker: Worker;
  /** Kernel keys this worker has compiled (bounded like the main cache; evictions are sent along). */
  readonly known: LruMap<string, true>;
  job: Job | null;
  lastError: Error | undefined;
}

export class WorkerPool {
  /** One entry per thread; undefined after a worker died, until the next run replaces it. */
  private readonly slots: (Slot | undefined)[] = [];
  private readonly queue: Job[] = [];
  private nextMessage = 0;
  private disposed = false;

  constructor(
    private readonly size: number,
    private readonly wt: WorkerThreads,
    private readonly cacheLimit: number,
  ) {}

  /** Runs the chunks `[g0, g1)` of a job; resolves when all are done, rejects on the first failure. */
  run(kernel: CompiledKernel, base: TaskBase, chunks: readonly (readonly [number, number])[]): Promise<void> {
    if (this.disposed) return Promise.reject(new SymtensorError('cpu backend: the worker pool was disposed'));
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ kernel, base, chunks, next: 0, inFlight: 0, settled: false, resolve, reject });
      // Dead workers are replaced here, not when they die: a worker that cannot even start
      // then fails one run at a time instead of respawning in a loop.
      for (let index = 0; index < this.size; index++) this.slots[index] ??= this.spawn(index);
      this.dispatch();
    });
  }

  /** The live workers (tests use this to kill one mid-run). */
  get workers(): readonly Worker[] {
    return this.slots.flatMap((s) => (s ? [s.worker] : []));
  }

  /** Terminates every worker; queued and running jobs reject. */
  async dispose(): Promise<void> {
    this.disposed = true;
    const error = new SymtensorError('cpu backend: disposed while a kernel was running');
    for (const job of [...this.queue, ...this.slots.map((s) => s?.job)]) if (job) this.fail(job, error);
    await Promise.all(this.workers.map((w) => w.terminate()));
    this.slots.length = 0;
  }

  private spawn(index: number): Slot {
    const worker = new this.wt.Worker(WORKER_SOURCE, { eval: true });
    worker.unref();
    const slot: Slot = { index, worker, known: new LruMap(this.cacheLimit), job: null, lastError: undefined };
    worker.on('message', (m: { error?: string; compile?: boolean }) => this.onDone(slot, m));
    worker.on('error', (e: Error) => {
      slot.lastError = e;
    });
    worker.on('exit', (code: number) => this.onExit(slot, code));
    return slot;
  }

  private dispatch(): void {
    for (const slot of this.slots) {
      if (!slot || slot.job) continue;
      const job = this.queue[0];
      if (!job) return;
      const [g0, g1] = job.chunks[job.next++]!;
      if (job.next === job.chunks.length) this.queue.shift();
      const { key, source } = job.kernel;
      const known = slot.known.get(key) !== undefined;
      const drop = known ? undefined : slot.known.set(key, true);
      slot.job = job;
      job.inFlight++;
      slot.worker.ref();
      slot.worker.postMessage({
        id: this.nextMessage++,
        key,
        ...(known ? {} : { source }),
        ...(drop === undefined ? {} : { drop }),
        task: { ...job.base, g0, g1 },
      });
    }
  }

  private onDone(slot: Slot, m: { error?: string; compile?: boolean }): void {
    const job = slot.job;
    slot.job = null;
    slot.worker.unref();
    if (job) {
      job.inFlight--;
      if (m.error !== undefined) {
        // A worker caches only what compiled: forget the key so a retry sends the source again.
        if (m.compile) slot.known.delete(job.kernel.key);
        this.fail(
          job,
          m.compile
            ? new CompileError(
                `cpu backend: a worker could not compile kernel ${job.kernel.key}: ${m.error}`,
                job.kernel.source,
              )
            : new SymtensorError(`cpu backend: kernel ${job.kernel.key} threw in a worker: ${m.error}`),
        );
      } else if (!job.settled && job.next === job.chunks.length && job.inFlight === 0) {
        job.settled = true;
        job.resolve();
      }
    }
    this.dispatch();
  }

  private onExit(slot: Slot, code: number): void {
    if (this.disposed) return;
    const job = slot.job;
    const why = slot.lastError ? `crashed (${slot.lastError.message})` : `exited with code ${code}`;
    this.slots[slot.index] = undefined;
    if (job)
      this.fail(
        job,
        new WorkerCrashError(
          `cpu backend: worker thread ${slot.index} ${why} while running kernel ${job.kernel.key}; the pool replaces it on the next run, so running the kernel again is safe`,
        ),
      );
    this.dispatch();
  }

  private fail(job: Job, error: Error): void {
    if (job.settled) return;
    job.settled = true;
    const at = this.queue.indexOf(job);
    if (at >= 0) this.queue.splice(at, 1);
    job.reject(error);
  }
}
