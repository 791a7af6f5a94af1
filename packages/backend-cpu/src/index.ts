/**
 * @symtensor/backend-cpu: the default backend. Runs `@symtensor/core-ir` kernel specs on the CPU
 * with generated JavaScript, spread over worker threads.
 */
export { CpuBackend, type CpuOptions, cpu } from './backend.js';
export { WorkerCrashError } from './errors.js';
