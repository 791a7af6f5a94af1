/**
 * The backend registry: name -> async factory. A backend that cannot be loaded or created on this
 * machine (package not written yet, no GPU, no driver) becomes an "unavailable" entry carrying the
 * reason, so `--backend cpu,webgpu,cuda` always lists all three. New backends plug in here.
 */
import { type Backend, BackendUnavailableError, referenceBackend } from '@symtensor/core-ir';
import { type Contender, type Loaded, tryLoad } from '../contender.js';
import { UsageError } from '../errors.js';
import { backendContender } from './contender.js';

/**
 * A backend from a package exporting `exportName()` (sync or async). The import is dynamic so a
 * missing or broken optional backend only makes that backend unavailable.
 */
async function fromPackage(
  name: string,
  pkg: string,
  exportName: string,
  load: () => Promise<unknown>,
): Promise<Backend> {
  const factory = ((await load()) as Record<string, unknown>)[exportName];
  if (typeof factory !== 'function')
    throw new BackendUnavailableError(
      name,
      `${pkg} does not export ${exportName}() yet (the package is not implemented)`,
    );
  return (await factory()) as Backend;
}

type BackendFactory = () => Promise<{ backend: Backend; detail: string }>;

const FACTORIES: Readonly<Record<string, BackendFactory>> = {
  cpu: async () => {
    const { cpu } = await import('@symtensor/backend-cpu');
    const backend = cpu();
    return {
      backend,
      detail: `@symtensor/backend-cpu, generated JavaScript, ${backend.threads} worker thread(s)`,
    };
  },
  webgpu: async () => ({
    backend: await fromPackage(
      'webgpu',
      '@symtensor/backend-webgpu',
      'webgpu',
      () => import('@symtensor/backend-webgpu'),
    ),
    detail: '@symtensor/backend-webgpu',
  }),
  cuda: async () => ({
    backend: await fromPackage(
      'cuda',
      '@symtensor/backend-cuda',
      'cuda',
      () => import('@symtensor/backend-cuda'),
    ),
    detail: '@symtensor/backend-cuda',
  }),
  reference: async () => ({
    backend: referenceBackend(),
    detail: 'core-ir float64 reference interpreter (slow by design), rounded to float32',
  }),
};

export const BACKEND_NAMES: readonly string[] = Object.keys(FACTORIES);

/** Loads one backend by registered name. */
export function loadBackend(name: string): Promise<Loaded> {
  const factory = FACTORIES[name];
  if (!factory) throw new UsageError(`unknown backend '${name}'; choose from: ${BACKEND_NAMES.join(', ')}`);
  return tryLoad(name, async (): Promise<Contender> => {
    const { backend, detail } = await factory();
    return backendContender(backend, detail);
  });
}
