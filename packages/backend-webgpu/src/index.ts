/**
 * @symtensor/backend-webgpu: WGSL code generation and execution through WebGPU: Dawn in Node (the webgpu npm package), navigator.gpu in browsers.
 *
 * Not implemented yet: see the project's open issues.
 */
export {};
