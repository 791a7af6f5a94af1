/**
 * `referenceBackend()`: the float64 reference interpreter behind the `Backend` interface. Buffers are
 * host typed arrays; results are computed in float64 and rounded once to the spec's dtype, so it
 * is the most accurate float32 backend possible and the baseline the conformance suite is checked
 * against (a suite that this backend fails is wrong, not the backend).
 */
import { type Backend, type DeviceBuffer, planRun, type RunOptions } from '../backend.js';
import type { DType, TypedArray } from '../dtype.js';
import { type KernelSpec, specInputs, specOutputs } from '../kernel/spec.js';
import { checkComputeDtype, HostBuffers } from './host-buffers.js';
import { referenceRun } from './reference.js';

const DTYPES: readonly DType[] = ['float32', 'float64', 'int32'];

export function referenceBackend(): Backend {
  const buffers = new HostBuffers('reference', DTYPES);
  return {
    name: 'reference',
    dtypes: DTYPES,
    upload: (data) => buffers.upload(data),
    download: (buf) => buffers.download(buf),
    free: (buf) => buffers.free(buf),
    run(spec: KernelSpec, options: RunOptions): DeviceBuffer[] {
      checkComputeDtype('reference', DTYPES, spec.dtype);
      // planRun sees the real buffers (referenceRun alone would only see host arrays, and so
      // could not check their dtype or owner).
      planRun(spec, options, 'reference');
      const positions =
        spec.kind === 'take' ? (spec.indexed ? [0, 1] : [0]) : specInputs(spec).map((v) => v.pos);
      const args: (TypedArray | undefined)[] = [];
      for (const pos of positions) args[pos] = buffers.data(options.args[pos]!, `args[${pos}]`);
      const results = referenceRun(spec, { ...options, args });
      return specOutputs(spec).map((o, n) => {
        const r = results[n]!;
        if (o.type === 'i') return buffers.adopt(Int32Array.from(r));
        return buffers.adopt(
          spec.dtype === 'float32' ? Float32Array.from(r) : spec.dtype === 'int32' ? Int32Array.from(r) : r,
        );
      });
    },
    sync: () => Promise.resolve(),
    dispose: () => {
      buffers.clear();
      return Promise.resolve();
    },
    memory: () => buffers.memory(),
  };
}
