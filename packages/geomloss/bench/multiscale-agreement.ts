/**
 * Online against multiscale on 3D clouds of N = M = 20000 points (float32, p = 2, blur 0.05), at
 * scalings 0.5 (GeomLoss's default) and 0.9: values, relative gap, forward + backward times and
 * the multiscale report, on the peers' inputs (two uniform samples) and on a cube against a blob
 * (see measure.ts).
 *
 *   npx tsx --conditions=source packages/geomloss/bench/multiscale-agreement.ts [--size 20000] \
 *     [--scalings 0.5,0.9] [--clouds peers,cube-blob]
 */
import { loadavg } from 'node:os';
import { type Clouds, forwardBackward, keptPercent } from './measure.js';

const arg = (name: string, fallback: string) => {
  const k = process.argv.indexOf(name);
  return k >= 0 ? process.argv[k + 1]! : fallback;
};
const N = Number(arg('--size', '20000'));
const scalings = arg('--scalings', '0.5,0.9').split(',').map(Number);
const cloudSets = arg('--clouds', 'peers,cube-blob').split(',') as Clouds[];

console.log(
  `load average before: ${loadavg()
    .map((v) => v.toFixed(2))
    .join(' ')}`,
);
console.log(
  '| clouds | N = M | scaling | online S (s) | multiscale S (s) | gap | clusters | jump blur | kept pairs (xy) |',
);
console.log('|---|---|---|---|---|---|---|---|---|');
for (const clouds of cloudSets)
  for (const scaling of scalings) {
    const options = { p: 2 as const, blur: 0.05, scaling };
    const online = await forwardBackward(N, 'float32', options, clouds);
    const multi = await forwardBackward(N, 'float32', { ...options, backend: 'multiscale' }, clouds);
    const r = multi.report!;
    console.log(
      `| ${clouds} | ${N} | ${scaling} | ${online.value.toPrecision(7)} (${online.seconds.toFixed(1)}) | ${multi.value.toPrecision(7)} (${multi.seconds.toFixed(1)}) | ${(((multi.value - online.value) / online.value) * 100).toFixed(2)}% | ${r.clusters.join(' / ')} | ${r.jumpBlur.toFixed(4)} | ${keptPercent(r)} |`,
    );
  }
console.log(
  `load average after: ${loadavg()
    .map((v) => v.toFixed(2))
    .join(' ')}`,
);
process.exit(0);
