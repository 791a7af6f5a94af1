/**
 * Gaussian mixtures against scikit-learn's GaussianMixture from the same initial parameters
 * (weights, means, precisions; tol 0 so every run does the same iterations), float64: the
 * log-likelihood path, final parameters, scores, posteriors and predictions. Scores include points
 * 1e3-1e4 away from every component, where the densities underflow and only a LogSumExp stays finite.
 */
import { tensor } from '@symtensor/lazytensor';
import { describe, expect, it } from 'vitest';
import { type CovarianceType, gaussianMixture } from '../src/index.js';
import { expectClose, expectParameters, f64, fixture, read } from './helpers.js';

interface Case {
  covariance: CovarianceType;
  k: number;
  iterations: number;
  init: { weights: number[]; means: number[][]; precisions: number[] | number[][] | number[][][] };
  logLikelihoodPath: number[];
  weights: number[];
  means: number[][];
  covariances: number[] | number[][] | number[][][];
  score: number;
  scoreSamples: number[];
  predictProba: number[][];
  predict: number[];
}
const fx = fixture<
  Record<'full' | 'diag' | 'spherical' | 'full3', Case> & Record<'x' | 'queries' | 'x3', number[][]>
>('gmm.json');

function flatTensor(values: unknown): ReturnType<typeof tensor> {
  const shape: number[] = [];
  for (let v = values; Array.isArray(v); v = v[0]) shape.push(v.length);
  return tensor(Float64Array.from((values as number[]).flat(3) as number[]), shape, { dtype: 'float64' });
}

async function check(name: 'full' | 'diag' | 'spherical' | 'full3', data: number[][], queries: number[][]) {
  const c = fx[name];
  const x = f64(data);
  const q = f64(queries);
  const init = {
    weights: flatTensor(c.init.weights),
    means: flatTensor(c.init.means),
    precisions: flatTensor(c.init.precisions),
  };
  const g = await gaussianMixture(x, {
    k: c.k,
    covariance: c.covariance,
    tol: 0,
    maxIter: c.iterations,
    init,
  });
  expect(g.iterations).toBe(c.iterations);
  expect(g.converged).toBe(false);
  expectClose(g.logLikelihoodHistory, c.logLikelihoodPath, { rtol: 1e-10 }, `${name}: log-likelihood path`);
  expect(g.logLikelihood).toBe(g.logLikelihoodHistory.at(-1));
  await expectParameters(g, c, name);
  expect(g.covariances.shape).toEqual(flatTensor(c.covariances).shape);
  const scores = g.scoreSamples(q);
  expectClose(await read(scores), c.scoreSamples, { rtol: 1e-8 }, `${name}: scoreSamples`);
  const mean = g.scoreSamples(x).mean();
  expectClose([await mean.item()], [c.score], { rtol: 1e-9 }, `${name}: score`);
  expectClose(await read(g.predictProba(q)), c.predictProba.flat(), { atol: 1e-8 }, `${name}: predictProba`);
  expect(await read(g.predict(q)), `${name}: predict`).toEqual(c.predict);
  g.dispose();
}

describe('gaussianMixture vs scikit-learn (float64, same initial parameters, tol 0)', () => {
  it('full covariances', async () => {
    await check('full', fx.x, fx.queries);
  });
  it('diagonal covariances', async () => {
    await check('diag', fx.x, fx.queries);
  });
  it('spherical covariances', async () => {
    await check('spherical', fx.x, fx.queries);
  });
  it('full covariances in 3-D (non-trivial off-diagonal terms)', async () => {
    await check('full3', fx.x3, fx.x3.slice(0, 10));
  });
  it('far-away points get finite log-densities (no underflow)', () => {
    expect(fx.full.scoreSamples.slice(-3).every((s) => Number.isFinite(s) && s < -1e4)).toBe(true);
  });
});
