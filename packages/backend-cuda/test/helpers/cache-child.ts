/**
 * A separate process using the compile cache, for the tests of concurrent processes.
 *   jit <cacheDir> <arch> <sourceFile>   compiles through Jit (nvcc + disk cache), prints stats
 *   write <cacheDir> <key> <byte> <bytes> <times>   writes a payload of one repeated byte, again and again
 */
import { readFile } from 'node:fs/promises';
import { DiskCache } from '../../src/jit/disk-cache.js';
import { Jit } from '../../src/jit/jit.js';
import { findNvcc, NvccCompiler } from '../../src/jit/nvcc.js';

const [mode, dir, ...rest] = process.argv.slice(2);
const cache = new DiskCache(dir!);
if (mode === 'jit') {
  const [arch, file] = rest;
  const nvcc = await findNvcc();
  if (!nvcc) throw new Error('no nvcc');
  const jit = new Jit(await NvccCompiler.create(nvcc), cache);
  const source = await readFile(file!, 'utf8');
  const cubin = await jit.cubin(source, arch!);
  process.stdout.write(
    JSON.stringify({ key: jit.keyOf(source, arch!), bytes: cubin.length, stats: jit.stats }),
  );
} else if (mode === 'write') {
  const [key, byte, bytes, times] = rest.map((v, k) => (k === 0 ? v : Number(v))) as [
    string,
    number,
    number,
    number,
  ];
  const payload = new Uint8Array(bytes).fill(byte);
  for (let n = 0; n < times; n++) await cache.put(key, payload);
} else {
  throw new Error(`unknown mode ${mode}`);
}
