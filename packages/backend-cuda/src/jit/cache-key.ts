/**
 * The content hash that names a compiled kernel: everything that changes the CUBIN goes in (the
 * source, the compiler and its version, its options, the target architecture), so a cache entry
 * can never be served for a different build.
 */
import { createHash } from 'node:crypto';

/** Bumped when the cache file format or the key's recipe changes. */
const RECIPE = 'symtensor-cuda-cubin-v1';

export function cacheKey(
  source: string,
  arch: string,
  compilerId: string,
  options: readonly string[],
): string {
  const h = createHash('sha256');
  for (const part of [RECIPE, compilerId, arch, ...options, source]) {
    // Length-prefixed parts: no two different part lists hash the same text.
    h.update(`${part.length}:`);
    h.update(part);
  }
  return h.digest('hex');
}
