/** A buffer in CUDA device memory. */
import { byteSize, type DeviceBuffer, type DType } from '@symtensor/core-ir';

export class CudaBuffer implements DeviceBuffer {
  readonly backend = 'cuda';
  readonly bytes: number;
  /** Set when `free` was called (the memory itself may wait for pending reads). */
  freed = false;
  /** Downloads in progress: the device memory is released only after them. */
  reads = 0;
  /** Why the run writing this buffer failed, if it did. */
  error: Error | undefined;

  constructor(
    readonly owner: object,
    readonly dtype: DType,
    readonly length: number,
    /** Device address (0n for an empty buffer). */
    readonly ptr: bigint,
  ) {
    this.bytes = length * byteSize(dtype);
  }
}
