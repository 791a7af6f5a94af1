/**
 * The compile path of a kernel source: an in-memory cache (of promises, so concurrent requests
 * for one kernel compile it once), then the disk cache, then the compiler, whose CUBIN is written
 * back to disk. Separate from any device, so it runs (and is tested) where no GPU exists.
 */
import { Lru } from '../lru.js';
import { cacheKey } from './cache-key.js';
import type { CubinCompiler } from './compiler.js';
import type { DiskCache } from './disk-cache.js';

export interface JitStats {
  /** Served from memory, from disk, or compiled. */
  memoryHits: number;
  diskHits: number;
  compiles: number;
}

export class Jit {
  readonly stats: JitStats = { memoryHits: 0, diskHits: 0, compiles: 0 };
  private readonly memory: Lru<string, Promise<Uint8Array>>;

  constructor(
    readonly compiler: CubinCompiler,
    readonly disk: DiskCache | undefined,
    memoryLimit = 256,
  ) {
    this.memory = new Lru(memoryLimit);
  }

  keyOf(source: string, arch: string): string {
    return cacheKey(source, arch, this.compiler.id, this.compiler.options(arch));
  }

  /** The CUBIN of `source` for `arch` (`sm_90`). */
  cubin(source: string, arch: string): Promise<Uint8Array> {
    const key = this.keyOf(source, arch);
    const hit = this.memory.get(key);
    if (hit) {
      this.stats.memoryHits++;
      return hit;
    }
    const pending = this.load(key, source, arch);
    this.memory.set(key, pending);
    // A failed compile is not cached: the next request tries again.
    pending.catch(() => this.memory.delete(key));
    return pending;
  }

  private async load(key: string, source: string, arch: string): Promise<Uint8Array> {
    const stored = await this.disk?.get(key);
    if (stored) {
      this.stats.diskHits++;
      return stored;
    }
    this.stats.compiles++;
    const cubin = await this.compiler.compile(source, arch);
    // A cache that cannot be written (read-only home, full disk) costs a recompile next time,
    // never a failed run.
    await this.disk?.put(key, cubin).catch(() => undefined);
    return cubin;
  }
}
