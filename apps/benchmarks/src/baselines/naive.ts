/** The naive dense JavaScript loops as a contender (single thread, computed on the calling thread). */
import type { Contender } from '../contender.js';
import type { Problem } from '../suites/types.js';
import { naiveKernelSum, naiveKnn, naiveSoftmin } from './naive-loops.js';

function compute(p: Problem) {
  switch (p.kind) {
    case 'kernel-sum':
      return naiveKernelSum(p);
    case 'knn':
      return naiveKnn(p);
    case 'softmin':
      return naiveSoftmin(p);
    case 'algorithm':
    case 'kmeans':
      throw new Error('naive-js does not implement algorithm suites');
  }
}

export function naiveContender(): Contender {
  return {
    name: 'naive-js',
    kind: 'baseline',
    detail: 'plain nested JavaScript loops over Float32Array, float64 arithmetic, one thread',
    supports: (kind) => kind === 'kernel-sum' || kind === 'knn' || kind === 'softmin',
    prepare: async (w) => ({
      run: async () => compute(w.problem),
      dispose: () => undefined,
    }),
    close: async () => undefined,
  };
}
