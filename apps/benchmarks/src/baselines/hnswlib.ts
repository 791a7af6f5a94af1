/**
 * The hnswlib-node baseline: approximate nearest neighbours with an HNSW graph (the C++ hnswlib
 * through a Node addon, one thread). Each run builds the index over y, then queries every x_i:
 * the whole work of answering a kNN problem from scratch. Being approximate, its results are
 * checked by recall (see check/check.ts), and the recall is reported beside the time.
 * Parameters: M = 16 links, efConstruction = 200 (the library's defaults), efSearch = 64, fixed
 * random seed 100.
 */
import hnswlib from 'hnswlib-node';
import type { Contender } from '../contender.js';
import { packageVersion } from './package-version.js';

const LINKS = 16;
const EF_CONSTRUCTION = 200;
const EF_SEARCH = 64;
const SEED = 100;

export async function hnswlibContender(): Promise<Contender> {
  const version = packageVersion('hnswlib-node');
  return {
    name: 'hnswlib-node',
    kind: 'baseline',
    approximate: true,
    detail: `hnswlib-node ${version} (C++ addon), approximate: HNSW M=${LINKS}, efConstruction=${EF_CONSTRUCTION}, efSearch=${EF_SEARCH}, index built in every run, one thread`,
    supports: (kind) => kind === 'knn',
    async prepare(w) {
      const p = w.problem;
      if (p.kind !== 'knn') throw new Error(`hnswlib-node computes kNN, not ${p.kind}`);
      // The addon takes plain arrays: converted once, as a user's data would already be.
      const row = (a: Float32Array, i: number) => Array.from(a.subarray(i * p.D, (i + 1) * p.D));
      const ys = Array.from({ length: p.M }, (_, j) => row(p.y, j));
      const xs = Array.from({ length: p.N }, (_, i) => row(p.x, i));
      return {
        async run() {
          const index = new hnswlib.HierarchicalNSW('l2', p.D);
          index.initIndex(p.M, LINKS, EF_CONSTRUCTION, SEED);
          ys.forEach((y, j) => {
            index.addPoint(y, j);
          });
          index.setEf(Math.max(EF_SEARCH, p.K));
          const out = new Int32Array(p.N * p.K);
          xs.forEach((x, i) => {
            // searchKnn lists the neighbours nearest first, as the suites do.
            out.set(index.searchKnn(x, p.K).neighbors, i * p.K);
          });
          return out;
        },
        dispose: () => undefined,
      };
    },
    close: async () => undefined,
  };
}
