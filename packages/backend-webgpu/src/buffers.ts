/**
 * The live device buffers of one backend: the `DeviceBuffer` handles users hold, each backed by a
 * pooled GPU buffer (a slot). A slot outlives its handle while queued or running work still uses
 * it (`uses`), so freeing an input right after the run that reads it is safe; it returns to the
 * pool when both the handle is freed and the work is done.
 */
import { type DeviceBuffer, type DType, type MemoryInfo, ValueError } from '@symtensor/core-ir';
import type { BufferPool } from './pool.js';

export interface Slot {
  readonly gpu: GPUBuffer;
  readonly dtype: DType;
  readonly length: number;
  /** Bytes of data (the GPU buffer may be larger: size classes). */
  readonly bytes: number;
  /** Queued or running operations using the buffer. */
  uses: number;
  freed: boolean;
  /** Set when the work meant to write this buffer failed: downloads and later runs report it. */
  failed?: Error;
}

export const BACKEND_NAME = 'webgpu';

export class BufferRegistry {
  private readonly live = new Map<DeviceBuffer, Slot>();
  private liveBytes = 0;

  constructor(private readonly pool: BufferPool) {}

  /** A new buffer of `length` elements of `dtype` (`bytes` of data). */
  create(dtype: DType, length: number, bytes: number): { handle: DeviceBuffer; slot: Slot } {
    const slot: Slot = { gpu: this.pool.acquire(bytes), dtype, length, bytes, uses: 0, freed: false };
    const handle: DeviceBuffer = Object.freeze({ backend: BACKEND_NAME, dtype, length });
    this.live.set(handle, slot);
    this.liveBytes += bytes;
    return { handle, slot };
  }

  /** The slot of a live buffer; `what` names the argument in the error. */
  slot(buf: DeviceBuffer, what: string): Slot {
    const slot = this.live.get(buf);
    if (!slot)
      throw new ValueError(
        buf.backend === BACKEND_NAME
          ? `${what} was freed (or made by another webgpu backend instance); upload the data again`
          : `${what} lives on the '${buf.backend}' backend, not '${BACKEND_NAME}': download it and upload it here`,
      );
    return slot;
  }

  /** Frees a handle (twice is harmless); the GPU buffer follows once no work uses it. */
  free(buf: DeviceBuffer): void {
    const slot = this.live.get(buf);
    if (!slot) return;
    this.live.delete(buf);
    this.liveBytes -= slot.bytes;
    slot.freed = true;
    this.recycle(slot);
  }

  /** Called when an operation using the slot is done with it. */
  done(slot: Slot): void {
    slot.uses--;
    this.recycle(slot);
  }

  private recycle(slot: Slot): void {
    if (slot.freed && slot.uses === 0) this.pool.release(slot.gpu);
  }

  memory(): MemoryInfo {
    return { buffers: this.live.size, bytes: this.liveBytes };
  }

  /** Destroys every live buffer (dispose). */
  clear(): void {
    for (const slot of this.live.values()) slot.gpu.destroy();
    this.live.clear();
    this.liveBytes = 0;
  }
}
