/**
 * Host-memory buffers for the host backends (reference, and the program backend of the test kit): device buffers that are plain
 * typed arrays, with the bookkeeping a real backend has (ownership, free, live memory), so the
 * conformance suite can check that contract on them too.
 */
import type { DeviceBuffer, MemoryInfo } from '../backend.js';
import { type DType, dtypeOf, type TypedArray } from '../dtype.js';
import { DTypeError, ValueError } from '../errors.js';

export class HostBuffers {
  /** Live buffers and their data; a freed buffer is no longer a key. */
  private readonly live = new Map<DeviceBuffer, TypedArray>();

  constructor(
    readonly backend: string,
    readonly dtypes: readonly DType[],
  ) {}

  /** Copies host data into a new buffer (later changes to `data` do not reach the buffer). */
  upload(data: TypedArray): DeviceBuffer {
    const dtype = dtypeOf(data);
    if (!this.dtypes.includes(dtype))
      throw new DTypeError(
        `the ${this.backend} backend stores ${this.dtypes.join(', ')}, not ${dtype}; convert the data first`,
      );
    return this.adopt(data.slice());
  }

  /** Wraps a fresh array (a kernel output) as a buffer without copying. */
  adopt(data: TypedArray): DeviceBuffer {
    const buf: DeviceBuffer = Object.freeze({
      backend: this.backend,
      dtype: dtypeOf(data),
      length: data.length,
    });
    this.live.set(buf, data);
    return buf;
  }

  /** The data of one of our live buffers; `what` names it in the error. */
  data(buf: DeviceBuffer, what = 'buffer'): TypedArray {
    const data = this.live.get(buf);
    if (!data)
      throw new ValueError(
        buf.backend === this.backend
          ? `${what} was freed (or made by another ${this.backend} backend instance); upload the data again`
          : `${what} lives on the '${buf.backend}' backend, not '${this.backend}': download it and upload it here`,
      );
    return data;
  }

  download(buf: DeviceBuffer): Promise<TypedArray> {
    try {
      return Promise.resolve(this.data(buf).slice());
    } catch (e) {
      return Promise.reject(e);
    }
  }

  /** Frees a buffer; freeing twice is harmless. */
  free(buf: DeviceBuffer): void {
    this.live.delete(buf);
  }

  clear(): void {
    this.live.clear();
  }

  memory(): MemoryInfo {
    let bytes = 0;
    for (const data of this.live.values()) bytes += data.byteLength;
    return { buffers: this.live.size, bytes };
  }
}

/** Throws DTypeError unless the backend computes in the spec's dtype. */
export function checkComputeDtype(backend: string, dtypes: readonly DType[], dtype: DType): void {
  if (!dtypes.includes(dtype))
    throw new DTypeError(
      `the ${backend} backend computes in ${dtypes.filter((d) => d !== 'int32').join(', ')}, not ${dtype}`,
    );
}
