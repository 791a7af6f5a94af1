/** Live memory per backend: the backend's own buffer count and bytes, plus live tensors. */
import type { Backend } from '@symtensor/core-ir';
import { getBackend } from '../backend/registry.js';

/** What `memory()` reports. */
export interface MemoryReport {
  /** Live device buffers of the backend (tensors, and anything else allocated on it). */
  readonly buffers: number;
  /** Bytes held by those buffers. */
  readonly bytes: number;
  /** Tensors created through this package and not yet disposed (views share buffers). */
  readonly tensors: number;
}

const liveTensors = new WeakMap<Backend, number>();

/** Records `delta` tensors created (+1) or disposed (-1) on `backend`. */
export function countTensor(backend: Backend, delta: number): void {
  liveTensors.set(backend, (liveTensors.get(backend) ?? 0) + delta);
}

/** Live buffers, bytes and tensors of `backend` (default: the current backend). */
export function memory(backend: Backend = getBackend()): MemoryReport {
  const m = backend.memory();
  return { buffers: m.buffers, bytes: m.bytes, tensors: liveTensors.get(backend) ?? 0 };
}
