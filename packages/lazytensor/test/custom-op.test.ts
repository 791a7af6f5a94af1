/**
 * customOp: a two-input, two-output op with a hand-written backward, checked against its analytic
 * gradient and central finite differences in float64 (every element), to second order through
 * `createGraph`; cotangents of unused outputs, int32 outputs, saved tensors and their release; and
 * the typed errors for a malformed definition, forward or backward.
 */
import { describe, expect, it } from 'vitest';
import {
  type CustomOpContext,
  customOp,
  DTypeError,
  grad,
  keep,
  memory,
  noGrad,
  ShapeError,
  type Tensor,
  tensor,
  ValueError,
} from '../src/index.js';
import { expectClose, f64, finiteDiff, normal, read, rng } from './helpers.js';

/** The VJP of (u, v) = (x * y, exp(x)); it reads v from the recorded outputs. */
function productAndExpBackward(
  [gu, gv]: readonly (Tensor | null)[],
  { inputs: [x, y], outputs: [, v], needs }: CustomOpContext,
): (Tensor | null)[] {
  return [needs[0] ? gu!.mul(y!).add(gv!.mul(v!)) : null, needs[1] ? gu!.mul(x!) : null];
}

/** u = x * y and v = exp(x), elementwise. */
const productAndExp = customOp({
  name: 'productAndExp',
  forward: (x, y) => [x.mul(y), x.exp()],
  backward: productAndExpBackward,
});

/** The same function on the host: sum(cu * x * y + cv * exp(x)). */
function hostLoss(x: Float64Array, y: Float64Array, cu: Float64Array, cv: Float64Array): number {
  return x.reduce((s, v, k) => s + cu[k]! * v * y[k]! + cv[k]! * Math.exp(v), 0);
}

