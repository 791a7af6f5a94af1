/**
 * The backend a linalg benchmark runs on, by name. Imports are dynamic so that a machine without a
 * GPU stack still runs the CPU rows; a backend that cannot start here stops the run with its reason
 * (a benchmark row must never silently move to another backend).
 */
import type { Backend } from '@symtensor/core-ir';

export async function openBackend(name: string): Promise<{ backend: Backend; label: string }> {
  switch (name) {
    case 'cpu': {
      const { cpu } = await import('@symtensor/backend-cpu');
      const backend = cpu();
      return { backend, label: `cpu (${backend.engine}, ${backend.threads} threads)` };
    }
    case 'webgpu': {
      const { webgpu } = await import('@symtensor/backend-webgpu');
      const backend = await webgpu();
      return { backend, label: `webgpu (${backend.description})` };
    }
    case 'cuda': {
      const { cuda } = await import('@symtensor/backend-cuda');
      return { backend: await cuda(), label: 'cuda' };
    }
    default:
      throw new Error(`--backend must be cpu, webgpu or cuda, got '${name}'`);
  }
}
