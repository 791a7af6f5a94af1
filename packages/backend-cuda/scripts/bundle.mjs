#!/usr/bin/env node
/**
 * Packs the GPU checks for a machine that has a GPU but no Node.js and no network (see
 * ../../shared/reference/platform.md): writes to `.gpu/` (ignored by git)
 *   symtensor-cuda.mjs     bench/main.ts and everything it imports, in one ES module
 *   symtensor_cuda.node    the native addon, found beside the bundle at run time
 *   torch_baseline.py      the PyTorch baseline, found beside the bundle
 *   node.xz                this machine's node binary, xz-compressed (with --node)
 * and prints the commands to run there. Needs the addon built (pnpm build:addon).
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, realpathSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const out = join(root, '.gpu');
const addon = join(root, 'build', 'Release', 'symtensor_cuda.node');
if (!existsSync(addon))
  throw new Error(`${addon} is missing: run 'pnpm --filter @symtensor/backend-cuda build:addon' first`);
mkdirSync(out, { recursive: true });

await build({
  entryPoints: [join(root, 'bench', 'main.ts')],
  outfile: join(out, 'symtensor-cuda.mjs'),
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  conditions: ['source'],
  alias: { vitest: join(root, 'bench', 'vitest-stub.ts') },
  // Node built-ins used through require() by bundled CommonJS, if any.
  banner: {
    js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);",
  },
  logLevel: 'warning',
});
copyFileSync(addon, join(out, 'symtensor_cuda.node'));
copyFileSync(join(root, 'bench', 'torch_baseline.py'), join(out, 'torch_baseline.py'));
if (process.argv.includes('--node')) {
  const node = realpathSync(process.execPath);
  writeFileSync(join(out, 'node.xz'), execFileSync('xz', ['-9', '-c', node], { maxBuffer: 1 << 30 }));
}
const size = (f) => `${(statSync(join(out, f)).size / 2 ** 20).toFixed(1)} MiB`;
console.log(`wrote ${out}: symtensor-cuda.mjs (${size('symtensor-cuda.mjs')}), symtensor_cuda.node, torch_baseline.py${
  process.argv.includes('--node') ? `, node.xz (${size('node.xz')})` : ''
}
on the GPU machine, in a scratch folder holding these files:
  xz -dc node.xz > node && chmod +x node
  ./node symtensor-cuda.mjs conformance
  ./node symtensor-cuda.mjs bench --out results.json`);
