/**
 * The backend conformance suite of @symtensor/core-ir on this backend, in float32 (WGSL has no
 * float64), on whatever adapter Dawn finds (lavapipe in CI), three times:
 * - as users get it, every group;
 * - with the split scheme forced on tiny chunks, so every reduction's states are stored, merged
 *   in slice order and finalized by the second pass (reductions, batches, empty ranges, sizes);
 * - with storage bindings shrunk to 1 KiB, so inputs and outputs are bound in sub-range windows
 *   and states carried across windows of the reduced range (sizes, dims up to 17, maps, ranges,
 *   take, chained runs; at D = 100 one row's state no longer fits such a binding).
 *
 * lavapipe compiles each pipeline with LLVM at its first dispatch (a second or more per kernel on
 * a busy 2-core machine, several for D = 784), and the suite compiles hundreds of kernels: the
 * per-test timeout is raised. The first registration runs every case (its op-VJP cases alone take
 * about 90 s of cold shader compiles on 2 cores); the two narrowed ones skip the groups their
 * configuration does not change.
 */
import { registerConformanceSuite } from '@symtensor/core-ir/testing';
import { describe, it, vi } from 'vitest';
import { webgpu } from '../src/index.js';
import { webgpuUnavailable } from './gpu.js';

vi.setConfig({ testTimeout: 300_000, hookTimeout: 60_000 });

const unavailable = await webgpuUnavailable();

if (unavailable === undefined) {
  registerConformanceSuite('webgpu', () => webgpu(), { dtypes: ['float32'] });
  registerConformanceSuite(
    'webgpu, split scheme forced',
    () => webgpu({ tuning: { workgroupSize: 4, chunk: 4, split: 3 } }),
    {
      dtypes: ['float32'],
      sizes: 'quick',
      skip: [
        /^buffers\//,
        '/bad input/',
        '/ops/',
        '/dims/',
        '/NaN and infinities/',
        '/ranges/',
        '/maps/',
        '/take/',
      ],
    },
  );
  registerConformanceSuite(
    'webgpu, 1 KiB bindings',
    () => webgpu({ maxBindingBytes: 1024, tuning: { workgroupSize: 1, chunk: 8 } }),
    {
      dtypes: ['float32'],
      sizes: 'quick',
      skip: [
        /^buffers\//,
        '/bad input/',
        '/ops/',
        'D=100',
        'D=784',
        '/NaN and infinities/',
        '/reductions/',
        '/empty ranges/',
        '/batch/',
      ],
    },
  );
} else {
  describe('conformance: webgpu', () => {
    it.skip(`no WebGPU adapter: ${unavailable}`, () => {});
  });
}
