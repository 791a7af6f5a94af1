/**
 * Device buffers of the CPU backend: typed arrays over shared memory (so worker threads write
 * outputs in place), with the promise of the run that writes them.
 */
import type { DeviceBuffer, DType, TypedArray } from '@symtensor/core-ir';
import { allocBacking } from './env.js';

const RESOLVED = Promise.resolve();

export class CpuBuffer implements DeviceBuffer {
  readonly backend = 'cpu';
  /** Host memory, null once freed (runs already enqueued hold their own reference). */
  data: TypedArray | null;
  /** Settles when the run writing this buffer is done; rejects when that run failed. */
  ready: Promise<void> = RESOLVED;
  /** Set when the run writing this buffer failed. */
  error: Error | undefined;

  constructor(
    /** The backend instance that made it (buffers never cross instances). */
    readonly owner: object,
    readonly dtype: DType,
    readonly length: number,
  ) {
    this.data = allocTypedShared(dtype, length);
  }

  get bytes(): number {
    return this.data ? this.data.byteLength : 0;
  }
}

/** A zeroed typed array of the dtype on shared memory (plain memory where sharing is unavailable). */
export function allocTypedShared(dtype: DType, length: number): TypedArray {
  switch (dtype) {
    case 'float64':
      return new Float64Array(allocBacking(8 * length));
    case 'float32':
      return new Float32Array(allocBacking(4 * length));
    case 'int32':
      return new Int32Array(allocBacking(4 * length));
    case 'float16':
      return new Uint16Array(allocBacking(2 * length));
  }
}
