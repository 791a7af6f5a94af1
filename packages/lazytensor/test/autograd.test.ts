/**
 * Autograd semantics (torch.autograd.grad): default and explicit output gradients, several
 * outputs and inputs, shared inputs, unused inputs, intermediate tensors, recording on and off,
 * repeated backward passes, valueAndGrad.
 */
import { describe, expect, it } from 'vitest';
import { grad, noGrad, type Tensor, tensor, ValueError, Vi, Vj, valueAndGrad } from '../src/index.js';
import { expectClose, f64, normal, read, rng } from './helpers.js';

describe('grad', () => {
  it('accumulates over several outputs and shared uses of an input', async () => {
    const r = rng();
    const a = normal(r, 6);
    const x = f64(a, [2, 3], true);
    // y1 = x * x (x used twice), y2 = exp(x): grad of sum(y1 * g1) + sum(y2 * g2).
    const [g1, g2] = [normal(r, 6), normal(r, 6)];
    const [gx] = grad([x.mul(x), x.exp()], [x], [f64(g1, [2, 3]), f64(g2, [2, 3])]);
    expectClose(
      await read(gx!),
      a.map((v, k) => 2 * v * g1[k]! + Math.exp(v) * g2[k]!),
      { rtol: 1e-15 },
    );
  });

  it('w.r.t. an intermediate tensor', async () => {
    const x = tensor([1, 2, 3], undefined, { dtype: 'float64', requiresGrad: true });
    const h = x.mul(2);
    const y = h.square().sum();
    const [gh, gx] = grad(y, [h, x]);
    expectClose(await read(gh!), [4, 8, 12], {});
    expectClose(await read(gx!), [8, 16, 24], {});
  });

  it('allowUnused gives null; otherwise an error names the input', () => {
    const x = tensor([1, 2], undefined, { requiresGrad: true });
    const z = tensor([3], undefined, { requiresGrad: true });
    const y = x.sum();
    expect(grad(y, [x, z], null, { allowUnused: true })[1]).toBeNull();
    expect(() => grad(y, [x, z])).toThrow(/inputs\[1\].*allowUnused/);
  });

  it('refuses inputs that do not require grad and outputs that depend on none', () => {
    const x = tensor([1, 2]);
    const w = tensor([1, 2], undefined, { requiresGrad: true });
    expect(() => grad(w.sum(), [x])).toThrow(ValueError);
    expect(() => grad(x.sum(), [w])).toThrow(/does not depend/);
  });

  it('createGraph records the backward pass; without it the gradients are plain tensors', async () => {
    const x = tensor([0.5, -1.5], undefined, { dtype: 'float64', requiresGrad: true });
    const y = x.pow(3).sum();
    const [plain] = grad(y, [x]);
    expect(plain!.requiresGrad).toBe(false);
    const [g] = grad(y, [x], undefined, { createGraph: true });
    expect(g!.requiresGrad).toBe(true);
    const [h] = grad(g!.sum(), [x]);
    expectClose(await read(h!), [6 * 0.5, 6 * -1.5], { rtol: 1e-15 });
    // Third order through two recorded passes: d3/dx3 x^3 = 6.
    const [g2] = grad(g!.sum(), [x], undefined, { createGraph: true });
    const [g3] = grad(g2!.sum(), [x]);
    expectClose(await read(g3!), [6, 6], { rtol: 1e-15 });
  });

  it('the tape survives repeated backward passes', async () => {
    const x = tensor([1, 2], undefined, { dtype: 'float64', requiresGrad: true });
    const y = Vi(x.reshape([2, 1]))
      .sub(Vj(tensor([[0.5]], undefined, { dtype: 'float64' })))
      .square()
      .sum('j')
      .sum();
    const [a] = grad(y, [x]);
    const [b] = grad(y, [x]);
    expectClose(await read(a!), [1, 3], { rtol: 1e-15 });
    expectClose(await read(b!), [1, 3], { rtol: 1e-15 });
  });

  it('noGrad and detach cut the tape', () => {
    const x = tensor([1, 2], undefined, { requiresGrad: true });
    expect(noGrad(() => x.mul(2)).requiresGrad).toBe(false);
    expect(x.detach().requiresGrad).toBe(false);
    expect(x.mul(2).requiresGrad).toBe(true);
    const leaf = x.mul(2).detach({ requiresGrad: true });
    expect(leaf.requiresGrad).toBe(true);
    expect(leaf.node).toBeUndefined();
  });
});

describe('valueAndGrad', () => {
  it('returns the value and the gradients of the tensor arguments (zeros where unused)', async () => {
    const f = valueAndGrad((a: Tensor, b: Tensor, c: number) => a.mul(b).sum().mul(c));
    const a = tensor([1, 2], undefined, { dtype: 'float64' });
    const b = tensor([3, 4], undefined, { dtype: 'float64' });
    const { value, grads } = f(a, b, 2);
    expect(await value.item()).toBe(22);
    expectClose(await read(grads[0]!), [6, 8], {});
    expectClose(await read(grads[1]!), [2, 4], {});
    const g = valueAndGrad((p: Tensor, _q: Tensor) => p.sum(), { argnums: [0, 1] });
    const { grads: gq } = g(a, b);
    expectClose(await read(gq[1]!), [0, 0], {});
  });

  it('nests for second order when the arguments require grad', async () => {
    const x = tensor([0.3, 0.7], undefined, { dtype: 'float64', requiresGrad: true });
    const inner = valueAndGrad((p: Tensor) => p.sin().sum(), { createGraph: true });
    const { grads } = inner(x);
    const [h] = grad(grads[0]!.sum(), [x]);
    expectClose(await read(h!), [-Math.sin(0.3), -Math.sin(0.7)], { rtol: 1e-15 });
  });
});
