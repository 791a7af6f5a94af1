/**
 * The current backend. Tensors are created on it unless told otherwise; the CPU backend is created
 * on first use, so importing the package is enough to compute on a machine with no GPU.
 */
import { cpu } from '@symtensor/backend-cpu';
import { type Backend, ValueError } from '@symtensor/core-ir';

let current: Backend | undefined;

/** The backend new tensors go to: the one given to `useBackend`, else a shared `cpu()`. */
export function getBackend(): Backend {
  current ??= cpu();
  return current;
}

/**
 * Makes `backend` the default for new tensors (`tensor`, `zeros`, `rand`, ...). Tensors already
 * created stay where they are; move one with `await t.to(backend)`.
 */
export function useBackend(backend: Backend): void {
  if (
    backend === null ||
    typeof backend !== 'object' ||
    typeof backend.run !== 'function' ||
    typeof backend.upload !== 'function'
  )
    throw new ValueError(
      'useBackend(backend): backend must be a Backend such as cpu() from @symtensor/backend-cpu or await webgpu()',
    );
  current = backend;
}
