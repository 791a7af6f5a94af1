/** NVRTC through the addon: compiles on a libuv worker thread, straight to CUBIN. */
import { CompileError } from '@symtensor/core-ir';
import type { NativeAddon } from '../native/addon.js';
import { CUDA_FLAGS, type CubinCompiler } from './compiler.js';

export class NvrtcCompiler implements CubinCompiler {
  readonly id: string;

  /** `addon.loadNvrtc` must have succeeded. */
  constructor(private readonly addon: NativeAddon) {
    const [major, minor] = addon.nvrtcVersion();
    this.id = `nvrtc ${major}.${minor}`;
  }

  options(arch: string): readonly string[] {
    return [`--gpu-architecture=${arch}`, ...CUDA_FLAGS];
  }

  async compile(source: string, arch: string): Promise<Uint8Array> {
    try {
      const { cubin } = await this.addon.nvrtcCompile(source, 'kernel.cu', this.options(arch));
      return new Uint8Array(cubin);
    } catch (e) {
      const err = e as Error & { log?: string };
      throw new CompileError(`${this.id} (${arch}) failed: ${err.message}\n${err.log ?? ''}`, source);
    }
  }
}
