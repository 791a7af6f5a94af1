/**
 * A CUDA device as the backend uses it: the addon's device (one stream orders everything) plus
 * the waits, done by polling, and downloads streamed through the addon's page-locked chunks.
 */

import { setTimeout as sleep } from 'node:timers/promises';
import type {
  DeviceInfo,
  EventHandle,
  FunctionHandle,
  ModuleHandle,
  NativeAddon,
  NativeDevice,
} from '../native/addon.js';
import { waitUntil } from './poll.js';

/** Bytes per staging chunk (native/device.cc's kChunkBytes). */
export const CHUNK_BYTES = 4 << 20;

/** Chunk copies a download keeps in flight (a pipeline deep enough to overlap copy-out and DMA). */
const DOWNLOAD_DEPTH = 8;

export class CudaDevice {
  readonly info: DeviceInfo;
  /** `sm_<major><minor>`: the architecture kernels are compiled for. */
  readonly arch: string;
  private readonly native: NativeDevice;

  constructor(
    addon: NativeAddon,
    readonly ordinal: number,
  ) {
    this.info = addon.deviceInfo(ordinal);
    this.arch = `sm_${this.info.major}${this.info.minor}`;
    this.native = new addon.Device(ordinal);
  }

  /** A device pointer (0n for an empty buffer: CUDA refuses zero-byte allocations). */
  alloc(bytes: number): bigint {
    return bytes === 0 ? 0n : this.native.alloc(bytes);
  }

  free(ptr: bigint): void {
    if (ptr !== 0n) this.native.free(ptr);
  }

  upload(ptr: bigint, data: ArrayBufferView): void {
    if (data.byteLength > 0) this.native.upload(ptr, data);
  }

  /** Copies `dest.byteLength` bytes from `ptr` once the commands before have run. */
  async download(ptr: bigint, dest: ArrayBufferView): Promise<void> {
    const total = dest.byteLength;
    const queued: { chunk: number; at: number }[] = [];
    let next = 0;
    try {
      while (next < total || queued.length > 0) {
        while (next < total && queued.length < DOWNLOAD_DEPTH) {
          const n = Math.min(CHUNK_BYTES, total - next);
          const chunk = this.native.readChunk(ptr, next, n);
          if (chunk < 0) break;
          queued.push({ chunk, at: next });
          next += n;
        }
        const head = queued[0];
        // Every chunk is held by other downloads: they release theirs on later turns.
        if (!head) {
          await sleep(1);
          continue;
        }
        await waitUntil(() => this.native.chunkReady(head.chunk));
        queued.shift();
        this.native.takeChunk(head.chunk, dest, head.at);
      }
    } finally {
      // On failure, release the chunks still held. A query that throws means the stream failed,
      // which leaves the whole context unusable: the error being thrown is the one to report.
      for (const q of queued)
        try {
          if (this.native.chunkReady(q.chunk)) this.native.takeChunk(q.chunk);
        } catch {}
    }
  }

  loadModule(cubin: Uint8Array): ModuleHandle {
    return this.native.loadModule(cubin);
  }

  unloadModule(module: ModuleHandle): void {
    this.native.unloadModule(module);
  }

  getFunction(module: ModuleHandle, name: string): FunctionHandle {
    return this.native.getFunction(module, name);
  }

  launch(fn: FunctionHandle, gridX: number, gridY: number, blockX: number, params: BigInt64Array): void {
    this.native.launch(fn, gridX, gridY, blockX, params);
  }

  /** An event after everything enqueued so far. */
  record(): EventHandle {
    return this.native.record();
  }

  /** Whether an event has passed (throws the stream's error if the work before it failed). */
  passed(event: EventHandle): boolean {
    return this.native.query(event);
  }

  destroyEvent(event: EventHandle): void {
    this.native.destroyEvent(event);
  }

  /** Resolves once everything enqueued so far has run. */
  async drain(): Promise<void> {
    const event = this.native.record();
    try {
      await waitUntil(() => this.native.query(event));
    } finally {
      this.native.destroyEvent(event);
    }
  }

  memInfo(): { free: number; total: number } {
    return this.native.memInfo();
  }

  close(): void {
    this.native.close();
  }
}
