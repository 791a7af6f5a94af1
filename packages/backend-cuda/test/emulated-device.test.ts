/**
 * The device plumbing on the emulated device (test/helpers/emulator.ts): creation through cuda()
 * with the fake driver, driver failures, copies larger than the staging chunks and than the
 * whole staging pool, compile failures surfacing at download, kernels evicted and retired while
 * runs use them, and memory accounting.
 */
import {
  BackendUnavailableError,
  CompileError,
  exp,
  mapSpec,
  minus,
  mul,
  Reduction,
  reductionSpec,
  referenceRun,
  SymtensorError,
  sin,
  sqDist,
  variable,
} from '@symtensor/core-ir';
import { afterEach, describe, expect, it } from 'vitest';
import { CudaBackend } from '../src/backend.js';
import { CudaDevice } from '../src/device/cuda-device.js';
import { cuda } from '../src/index.js';
import { Jit } from '../src/jit/jit.js';
import { HostCompiler } from './emulator/host-compiler.js';
import { emulatedAddon, emulatedBackend, fakeDriver } from './helpers/emulator.js';
import { nvccMissing } from './helpers/nvcc.js';

const x = variable(0, 3, 'i');
const y = variable(1, 3, 'j');
const b = variable(2, 1, 'j');
const sumSpec = reductionSpec({
  formula: mul(exp(minus(sqDist(x, y))), b),
  reduction: Reduction.Sum,
  axis: 'j',
  dtype: 'float64',
});

const random = (n: number) => Float64Array.from({ length: n }, Math.random);

afterEach(() => {
  delete process.env.SYMTENSOR_FAKE_CUDA_INIT_ERROR;
  delete process.env.SYMTENSOR_CUDA_DRIVER;
});

