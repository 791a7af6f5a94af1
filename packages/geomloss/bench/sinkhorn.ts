/**
 * Forward + backward time of the Sinkhorn divergence (p = 2, blur = 0.05, scaling = 0.5) on the cpu
 * backend, N = M in {1e3, 1e4} (add --large for 1e5), on the peers' inputs (uniform(301), uniform(302));
 * and at 1e3 the relative error of that default against a high-precision run (scaling 0.99, float64).
 *
 *   npx tsx --conditions=source packages/geomloss/bench/sinkhorn.ts [--large]
 */
import { grad, tensor } from '@symtensor/lazytensor';
import { samplesLoss } from '../src/index.js';
import { peerUniform } from '../test/peer-inputs.js';

const sizes = process.argv.includes('--large') ? [1e3, 1e4, 1e5] : [1e3, 1e4];

async function run(N: number, dtype: 'float32' | 'float64', scaling: number) {
  const data = (seed: number) =>
    dtype === 'float32' ? Float32Array.from(peerUniform(seed, N * 3)) : peerUniform(seed, N * 3);
  const x = tensor(data(301), [N, 3], { dtype, requiresGrad: true });
  const y = tensor(data(302), [N, 3], { dtype });
  const t0 = performance.now();
  const S = await samplesLoss({ p: 2, blur: 0.05, scaling })(x, y);
  const [g] = grad(S, [x]);
  await g!.data();
  const seconds = (performance.now() - t0) / 1000;
  const value = await S.item();
  for (const t of [x, y, S, g!]) t.dispose();
  return { value, seconds };
}

await run(1e3, 'float32', 0.5); // warm-up: kernel compilation
for (const N of sizes) {
  const times: number[] = [];
  let value = 0;
  for (let rep = 0; rep < (N >= 1e5 ? 1 : 3); rep++)
    ({ value, seconds: times[rep] } = await run(N, 'float32', 0.5));
  times.sort((p, q) => p - q);
  console.log(
    `N=M=${N}: S = ${value.toPrecision(7)}, forward+backward median ${times[times.length >> 1]!.toFixed(3)} s (min ${times[0]!.toFixed(3)} s)`,
  );
}
const fast = await run(1e3, 'float32', 0.5);
const precise = await run(1e3, 'float64', 0.99);
console.log(
  `N=M=1000: scaling 0.5 float32 S = ${fast.value.toPrecision(7)}, scaling 0.99 float64 S = ${precise.value.toPrecision(7)} (${precise.seconds.toFixed(2)} s); relative error ${(Math.abs(fast.value - precise.value) / precise.value).toExponential(3)}`,
);
