/**
 * The emulated device: the real addon with the fake driver (test/emulator/fake_cuda.cc, built
 * here with g++) and kernels compiled for the host (HostCompiler). Everything above the driver is
 * the production code: the backend, its queue, launch plans, staging chunks, the disk cache; the
 * kernels are the generated CUDA source itself, run with CUDA's thread and barrier semantics.
 * What it cannot check: nvcc/NVRTC code generation, CUDA's math library, real concurrency between
 * the GPU and the host (commands complete at once; only event polling is made to wait).
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CudaBackend } from '../../src/backend.js';
import { CudaDevice } from '../../src/device/cuda-device.js';
import { DiskCache } from '../../src/jit/disk-cache.js';
import { Jit } from '../../src/jit/jit.js';
import type { NativeAddon } from '../../src/native/addon.js';
import { HostCompiler } from '../emulator/host-compiler.js';
import { ensureAddon } from './addon.js';

const source = fileURLToPath(new URL('../emulator/fake_cuda.cc', import.meta.url));

/** Builds the fake libcuda.so.1 (if older than its source) and returns its path. */
export function fakeDriver(): string {
  const dir = join(tmpdir(), `symtensor-fake-cuda-${process.getuid?.() ?? 0}`);
  mkdirSync(dir, { recursive: true });
  const lib = join(dir, 'libcuda.so.1');
  const stale = (() => {
    try {
      return statSync(lib).mtimeMs < statSync(source).mtimeMs;
    } catch {
      return true;
    }
  })();
  if (stale) {
    // Built under a temporary name and renamed: parallel test files may build it at once.
    const tmp = `${lib}.${process.pid}.tmp`;
    execFileSync('g++', ['-std=c++20', '-O1', '-shared', '-fPIC', '-pthread', '-o', tmp, source]);
    execFileSync('mv', [tmp, lib]);
  }
  return lib;
}

/** The addon with the fake driver loaded. */
export function emulatedAddon(): NativeAddon {
  const addon = ensureAddon();
  const failure = addon.loadDriver(fakeDriver());
  if (failure) throw new Error(`the fake driver did not load: ${failure.message}`);
  return addon;
}

/** Kernels compiled for the emulator are cached on disk like CUBINs (the cache layer is the real one). */
export const emulatorCache = new DiskCache(join(tmpdir(), 'symtensor-emulator-cache'));

export function emulatedBackend(options: { splitMinChunk?: number } = {}): CudaBackend {
  const addon = emulatedAddon();
  return new CudaBackend(new CudaDevice(addon, 0), new Jit(new HostCompiler(), emulatorCache), {
    cacheSize: 256,
    ...options,
  });
}
