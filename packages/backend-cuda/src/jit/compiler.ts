/**
 * What the JIT needs from a CUDA compiler (NVRTC in-process, or `nvcc` as a child process), and
 * the options every kernel is compiled with.
 */

/**
 * Flags shared by both compilers. No fast-math flag, ever: the kernels must keep IEEE NaN and
 * infinity semantics and correctly rounded division and square root (the conformance suite checks
 * NaN propagation and special values). `--fmad=false` keeps `a * b + c` as two rounded operations,
 * the way core-ir's program semantics (and every other backend) evaluate it; a fused multiply-add
 * would change results in the last bit, and overflow cases (inf - inf) differently.
 */
export const CUDA_FLAGS: readonly string[] = ['--std=c++17', '--fmad=false'];

export interface CubinCompiler {
  /** Compiler and version (`nvrtc 13.0`, `nvcc 13.0.88`): part of every cache key. */
  readonly id: string;
  /** The options a compile for `arch` (`sm_90`) uses: part of every cache key. */
  options(arch: string): readonly string[];
  /** A CUBIN for `arch`; rejects with a CompileError carrying the source and the log. */
  compile(source: string, arch: string): Promise<Uint8Array>;
}
