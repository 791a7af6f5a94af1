/**
 * Memory: tidy scopes, dispose, views sharing data, the autograd tape keeping what it needs, flat
 * live counts over 1,000 iterations, and the garbage-collection safety net.
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { grad, keep, memory, rand, tensor, tidy, ValueError, Vi, Vj } from '../src/index.js';
import { expectClose, read } from './helpers.js';

describe('tidy and dispose', () => {
  it('disposes what the scope created except its result; nested scopes hand results outward', () => {
    const start = memory();
    let inner: ReturnType<typeof tensor> | undefined;
    const out = tidy(() => {
      const a = tensor([1, 2, 3]);
      const b = a.mul(2);
      inner = tidy(() => b.add(1).mul(3));
      const kept = keep(a.add(10));
      return { result: inner, list: [kept] };
    });
    expect(out.result.isDisposed).toBe(false);
    expect(inner!.isDisposed).toBe(false);
    expect(memory().tensors - start.tensors).toBe(2);
    out.result.dispose();
    out.list[0]!.dispose();
    expect(memory()).toEqual(start);
  });

  it('whole-tensor reductions outside tidy leave only their result', async () => {
    const x = rand([4, 5], { seed: 3 });
    const xs = Array.from(await x.data());
    const want = {
      sum: xs.reduce((a, b) => a + b, 0),
      mean: xs.reduce((a, b) => a + b, 0) / xs.length,
      max: Math.max(...xs),
      min: Math.min(...xs),
    };
    const start = memory();
    for (const kind of ['sum', 'mean', 'max', 'min'] as const) {
      const out = x[kind]();
      expect(memory().tensors - start.tensors).toBe(1);
      expect(await out.item()).toBeCloseTo(want[kind], 5);
      out.dispose();
      expect(memory()).toEqual(start);
    }
    x.dispose();
  });

  it('refuses async functions, and cleans up when fn throws', () => {
    const start = memory();
    expect(() => tidy((async () => tensor([1])) as never)).toThrow(ValueError);
    expect(() =>
      tidy(() => {
        tensor([1, 2]).mul(2);
        throw new Error('boom');
      }),
    ).toThrow('boom');
    expect(memory()).toEqual(start);
  });

  it('a disposed tensor throws on use; a reshape keeps the shared data alive', async () => {
    const a = tensor([1, 2, 3, 4]);
    const v = a.reshape([2, 2]);
    a.dispose();
    a.dispose();
    expect(() => a.add(1)).toThrow(/disposed/);
    await expect(a.data()).rejects.toThrow(/disposed/);
    expectClose(await read(v), [1, 2, 3, 4], {});
    v.dispose();
  });

  it('the tape keeps the inputs a backward pass needs after the user disposes them', async () => {
    const x = tensor([1, 2], undefined, { dtype: 'float64', requiresGrad: true });
    const y = tidy(() => x.mul(3).exp().sum());
    const [g] = grad(y, [x]);
    expectClose(await read(g!), [3 * Math.exp(3), 3 * Math.exp(6)], { rtol: 1e-15 });
    const before = memory().buffers;
    y.dispose();
    g!.dispose();
    // The exp node's saved input (3x) goes with the last holder of the graph.
    expect(memory().buffers).toBeLessThan(before);
  });
});

describe('bounded memory', () => {
  it('1,000 iterations creating and dropping temporaries keep the live counts flat', async () => {
    const x = rand([64, 3], { seed: 1, requiresGrad: true });
    const y = rand([80, 3], { seed: 2 });
    const b = rand([80, 2], { seed: 3 });
    const run = () =>
      tidy(() => {
        const K = Vi(x).sqdist(Vj(y)).mul(-2.5).exp();
        const loss = K.matmul(b).square().sum().add(x.sum(0).square().mean());
        const [g] = grad(loss, [x], undefined, { createGraph: true });
        const [h] = grad(g!.square().sum(), [x]);
        return h!.abs().max();
      });
    run().dispose();
    const start = memory();
    let peak = 0;
    for (let k = 0; k < 1000; k++) {
      const m = run();
      peak = Math.max(peak, memory().buffers);
      m.dispose();
      if (k % 100 === 99) await m.backend.sync();
    }
    const end = memory();
    expect(end.buffers).toBe(start.buffers);
    expect(end.bytes).toBe(start.bytes);
    expect(end.tensors).toBe(start.tensors);
    expect(peak - start.buffers).toBeLessThanOrEqual(1);
  });

  it('tensors dropped without dispose are released by the garbage-collection safety net', () => {
    const script = fileURLToPath(new URL('./fixtures/gc-safety-net.mts', import.meta.url));
    const out = execFileSync(
      process.execPath,
      ['--expose-gc', '--conditions=source', '--import', 'tsx', script],
      {
        encoding: 'utf8',
        timeout: 60_000,
      },
    );
    const { before, during, after } = JSON.parse(out.trim().split('\n').pop()!) as Record<string, number>;
    expect(during).toBeGreaterThan(before + 100);
    expect(after).toBe(before);
  });
});
