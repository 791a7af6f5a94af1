/**
 * The native addon builds and loads on a machine without CUDA, and everything above it reports
 * what is missing: the driver (cuda() rejects with a BackendUnavailableError "no driver: ..."),
 * NVRTC (the nvcc fallback is chosen, or with compiler 'nvrtc' the backend is unavailable and says
 * where it looked). On a machine with a driver these checks are skipped: they describe its absence.
 */
import { BackendUnavailableError, ValueError } from '@symtensor/core-ir';
import { describe, expect, it } from 'vitest';
import { cuda } from '../src/index.js';
import { selectCompiler } from '../src/jit/select.js';
import { addonCandidates } from '../src/native/addon.js';
import { DRIVER_LIBRARY, NVRTC_NAMES, nvrtcCandidates } from '../src/native/library-paths.js';
import { ensureAddon } from './helpers/addon.js';
import { nvccMissing } from './helpers/nvcc.js';

const addon = ensureAddon();
const driverFailure = addon.loadDriver(DRIVER_LIBRARY);

describe('the addon', () => {
  it('loads and exposes the native API', () => {
    for (const name of [
      'loadDriver',
      'driverVersion',
      'deviceCount',
      'deviceInfo',
      'loadNvrtc',
      'nvrtcVersion',
      'nvrtcCompile',
    ])
      expect(typeof (addon as unknown as Record<string, unknown>)[name]).toBe('function');
    expect(typeof addon.Device).toBe('function');
  });

  it('is found through SYMTENSOR_CUDA_ADDON first, then the build folder, then beside the module', () => {
    const list = addonCandidates({ SYMTENSOR_CUDA_ADDON: '/opt/x.node' });
    expect(list[0]).toBe('/opt/x.node');
    expect(list[1]).toMatch(/build\/Release\/symtensor_cuda\.node$/);
    expect(list[2]).toMatch(/src\/native\/symtensor_cuda\.node$/);
  });

  it('reports a library that does not exist, without throwing', () => {
    expect(addon.loadNvrtc('/nonexistent/libnvrtc.so.13')).toMatch(/No such file/);
  });
});

describe.skipIf(driverFailure === null)('without a CUDA driver', () => {
  it('loadDriver says which library is missing', () => {
    expect(driverFailure).toEqual({
      stage: 'open',
      message: expect.stringMatching(/^libcuda\.so\.1 not found \(/),
    });
  });

  it('device calls throw instead of crashing', () => {
    expect(() => addon.deviceCount()).toThrow(/not loaded/);
    expect(() => new addon.Device(0)).toThrow(/not loaded/);
  });

  it('cuda() rejects with BackendUnavailableError("no driver: ...")', async () => {
    const error = await cuda().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BackendUnavailableError);
    expect((error as BackendUnavailableError).backend).toBe('cuda');
    expect((error as BackendUnavailableError).reason).toMatch(/^no driver: libcuda\.so\.1 not found/);
    expect((error as Error).message).toMatch(/^cuda backend unavailable: no driver/);
  });

  it('cuda() checks its options before looking for the driver', async () => {
    await expect(cuda({ device: -1 })).rejects.toBeInstanceOf(ValueError);
    await expect(cuda({ cacheSize: 0 })).rejects.toBeInstanceOf(ValueError);
    await expect(cuda({ compiler: 'clang' as 'nvcc' })).rejects.toBeInstanceOf(ValueError);
  });
});

describe('compiler selection', () => {
  it('probes NVRTC: override, versioned names, LD_LIBRARY_PATH, the toolkit, Python wheels', async () => {
    expect(await nvrtcCandidates({ SYMTENSOR_NVRTC: '/x/libnvrtc.so' })).toEqual(['/x/libnvrtc.so']);
    const list = await nvrtcCandidates({ LD_LIBRARY_PATH: '/a:/b', CUDA_HOME: '/cuda' });
    expect(list.slice(0, 3)).toEqual([...NVRTC_NAMES]);
    expect(list).toContain('/a/libnvrtc.so.13');
    expect(list).toContain('/b/libnvrtc.so.12');
    expect(list).toContain('/cuda/lib64/libnvrtc.so.13');
    expect(list.indexOf('/a/libnvrtc.so.13')).toBeLessThan(list.indexOf('/cuda/lib64/libnvrtc.so.13'));
    expect(
      list.some((p) =>
        /python3[^/]*\/(site|dist)-packages\/nvidia\/cuda_nvrtc\/lib\/libnvrtc\.so\.13$/.test(p),
      ),
    ).toBe(true);
    expect(new Set(list).size).toBe(list.length);
  });

  const hasNvrtc = addon.loadNvrtc(NVRTC_NAMES[0]) === null;
  const missing = nvccMissing();

  it.skipIf(hasNvrtc)('without NVRTC, compiler "nvrtc" is unavailable and says where it looked', async () => {
    const error = await selectCompiler(addon, 'nvrtc', { SYMTENSOR_NVRTC: '/nope/libnvrtc.so' }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(BackendUnavailableError);
    expect((error as BackendUnavailableError).reason).toMatch(
      /^no CUDA compiler: NVRTC not found \(tried \/nope\/libnvrtc\.so;/,
    );
  });

  it.skipIf(hasNvrtc || missing !== undefined)('without NVRTC, "auto" falls back to nvcc', async () => {
    const compiler = await selectCompiler(addon, 'auto');
    expect(compiler.id).toMatch(/^nvcc \d+\.\d+\.\d+$/);
  });

  it('with neither, the backend is unavailable', async () => {
    const error = await selectCompiler(addon, 'nvcc', { SYMTENSOR_NVCC: '/nope/nvcc', PATH: '' }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(BackendUnavailableError);
    expect((error as BackendUnavailableError).reason).toBe(
      'no CUDA compiler: no nvcc (set SYMTENSOR_NVCC or CUDA_HOME)',
    );
  });
});
