/**
 * Gaussian kernel product benchmark: out_i = sum_j exp(-|x_i - y_j|^2 / 2s^2) b_j, D = 3, float32,
 * N = M in {1e3, 1e4} (add --large for 1e5, which takes minutes on one thread), 1 and 2 worker
 * threads, for the JavaScript and the WebAssembly engines, against a plain JavaScript loop on the
 * calling thread. Prints pairs per second.
 *
 *   pnpm --filter @symtensor/backend-cpu bench [-- --large]
 */
import { cpu } from '../src/index.js';
import { gaussianProduct } from './gaussian-spec.js';

const large = process.argv.includes('--large');
const sizes = large ? [1e3, 1e4, 1e5] : [1e3, 1e4];
const s = 0.5;

const spec = gaussianProduct;

function data(n: number) {
  const rand = () => Math.random();
  return {
    x: Float32Array.from({ length: n * 3 }, rand),
    y: Float32Array.from({ length: n * 3 }, rand),
    b: Float32Array.from({ length: n }, rand),
    g: Float32Array.of(1 / (2 * s * s)),
  };
}

/** The same sum as a hand-written loop (float64 arithmetic, one thread): the baseline. */
function plainLoop(x: Float32Array, y: Float32Array, b: Float32Array, g: number, out: Float32Array) {
  const n = out.length;
  const m = b.length;
  for (let i = 0; i < n; i++) {
    const x0 = x[3 * i]!;
    const x1 = x[3 * i + 1]!;
    const x2 = x[3 * i + 2]!;
    let acc = 0;
    for (let j = 0; j < m; j++) {
      const d0 = x0 - y[3 * j]!;
      const d1 = x1 - y[3 * j + 1]!;
      const d2 = x2 - y[3 * j + 2]!;
      acc += Math.exp(-g * (d0 * d0 + d1 * d1 + d2 * d2)) * b[j]!;
    }
    out[i] = acc;
  }
}

const fmt = (pairsPerSec: number) => `${(pairsPerSec / 1e6).toFixed(1)} M pairs/s`;

for (const n of sizes) {
  const { x, y, b, g } = data(n);
  const pairs = n * n;
  const t0 = performance.now();
  plainLoop(x, y, b, g[0]!, new Float32Array(n));
  const base = (performance.now() - t0) / 1000;
  console.log(`N = M = ${n}: plain JS loop, 1 thread       ${fmt(pairs / base)} (${base.toFixed(3)} s)`);
  for (const [engine, threads] of [
    ['js', 1],
    ['js', 2],
    ['wasm', 1],
    ['wasm', 2],
  ] as const) {
    const backend = cpu({ threads, engine });
    const args = [x, y, b, g].map((a) => backend.upload(a));
    // First run: compile, start the workers and warm up the JIT; then time a second run.
    await backend.download(backend.run(spec, { args, nx: n, ny: n })[0]!);
    const t1 = performance.now();
    const [out] = backend.run(spec, { args, nx: n, ny: n });
    await backend.download(out!);
    const sec = (performance.now() - t1) / 1000;
    console.log(
      `N = M = ${n}: cpu backend (${engine}), ${threads} worker thread(s) ${fmt(pairs / sec)} (${sec.toFixed(3)} s)`,
    );
    await backend.dispose();
  }
}

// A cache hit: the cost of `run` itself (validation, cache lookup, output allocation, enqueue).
{
  const backend = cpu({ threads: 1 });
  const { x, y, b, g } = data(10);
  const args = [x, y, b, g].map((a) => backend.upload(a));
  const reps = 10_000;
  let us = 0;
  // The second round is the one reported: the first one warms up the JIT.
  for (let round = 0; round < 2; round++) {
    const t = performance.now();
    for (let k = 0; k < reps; k++) backend.run(spec, { args, nx: 10, ny: 10 });
    us = ((performance.now() - t) * 1000) / reps;
    await backend.sync();
  }
  console.log(`run() on a cached kernel (N = M = 10): ${us.toFixed(1)} us per call`);
  await backend.dispose();
}
