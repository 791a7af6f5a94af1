/**
 * @symtensor/backend-cpu: the default backend. Runs `@symtensor/core-ir` kernel specs on the CPU
 * with generated WebAssembly SIMD or JavaScript, spread over worker threads.
 */
export { CpuBackend, type CpuOptions, cpu } from './backend.js';
export { WorkerCrashError } from './errors.js';
export type { Engine } from './kernel-cache.js';
