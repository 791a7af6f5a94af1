/**
 * The nvcc these tests compile with. Where none is found the tests that need it are skipped, with
 * the reason, unless SYMTENSOR_REQUIRE_NVCC=1 (set by CI, which has the toolkit), where a missing
 * compiler fails them instead: a CI image that lost nvcc must not pass quietly.
 */
import { findNvcc } from '../../src/jit/nvcc.js';

export const requireNvcc = process.env.SYMTENSOR_REQUIRE_NVCC === '1';

export const nvccPath = await findNvcc();

/** Why nvcc tests cannot run, or undefined when they can. */
export function nvccMissing(): string | undefined {
  if (nvccPath) return undefined;
  const reason = 'no nvcc found (SYMTENSOR_NVCC, CUDA_HOME/bin, /usr/local/cuda/bin, PATH)';
  if (requireNvcc) throw new Error(`SYMTENSOR_REQUIRE_NVCC=1 but ${reason}`);
  return reason;
}
