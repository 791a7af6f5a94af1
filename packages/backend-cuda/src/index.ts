/**
 * @symtensor/backend-cuda: runs core-ir kernel specs on NVIDIA GPUs. Kernels are printed as CUDA
 * C++, compiled with NVRTC (or nvcc) to CUBIN, cached on disk by content hash, and launched
 * through a native addon that opens the CUDA driver at run time.
 */
export { CudaBackend } from './backend.js';
export type { KernelLayout } from './codegen/layout.js';
export { type KernelSource, kernelSource } from './codegen/source.js';
export { type CudaOptions, cuda } from './create.js';
export type { CompilerChoice } from './jit/select.js';
export type { DeviceInfo } from './native/addon.js';
