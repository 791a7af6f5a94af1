/**
 * @symtensor/backend-cpu: The default backend: runs kernel specs on the CPU with generated JavaScript (and, later, WebAssembly SIMD), spread over worker threads.
 *
 * Not implemented yet: see the project's open issues.
 */
export {};
