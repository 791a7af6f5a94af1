/**
 * Command line of the GPU checks, in the repo (`pnpm --filter @symtensor/backend-cuda bench` and
 * `gpu:conformance`) or bundled (`node symtensor-cuda.mjs ...`, see scripts/bundle.mjs):
 *
 *   bench [--sizes 1e4,1e5,1e6] [--knn 1e5] [--softmin 1e5] [--reps 5] [--torch FILE] [--python python3] [--out FILE]
 *   conformance [--full]
 *
 * `--torch` names torch_baseline.py (default: beside this script, when present).
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { runConformance } from './conformance-runner.js';
import { runBench } from './run.js';

const [command, ...rest] = process.argv.slice(2);
const flag = (name: string) => {
  const k = rest.indexOf(`--${name}`);
  return k >= 0 ? rest[k + 1] : undefined;
};
const numbers = (text: string) => text.split(',').map(Number);

if (command === 'bench') {
  const beside = fileURLToPath(new URL('./torch_baseline.py', import.meta.url));
  await runBench({
    sizes: numbers(flag('sizes') ?? '1e4,1e5,1e6'),
    knnSize: Number(flag('knn') ?? 1e5),
    softminSize: Number(flag('softmin') ?? 1e5),
    reps: Number(flag('reps') ?? 5),
    torch: flag('torch') ?? (existsSync(beside) ? beside : undefined),
    python: flag('python') ?? 'python3',
    out: flag('out'),
  });
} else if (command === 'conformance') {
  process.exitCode = await runConformance(rest.includes('--full') ? 'full' : 'quick');
} else {
  console.error('usage: main.ts bench [options] | conformance [--full]');
  process.exitCode = 2;
}
