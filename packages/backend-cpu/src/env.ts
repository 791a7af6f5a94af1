/**
 * Environment detection, kept in one place: which platform facilities exist (Node's worker_threads
 * and os modules, SharedArrayBuffer, a way to yield to the event loop). Everything else in the
 * package asks this file instead of probing globals itself, so a browser bundle never touches a
 * Node API.
 */

type NodeWorkerThreads = typeof import('node:worker_threads');
type NodeOs = typeof import('node:os');

interface NodeProcessLike {
  getBuiltinModule?: (id: string) => unknown;
}

/** A Node built-in module, loaded synchronously, or undefined outside Node (browsers, Deno without compat). */
function nodeBuiltin<T>(id: string): T | undefined {
  const proc = (globalThis as { process?: NodeProcessLike }).process;
  // process.getBuiltinModule (Node >= 20.16) loads built-ins synchronously from ESM without a
  // static import, so bundlers for the browser see no `node:` import at all.
  return proc?.getBuiltinModule?.(id) as T | undefined;
}

/** Node's worker_threads when worker threads can run here, else undefined. */
export function nodeWorkerThreads(): NodeWorkerThreads | undefined {
  return nodeBuiltin<NodeWorkerThreads>('node:worker_threads');
}

/**
 * Default number of worker threads: every core in Node. Browsers get 0 (the calling thread, in
 * yielding chunks): Web Workers would need cross-origin isolation for shared memory, which this
 * package does not use yet.
 */
export function defaultThreads(): number {
  const os = nodeBuiltin<NodeOs>('node:os');
  if (!os || !nodeWorkerThreads()) return 0;
  return os.availableParallelism?.() ?? os.cpus().length;
}

/** Whether buffers can be shared with worker threads without copies. */
export const hasSharedMemory = typeof SharedArrayBuffer === 'function';

/** Backing memory for a device buffer: shared when possible so workers read and write it in place. */
export function allocBacking(bytes: number): ArrayBufferLike {
  return hasSharedMemory ? new SharedArrayBuffer(bytes) : new ArrayBuffer(bytes);
}

/** Resolves on a later turn of the event loop (after pending I/O), so long inline work stays interruptible. */
export function yieldToEventLoop(): Promise<void> {
  const setImmediateFn = (globalThis as { setImmediate?: (cb: () => void) => unknown }).setImmediate;
  return new Promise((resolve) => (setImmediateFn ? setImmediateFn(resolve) : setTimeout(resolve, 0)));
}
