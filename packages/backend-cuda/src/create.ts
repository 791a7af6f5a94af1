/**
 * `cuda(options)`: loads the addon, the driver and a compiler, opens the device. Each missing
 * piece rejects with a BackendUnavailableError whose `reason` says which and why, so that callers
 * can fall back to another backend.
 */
import { BackendUnavailableError, ValueError } from '@symtensor/core-ir';
import { CudaBackend } from './backend.js';
import { CudaDevice } from './device/cuda-device.js';
import { DiskCache, defaultCacheDir } from './jit/disk-cache.js';
import { Jit } from './jit/jit.js';
import { type CompilerChoice, selectCompiler } from './jit/select.js';
import { loadAddon } from './native/addon.js';
import { DRIVER_LIBRARY } from './native/library-paths.js';

export interface CudaOptions {
  /** Device ordinal (default 0). */
  device?: number;
  /**
   * Folder of the disk cache of compiled kernels (default: `SYMTENSOR_CUDA_CACHE`, else
   * `~/.cache/symtensor/cuda`); `false` keeps compiled kernels in memory only.
   */
  cache?: string | false;
  /** 'auto' (default) prefers NVRTC and falls back to nvcc. */
  compiler?: CompilerChoice;
  /** Kernels kept compiled and loaded in memory (default 256). */
  cacheSize?: number;
  /**
   * Fewest reduced indices per chunk of the split scheme, used when the rows are too few to fill
   * the GPU (default: two tiles, 512 indices for most kernels). Lower it to reach the split
   * scheme on small problems (the tests do); chunks stay whole tiles.
   */
  splitMinChunk?: number;
}

const DRIVER_STAGE = {
  open: 'no driver',
  symbols: 'driver too old',
  init: 'driver error',
} as const;

export async function cuda(options: CudaOptions = {}): Promise<CudaBackend> {
  const ordinal = options.device ?? 0;
  if (!Number.isInteger(ordinal) || ordinal < 0)
    throw new ValueError(`cuda({ device }): a device ordinal is an integer >= 0, got ${ordinal}`);
  const cacheSize = options.cacheSize ?? 256;
  if (!Number.isInteger(cacheSize) || cacheSize < 1)
    throw new ValueError(`cuda({ cacheSize }): an integer >= 1, got ${cacheSize}`);
  if (
    options.splitMinChunk !== undefined &&
    !(Number.isInteger(options.splitMinChunk) && options.splitMinChunk >= 1)
  )
    throw new ValueError(`cuda({ splitMinChunk }): an integer >= 1, got ${options.splitMinChunk}`);
  const choice = options.compiler ?? 'auto';
  if (!['auto', 'nvrtc', 'nvcc'].includes(choice))
    throw new ValueError(`cuda({ compiler }): 'auto', 'nvrtc' or 'nvcc', got '${choice}'`);

  const loaded = loadAddon();
  if ('reason' in loaded) throw new BackendUnavailableError('cuda', loaded.reason);
  const { addon } = loaded;
  const failure = addon.loadDriver(process.env.SYMTENSOR_CUDA_DRIVER || DRIVER_LIBRARY);
  if (failure)
    throw new BackendUnavailableError('cuda', `${DRIVER_STAGE[failure.stage]}: ${failure.message}`);
  const count = addon.deviceCount();
  if (ordinal >= count)
    throw new BackendUnavailableError(
      'cuda',
      count === 0 ? 'no CUDA device' : `no device ${ordinal}: this machine has ${count} CUDA device(s)`,
    );
  const info = addon.deviceInfo(ordinal);
  if (!info.memoryPools)
    throw new BackendUnavailableError(
      'cuda',
      `${info.name} does not support stream-ordered allocation (cuMemAllocAsync), which this backend needs`,
    );
  const compiler = await selectCompiler(addon, choice);
  const cache = options.cache ?? defaultCacheDir();
  const jit = new Jit(compiler, cache === false ? undefined : new DiskCache(cache), cacheSize);
  return new CudaBackend(new CudaDevice(addon, ordinal), jit, {
    cacheSize,
    ...(options.splitMinChunk === undefined ? {} : { splitMinChunk: options.splitMinChunk }),
  });
}
