/**
 * A 106-bit string hash (two independent 53-bit lanes of the cyrb53 construction). Formula and
 * kernel keys are hashes of canonical text, so they stay short for deep DAGs and are stable across
 * processes (they key the disk caches of compiled kernels).
 */
export function hashString(text: string): string {
  return (
    lane(text, 0x9e3779b9).toString(36).padStart(11, '0') +
    lane(text, 0x85ebca6b).toString(36).padStart(11, '0')
  );
}

function lane(text: string, seed: number): number {
  let h1 = 0xdeadbeef ^ seed;
  let h2 = 0x41c6ce57 ^ seed;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 2654435761);
    h2 = Math.imul(h2 ^ c, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return 4294967296 * (2097151 & h2) + (h1 >>> 0);
}
