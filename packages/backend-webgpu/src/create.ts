/**
 * `webgpu(options)`: creates the backend on a given GPUDevice or on a new one (navigator.gpu in
 * browsers, Dawn through the optional `webgpu` package in Node). Throws
 * `BackendUnavailableError` when no WebGPU adapter can be had.
 */
import { WebGpuBackend, type WebGpuBackendOptions } from './backend.js';
import { acquireDevice } from './device.js';

export interface WebGpuOptions extends WebGpuBackendOptions {
  /**
   * Run on this device (shared with other WebGPU code, as TypeGPU does). The backend never
   * destroys a device it was given; it reports the device's loss as `DeviceLostError`.
   */
  readonly device?: GPUDevice;
  /** The `GPU` object to request an adapter from (default: `navigator.gpu`, or Dawn in Node). */
  readonly gpu?: GPU;
  readonly powerPreference?: GPUPowerPreference;
}

export async function webgpu(options: WebGpuOptions = {}): Promise<WebGpuBackend> {
  const { device, owned, description } = await acquireDevice(options);
  return new WebGpuBackend(device, owned, description, options);
}
