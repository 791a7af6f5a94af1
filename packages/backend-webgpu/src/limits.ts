/**
 * Device limits: which ones the backend requests from the adapter (its own maxima, not WebGPU's
 * conservative defaults: lavapipe's default device binds 128 MiB but allocates only 256 MiB per
 * buffer, its adapter 4 GiB), and the numbers the scheduler works with.
 */
import { ValueError } from '@symtensor/core-ir';
import type { DeviceShape } from './schedule.js';

const REQUESTED = [
  'minStorageBufferOffsetAlignment',
  'maxStorageBufferBindingSize',
  'maxBufferSize',
  'maxComputeWorkgroupStorageSize',
  'maxComputeInvocationsPerWorkgroup',
  'maxComputeWorkgroupSizeX',
  'maxStorageBuffersPerShaderStage',
  'maxComputeWorkgroupsPerDimension',
] as const;

/** The adapter's values of the limits this backend relies on. */
export function requiredLimits(adapter: GPUAdapter): Record<string, number> {
  const out: Record<string, number> = {};
  for (const name of REQUESTED) out[name] = adapter.limits[name];
  return out;
}

export interface BackendLimits extends DeviceShape {
  readonly maxBufferSize: number;
  readonly maxStorageBuffers: number;
}

/**
 * The limits of a device; `maxBindingBytes` lowers the storage binding size the scheduler uses
 * (a test hook that makes small data take the sub-range path).
 */
export function backendLimits(device: GPUDevice, maxBindingBytes?: number): BackendLimits {
  const l = device.limits;
  let bindingBytes = Math.min(l.maxStorageBufferBindingSize, l.maxBufferSize);
  if (maxBindingBytes !== undefined) {
    if (!Number.isInteger(maxBindingBytes) || maxBindingBytes < 1024 || maxBindingBytes % 4 !== 0)
      throw new ValueError(
        `maxBindingBytes must be a multiple of 4 of at least 1024, got ${maxBindingBytes}`,
      );
    bindingBytes = Math.min(bindingBytes, maxBindingBytes);
  }
  return {
    bindingBytes,
    storageAlign: l.minStorageBufferOffsetAlignment,
    workgroupStorage: l.maxComputeWorkgroupStorageSize,
    maxInvocations: Math.min(l.maxComputeInvocationsPerWorkgroup, l.maxComputeWorkgroupSizeX),
    maxGroupsPerDim: l.maxComputeWorkgroupsPerDimension,
    maxBufferSize: l.maxBufferSize,
    maxStorageBuffers: l.maxStorageBuffersPerShaderStage,
  };
}
