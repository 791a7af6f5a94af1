/**
 * The native addon (`native/*.cc`, built by node-gyp into `build/Release/symtensor_cuda.node`),
 * typed. Loading it needs no CUDA: it opens the driver and NVRTC itself, when asked.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

/** Opaque handles made by the addon. */
export interface ModuleHandle {
  readonly __module: unique symbol;
}
export interface FunctionHandle {
  readonly __function: unique symbol;
}
export interface EventHandle {
  readonly __event: unique symbol;
}

export interface DeviceInfo {
  readonly name: string;
  readonly totalMemory: number;
  readonly major: number;
  readonly minor: number;
  readonly multiprocessors: number;
  readonly maxThreadsPerBlock: number;
  readonly maxSharedPerBlock: number;
  readonly maxGridX: number;
  readonly maxGridY: number;
  /** 1 when the device supports stream-ordered allocation (cuMemAllocAsync). */
  readonly memoryPools: number;
}

/** A device's primary context and its stream (see native/device.h). */
export interface NativeDevice {
  alloc(bytes: number): bigint;
  free(ptr: bigint): void;
  upload(ptr: bigint, data: ArrayBufferView): void;
  readChunk(ptr: bigint, offset: number, bytes: number): number;
  chunkReady(chunk: number): boolean;
  takeChunk(chunk: number, dest?: ArrayBufferView, byteOffset?: number): void;
  loadModule(cubin: Uint8Array): ModuleHandle;
  unloadModule(module: ModuleHandle): void;
  getFunction(module: ModuleHandle, name: string): FunctionHandle;
  launch(fn: FunctionHandle, gridX: number, gridY: number, blockX: number, params: BigInt64Array): void;
  record(): EventHandle;
  query(event: EventHandle): boolean;
  destroyEvent(event: EventHandle): void;
  memInfo(): { free: number; total: number };
  close(): void;
}

export interface NativeAddon {
  /** null once loaded, else why the driver at `path` cannot serve, and at which step. */
  loadDriver(path: string): { stage: 'open' | 'symbols' | 'init'; message: string } | null;
  driverVersion(): number;
  deviceCount(): number;
  deviceInfo(ordinal: number): DeviceInfo;
  /** null once loaded, else why the library at `path` cannot serve. */
  loadNvrtc(path: string): string | null;
  nvrtcVersion(): [number, number];
  nvrtcCompile(
    source: string,
    name: string,
    options: readonly string[],
  ): Promise<{ cubin: Buffer; log: string }>;
  Device: new (ordinal: number) => NativeDevice;
}

export const ADDON_FILE = 'symtensor_cuda.node';

/**
 * Where the addon may be: `SYMTENSOR_CUDA_ADDON`, the package's node-gyp output (from `src/native`
 * or `dist/native`), and beside this module (a bundle carried to another machine, see
 * `scripts/bundle.mjs`).
 */
export function addonCandidates(env: NodeJS.ProcessEnv = process.env): string[] {
  const here = (rel: string) => fileURLToPath(new URL(rel, import.meta.url));
  return [
    ...(env.SYMTENSOR_CUDA_ADDON ? [env.SYMTENSOR_CUDA_ADDON] : []),
    here(`../../build/Release/${ADDON_FILE}`),
    here(`./${ADDON_FILE}`),
  ];
}

let loaded: { addon: NativeAddon } | { reason: string } | undefined;

/** The addon, or why it cannot be loaded (loaded once per process). */
export function loadAddon(): { addon: NativeAddon } | { reason: string } {
  if (loaded) return loaded;
  const candidates = addonCandidates();
  const path = candidates.find((p) => existsSync(p));
  if (!path) {
    loaded = {
      reason: `the native addon is not built (looked for ${candidates.join(', ')}); run 'pnpm --filter @symtensor/backend-cuda build:addon'`,
    };
    return loaded;
  }
  try {
    loaded = { addon: createRequire(import.meta.url)(path) as NativeAddon };
  } catch (e) {
    loaded = { reason: `the native addon ${path} does not load: ${(e as Error).message}` };
  }
  return loaded;
}
