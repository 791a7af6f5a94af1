/**
 * The device's life cycle and the backend's own errors: a caller's GPUDevice, device loss, no
 * adapter, dtypes WGSL cannot compute in, WGSL that does not compile, and use after dispose.
 */
import {
  add,
  BackendUnavailableError,
  CompileError,
  DTypeError,
  exp,
  mapSpec,
  minus,
  mul,
  reductionSpec,
  sqDist,
  takeSpec,
  UnsupportedError,
  ValueError,
  variable,
} from '@symtensor/core-ir';
import { Rng } from '@symtensor/core-ir/testing';
import { describe, expect, it } from 'vitest';
import { loadNodeGpu } from '../src/device.js';
import { DeviceLostError, webgpu } from '../src/index.js';
import { Pipeline } from '../src/pipelines.js';
import { webgpuUnavailable } from './gpu.js';

const unavailable = await webgpuUnavailable();

const x = variable(0, 3, 'i');
const y = variable(1, 3, 'j');
const gaussian = reductionSpec({ formula: exp(minus(sqDist(x, y))), reduction: 'Sum', axis: 'j' });

/**
 * A device made here, as an application sharing its GPUDevice would (from the process's one Dawn
 * instance: a second instance in one process has crashed it at exit).
 */
async function ownDevice(): Promise<GPUDevice> {
  const adapter = await (await loadNodeGpu()).requestAdapter();
  if (!adapter) throw new Error('no adapter');
  return adapter.requestDevice();
}

describe('no adapter', () => {
  it('is a BackendUnavailableError that says what to install', async () => {
    const gpu = { requestAdapter: async () => null } as unknown as GPU;
    const error = await webgpu({ gpu }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BackendUnavailableError);
    expect((error as BackendUnavailableError).backend).toBe('webgpu');
    expect((error as Error).message).toMatch(/no WebGPU adapter/);
  });
});

describe.skipIf(unavailable !== undefined)('device life cycle', () => {
  it('runs on a GPUDevice given by the caller and leaves it alive on dispose', async () => {
    const device = await ownDevice();
    const backend = await webgpu({ device });
    const rng = new Rng(11);
    const xs = Float32Array.from({ length: 4 * 3 }, () => rng.uniform(-1, 1));
    const ys = Float32Array.from({ length: 5 * 3 }, () => rng.uniform(-1, 1));
    const [out] = backend.run(gaussian, { args: [backend.upload(xs), backend.upload(ys)], nx: 4, ny: 5 });
    const got = await backend.download(out!);
    for (let i = 0; i < 4; i++) {
      let want = 0;
      for (let j = 0; j < 5; j++) {
        let d = 0;
        for (let k = 0; k < 3; k++) d += (xs[3 * i + k]! - ys[3 * j + k]!) ** 2;
        want += Math.exp(-d);
      }
      expect(Math.abs(got[i]! - want)).toBeLessThanOrEqual(1e-5 * Math.max(1, want));
    }
    await backend.dispose();
    // Still usable by its owner.
    const buf = device.createBuffer({ size: 16, usage: 0x8 });
    buf.destroy();
    device.destroy();
  });

  it('rejects pending work with DeviceLostError when the device is lost, and can be re-created', async () => {
    const device = await ownDevice();
    const backend = await webgpu({ device });
    const xs = backend.upload(new Float32Array(300 * 3));
    const ys = backend.upload(new Float32Array(300 * 3));
    const [out] = backend.run(gaussian, { args: [xs, ys], nx: 300, ny: 300 });
    const pending = backend.download(out!);
    device.destroy();
    await expect(pending).rejects.toBeInstanceOf(DeviceLostError);
    await device.lost;
    expect(() => backend.run(gaussian, { args: [xs, ys], nx: 300, ny: 300 })).toThrow(DeviceLostError);
    await expect(backend.sync()).rejects.toBeInstanceOf(DeviceLostError);
    await backend.dispose();
    const again = await webgpu();
    const [o] = again.run(gaussian, {
      args: [again.upload(new Float32Array(3)), again.upload(new Float32Array(3))],
      nx: 1,
      ny: 1,
    });
    expect(Array.from(await again.download(o!))).toEqual([1]);
    await again.dispose();
  });

  it('refuses float64 with a DTypeError that names the backends having it', async () => {
    const backend = await webgpu();
    try {
      expect(() => backend.upload(new Float64Array(3))).toThrow(DTypeError);
      expect(() => backend.upload(new Float64Array(3))).toThrow(/'cpu'/);
      const buf = backend.upload(new Float32Array(3));
      const f64 = mapSpec({ formula: exp(variable(0, 3, 'i')), dtype: 'float64' });
      expect(() => backend.run(f64, { args: [buf], nx: 1, ny: 0 })).toThrow(/float64.*'cpu'/);
      const acc64 = reductionSpec({
        formula: mul(x, y),
        reduction: 'Sum',
        axis: 'j',
        accumulator: 'float64',
      });
      expect(() => backend.run(acc64, { args: [buf, buf], nx: 1, ny: 1 })).toThrow(DTypeError);
      expect(() =>
        backend.run(takeSpec({ dtype: 'float64', srcDtype: 'float32' }), { args: [buf], nx: 3, ny: 0 }),
      ).toThrow(DTypeError);
      backend.free(buf);
      expect(backend.memory()).toEqual({ buffers: 0, bytes: 0 });
    } finally {
      await backend.dispose();
    }
  });

  it('refuses a kernel needing more storage buffers than the device binds, allocating nothing', async () => {
    const backend = await webgpu();
    try {
      const n = backend.limits.maxStorageBuffers;
      // n inputs, plus the offset table and the output.
      let formula = variable(0, 1, 'i');
      for (let k = 1; k < n; k++) formula = add(formula, variable(k, 1, 'i'));
      const args = Array.from({ length: n }, () => backend.upload(new Float32Array(2)));
      const before = backend.memory();
      expect(() => backend.run(mapSpec({ formula }), { args, nx: 2, ny: 0 })).toThrow(UnsupportedError);
      expect(() => backend.run(mapSpec({ formula }), { args, nx: 2, ny: 0 })).toThrow(/storage buffers/);
      expect(backend.memory()).toEqual(before);
      for (const a of args) backend.free(a);
    } finally {
      await backend.dispose();
    }
  });

  it('turns WGSL that does not compile into a CompileError carrying the source', async () => {
    const backend = await webgpu();
    try {
      const wgsl = '@compute @workgroup_size(1) fn main() { let x: f32 = undefined_name; }';
      const p = new Pipeline(backend.device, 'broken', { wgsl, bindings: [], workgroupSize: 1 });
      await p.settled;
      expect(p.state).toBe('failed');
      expect(p.error).toBeInstanceOf(CompileError);
      expect((p.error as CompileError).source).toBe(wgsl);
      expect(p.error!.message).toMatch(/undefined_name/);
    } finally {
      await backend.dispose();
    }
  });

  it('refuses every call after dispose with a ValueError', async () => {
    const backend = await webgpu();
    const buf = backend.upload(new Float32Array(3));
    await backend.dispose();
    expect(() => backend.upload(new Float32Array(3))).toThrow(ValueError);
    expect(() => backend.run(gaussian, { args: [buf, buf], nx: 1, ny: 1 })).toThrow(ValueError);
    await expect(backend.download(buf)).rejects.toBeInstanceOf(ValueError);
    await backend.dispose();
  });
});
