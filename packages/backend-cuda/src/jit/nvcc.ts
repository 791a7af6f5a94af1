/**
 * `nvcc -cubin` as the compiler where NVRTC is missing (CI has the toolkit's nvcc but no NVRTC
 * library). Each compile is a child process working in its own temporary folder; at most one per
 * core runs at once.
 */
import { execFile } from 'node:child_process';
import { constants } from 'node:fs';
import { access, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { availableParallelism, tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { promisify } from 'node:util';
import { CompileError } from '@symtensor/core-ir';
import { CUDA_FLAGS, type CubinCompiler } from './compiler.js';
import { Limiter } from './limiter.js';

const run = promisify(execFile);

/** `SYMTENSOR_NVCC`, then `$CUDA_HOME/bin`, `$CUDA_PATH/bin`, `/usr/local/cuda/bin`, then PATH. */
export function nvccCandidates(env: NodeJS.ProcessEnv = process.env): string[] {
  if (env.SYMTENSOR_NVCC) return [env.SYMTENSOR_NVCC];
  const dirs = [
    ...[env.CUDA_HOME, env.CUDA_PATH].filter((d): d is string => !!d).map((d) => join(d, 'bin')),
    '/usr/local/cuda/bin',
    ...(env.PATH ?? '').split(delimiter).filter((d) => d !== ''),
  ];
  return [...new Set(dirs.map((d) => join(d, 'nvcc')))];
}

/** The first executable nvcc, if any. */
export async function findNvcc(env: NodeJS.ProcessEnv = process.env): Promise<string | undefined> {
  for (const path of nvccCandidates(env)) {
    try {
      await access(path, constants.X_OK);
      return path;
    } catch {}
  }
  return undefined;
}

/** The arguments of one compile (shared with the tests that compile many kernels at once). */
export function nvccArgs(arch: string, input: string, output: string): string[] {
  return ['-cubin', `-arch=${arch}`, ...CUDA_FLAGS, '-o', output, input];
}

export class NvccCompiler implements CubinCompiler {
  private readonly limiter = new Limiter(availableParallelism());

  private constructor(
    readonly path: string,
    readonly id: string,
  ) {}

  /** Asks `nvcc --version` for the version that goes into cache keys. */
  static async create(path: string): Promise<NvccCompiler> {
    const { stdout } = await run(path, ['--version']);
    const version = /V(\d+\.\d+\.\d+)/.exec(stdout)?.[1];
    if (!version) throw new Error(`${path} --version printed no version: ${stdout}`);
    return new NvccCompiler(path, `nvcc ${version}`);
  }

  options(arch: string): readonly string[] {
    return nvccArgs(arch, 'kernel.cu', 'kernel.cubin');
  }

  compile(source: string, arch: string): Promise<Uint8Array> {
    return this.limiter.run(async () => {
      const dir = await mkdtemp(join(tmpdir(), 'symtensor-nvcc-'));
      try {
        await writeFile(join(dir, 'kernel.cu'), source);
        try {
          await run(this.path, this.options(arch) as string[], { cwd: dir, maxBuffer: 64 << 20 });
        } catch (e) {
          const err = e as Error & { stderr?: string };
          throw new CompileError(`${this.id} -arch=${arch} failed:\n${err.stderr || err.message}`, source);
        }
        return new Uint8Array(await readFile(join(dir, 'kernel.cubin')));
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    });
  }
}
