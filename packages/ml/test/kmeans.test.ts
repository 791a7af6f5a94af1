/**
 * k-means against scikit-learn's KMeans(algorithm='lloyd') from the same initial centroids
 * (float64): labels equal, centroids and inertia within 1e-9 relative (the brief allows 1e-4; float64
 * sums in another order differ by ~1e-15), iteration counts equal. Empty clusters follow
 * scikit-learn's relocation. Spherical k-means against a direct NumPy implementation.
 */
import { memory, tensor } from '@symtensor/lazytensor';
import { describe, expect, it } from 'vitest';
import { kmeans } from '../src/index.js';
import { expectClose, f64, fixture, read } from './helpers.js';

interface Case {
  init: number[][];
  maxIter: number;
  tol?: number;
  labels: number[];
  centroids: number[][];
  inertia: number;
  iterations?: number;
}
const fx = fixture<Record<string, Case> & { x: number[][] }>('kmeans.json');

async function check(name: string, metric: 'euclidean' | 'cosine' = 'euclidean', shift = 0): Promise<void> {
  const c = fx[name]!;
  const x = f64(fx.x.map((r) => r.map((v) => v + shift)));
  const init = f64(c.init);
  const r = await kmeans(x, { k: c.init.length, init, maxIter: c.maxIter, tol: c.tol ?? 0, metric });
  expect(r.labels.dtype).toBe('int32');
  expect(await read(r.labels), `${name}: labels`).toEqual(c.labels);
  expectClose(await read(r.centroids), c.centroids.flat(), { rtol: 1e-9, atol: 1e-12 }, `${name}: centroids`);
  expectClose([r.inertia], [c.inertia], { rtol: 1e-9 }, `${name}: inertia`);
  if (c.iterations !== undefined) expect(r.iterations, `${name}: iterations`).toBe(c.iterations);
  for (const t of [x, init, r.labels, r.centroids]) t.dispose();
}

describe('kmeans vs scikit-learn (float64, same initial centroids)', () => {
  it('runs to strict convergence with the same labels, centroids, inertia and iteration count', async () => {
    await check('converged');
    expect(fx.converged!.iterations).toBeGreaterThan(3);
  });

  it('stops after maxIter and re-assigns to the final centroids', async () => {
    await check('threeSteps');
  });

  it('uses the tolerance relative to the data variance, as scikit-learn', async () => {
    await check('withTol');
    expect(fx.withTol!.iterations).toBeLessThan(fx.converged!.iterations!);
  });

  it('relocates one empty cluster to the farthest point', async () => {
    await check('oneEmpty');
  });

  it('relocates two empty clusters to the two farthest points', async () => {
    await check('twoEmpty');
  });

  it('spherical k-means (metric cosine) matches a direct implementation', async () => {
    await check('spherical', 'cosine', 1);
  });
});

describe('kmeans initialisation (seeded, on the device)', () => {
  const x = f64(fx.x);
  const best = fx.converged!.inertia;

  it('k-means++ starts far better than random points, and is reproducible from its seed', async () => {
    const first: Record<string, number[]> = { 'k-means++': [], random: [] };
    for (const init of ['k-means++', 'random'] as const)
      for (let seed = 0; seed < 6; seed++) {
        // One Lloyd step from the initial centroids measures the initialisation itself.
        const r = await kmeans(x, { k: 6, init, seed, maxIter: 1 });
        first[init]!.push(r.inertia);
        r.labels.dispose();
        r.centroids.dispose();
      }
    const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;
    // On these six blobs k-means++ lands within 15% of the optimum after one step; random starts
    // measured about 3x worse.
    expect(mean(first['k-means++']!)).toBeLessThan(1.15 * best);
    expect(mean(first.random!)).toBeGreaterThan(1.5 * mean(first['k-means++']!));
    const again = await kmeans(x, { k: 6, seed: 3, maxIter: 1 });
    expect(again.inertia).toBe(first['k-means++']![3]);
  });

  it('float32 data follows the float64 trajectory (same labels) from the same start', async () => {
    const c = fx.converged!;
    const x32 = tensor(Float32Array.from(fx.x.flat()), [fx.x.length, 3]);
    const r = await kmeans(x32, { k: 6, init: tensor(Float32Array.from(c.init.flat()), [6, 3]), tol: 0 });
    expect(await read(r.labels)).toEqual(c.labels);
    expectClose([r.inertia], [c.inertia], { rtol: 1e-5 }, 'float32 inertia');
  });

  it('keeps memory flat: only the returned tensors stay allocated', async () => {
    const before = memory().tensors;
    for (const metric of ['euclidean', 'cosine'] as const) {
      const r = await kmeans(x, { k: 6, seed: 1, metric, init: 'k-means++' });
      r.labels.dispose();
      r.centroids.dispose();
    }
    const reloc = await kmeans(x, { k: 6, init: f64(fx.twoEmpty!.init), tol: 0 });
    reloc.labels.dispose();
    reloc.centroids.dispose();
    // The init tensor above is the only one left.
    expect(memory().tensors).toBe(before + 1);
  });
});
