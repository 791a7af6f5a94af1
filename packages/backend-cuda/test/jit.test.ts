/** The in-process compile path: memory cache, disk cache, nvcc, and compile errors. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CompileError, mapSpec, sin, variable } from '@symtensor/core-ir';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { kernelSource } from '../src/codegen/source.js';
import { DiskCache } from '../src/jit/disk-cache.js';
import { Jit } from '../src/jit/jit.js';
import { NvccCompiler } from '../src/jit/nvcc.js';
import { nvccMissing, nvccPath } from './helpers/nvcc.js';

const missing = nvccMissing();
let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'symtensor-jit-test-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe.skipIf(missing !== undefined)(`Jit with nvcc${missing ? ` (skipped: ${missing})` : ''}`, () => {
  const { source } = kernelSource(mapSpec({ formula: sin(variable(0, 2, 'i')), dtype: 'float64' }));

  it('compiles once for concurrent requests, then serves memory, then disk', {
    timeout: 120_000,
  }, async () => {
    const compiler = await NvccCompiler.create(nvccPath!);
    expect(compiler.id).toMatch(/^nvcc \d+\.\d+\.\d+$/);
    expect(compiler.options('sm_80')).toContain('-arch=sm_80');
    expect(compiler.options('sm_80')).toContain('--fmad=false');
    expect(compiler.options('sm_80').join(' ')).not.toMatch(/fast/);
    const disk = new DiskCache(dir);
    const jit = new Jit(compiler, disk);
    const [a, b] = await Promise.all([jit.cubin(source, 'sm_80'), jit.cubin(source, 'sm_80')]);
    expect(a).toBe(b);
    expect(jit.stats).toEqual({ memoryHits: 1, diskHits: 0, compiles: 1 });
    await jit.cubin(source, 'sm_80');
    expect(jit.stats.memoryHits).toBe(2);
    // Another architecture is another binary.
    await jit.cubin(source, 'sm_90');
    expect(jit.stats.compiles).toBe(2);
    const fresh = new Jit(compiler, disk);
    expect(await fresh.cubin(source, 'sm_80')).toEqual(a);
    expect(fresh.stats).toEqual({ memoryHits: 0, diskHits: 1, compiles: 0 });
  });

  it('rejects with a CompileError carrying the source and nvcc message, and does not cache it', async () => {
    const compiler = await NvccCompiler.create(nvccPath!);
    const jit = new Jit(compiler, new DiskCache(dir));
    const broken = `${source}\nextern "C" __global__ void broken() { undefined_thing(); }\n`;
    const error = await jit.cubin(broken, 'sm_80').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CompileError);
    expect((error as CompileError).source).toBe(broken);
    expect((error as CompileError).message).toMatch(/undefined_thing/);
    await expect(jit.cubin(broken, 'sm_80')).rejects.toBeInstanceOf(CompileError);
    expect(jit.stats.compiles).toBe(2);
  });
});
