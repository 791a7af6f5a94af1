/// <reference types="@webgpu/types" preserve="true" />
/**
 * @symtensor/backend-webgpu: runs `@symtensor/core-ir` kernel specs as generated WGSL through
 * WebGPU: Dawn in Node (the optional `webgpu` package), `navigator.gpu` in browsers.
 */
export { WebGpuBackend, type WebGpuBackendOptions } from './backend.js';
export { type WebGpuOptions, webgpu } from './create.js';
export { DeviceLostError, GpuError } from './errors.js';
export { fromFloat16, toFloat16 } from './float16.js';
export type { Tuning } from './schedule.js';
