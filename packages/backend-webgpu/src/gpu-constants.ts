/**
 * WebGPU flag values, fixed by the specification. Node's `webgpu` package keeps `GPUBufferUsage`
 * and friends in an object of its own rather than in globals, and browsers have them as globals:
 * the numbers are the same everywhere, so the package uses them directly.
 */
export const BufferUsage = {
  MAP_READ: 0x0001,
  COPY_SRC: 0x0004,
  COPY_DST: 0x0008,
  UNIFORM: 0x0040,
  STORAGE: 0x0080,
} as const;

/** GPUMapMode.READ. */
export const MAP_MODE_READ = 0x0001;
export const SHADER_STAGE_COMPUTE = 0x4;
