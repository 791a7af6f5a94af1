/**
 * Benchmarks of @symtensor/ml on the default (CPU) backend against npm baselines (ml-kmeans,
 * hnswlib-node) and the scikit-learn numbers of shared/reference/peers.md, on the same inputs.
 *
 *     npx tsx --conditions=source packages/ml/bench/run.ts [--large]
 *
 * Default sizes: k-means N = 1e5 (D = 2, 10; K = 100; 10 iterations), GMM N = 1e5 (K = 10, 10
 * iterations), kNN graph N = 1e4 (D = 3, 50; k = 15). `--large` adds k-means N = 1e6 and the kNN
 * graph at N = 1e5. Each row is the median of `repeats` runs after one warm-up.
 */

import { normal, uniform } from '@symtensor/core-ir/peer-inputs';
import { tensor } from '@symtensor/lazytensor';
import hnswlib from 'hnswlib-node';
import { kmeans as mlKmeans } from 'ml-kmeans';
import { gaussianMixture, kmeans, knnGraph } from '../src/index.js';

const large = process.argv.includes('--large');

/** Median seconds of `repeats` timed runs after a warm-up; `repeats: 0` times a single cold run. */
async function time<T>(repeats: number, fn: () => Promise<T> | T): Promise<{ s: number; value: T }> {
  const t0 = performance.now();
  let value = await fn();
  const times: number[] = repeats === 0 ? [(performance.now() - t0) / 1000] : [];
  for (let r = 0; r < repeats; r++) {
    const t = performance.now();
    value = await fn();
    times.push((performance.now() - t) / 1000);
  }
  times.sort((a, b) => a - b);
  return { s: times[Math.floor(times.length / 2)]!, value };
}

function row(what: string, size: string, s: number, note: string): void {
  console.log(`| ${what} | ${size} | ${s.toPrecision(4)} | ${note} |`);
}

const rowsOf = (flat: Float32Array, D: number): number[][] =>
  Array.from({ length: flat.length / D }, (_, i) => Array.from(flat.subarray(i * D, (i + 1) * D)));

console.log('| library | size | median s | result |\n|---|---|---|---|');

// d. k-means: x = normal(401, (N, D)), initial centroids x[:100], 10 Lloyd iterations.
const sklearnKmeans: Record<string, string> = {
  '100000x2': 'sklearn 0.07376 s, inertia 4290.329',
  '100000x10': 'sklearn 0.08266 s, inertia 483210.1',
  '1000000x2': 'sklearn 0.709 s, inertia 42601.15',
  '1000000x10': 'sklearn 0.8363 s, inertia 4.868500e+06',
};
for (const N of large ? [1e5, 1e6] : [1e5])
  for (const D of [2, 10]) {
    const flat = normal(401, N, D);
    const x = tensor(flat, [N, D]);
    const init = tensor(flat.slice(0, 100 * D), [100, D]);
    const size = `N=${N}, D=${D}, K=100, 10 iters`;
    const ours = await time(3, async () => {
      const r = await kmeans(x, { k: 100, init, maxIter: 10, tol: 0 });
      r.labels.dispose();
      r.centroids.dispose();
      return r;
    });
    row(
      '@symtensor/ml kmeans (float32)',
      size,
      ours.s,
      `inertia ${ours.value.inertia.toPrecision(7)}; ${sklearnKmeans[`${N}x${D}`]}`,
    );
    if (N <= 1e5) {
      const data = rowsOf(flat, D);
      const start = rowsOf(flat.slice(0, 100 * D), D);
      const ml = await time(1, () =>
        mlKmeans(data, 100, { initialization: start, maxIterations: 10, tolerance: 0 }),
      );
      // ml-kmeans' `clusters` is the assignment before its last update: the inertia of its final
      // centroids assigns every point to its nearest one, as scikit-learn's inertia_ does.
      const inertia = data.reduce(
        (s, p) =>
          s + Math.min(...ml.value.centroids.map((c) => p.reduce((a, v, d) => a + (v - c[d]!) ** 2, 0))),
        0,
      );
      row(
        'ml-kmeans (float64, JS)',
        size,
        ml.s,
        `inertia ${inertia.toPrecision(7)}, iterations ${ml.value.iterations}`,
      );
    }
    x.dispose();
    init.dispose();
  }

// e. GMM: 10 centres f32(10 uniform(501)), x[i] = centre[i % 10] + 0.5 normal(502); init means x[:10].
{
  const N = 1e5;
  const K = 10;
  const centres = uniform(501, K, 2).map((v) => 10 * v);
  const noise = normal(502, N, 2);
  const flat = Float32Array.from(noise, (v, k) => centres[(Math.floor(k / 2) % K) * 2 + (k % 2)]! + 0.5 * v);
  const x = tensor(flat, [N, 2]);
  const ref: Record<string, string> = {
    full: 'sklearn float32 0.7647 s, lower_bound_ -3.520354',
    diag: 'sklearn float32 0.3453 s, lower_bound_ -3.516355',
  };
  for (const covariance of ['full', 'diag'] as const) {
    const precisions =
      covariance === 'full'
        ? new Float32Array(K * 4).map((_, k) => (k % 4 === 0 || k % 4 === 3 ? 1 : 0))
        : new Float32Array(K * 2).fill(1);
    const init = {
      weights: tensor(new Float32Array(K).fill(1 / K), [K]),
      means: tensor(flat.slice(0, K * 2), [K, 2]),
      precisions: tensor(precisions, covariance === 'full' ? [K, 2, 2] : [K, 2]),
    };
    const r = await time(3, async () => {
      const g = await gaussianMixture(x, { k: K, covariance, init, tol: 0, maxIter: 10 });
      g.dispose();
      return g.logLikelihood;
    });
    row(
      `@symtensor/ml gaussianMixture ${covariance} (float32)`,
      `N=${N}, D=2, K=${K}, 10 iters`,
      r.s,
      `logLikelihood ${r.value.toPrecision(7)}; ${ref[covariance]}`,
    );
  }
  x.dispose();
}

// kNN graph, k = 15: x = uniform(201, (N, D)).
for (const N of large ? [1e4, 1e5] : [1e4])
  for (const D of [3, 50]) {
    const flat = uniform(201, N, D);
    const x = tensor(flat, [N, D]);
    const size = `N=${N}, D=${D}, k=15`;
    const ours = await time(N > 1e4 ? 1 : 3, () => knnGraph(x, { k: 15 }));
    row('@symtensor/ml knnGraph (exact, float32)', size, ours.s, 'self excluded');
    const build = await time(0, () => {
      const index = new hnswlib.HierarchicalNSW('l2', D);
      index.initIndex(N);
      for (let i = 0; i < N; i++) index.addPoint(Array.from(flat.subarray(i * D, (i + 1) * D)), i);
      return index;
    });
    const index = build.value;
    index.setEf(50);
    const search = await time(0, () =>
      Array.from(
        { length: N },
        (_, i) => index.searchKnn(Array.from(flat.subarray(i * D, (i + 1) * D)), 16).neighbors,
      ),
    );
    let hits = 0;
    search.value.forEach((nb, i) => {
      const exact = new Set(ours.value.indices[i]);
      for (const j of nb) if (j !== i && exact.has(j)) hits++;
    });
    row(
      'hnswlib-node (approximate; M 16, efC 200, ef 50)',
      size,
      build.s + search.s,
      `build ${build.s.toFixed(3)} s + query ${search.s.toFixed(3)} s; recall@15 ${(hits / (15 * N)).toFixed(4)}`,
    );
    x.dispose();
  }
