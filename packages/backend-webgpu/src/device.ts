/**
 * Getting a GPUDevice: the caller's own (shared with TypeGPU, three.js, ...), or a new one from
 * `navigator.gpu` in browsers or Dawn in Node (the optional `webgpu` package). In Node the `GPU`
 * object stays in this module: installing it as a global `navigator.gpu` has been seen to hang or
 * crash the process at exit.
 */
import { BackendUnavailableError } from '@symtensor/core-ir';
import { requiredLimits } from './limits.js';

export interface AcquiredDevice {
  readonly device: GPUDevice;
  /** Whether the backend created the device (and so destroys it on dispose). */
  readonly owned: boolean;
  readonly description: string;
}

export interface DeviceRequest {
  readonly device?: GPUDevice;
  readonly gpu?: GPU;
  readonly powerPreference?: GPUPowerPreference;
}

/** Node's GPU object, created once per process. */
let nodeGpu: Promise<GPU> | undefined;

const isNode = typeof process !== 'undefined' && typeof process.versions?.node === 'string';

/** Dawn's `GPU` object in Node (one per process: tests share it rather than create another). */
export function loadNodeGpu(): Promise<GPU> {
  nodeGpu ??= (async () => {
    // A variable specifier keeps browser bundlers from resolving this optional Node-only package.
    const specifier = 'webgpu';
    let mod: { create(flags: string[]): GPU };
    try {
      mod = await import(/* @vite-ignore */ specifier);
    } catch (e) {
      throw new BackendUnavailableError(
        'webgpu',
        `the 'webgpu' package (Dawn for Node) is not installed or does not load (${(e as Error).message}); install it: npm install webgpu@0.6.2`,
      );
    }
    return mod.create([]);
  })();
  // A failed load may succeed later (after an install): do not cache failures.
  nodeGpu.catch(() => {
    nodeGpu = undefined;
  });
  return nodeGpu;
}

async function findGpu(request: DeviceRequest): Promise<GPU> {
  if (request.gpu) return request.gpu;
  const nav = (globalThis as { navigator?: { gpu?: GPU } }).navigator;
  if (nav?.gpu) return nav.gpu;
  if (isNode) return loadNodeGpu();
  throw new BackendUnavailableError(
    'webgpu',
    'this JavaScript environment has no navigator.gpu (a browser without WebGPU, or WebGPU disabled); use the cpu backend',
  );
}

export async function acquireDevice(request: DeviceRequest): Promise<AcquiredDevice> {
  if (request.device)
    return { device: request.device, owned: false, description: 'a GPUDevice given by the caller' };
  const gpu = await findGpu(request);
  let adapter: GPUAdapter | null;
  try {
    adapter = await gpu.requestAdapter({ powerPreference: request.powerPreference ?? 'high-performance' });
  } catch (e) {
    throw new BackendUnavailableError('webgpu', `requestAdapter() failed: ${(e as Error).message}`);
  }
  if (!adapter)
    throw new BackendUnavailableError(
      'webgpu',
      isNode
        ? 'no WebGPU adapter: Dawn found no Vulkan (or Metal/D3D12) device; on a Linux machine without a GPU install Mesa lavapipe >= 25 (Debian: mesa-vulkan-drivers from bookworm-backports)'
        : 'no WebGPU adapter: the browser exposes navigator.gpu but offers no adapter (WebGPU blocked or unsupported on this GPU)',
    );
  let device: GPUDevice;
  // float16 kernels need shader-f16 (most GPUs, and lavapipe, have it); nothing else is optional.
  const requiredFeatures: GPUFeatureName[] = adapter.features.has('shader-f16') ? ['shader-f16'] : [];
  try {
    device = await adapter.requestDevice({ requiredFeatures, requiredLimits: requiredLimits(adapter) });
  } catch (e) {
    throw new BackendUnavailableError('webgpu', `requestDevice() failed: ${(e as Error).message}`);
  }
  const info = adapter.info;
  const description = [info.vendor, info.architecture, info.device, info.description]
    .filter((s) => s)
    .join(' ');
  return { device, owned: true, description };
}
