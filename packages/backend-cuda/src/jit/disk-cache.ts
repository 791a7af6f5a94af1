/**
 * The disk cache of compiled kernels, shared by every process of the user: one file per key,
 * `<dir>/<key>.cubin`. A writer writes a temporary file in the same folder and renames it over
 * the final name; rename is atomic within a file system, so a reader sees no file or a complete
 * one, and concurrent writers of one key each install a complete file (the last one stays).
 * Each file carries a header with the payload's length and SHA-256, checked on every read, so a
 * file damaged after the fact (a crash before the data reached the disk, a full disk, a stray
 * edit) reads as a miss and is rewritten, never loaded into the driver.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';

const MAGIC = Buffer.from('STCUBIN1', 'latin1');
const HEADER = MAGIC.length + 8 + 32;

/** `SYMTENSOR_CUDA_CACHE`, else `~/.cache/symtensor/cuda`. */
export function defaultCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.SYMTENSOR_CUDA_CACHE || join(homedir(), '.cache', 'symtensor', 'cuda');
}

export class DiskCache {
  constructor(readonly dir: string) {}

  pathOf(key: string): string {
    if (!/^[0-9a-f]{64}$/.test(key))
      throw new Error(`disk cache key must be a sha256 hex digest, got '${key}'`);
    return join(this.dir, `${key}.cubin`);
  }

  /** The payload stored under `key`, or undefined when absent or damaged. */
  async get(key: string): Promise<Uint8Array | undefined> {
    let file: Buffer;
    try {
      file = await readFile(this.pathOf(key));
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw e;
    }
    return decode(file);
  }

  /** Stores `payload` under `key` (temporary file, then atomic rename). */
  async put(key: string, payload: Uint8Array): Promise<void> {
    const final = this.pathOf(key);
    await mkdir(this.dir, { recursive: true });
    const tmp = `${final}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
    try {
      await writeFile(tmp, encode(payload), { flag: 'wx' });
      await rename(tmp, final);
    } catch (e) {
      await rm(tmp, { force: true });
      throw e;
    }
  }
}

export function encode(payload: Uint8Array): Buffer {
  const header = Buffer.alloc(HEADER);
  MAGIC.copy(header, 0);
  header.writeBigUInt64LE(BigInt(payload.length), MAGIC.length);
  createHash('sha256')
    .update(payload)
    .digest()
    .copy(header, MAGIC.length + 8);
  return Buffer.concat([header, payload]);
}

/** The payload of a cache file, or undefined unless its header, length and checksum agree. */
export function decode(file: Buffer): Uint8Array | undefined {
  if (file.length < HEADER || !file.subarray(0, MAGIC.length).equals(MAGIC)) return undefined;
  const length = file.readBigUInt64LE(MAGIC.length);
  if (length !== BigInt(file.length - HEADER)) return undefined;
  const payload = file.subarray(HEADER);
  const sum = createHash('sha256').update(payload).digest();
  return sum.equals(file.subarray(MAGIC.length + 8, HEADER)) ? new Uint8Array(payload) : undefined;
}
