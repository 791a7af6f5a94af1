/**
 * native/cuda_api.h declares the driver API by hand (so the addon builds without CUDA headers);
 * where the toolkit's cuda.h exists (CI has it), test/native-header-check.cc checks every
 * declaration against it at compile time: symbol versions, arity, parameter kinds and sizes,
 * constants. NVRTC's declarations have no header to check against on CI (no nvrtc.h there).
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { nvccPath, requireNvcc } from './helpers/nvcc.js';

const run = promisify(execFile);
const include = nvccPath ? join(dirname(dirname(nvccPath)), 'include') : '/usr/local/cuda/include';
const hasHeader = existsSync(join(include, 'cuda.h'));
if (!hasHeader && requireNvcc) throw new Error(`SYMTENSOR_REQUIRE_NVCC=1 but ${include}/cuda.h is missing`);

describe.skipIf(!hasHeader)(
  `cuda_api.h against cuda.h${hasHeader ? '' : ` (skipped: no ${include}/cuda.h)`}`,
  () => {
    it('declares every driver entry point as cuda.h does', { timeout: 60_000 }, async () => {
      const file = fileURLToPath(new URL('./native-header-check.cc', import.meta.url));
      const { stderr } = await run('g++', ['-std=c++17', '-fsyntax-only', `-I${include}`, file]);
      expect(stderr).toBe('');
    });
  },
);
