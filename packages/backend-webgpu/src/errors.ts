/** Errors specific to the WebGPU backend. */
import { BackendUnavailableError, SymtensorError } from '@symtensor/core-ir';

/**
 * The GPU device was lost (driver reset, `device.destroy()`, the browser reclaiming it): pending
 * work is rejected with this error and the backend is unusable. Create a new one with `webgpu()`.
 */
export class DeviceLostError extends BackendUnavailableError {
  override name = 'DeviceLostError';
  constructor(reason: string) {
    super('webgpu', `the GPU device was lost (${reason}); create a new backend with webgpu()`);
  }
}

/**
 * The GPU reported an error for work this backend submitted (out of memory, or a validation
 * error, which is a bug of this package: please report it). Results computed since may be wrong,
 * so the backend refuses further work: dispose it and create a new one.
 */
export class GpuError extends SymtensorError {
  override name = 'GpuError';
}
