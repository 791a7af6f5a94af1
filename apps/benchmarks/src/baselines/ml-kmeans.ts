/**
 * The ml-kmeans baseline (mljs, pure JavaScript, float64, one thread): Lloyd iterations from the
 * suite's initial centroids. Its input format is an array of rows (number[][]), built before timing
 * as a user's data would already be. Each of its steps is (assign, update), so `maxIterations`
 * steps give the same centroids as the suite's Lloyd iterations; tolerance 0 stops early only when
 * the centroids stop moving.
 */
import { kmeans } from 'ml-kmeans';
import type { Contender } from '../contender.js';
import { packageVersion } from './package-version.js';

const rowsOf = (flat: Float32Array, D: number): number[][] =>
  Array.from({ length: flat.length / D }, (_, i) => Array.from(flat.subarray(i * D, (i + 1) * D)));

export async function mlKmeansContender(): Promise<Contender> {
  const version = packageVersion('ml-kmeans');
  return {
    name: 'ml-kmeans',
    kind: 'baseline',
    detail: `ml-kmeans ${version}, pure JavaScript, float64 number[][] rows, one thread`,
    supports: (kind) => kind === 'kmeans',
    async prepare(w) {
      const p = w.problem;
      if (p.kind !== 'kmeans') throw new Error(`ml-kmeans computes k-means, not ${p.kind}`);
      const data = rowsOf(p.x, p.D);
      return {
        async run() {
          // A fresh copy of the start: the library must not see centroids left by a previous run.
          const start = rowsOf(p.init, p.D);
          const r = kmeans(data, p.K, { initialization: start, maxIterations: p.maxIter, tolerance: 0 });
          return Float64Array.from(r.centroids.flat());
        },
        dispose: () => undefined,
      };
    },
    close: async () => undefined,
  };
}
