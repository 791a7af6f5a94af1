/**
 * Gaussian-mixture initialisations (scikit-learn's `init_params`). Each method draws initial
 * responsibilities and the first M-step turns them into parameters:
 * - that step and the EM path after it are compared with scikit-learn started from the same fixed
 *   responsibilities (soft rows, one row per component, hard labels of every row), float64;
 * - each method's draw is checked for what scikit-learn draws (row-normalised uniforms, k distinct
 *   rows, k-means labels), reproducible from its seed;
 * - a fit from each method equals the fit from its drawn responsibilities passed explicitly.
 */
import { type Tensor, tensor } from '@symtensor/lazytensor';
import { describe, expect, it } from 'vitest';
import {
  type GaussianMixtureInitMethod,
  initialResponsibilities,
  type Responsibilities,
} from '../src/gmm/init.js';
import { type CovarianceType, gaussianMixture, kmeans } from '../src/index.js';
import { expectClose, expectParameters, f64, fixture, read } from './helpers.js';

interface FromResponsibilities {
  covariance: CovarianceType;
  iterations: number;
  responsibilities: number[][];
  logLikelihoodPath: number[];
  weights: number[];
  means: number[][];
  covariances: number[] | number[][] | number[][][];
}
const fx = fixture<{
  x: number[][];
  fromResponsibilities: Record<'soft' | 'oneRowEach' | 'labelled', FromResponsibilities>;
}>('gmm.json');
const K = 4;

/** The dense `[N, k]` host matrix of drawn responsibilities. */
async function dense(r: Responsibilities): Promise<number[]> {
  if (r.kind === 'matrix') return read(r.matrix);
  const labels = await read(r.labels);
  const out = new Array<number>(labels.length * K).fill(0);
  labels.forEach((c, i) => {
    if (c >= 0) out[i * K + c] = 1;
  });
  return out;
}

const release = (r: Responsibilities) => (r.kind === 'matrix' ? r.matrix : r.labels).dispose();

describe('gaussianMixture from given responsibilities vs scikit-learn (float64, tol 0)', () => {
  it.each(['soft', 'oneRowEach', 'labelled'] as const)('%s responsibilities', async (name) => {
    const c = fx.fromResponsibilities[name];
    const x = f64(fx.x);
    const responsibilities = f64(c.responsibilities);
    const g = await gaussianMixture(x, {
      k: K,
      covariance: c.covariance,
      init: { responsibilities },
      tol: 0,
      maxIter: c.iterations,
    });
    // One row per component: the first parameters are points with covariance regCovar I and
    // weights summing to k / N, so the first log-likelihood is about -1e7 (as in scikit-learn).
    expectClose(g.logLikelihoodHistory, c.logLikelihoodPath, { rtol: 1e-9 }, `${name}: log-likelihood path`);
    await expectParameters(g, c, name);
    g.dispose();
    x.dispose();
    responsibilities.dispose();
  });
});

describe('gaussianMixture init methods draw what scikit-learn draws', () => {
  const x = f64(fx.x);
  const N = fx.x.length;

  it("'random': uniform positive responsibilities, each row summing to 1, reproducible from the seed", async () => {
    const draws = [];
    for (const seed of [5, 5, 6]) {
      const r = await initialResponsibilities(x, 'random', K, seed);
      expect(r.kind).toBe('matrix');
      draws.push(await dense(r));
      release(r);
    }
    const [a, again, b] = draws as [number[], number[], number[]];
    expect(again).toEqual(a);
    expect(b).not.toEqual(a);
    for (let i = 0; i < N; i++) {
      const row = a.slice(i * K, (i + 1) * K);
      expect(row.every((v) => v > 0 && v < 1)).toBe(true);
      expect(Math.abs(row.reduce((s, v) => s + v, 0) - 1)).toBeLessThan(1e-12);
    }
    // Uniform draws normalised over 4 columns: every column's mean is 1/4 (standard error ~0.01).
    for (let c = 0; c < K; c++) {
      const mean = a.filter((_, k) => k % K === c).reduce((s, v) => s + v, 0) / N;
      expect(Math.abs(mean - 0.25)).toBeLessThan(0.05);
    }
  });

  it.each(['random_from_data', 'k-means++'] as const)(
    '%s: one distinct row per component',
    async (method) => {
      const chosen: number[][] = [];
      for (const seed of [11, 11, 12]) {
        const r = await initialResponsibilities(x, method, K, seed);
        expect(r.kind).toBe('labels');
        const labels = await read((r as { labels: Tensor }).labels);
        release(r);
        const rows = Array.from({ length: K }, (_, c) => labels.indexOf(c));
        // Every component owns exactly one row, and every other row is unassigned (-1).
        expect(rows.every((i) => i >= 0)).toBe(true);
        expect(labels.filter((l) => l === -1)).toHaveLength(N - K);
        chosen.push(rows);
      }
      expect(chosen[1]).toEqual(chosen[0]);
      expect(chosen[2]).not.toEqual(chosen[0]);
    },
  );

  it("'kmeans': the labels of a k-means run with the same seed, for every row", async () => {
    const r = await initialResponsibilities(x, 'kmeans', K, 21);
    const clusters = await kmeans(x, { k: K, seed: 21 });
    expect(await read((r as { labels: Tensor }).labels)).toEqual(await read(clusters.labels));
    release(r);
    clusters.labels.dispose();
    clusters.centroids.dispose();
  });

  it.each(['kmeans', 'k-means++', 'random', 'random_from_data'] as const)(
    'a fit from %s equals the fit from its drawn responsibilities',
    async (method: GaussianMixtureInitMethod) => {
      const options = { k: K, covariance: 'full' as const, tol: 0, maxIter: 3 };
      const drawn = await initialResponsibilities(x, method, K, 31);
      const responsibilities = tensor(Float64Array.from(await dense(drawn)), [N, K], { dtype: 'float64' });
      release(drawn);
      const fromMethod = await gaussianMixture(x, { ...options, init: method, seed: 31 });
      const fromMatrix = await gaussianMixture(x, { ...options, init: { responsibilities } });
      expectClose(
        fromMethod.logLikelihoodHistory,
        fromMatrix.logLikelihoodHistory,
        { rtol: 1e-12 },
        `${method}: log-likelihood path`,
      );
      expectClose(await read(fromMethod.means), await read(fromMatrix.means), { rtol: 1e-12, atol: 1e-12 });
      fromMethod.dispose();
      fromMatrix.dispose();
      responsibilities.dispose();
    },
  );
});