describe('customOp', () => {
  const n = 5;

  it('gradients match the analytic ones and central differences, every element', async () => {
    const r = rng();
    const [xs, ys, cu, cv] = [normal(r, n), normal(r, n), normal(r, n), normal(r, n)];
    const x = f64(xs, [n], true);
    const y = f64(ys, [n], true);
    const [u, v] = productAndExp(x, y);
    expect(u!.requiresGrad && v!.requiresGrad).toBe(true);
    expectClose(
      await read(u!),
      xs.map((t, k) => t * ys[k]!),
      { rtol: 1e-15 },
      'u',
    );
    const loss = u!
      .mul(f64(cu, [n]))
      .add(v!.mul(f64(cv, [n])))
      .sum();
    const [gx, gy] = grad(loss, [x, y]);
    const wantX = xs.map((t, k) => cu[k]! * ys[k]! + cv[k]! * Math.exp(t));
    expectClose(await read(gx!), wantX, { rtol: 1e-14 }, 'dL/dx analytic');
    expectClose(
      await read(gy!),
      cu.map((c, k) => c * xs[k]!),
      { rtol: 1e-14 },
      'dL/dy analytic',
    );
    const fdX = finiteDiff((p) => hostLoss(p, ys, cu, cv), xs);
    const fdY = finiteDiff((p) => hostLoss(xs, p, cu, cv), ys);
    // Central differences with h = 1e-5: truncation ~1e-10 times the third derivative.
    expectClose(await read(gx!), fdX, { atol: 1e-8, rtol: 1e-8 }, 'dL/dx vs finite differences');
    expectClose(await read(gy!), fdY, { atol: 1e-8, rtol: 1e-8 }, 'dL/dy vs finite differences');
  });

  it('an output without a gradient gets a zero cotangent; inputs that need none get null', async () => {
    const r = rng();
    const xs = normal(r, n);
    const x = f64(xs, [n], true);
    const y = f64(normal(r, n), [n]);
    const seen: Tensor[] = [];
    const probe = customOp({
      name: 'probe',
      forward: (a, b) => [a.mul(b), a.exp()],
      backward: (grads, ctx) => {
        // A view kept out of grad's scope, to read the cotangent afterwards.
        seen.push(keep(grads[0]!.reshape([n])));
        expect(ctx.needs).toEqual([true, false]);
        return productAndExpBackward(grads, ctx);
      },
    });
    const [, v] = probe(x, y);
    const [gx] = grad(v!.sum(), [x]);
    expectClose(await read(gx!), xs.map(Math.exp), { rtol: 1e-15 }, 'd sum(exp x)/dx');
    expect(seen).toHaveLength(1);
    expectClose(await read(seen[0]!), new Float64Array(n), {}, 'cotangent of the unused output');
  });

  it('differentiates again through its backward with createGraph (second order)', async () => {
    const r = rng();
    const [xs, ys] = [normal(r, n), normal(r, n)];
    const x = f64(xs, [n], true);
    const y = f64(ys, [n], true);
    const [u, v] = productAndExp(x, y);
    // L = sum(u + v): dL/dx = y + exp(x), dL/dy = x; d/dx sum(dL/dx) = exp(x), d/dy sum(dL/dx) = 1.
    const [gx] = grad(u!.add(v!).sum(), [x], undefined, { createGraph: true });
    expect(gx!.requiresGrad).toBe(true);
    const [hxx, hxy] = grad(gx!.sum(), [x, y]);
    expectClose(await read(hxx!), xs.map(Math.exp), { rtol: 1e-15 }, 'd2L/dx2');
    expectClose(await read(hxy!), new Float64Array(n).fill(1), { rtol: 1e-15 }, 'd2L/dxdy');
  });

  it('does not record when no input requires grad, or under noGrad', () => {
    const zeros = () => f64(new Float64Array(n), [n]);
    const [u, v] = productAndExp(zeros(), zeros());
    expect(u!.requiresGrad || v!.requiresGrad).toBe(false);
    const x = f64(new Float64Array(n), [n], true);
    const [w] = noGrad(() => productAndExp(x, x));
    expect(w!.requiresGrad).toBe(false);
  });

  it('int32 outputs carry no gradient: null cotangent, plain tensor in ctx.outputs', async () => {
    let indexOutput: Tensor | null | undefined;
    let indexCotangent: Tensor | null | undefined;
    const withIndex = customOp({
      name: 'withIndex',
      forward: (a) => [a.square(), a.gt(0).cast('int32')],
      backward: ([g, gi], { inputs: [a], outputs }) => {
        indexCotangent = gi;
        indexOutput = outputs[1];
        expect(outputs[1]!.requiresGrad).toBe(false);
        return [g!.mul(a!).mul(2)];
      },
    });
    const x = tensor([-1, 2, 3], undefined, { dtype: 'float64', requiresGrad: true });
    const [sq, idx] = withIndex(x);
    expect(idx!.requiresGrad).toBe(false);
    expect(Array.from(await idx!.data())).toEqual([0, 1, 1]);
    const [gx] = grad(sq!.sum(), [x]);
    expectClose(await read(gx!), [-2, 4, 6], {}, 'd sum(x^2)/dx');
    expect(indexCotangent).toBeNull();
    expect(indexOutput?.dtype).toBe('int32');
  });

  it('keeps saved tensors for the backward and frees them with the outputs', async () => {
    const x = tensor([0.5, 1.5], undefined, { dtype: 'float64', requiresGrad: true });
    const start = memory();
    const cube = customOp({
      name: 'cube',
      forward: (a) => ({ outputs: a.pow(3), saved: [a.square().mul(3)] }),
      backward: ([g], { saved: [slope] }) => [g!.mul(slope!)],
    });
    const [y] = cube(x);
    const total = y!.sum();
    const [g1] = grad(total, [x]);
    const [g2] = grad(total, [x]);
    expectClose(await read(g1!), [0.75, 6.75], { rtol: 1e-15 }, 'first backward');
    expectClose(await read(g2!), [0.75, 6.75], { rtol: 1e-15 }, 'second backward');
    g1!.dispose();
    g2!.dispose();
    total.dispose();
    y!.dispose();
    expect(memory()).toEqual(start);
  });

  it('throws typed errors for malformed definitions and forwards', async () => {
    const backward = () => [null];
    expect(() => customOp({ name: '', forward: (a) => a, backward })).toThrow(ValueError);
    expect(() => customOp({ name: 'f', forward: 1 as never, backward })).toThrow(/def.forward/);
    const x = tensor([1, 2], undefined, { requiresGrad: true });
    const f = customOp({ name: 'f', forward: (a) => a.mul(2), backward });
    expect(() => f()).toThrow(/at least one input/);
    expect(() => f([1, 2] as never)).toThrow(/inputs\[0\] must be a Tensor/);
    const async = customOp({ name: 'later', forward: (async (a: Tensor) => a) as never, backward });
    expect(() => async(x)).toThrow(/forward returned a promise/);
    const empty = customOp({ name: 'empty', forward: () => [], backward });
    expect(() => empty(x)).toThrow(/at least one output/);
    const stray = customOp({
      name: 'stray',
      forward: () => ({ outputs: [x.mul(1)], saved: [3 as never] }),
      backward,
    });
    expect(() => stray(x)).toThrow(/saved 0 is not a Tensor/);
  });

  it('throws typed errors from grad for a wrong number, shape, dtype or kind of cotangents', () => {
    const x = tensor([1, 2, 3], undefined, { requiresGrad: true });
    const y = tensor([4, 5, 6], undefined, { requiresGrad: true });
    const withBackward = (backward: (g: Tensor) => readonly unknown[]) =>
      customOp({
        name: 'bad',
        forward: (a, b) => a.mul(b),
        backward: ([g]) => backward(g!) as (Tensor | null)[],
      })(x, y)[0]!.sum();
    expect(() =>
      grad(
        withBackward((g) => [g]),
        [x],
      ),
    ).toThrow(ValueError);
    expect(() =>
      grad(
        withBackward((g) => [g]),
        [x],
      ),
    ).toThrow(/returned 1 gradients for 2 inputs/);
    expect(() =>
      grad(
        withBackward((g) => [g, g, g]),
        [x],
      ),
    ).toThrow(/returned 3 gradients/);
    expect(() =>
      grad(
        withBackward((g) => [g.sum(), g]),
        [x],
      ),
    ).toThrow(ShapeError);
    expect(() =>
      grad(
        withBackward((g) => [g.reshape([3, 1]), g]),
        [x],
      ),
    ).toThrow(/gradient 0 has shape \[3,1\] but inputs\[0\] has \[3\]/);
    expect(() =>
      grad(
        withBackward((g) => [g.cast('float64'), g]),
        [x],
      ),
    ).toThrow(DTypeError);
    expect(() =>
      grad(
        withBackward((g) => [[1, 2, 3], g]),
        [x],
      ),
    ).toThrow(/gradient 0 must be a Tensor/);
    expect(() =>
      grad(
        withBackward(() => 'no' as never),
        [x],
      ),
    ).toThrow(/must return an array/);
  });
});
