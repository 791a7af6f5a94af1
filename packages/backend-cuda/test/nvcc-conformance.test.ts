/**
 * Every kernel the conformance suite runs (`conformanceSpecs`: float32 and float64, reductions
 * over both axes, maps, take) compiles with `nvcc -cubin` for sm_80 and sm_90 with the backend's
 * own flags. This is what CI (nvcc, no GPU) can check of the generated CUDA.
 *
 * Kernels are named by a hash of their text, so a kernel that several specs print (a reduction
 * over i and its mirror over j, the merge kernel of every Sum of one dim and dtype) is one text
 * with one name, compiled once. To save nvcc's start-up time the distinct kernels are batched into
 * a few translation units per architecture, run one per core. The time is printed.
 */

import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { conformanceSpecs } from '@symtensor/core-ir/testing';
import { describe, expect, it } from 'vitest';
import { PRELUDE } from '../src/codegen/prelude.js';
import { kernelSource } from '../src/codegen/source.js';
import { Limiter } from '../src/jit/limiter.js';
import { nvccArgs } from '../src/jit/nvcc.js';
import { nvccMissing, nvccPath } from './helpers/nvcc.js';

const run = promisify(execFile);
const ARCHS = ['sm_80', 'sm_90'] as const;
/** Translation units per architecture: enough for the cores to share the work evenly. */
const UNITS = 8;

const missing = nvccMissing();

describe.skipIf(missing !== undefined)(
  `every conformance kernel compiles with nvcc${missing ? ` (skipped: ${missing})` : ''}`,
  () => {
    it('for sm_80 and sm_90', { timeout: 30 * 60_000 }, async () => {
      const t0 = performance.now();
      const specs = await conformanceSpecs({ sizes: 'quick' });
      const byName = new Map<string, string>();
      for (const spec of specs)
        for (const [name, text] of kernelSource(spec).kernels) {
          // One name, one text: the name is the text's hash.
          expect(byName.get(name) ?? text).toBe(text);
          byName.set(name, text);
        }
      const kernels = [...byName.values()];
      const dir = await mkdtemp(join(tmpdir(), 'symtensor-nvcc-all-'));
      const limiter = new Limiter(availableParallelism());
      try {
        const jobs = ARCHS.flatMap((arch) =>
          Array.from({ length: UNITS }, async (_, u) => {
            const file = join(dir, `${arch}-${u}.cu`);
            await writeFile(file, [PRELUDE, ...kernels.filter((_, k) => k % UNITS === u)].join('\n'));
            return limiter.run(async () => {
              try {
                await run(nvccPath!, nvccArgs(arch, file, join(dir, `${arch}-${u}.cubin`)), {
                  maxBuffer: 64 << 20,
                });
              } catch (e) {
                const err = e as Error & { stderr?: string };
                throw new Error(
                  `nvcc ${arch} failed on ${file}:\n${(err.stderr ?? err.message).slice(0, 4000)}`,
                );
              }
            });
          }),
        );
        await Promise.all(jobs);
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
      const seconds = (performance.now() - t0) / 1000;
      console.log(
        `nvcc: ${specs.length} conformance specs, ${kernels.length} distinct kernels, ${ARCHS.join(' + ')}: ${seconds.toFixed(1)} s on ${availableParallelism()} cores`,
      );
    });
  },
);
