/**
 * Backend selection: the CPU default, useBackend, tensors pinned to their backend, explicit moves
 * with to(), and typed errors for mixed backends or a dtype a backend lacks.
 */
import { cpu } from '@symtensor/backend-cpu';
import type { Backend } from '@symtensor/core-ir';
import { referenceBackend } from '@symtensor/core-ir/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { DTypeError, getBackend, grad, tensor, useBackend, ValueError, Vi, Vj, zeros } from '../src/index.js';
import { expectClose, normal, read, rng } from './helpers.js';

const defaultBackend = getBackend();
afterEach(() => useBackend(defaultBackend));

describe('backends', () => {
  it('the default backend is the CPU backend', () => {
    expect(defaultBackend.name).toBe('cpu');
    expect(tensor([1]).backend).toBe(defaultBackend);
  });

  it('useBackend switches where new tensors go; results agree with the CPU backend', async () => {
    const r = rng();
    const xs = normal(r, 30);
    const ys = normal(r, 24);
    const compute = () => {
      const x = tensor(xs, [10, 3], { dtype: 'float64', requiresGrad: true });
      const y = tensor(ys, [8, 3], { dtype: 'float64' });
      const out = Vi(x).sqdist(Vj(y)).neg().exp().sum('j');
      const [g] = grad(out.sum(), [x]);
      return { out, g: g!, x };
    };
    const onCpu = compute();
    const ref = referenceBackend();
    useBackend(ref);
    expect(getBackend()).toBe(ref);
    const onRef = compute();
    expect(onRef.x.backend.name).toBe('reference');
    expect(onRef.out.backend).toBe(ref);
    expectClose(await read(onRef.out), await read(onCpu.out), { rtol: 1e-14 }, 'value');
    expectClose(await read(onRef.g), await read(onCpu.g), { atol: 1e-15, rtol: 1e-14 }, 'gradient');
  });

  it('mixing backends is an error that says how to move data; to() moves it', async () => {
    const other = cpu({ threads: 0 });
    const a = tensor([1, 2, 3]);
    const b = tensor([4, 5, 6], undefined, { backend: other });
    expect(() => a.add(b)).toThrow(ValueError);
    expect(() => a.add(b)).toThrow(/await t\.to\(backend\)/);
    expect(() =>
      Vi(a.reshape([3, 1]))
        .sub(Vj(b.reshape([3, 1])))
        .sum('j'),
    ).toThrow(/to\(backend\)/);
    const moved = await b.to(defaultBackend);
    expect(moved.backend).toBe(defaultBackend);
    expectClose(await read(a.add(moved)), [5, 7, 9], {});
    await other.dispose();
  });

  it('a dtype the backend lacks is a DTypeError naming the alternatives', () => {
    const ref = referenceBackend();
    const float32Only: Backend = { ...ref, dtypes: ['float32', 'int32'], run: ref.run, upload: ref.upload };
    expect(() => zeros([2], { dtype: 'float64', backend: float32Only })).toThrow(DTypeError);
    expect(() => zeros([2], { dtype: 'float64', backend: float32Only })).toThrow(/float32, int32/);
  });

  it('useBackend refuses something that is not a backend', () => {
    expect(() => useBackend({} as never)).toThrow(/cpu\(\)/);
  });
});
