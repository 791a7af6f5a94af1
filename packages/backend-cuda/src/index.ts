/**
 * @symtensor/backend-cuda: CUDA C++ code generation, a node-addon-api addon that loads the CUDA driver and NVRTC at run time, and a content-hashed disk cache of compiled kernels.
 *
 * Not implemented yet: see the project's open issues.
 */
export {};
