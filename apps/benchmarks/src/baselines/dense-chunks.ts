/**
 * How the dense baselines (tfjs, jax-js) bound their memory: the N x M kernel matrix is built in
 * row chunks of at most 2^22 entries (16 MiB of float32), like the "torch chunked" peer.
 */

/** Largest chunk of the dense matrix held at once. */
export const CHUNK_ENTRIES = 2 ** 22;

/** Row ranges [start, end) covering N rows, each chunk holding at most CHUNK_ENTRIES of the N x M matrix. */
export function rowChunks(N: number, M: number): [number, number][] {
  const rows = Math.max(1, Math.floor(CHUNK_ENTRIES / M));
  const chunks: [number, number][] = [];
  for (let r0 = 0; r0 < N; r0 += rows) chunks.push([r0, Math.min(N, r0 + rows)]);
  return chunks;
}
