/**
 * The ordered operation queue between the backend's synchronous API and the GPU queue. Runs and
 * downloads are operations, encoded in call order into one command encoder and submitted
 * together (at the end of the current JavaScript task, at a download or sync, or every
 * `MAX_OPS_PER_SUBMIT` operations): few submissions, no hidden waits. An operation whose
 * pipeline is still compiling holds back the ones after it, so order is kept without blocking
 * the event loop.
 *
 * Every operation is encoded inside GPU error scopes and every submission too; the scopes'
 * results are chained per submission (`Submission.checked`), which downloads await before they
 * resolve, so a GPU error can never go unnoticed. Buffers an operation uses are held (`uses`)
 * until its submission has completed.
 */
import type { BufferRegistry, Slot } from './buffers.js';
import { GpuError } from './errors.js';

/** Something an operation waits for before it can be encoded (a compiling pipeline). */
export interface Waitable {
  readonly state: 'pending' | 'ready' | 'failed';
  readonly error: Error | undefined;
  readonly settled: Promise<void>;
}

export interface Submission {
  /** Run after the command buffer is submitted (mapAsync of downloads). */
  readonly afterSubmit: (() => void)[];
  /** Run once the GPU has completed the submission (releasing transient buffers). */
  readonly onDone: (() => void)[];
  /** Resolves with the first GPU error of this or an earlier submission, or undefined. */
  checked: Promise<Error | undefined>;
  /** Submit at once instead of at the end of the task (a download waits for it). */
  flushNow: boolean;
}

export interface Op {
  readonly waits: readonly Waitable[];
  /** Buffers the operation reads or writes. */
  readonly slots: readonly Slot[];
  /** Records the operation's commands; may throw, which fails the operation. */
  encode(encoder: GPUCommandEncoder, sub: Submission): void;
  /** The operation will not run: report `error` to whoever waits for it. */
  fail(error: Error): void;
}

const MAX_OPS_PER_SUBMIT = 64;

export class OpQueue {
  private readonly ops: Op[] = [];
  private encoder: GPUCommandEncoder | undefined;
  private current: Submission | undefined;
  private encoded = 0;
  private flushScheduled = false;
  private waiting = false;
  /** The last submission's check: each new one chains onto it. */
  private lastChecked: Promise<Error | undefined> = Promise.resolve(undefined);
  /** Set once the device is lost, the GPU reported an error, or the backend was disposed. */
  fatal: Error | undefined;

  constructor(
    private readonly device: GPUDevice,
    private readonly buffers: BufferRegistry,
    private readonly onFatal: (error: Error) => void,
  ) {}

  enqueue(op: Op): void {
    for (const s of op.slots) s.uses++;
    this.ops.push(op);
    this.pump();
  }

  /** Fails every queued operation (device lost, dispose). */
  failAll(error: Error): void {
    for (const op of this.ops.splice(0)) this.drop(op, error);
  }

  /** Submits what is encoded now. */
  flush(): void {
    const sub = this.current;
    const encoder = this.encoder;
    if (!sub || !encoder) return;
    this.current = undefined;
    this.encoder = undefined;
    this.encoded = 0;
    const device = this.device;
    device.pushErrorScope('out-of-memory');
    device.pushErrorScope('validation');
    device.queue.submit([encoder.finish()]);
    const validation = device.popErrorScope();
    const memory = device.popErrorScope();
    this.watch(sub, validation);
    this.watch(sub, memory);
    for (const f of sub.afterSubmit) f();
    device.queue.onSubmittedWorkDone().then(
      () => {
        for (const f of sub.onDone) f();
      },
      () => {},
    );
    this.lastChecked = sub.checked;
  }

  private pump(): void {
    while (this.ops.length > 0) {
      const op = this.ops[0]!;
      const pending = op.waits.find((w) => w.state === 'pending');
      if (pending) {
        if (!this.waiting) {
          this.waiting = true;
          pending.settled.then(() => {
            this.waiting = false;
            this.pump();
          });
        }
        break;
      }
      this.ops.shift();
      const failed = this.fatal ?? op.waits.find((w) => w.state === 'failed')?.error;
      if (failed) {
        this.drop(op, failed);
        continue;
      }
      this.encodeOne(op);
    }
    if (this.current?.flushNow || this.encoded >= MAX_OPS_PER_SUBMIT) this.flush();
    else if (this.current && !this.flushScheduled) {
      this.flushScheduled = true;
      queueMicrotask(() => {
        this.flushScheduled = false;
        this.flush();
      });
    }
  }

  private encodeOne(op: Op): void {
    if (!this.current) {
      this.encoder = this.device.createCommandEncoder();
      this.current = {
        afterSubmit: [],
        onDone: [],
        checked: this.lastChecked,
        flushNow: false,
      };
    }
    const sub = this.current;
    sub.onDone.push(() => {
      for (const s of op.slots) this.buffers.done(s);
    });
    const device = this.device;
    device.pushErrorScope('out-of-memory');
    device.pushErrorScope('validation');
    try {
      op.encode(this.encoder!, sub);
    } catch (e) {
      op.fail(e as Error);
    } finally {
      const validation = device.popErrorScope();
      const memory = device.popErrorScope();
      this.watch(sub, validation);
      this.watch(sub, memory);
      this.encoded++;
    }
  }

  private drop(op: Op, error: Error): void {
    op.fail(error);
    for (const s of op.slots) this.buffers.done(s);
  }

  /** Chains an error scope's result into the submission's check; a GPU error is fatal. */
  private watch(sub: Submission, scope: Promise<GPUError | null>): void {
    const found = scope.then(
      (err) => (err ? new GpuError(gpuErrorMessage(err.message)) : undefined),
      (e: unknown) => new GpuError(gpuErrorMessage(String(e))),
    );
    sub.checked = Promise.all([sub.checked, found]).then(([earlier, error]) => {
      if (error && !earlier) this.onFatal(error);
      return earlier ?? error;
    });
  }
}

function gpuErrorMessage(detail: string): string {
  return `the GPU reported an error for submitted work: ${detail}; dispose this backend and create a new one (unless this is an out-of-memory error, please report it as a bug of @symtensor/backend-webgpu)`;
}
