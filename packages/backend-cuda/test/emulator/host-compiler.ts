/**
 * A CubinCompiler for the fake driver (fake_cuda.cc): compiles a kernel source as host C++ with
 * g++ into a shared library, after cuda_emulation.h, adding for each kernel a trampoline
 * `<name>__emu(ids, params, barrier, context)` that sets the CUDA built-ins of the calling thread
 * and calls the kernel with its 8-byte parameters, as cuLaunchKernel would.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { CompileError } from '@symtensor/core-ir';
import type { CubinCompiler } from '../../src/jit/compiler.js';
import { Limiter } from '../../src/jit/limiter.js';

const run = promisify(execFile);
const HEADER = fileURLToPath(new URL('./cuda_emulation.h', import.meta.url));
const FLAGS = ['-std=c++17', '-O1', '-shared', '-fPIC', '-w', '-include', HEADER, '-x', 'c++'];

/** One trampoline per `extern "C" __global__` kernel of the source. */
export function trampolines(source: string): string {
  const out: string[] = [];
  for (const m of source.matchAll(/extern "C" __global__ void __launch_bounds__\(\d+\) (\w+)\(([^)]*)\)/g)) {
    const [, name, list] = m;
    const types = list!
      .split(', ')
      .map((p) => p.slice(0, p.lastIndexOf(' ')).replaceAll('__restrict__', '').trim());
    const args = types.map((t, k) => `*static_cast<${t}*>(p[${k}])`).join(', ');
    out.push(`extern "C" void ${name}__emu(const unsigned* d, void** p, void (*barrier)(void*), void* context) {
  blockIdx = {d[0], d[1], 0};
  gridDim = {d[2], d[3], 1};
  threadIdx = {d[4], 0, 0};
  blockDim = {d[5], 1, 1};
  st_barrier = barrier;
  st_barrier_context = context;
  ${name}(${args});
}`);
  }
  return out.join('\n');
}

export class HostCompiler implements CubinCompiler {
  /** Names the emulation header's content too: the cache must not serve builds of an older one. */
  readonly id =
    `g++ emulation ${createHash('sha256').update(readFileSync(HEADER)).update(trampolines.toString()).digest('hex').slice(0, 16)}`;
  private readonly limiter = new Limiter(availableParallelism());

  options(arch: string): readonly string[] {
    return [...FLAGS, `-DEMULATED_ARCH=${arch}`];
  }

  compile(source: string, arch: string): Promise<Uint8Array> {
    return this.limiter.run(async () => {
      const dir = await mkdtemp(join(tmpdir(), 'symtensor-emu-'));
      try {
        await writeFile(join(dir, 'kernel.cu'), `${source}\n${trampolines(source)}\n`);
        try {
          await run('g++', [...this.options(arch), 'kernel.cu', '-o', 'kernel.so'], {
            cwd: dir,
            maxBuffer: 16 << 20,
          });
        } catch (e) {
          const err = e as Error & { stderr?: string };
          throw new CompileError(`g++ (emulation) failed:\n${err.stderr || err.message}`, source);
        }
        return new Uint8Array(await readFile(join(dir, 'kernel.so')));
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    });
  }
}
