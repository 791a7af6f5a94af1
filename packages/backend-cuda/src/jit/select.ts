/**
 * Picks the compiler: NVRTC (in-process, what a GPU machine with PyTorch's wheels has), else
 * `nvcc` (a CUDA toolkit without NVRTC, as on CI), else the backend is unavailable.
 */
import { BackendUnavailableError } from '@symtensor/core-ir';
import type { NativeAddon } from '../native/addon.js';
import { nvrtcCandidates } from '../native/library-paths.js';
import type { CubinCompiler } from './compiler.js';
import { findNvcc, NvccCompiler } from './nvcc.js';
import { NvrtcCompiler } from './nvrtc.js';

export type CompilerChoice = 'auto' | 'nvrtc' | 'nvcc';

export async function selectCompiler(
  addon: NativeAddon,
  choice: CompilerChoice,
  env: NodeJS.ProcessEnv = process.env,
): Promise<CubinCompiler> {
  const reasons: string[] = [];
  if (choice !== 'nvcc') {
    const tried: string[] = [];
    for (const path of await nvrtcCandidates(env)) {
      const error = addon.loadNvrtc(path);
      if (error === null) return new NvrtcCompiler(addon);
      tried.push(path);
    }
    reasons.push(`NVRTC not found (tried ${tried.join(', ')}; set SYMTENSOR_NVRTC to its path)`);
  }
  if (choice !== 'nvrtc') {
    const nvcc = await findNvcc(env);
    if (nvcc) return NvccCompiler.create(nvcc);
    reasons.push('no nvcc (set SYMTENSOR_NVCC or CUDA_HOME)');
  }
  throw new BackendUnavailableError('cuda', `no CUDA compiler: ${reasons.join('; ')}`);
}
