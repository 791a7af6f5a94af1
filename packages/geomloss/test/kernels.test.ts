/** Kernel losses against dense float64 computations: values, potentials and gradients. */
import { grad } from '@symtensor/lazytensor';
import { describe, it } from 'vitest';
import { samplesLoss } from '../src/index.js';
import {
  denseCost,
  expectClose,
  f64,
  finiteDiff,
  halfKernelNorm,
  read,
  uniform,
  value,
  weights,
} from './helpers.js';

const [N, M, D] = [8, 6, 3];
const x = uniform(31, N * D);
const y = uniform(32, M * D, 0.3, 1.3);
const a = weights(33, N);
const b = weights(34, M);
const s = 0.4;
const kernels = {
  gaussian: (u: Float64Array, v: Float64Array) => denseCost(u, v, D, 2).map((c) => Math.exp(-c / (s * s))),
  laplacian: (u: Float64Array, v: Float64Array) => denseCost(u, v, D, 1).map((c) => Math.exp(-c / s)),
  energy: (u: Float64Array, v: Float64Array) => denseCost(u, v, D, 1).map((c) => -c),
};

describe.each(Object.keys(kernels) as (keyof typeof kernels)[])('%s', (name) => {
  const loss = samplesLoss({ loss: name, blur: s });
  const k = kernels[name];
  it('value and potentials match the dense computation', async () => {
    const args = [f64(a, [N]), f64(x, [N, D]), f64(b, [M]), f64(y, [M, D])] as const;
    expectClose([await value(loss(...args))], [halfKernelNorm(a, x, b, y, k)], { rtol: 1e-13 });
    const [F, G] = await samplesLoss({ loss: name, blur: s, potentials: true })(...args);
    const apply = (K: Float64Array, w: Float64Array) =>
      Float64Array.from({ length: K.length / w.length }, (_, i) =>
        w.reduce((t, wj, j) => t + K[i * w.length + j]! * wj, 0),
      );
    const wantF = apply(k(x, x), a).map((v, i) => v - apply(k(x, y), b)[i]!);
    const wantG = apply(k(y, y), b).map((v, j) => v - apply(k(y, x), a)[j]!);
    expectClose(await read(F), wantF, { atol: 1e-14 }, 'F');
    expectClose(await read(G), wantG, { atol: 1e-14 }, 'G');
  });
  it('gradients in a and x match finite differences', async () => {
    const ta = f64(a, [N], true);
    const tx = f64(x, [N, D], true);
    const [ga, gx] = grad(await loss(ta, tx, f64(b, [M]), f64(y, [M, D])), [ta, tx]);
    const fdA = await finiteDiff(
      (v) => value(loss(f64(v, [N]), f64(x, [N, D]), f64(b, [M]), f64(y, [M, D]))),
      a,
      1e-6,
    );
    const fdX = await finiteDiff(
      (v) => value(loss(f64(a, [N]), f64(v, [N, D]), f64(b, [M]), f64(y, [M, D]))),
      x,
      1e-6,
    );
    expectClose(await read(ga!), fdA, { atol: 1e-9 }, 'd/da');
    expectClose(await read(gx!), fdX, { atol: 1e-9 }, 'd/dx');
  });
});
