/** Typed errors that name the argument, and bounded memory over long loops. */
import { grad, memory, ShapeError, tensor, UnsupportedError, ValueError } from '@symtensor/lazytensor';
import { describe, expect, it } from 'vitest';
import { samplesLoss } from '../src/index.js';
import { f64, uniform } from './helpers.js';

describe('errors', () => {
  const x = f64(uniform(61, 8), [4, 2]);
  it('refuses bad options with the option name', () => {
    expect(() => samplesLoss({ backend: 'gpu' as 'online' })).toThrow(/\{ backend \}/);
    expect(() => samplesLoss({ backend: 'multiscale', loss: 'hausdorff' })).toThrow(UnsupportedError);
    expect(() => samplesLoss({ p: 3 as 2 })).toThrow(/\{ p \}/);
    expect(() => samplesLoss({ blur: -1 })).toThrow(/\{ blur \}/);
    expect(() => samplesLoss({ scaling: 1 })).toThrow(/\{ scaling \}/);
    expect(() => samplesLoss({ maxIter: 5 })).toThrow(/pass tol/);
    expect(() => samplesLoss({ loss: 'gaussian', reach: 1 })).toThrow(ValueError);
  });
  it('refuses mismatched inputs with the argument name', async () => {
    await expect(samplesLoss()(x, f64(uniform(62, 9), [3, 3]))).rejects.toThrow(ShapeError);
    await expect(samplesLoss()(f64([1, 2], [2]), x, f64([1, 1, 1, 1], [4]), x)).rejects.toThrow(/loss\(a/);
    await expect(samplesLoss()(x, tensor(new Float32Array(8), [4, 2]))).rejects.toThrow(/cast/);
  });
  it('reports non-convergence instead of returning silently', async () => {
    const y = f64(uniform(63, 8), [4, 2]);
    await expect(samplesLoss({ blur: 0.5, tol: 1e-300, maxIter: 2 })(x, y)).rejects.toThrow(
      /did not converge/,
    );
  });
});

describe('memory', () => {
  it('1000 tol-based iterations and repeated loss + grad leave no tensors behind', async () => {
    const x = f64(uniform(64, 20), [10, 2], true);
    const y = f64(uniform(65, 20), [10, 2]);
    const run = async (options: Parameters<typeof samplesLoss>[0]) => {
      const L = await samplesLoss(options)(x, y);
      const [g] = grad(L, [x]);
      L.dispose();
      g!.dispose();
    };
    await run({ blur: 0.05 });
    const before = memory();
    // tol = 1e-300 cannot be met: exactly maxIter = 1000 iterations run before the error.
    await expect(run({ blur: 0.05, tol: 1e-300, maxIter: 1000 })).rejects.toThrow(/did not converge/);
    for (let k = 0; k < 20; k++) await run({ blur: 0.05 });
    expect(memory().tensors).toBe(before.tensors);
    expect(memory().bytes).toBe(before.bytes);
  });
});
