/**
 * Compiled kernels of a backend: spec -> printed source and layout (cached by spec key), source
 * -> loaded module and entry points (cached by source, since specs that print the same code share
 * one module). Both caches are bounded. A module dropped from the cache is unloaded only once the
 * launches already enqueued with it have run (`retire` hands it to the backend, which records an
 * event after them).
 */
import { type KernelSpec, type ProgramOutput, specOutputs } from '@symtensor/core-ir';
import { type KernelSource, kernelSource } from './codegen/source.js';
import type { CudaDevice } from './device/cuda-device.js';
import type { Jit } from './jit/jit.js';
import { Lru } from './lru.js';
import type { FunctionHandle, ModuleHandle } from './native/addon.js';

export interface Entry {
  readonly main: FunctionHandle;
  /** The split scheme's merge kernel (reductions). */
  readonly merge?: FunctionHandle;
}

/** A module being compiled and loaded; `ready` is set once it is. */
export interface Loaded {
  readonly promise: Promise<{ module: ModuleHandle; entry: Entry }>;
  ready?: Entry;
}

export interface Kernel extends KernelSource {
  readonly outputs: readonly ProgramOutput[];
  readonly loaded: Loaded;
}

export class KernelStore {
  private readonly printed: Lru<string, KernelSource>;
  private readonly modules: Lru<string, Loaded>;

  constructor(
    private readonly device: CudaDevice,
    private readonly jit: Jit,
    limit: number,
    retire: (module: ModuleHandle) => void,
  ) {
    this.printed = new Lru(limit);
    this.modules = new Lru(limit, (_source, loaded) => {
      loaded.promise.then(({ module }) => retire(module)).catch(() => undefined);
    });
  }

  /** The kernel of a spec: printed now (throwing typed errors at once), compiled in the background. */
  get(spec: KernelSpec): Kernel {
    let printed = this.printed.get(spec.key);
    if (!printed) {
      printed = kernelSource(spec);
      this.printed.set(spec.key, printed);
    }
    const source = printed.source;
    let loaded = this.modules.get(source);
    if (!loaded) {
      const fresh: Loaded = { promise: this.load(printed) };
      fresh.promise.then(
        ({ entry }) => {
          fresh.ready = entry;
        },
        // A failed compile is not kept: the next run retries (and reports) it.
        () => this.modules.delete(source),
      );
      this.modules.set(source, fresh);
      loaded = fresh;
    }
    return { ...printed, outputs: specOutputs(spec), loaded };
  }

  /** Empties the cache and returns every loaded module (to unload when the backend is disposed). */
  async drop(): Promise<ModuleHandle[]> {
    const settled = await Promise.allSettled([...this.modules.values()].map((l) => l.promise));
    this.modules.clear();
    return settled.flatMap((s) => (s.status === 'fulfilled' ? [s.value.module] : []));
  }

  private async load(printed: KernelSource): Promise<{ module: ModuleHandle; entry: Entry }> {
    const { layout } = printed;
    const cubin = await this.jit.cubin(printed.source, this.device.arch);
    const module = this.device.loadModule(cubin);
    const main = this.device.getFunction(module, layout.entry);
    if (layout.kind !== 'reduction') return { module, entry: { main } };
    return { module, entry: { main, merge: this.device.getFunction(module, layout.mergeEntry) } };
  }
}
