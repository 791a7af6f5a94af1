/**
 * A pool of GPU buffers of one usage, keyed by size class (powers of two and 1.5x powers of two,
 * so a reused buffer wastes at most a third of itself). Buffers enter the pool only once the GPU
 * is done with them (the caller's job: see `queue.ts`), so a reused buffer is never written while
 * earlier work still reads it. The pool keeps at most `maxBytes` idle; beyond that, released
 * buffers are destroyed.
 */
export class BufferPool {
  private readonly idle = new Map<number, GPUBuffer[]>();
  private idleBytes = 0;

  constructor(
    private readonly device: GPUDevice,
    private readonly usage: number,
    private readonly maxBytes: number,
    private readonly maxBufferSize: number,
  ) {}

  /** A buffer of at least `bytes` bytes (at least 16: WebGPU binds no empty buffer). */
  acquire(bytes: number): GPUBuffer {
    const size = sizeClass(bytes, this.maxBufferSize);
    const list = this.idle.get(size);
    const reused = list?.pop();
    if (reused) {
      this.idleBytes -= size;
      return reused;
    }
    return this.device.createBuffer({ size, usage: this.usage });
  }

  /** Gives back a buffer the GPU no longer uses. */
  release(buffer: GPUBuffer): void {
    const size = buffer.size;
    if (this.idleBytes + size > this.maxBytes) {
      buffer.destroy();
      return;
    }
    let list = this.idle.get(size);
    if (!list) {
      list = [];
      this.idle.set(size, list);
    }
    list.push(buffer);
    this.idleBytes += size;
  }

  clear(): void {
    for (const list of this.idle.values()) for (const b of list) b.destroy();
    this.idle.clear();
    this.idleBytes = 0;
  }
}

/** The size class of a request: the next power of two or 1.5x power of two, capped at the device maximum. */
function sizeClass(bytes: number, maxBufferSize: number): number {
  const need = Math.max(16, Math.ceil(bytes / 4) * 4);
  let p = 16;
  while (p < need) p *= 2;
  const size = (p * 3) / 4 >= need && p >= 32 ? (p * 3) / 4 : p;
  return Math.min(size, Math.max(need, Math.floor(maxBufferSize / 4) * 4));
}
