/**
 * Forward + backward time of the Sinkhorn divergence (p = 2, blur = 0.05, scaling = 0.5, float32) on
 * the cpu backend for N = M in --sizes, with the online and multiscale backends, on the peers' 3D
 * inputs; and the relative error of each value against a high-precision run (scaling 0.99,
 * float64). That reference is the online backend up to --online-reference points (it costs ~460
 * updates over all N^2 pairs in float64) and the multiscale backend at scaling 0.99 above it
 * (its truncated weights are below exp(-5 (0.079 / 0.05)^2) ~ 4e-6); at N = 1e3 both references are
 * printed, so the two can be compared.
 *
 *   npx tsx --conditions=source packages/geomloss/bench/sinkhorn.ts \
 *     [--sizes 1000,10000] [--backends online,multiscale] [--online-reference 1000] [--no-reference]
 */
import { cpus, loadavg } from 'node:os';
import { forwardBackward, keptPercent } from './measure.js';

const arg = (name: string, fallback: string) => {
  const k = process.argv.indexOf(name);
  return k >= 0 ? process.argv[k + 1]! : fallback;
};
const sizes = arg('--sizes', '1000,10000').split(',').map(Number);
const backends = arg('--backends', 'online,multiscale').split(',') as ('online' | 'multiscale')[];
const onlineReferenceMax = Number(arg('--online-reference', '1000'));
const withReference = !process.argv.includes('--no-reference');
const schedule = { p: 2 as const, blur: 0.05, scaling: 0.5 };

console.log(
  `cpu: ${cpus().length} x ${cpus()[0]?.model}; load average before: ${loadavg()
    .map((v) => v.toFixed(2))
    .join(' ')}`,
);
await forwardBackward(1000, 'float32', schedule); // warm-up: kernel compilation, worker start
await forwardBackward(1000, 'float32', { ...schedule, backend: 'multiscale' });

console.log(
  '| N = M | backend | forward + backward (s) | S (float32, scaling 0.5) | kept pairs | reference S (scaling 0.99, float64) | relative error |',
);
console.log('|---|---|---|---|---|---|---|');
for (const N of sizes) {
  const references: { name: string; value: number; seconds: number }[] = [];
  if (withReference) {
    if (N <= onlineReferenceMax)
      references.push({
        name: 'online',
        ...(await forwardBackward(N, 'float64', { ...schedule, scaling: 0.99 })),
      });
    if (N >= onlineReferenceMax)
      references.push({
        name: 'multiscale',
        ...(await forwardBackward(N, 'float64', { ...schedule, scaling: 0.99, backend: 'multiscale' })),
      });
  }
  for (const backend of backends) {
    const reps = N <= 1000 ? 5 : 1;
    const runs = [];
    for (let r = 0; r < reps; r++) runs.push(await forwardBackward(N, 'float32', { ...schedule, backend }));
    const times = runs.map((m) => m.seconds).sort((p, q) => p - q);
    const { value, report } = runs[0]!;
    const ref = references
      .map((f) => `${f.value.toPrecision(7)} (${f.name}, ${f.seconds.toFixed(0)} s)`)
      .join('; ');
    const err = references.map((f) => (Math.abs(value - f.value) / f.value).toExponential(2)).join('; ');
    console.log(
      `| ${N} | ${backend} | ${times[times.length >> 1]!.toFixed(3)}${reps > 1 ? ` (median of ${reps})` : ''} | ${value.toPrecision(7)} | ${keptPercent(report)} | ${ref || '-'} | ${err || '-'} |`,
    );
  }
}
console.log(
  `load average after: ${loadavg()
    .map((v) => v.toFixed(2))
    .join(' ')}`,
);
process.exit(0);