describe('cuda() with the fake driver', () => {
  it('reports a driver that cannot initialise', async () => {
    process.env.SYMTENSOR_CUDA_DRIVER = fakeDriver();
    process.env.SYMTENSOR_FAKE_CUDA_INIT_ERROR = '100';
    const error = await cuda({ compiler: 'nvcc' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BackendUnavailableError);
    expect((error as BackendUnavailableError).reason).toBe(
      'driver error: cuInit: CUDA_ERROR_NO_DEVICE (no CUDA-capable device is detected)',
    );
  });

  it('opens the device, names a missing one, and disposes', async () => {
    process.env.SYMTENSOR_CUDA_DRIVER = fakeDriver();
    const missing = nvccMissing();
    if (missing) return;
    await expect(cuda({ device: 1, compiler: 'nvcc' })).rejects.toThrow(
      /no device 1: this machine has 1 CUDA device/,
    );
    const backend = await cuda({ compiler: 'nvcc', cache: false });
    expect(backend.device.info.name).toBe('symtensor fake CUDA device');
    expect(backend.device.arch).toBe('sm_90');
    expect(backend.jit.compiler.id).toMatch(/^nvcc /);
    expect(backend.deviceMemory()).toEqual({ free: 2 ** 29, total: 2 ** 30 });
    await backend.dispose();
    expect(() => backend.upload(new Float32Array(1))).toThrow(/disposed/);
  });
});

describe('the emulated device', () => {
  it('copies through several staging chunks, and past the whole pool', { timeout: 120_000 }, async () => {
    const backend = emulatedBackend();
    try {
      // 9 MiB: three chunks. 300 MiB with copies that stay in flight (each event reports "not
      // ready" 100 times): the 64 chunks of the pool are all busy by the 65th, so the rest of
      // the upload takes the direct path.
      for (const [n, lag] of [
        [9 * 2 ** 18 + 3, '2'],
        [75 * 2 ** 20 + 1, '100'],
      ] as const) {
        const data = new Float32Array(n);
        for (let k = 0; k < n; k += 1) data[k] = (k * 2654435761) % 1000;
        process.env.SYMTENSOR_FAKE_CUDA_LAG = lag;
        const buf = backend.upload(data);
        delete process.env.SYMTENSOR_FAKE_CUDA_LAG;
        const back = await backend.download(buf);
        expect(back.length).toBe(n);
        expect(Buffer.compare(Buffer.from(back.buffer), Buffer.from(data.buffer))).toBe(0);
        backend.free(buf);
      }
      expect(backend.memory()).toEqual({ buffers: 0, bytes: 0 });
    } finally {
      await backend.dispose();
    }
  });

  it('runs a spec whose kernel is still compiling, then frees its inputs at once', {
    timeout: 120_000,
  }, async () => {
    const backend = emulatedBackend();
    try {
      const [nx, ny] = [300, 700];
      const [xs, ys, bs] = [random(nx * 3), random(ny * 3), random(ny)];
      const args = [xs, ys, bs].map((a) => backend.upload(a));
      const [out] = backend.run(sumSpec, { args, nx, ny });
      for (const a of args) backend.free(a);
      const got = await backend.download(out!);
      const [ref] = referenceRun(sumSpec, { args: [xs, ys, bs], nx, ny });
      for (let k = 0; k < nx; k++) expect(Math.abs(got[k]! - ref![k]!)).toBeLessThan(1e-10);
      backend.free(out!);
      expect(backend.memory()).toEqual({ buffers: 0, bytes: 0 });
    } finally {
      await backend.dispose();
    }
  });

  it('reports a compile failure at download, and compiles again on the next run', {
    timeout: 120_000,
  }, async () => {
    const host = new HostCompiler();
    let fail = true;
    const flaky = {
      id: host.id,
      options: (arch: string) => host.options(arch),
      compile: (source: string, arch: string) => {
        if (fail) return Promise.reject(new CompileError('injected failure', source));
        return host.compile(source, arch);
      },
    };
    const backend = new CudaBackend(new CudaDevice(emulatedAddon(), 0), new Jit(flaky, undefined), {
      cacheSize: 8,
    });
    try {
      const spec = mapSpec({ formula: sin(x), dtype: 'float32' });
      const input = backend.upload(Float32Array.of(1, 2, 3));
      const [bad] = backend.run(spec, { args: [input], nx: 1, ny: 0 });
      await expect(backend.download(bad!)).rejects.toBeInstanceOf(CompileError);
      // A run reading the failed output fails too, naming the cause.
      const [chained] = backend.run(spec, { args: [bad!], nx: 1, ny: 0 });
      await expect(backend.download(chained!)).rejects.toThrow(
        /comes from a run that failed \(injected failure\)/,
      );
      fail = false;
      const [good] = backend.run(spec, { args: [input], nx: 1, ny: 0 });
      expect([...(await backend.download(good!))]).toEqual([
        ...Float32Array.of(Math.sin(1), Math.sin(2), Math.sin(3)),
      ]);
      for (const buf of [input, bad!, chained!, good!]) backend.free(buf);
    } finally {
      await backend.dispose();
    }
  });

  it('keeps results right while kernels are evicted and retired', { timeout: 120_000 }, async () => {
    const addon = emulatedAddon();
    const backend = new CudaBackend(new CudaDevice(addon, 0), new Jit(new HostCompiler(), undefined), {
      cacheSize: 1,
    });
    try {
      const input = backend.upload(Float32Array.of(0.5, -1, 2));
      const specs = [sin(x), exp(x), sin(exp(x))].map((formula) => mapSpec({ formula, dtype: 'float32' }));
      const outs = [];
      for (let round = 0; round < 3; round++)
        for (const spec of specs)
          outs.push({ spec, out: backend.run(spec, { args: [input], nx: 1, ny: 0 })[0]! });
      for (const { spec, out } of outs) {
        const [ref] = referenceRun(spec, { args: [Float32Array.of(0.5, -1, 2)], nx: 1, ny: 0 });
        const got = await backend.download(out);
        for (const [k, v] of ref!.entries()) expect(got[k]).toBeCloseTo(v, 5);
        backend.free(out);
      }
      await backend.sync();
      backend.free(input);
    } finally {
      await backend.dispose();
    }
  });

  it('refuses foreign, freed and disposed buffers with typed errors', async () => {
    const backend = emulatedBackend();
    const other = emulatedBackend();
    const buf = other.upload(Float64Array.of(1));
    expect(() => backend.free(buf)).toThrow(/not a buffer of this cuda backend/);
    other.free(buf);
    await expect(other.download(buf)).rejects.toThrow(/was freed/);
    expect(() => backend.upload(new Uint16Array(2))).toThrow(/float16/);
    await other.dispose();
    await backend.dispose();
    await backend.dispose();
    await expect(backend.sync()).rejects.toBeInstanceOf(SymtensorError);
  });
});
