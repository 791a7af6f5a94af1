/**
 * The disk cache of compiled kernels: the file format's integrity checks, atomic replacement
 * under concurrent writers in separate processes (readers see a complete file or none), and the
 * compile path through it with nvcc (two processes compiling one kernel at once, then a third
 * served from disk). No device is involved: the compile-and-cache layer is separate from it.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { mapSpec, sin, variable } from '@symtensor/core-ir';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { kernelSource } from '../src/codegen/source.js';
import { cacheKey } from '../src/jit/cache-key.js';
import { DiskCache, decode, defaultCacheDir, encode } from '../src/jit/disk-cache.js';
import { nvccMissing } from './helpers/nvcc.js';

const run = promisify(execFile);
const child = fileURLToPath(new URL('./helpers/cache-child.ts', import.meta.url));
/** Runs the child script under tsx (TypeScript sources, as in the tests). */
const spawnChild = (args: string[]) =>
  run(process.execPath, ['--import', 'tsx', '--conditions=source', child, ...args], { maxBuffer: 16 << 20 });

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'symtensor-cache-test-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const KEY = 'a'.repeat(64);

describe('cache file format', () => {
  it('round-trips a payload and rejects damaged files', () => {
    const payload = Uint8Array.from({ length: 1000 }, (_, k) => (k * 7) & 255);
    const file = encode(payload);
    expect(decode(file)).toEqual(payload);
    expect(decode(file.subarray(0, file.length - 1))).toBeUndefined();
    const flipped = Buffer.from(file);
    flipped[flipped.length - 10]! ^= 1;
    expect(decode(flipped)).toBeUndefined();
    const magic = Buffer.from(file);
    magic[0] = 0;
    expect(decode(magic)).toBeUndefined();
    expect(decode(Buffer.alloc(3))).toBeUndefined();
    expect(decode(encode(new Uint8Array(0)))).toEqual(new Uint8Array(0));
  });

  it('keys on everything that changes the binary', () => {
    const base = cacheKey('src', 'sm_90', 'nvcc 13.0.88', ['-a']);
    expect(base).toMatch(/^[0-9a-f]{64}$/);
    for (const other of [
      cacheKey('src2', 'sm_90', 'nvcc 13.0.88', ['-a']),
      cacheKey('src', 'sm_80', 'nvcc 13.0.88', ['-a']),
      cacheKey('src', 'sm_90', 'nvrtc 13.0', ['-a']),
      cacheKey('src', 'sm_90', 'nvcc 13.0.88', ['-a', '-b']),
      // Parts are length-prefixed: moving text between parts changes the key.
      cacheKey('-asrc', 'sm_90', 'nvcc 13.0.88', []),
    ])
      expect(other).not.toBe(base);
  });

  it('lives in SYMTENSOR_CUDA_CACHE or ~/.cache/symtensor/cuda', () => {
    expect(defaultCacheDir({ SYMTENSOR_CUDA_CACHE: '/x/y' })).toBe('/x/y');
    expect(defaultCacheDir({})).toMatch(/\.cache\/symtensor\/cuda$/);
  });
});

describe('DiskCache', () => {
  it('stores, replaces and misses', async () => {
    const cache = new DiskCache(join(dir, 'nested', 'cache'));
    expect(await cache.get(KEY)).toBeUndefined();
    await cache.put(KEY, Uint8Array.of(1, 2, 3));
    expect(await cache.get(KEY)).toEqual(Uint8Array.of(1, 2, 3));
    await cache.put(KEY, Uint8Array.of(4));
    expect(await cache.get(KEY)).toEqual(Uint8Array.of(4));
    expect(await readdir(join(dir, 'nested', 'cache'))).toEqual([`${KEY}.cubin`]);
    expect(() => cache.pathOf('../../etc/passwd')).toThrow(/sha256/);
  });

  it('reads a damaged file as a miss, and a put repairs it', async () => {
    const cache = new DiskCache(dir);
    await writeFile(cache.pathOf(KEY), 'half a fi');
    expect(await cache.get(KEY)).toBeUndefined();
    await cache.put(KEY, Uint8Array.of(9));
    expect(await cache.get(KEY)).toEqual(Uint8Array.of(9));
  });

  it('never shows a reader a partial file while two processes rewrite it', { timeout: 120_000 }, async () => {
    const cache = new DiskCache(dir);
    const bytes = 4 << 20;
    const whole = (byte: number) => encode(new Uint8Array(bytes).fill(byte));
    const [a, b] = [whole(0xaa), whole(0xbb)];
    const writers = Promise.all([
      spawnChild(['write', dir, KEY, '170', String(bytes), '25']),
      spawnChild(['write', dir, KEY, '187', String(bytes), '25']),
    ]);
    let finished = false;
    writers.finally(() => {
      finished = true;
    });
    let reads = 0;
    while (!finished) {
      let file: Buffer;
      try {
        file = await readFile(cache.pathOf(KEY));
      } catch {
        continue;
      }
      reads++;
      // Byte for byte one writer's complete file (not just a file that passes the checksum).
      expect(file.equals(a) || file.equals(b)).toBe(true);
    }
    await writers;
    expect(reads).toBeGreaterThan(0);
    const last = await cache.get(KEY);
    expect(last?.length).toBe(bytes);
    expect(last![0] === 0xaa || last![0] === 0xbb).toBe(true);
    // No temporary file is left behind.
    expect(await readdir(dir)).toEqual([`${KEY}.cubin`]);
  });
});

const missing = nvccMissing();

describe.skipIf(missing !== undefined)(
  `the nvcc compile path through the cache${missing ? ` (skipped: ${missing})` : ''}`,
  () => {
    it('two processes compile one kernel at once; a third reads it from disk', {
      timeout: 300_000,
    }, async () => {
      const { source } = kernelSource(mapSpec({ formula: sin(variable(0, 3, 'i')), dtype: 'float32' }));
      const file = join(dir, 'kernel.cu');
      await writeFile(file, source);
      const cacheDir = join(dir, 'cache');
      const jit = async () => JSON.parse((await spawnChild(['jit', cacheDir, 'sm_90', file])).stdout);
      const [p, q] = await Promise.all([jit(), jit()]);
      expect(p.key).toBe(q.key);
      // Each compiled (neither found the other's file mid-write) or, if one was slower to start,
      // read the other's complete file.
      expect(p.stats.compiles + p.stats.diskHits).toBe(1);
      expect(q.stats.compiles + q.stats.diskHits).toBe(1);
      const stored = await new DiskCache(cacheDir).get(p.key);
      expect(stored).toBeDefined();
      // A CUBIN is an ELF file.
      expect(Buffer.from(stored!.subarray(0, 4)).toString('latin1')).toBe('\x7fELF');
      expect(stored!.length).toBe(p.bytes);
      const third = await jit();
      expect(third.stats).toEqual({ memoryHits: 0, diskHits: 1, compiles: 0 });
      expect((await readdir(cacheDir)).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    });
  },
);
