/**
 * A Map with a size bound that evicts the least recently used entry, so caches of compiled
 * kernels stay bounded in long-lived processes that build many distinct kernels.
 */
export class LruMap<K, V> {
  private readonly map = new Map<K, V>();

  constructor(private readonly limit: number) {}

  get(key: K): V | undefined {
    const value = this.map.get(key);
    if (value === undefined) return undefined;
    // Re-inserting moves the key to the end of the Map's insertion order (most recent).
    this.map.delete(key);
    this.map.set(key, value);
    return value;
  }

  /** Stores the entry; returns the key evicted to make room, if any. */
  set(key: K, value: V): K | undefined {
    this.map.delete(key);
    this.map.set(key, value);
    if (this.map.size <= this.limit) return undefined;
    const oldest = this.map.keys().next().value as K;
    this.map.delete(oldest);
    return oldest;
  }

  delete(key: K): void {
    this.map.delete(key);
  }
}
