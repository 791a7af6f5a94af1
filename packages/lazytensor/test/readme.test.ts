/**
 * Every ```js example of README.md runs as written (the package import pointed at the sources),
 * and what it prints is checked against dense float64 computations made here.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { getBackend, memory, rand, randn, useBackend } from '../src/index.js';
import { expectClose, read, sqdist } from './helpers.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const blocks = [...readFileSync(`${root}README.md`, 'utf8').matchAll(/```js\n([\s\S]*?)```/g)].map(
  (m) => m[1]!,
);
const tmp = `${root}test/.readme-run/`;
const defaultBackend = getBackend();

/** Runs README block k; returns the arguments of each console.log call. */
async function runBlock(k: number): Promise<unknown[][]> {
  mkdirSync(tmp, { recursive: true });
  const file = `${tmp}block-${k}.mjs`;
  writeFileSync(file, blocks[k]!.replaceAll("'@symtensor/lazytensor'", `'${root}src/index.ts'`));
  const log = vi.spyOn(console, 'log').mockImplementation(() => undefined);
  try {
    await import(/* @vite-ignore */ file);
    return log.mock.calls;
  } finally {
    log.mockRestore();
  }
}

afterEach(() => useBackend(defaultBackend));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('README examples', () => {
  it('has the four examples this test checks', () => {
    expect(blocks).toHaveLength(4);
  });

  it('quick start: kernel product, nearest neighbours and gradient match float64', async () => {
    const [[a, nn, gx]] = (await runBlock(0)) as [[Float32Array, Int32Array, Float32Array]];
    const [N, M, D, s] = [1000, 2000, 3, 0.25];
    // The same seeded inputs (float32 values, computed with in float64 below).
    const x = await read(rand([N, D], { seed: 0 }));
    const y = await read(rand([M, D], { seed: 1 }));
    const b = await read(rand([M, 1], { seed: 2 }));
    const wantA = new Float64Array(N);
    const wantG = new Float64Array(N * D);
    const wantNn = new Int32Array(N);
    const nearest = new Float64Array(N);
    for (let i = 0; i < N; i++) {
      let best = Number.POSITIVE_INFINITY;
      for (let j = 0; j < M; j++) {
        const d2 = sqdist(x, i, y, j, D);
        wantA[i]! += Math.exp(-d2 / (2 * s * s)) * b[j]!;
        if (d2 < best) [best, wantNn[i]] = [d2, j];
      }
      nearest[i] = best;
    }
    for (let i = 0; i < N; i++)
      for (let j = 0; j < M; j++) {
        const k = Math.exp(-sqdist(x, i, y, j, D) / (2 * s * s));
        for (let d = 0; d < D; d++)
          wantG[i * D + d]! += (2 * wantA[i]! * b[j]! * k * -(x[i * D + d]! - y[j * D + d]!)) / (s * s);
      }
    // float32 sums of 2000 terms: relative error ~1e-6 measured; budget 1e-4 of the largest value.
    const scale = (v: Float64Array) => v.reduce((m, t) => Math.max(m, Math.abs(t)), 0);
    expectClose(a, wantA, { atol: 1e-4 * scale(wantA), rtol: 1e-4 }, 'a');
    expectClose(gx, wantG, { atol: 1e-4 * scale(wantG), rtol: 1e-4 }, 'gx');
    for (let i = 0; i < N; i++)
      if (nn[i] !== wantNn[i])
        expect(Math.abs(sqdist(x, i, y, nn[i]!, D) - nearest[i]!), `nn of row ${i}`).toBeLessThan(1e-6);
  });

  it('genred: the Gaussian convolution matches float64', async () => {
    const [[shape, a]] = (await runBlock(1)) as [[number[], Float32Array]];
    expect(shape).toEqual([500, 2]);
    const [xs, ys, bs] = await Promise.all([
      read(randn([500, 3], { seed: 3 })),
      read(randn([400, 3], { seed: 4 })),
      read(randn([400, 2], { seed: 5 })),
    ]);
    const want = new Float64Array(1000);
    for (let i = 0; i < 500; i++)
      for (let j = 0; j < 400; j++) {
        const k = Math.exp(-0.5 * sqdist(xs, i, ys, j, 3));
        for (let e = 0; e < 2; e++) want[i * 2 + e]! += k * bs[j * 2 + e]!;
      }
    expectClose(a, want, { atol: 1e-5, rtol: 1e-4 }, 'conv');
  });

  it('memory: the energy is right and the live counts stay flat', async () => {
    const before = memory();
    const [[energy], [report]] = (await runBlock(2)) as [[number], [ReturnType<typeof memory>]];
    const x = await read(rand([200, 2], { seed: 6 }));
    let total = 0;
    for (let i = 0; i < 200; i++) for (let j = 0; j < 200; j++) total += Math.exp(-sqdist(x, i, x, j, 2));
    expectClose([energy], [total / 200], { rtol: 1e-5 }, 'energy');
    // Only x (created by the example, still referenced by its module) remains.
    expect(report.buffers).toBe(before.buffers + 1);
    expect(report.tensors).toBe(before.tensors + 1);
  });

  it('backends: a tensor on a second backend, moved explicitly', async () => {
    const [[name, data]] = (await runBlock(3)) as [[string, Float32Array]];
    expect(name).toBe('cpu');
    expect(Array.from(data)).toEqual([1, 2, 3]);
    expect(getBackend()).not.toBe(defaultBackend);
  });
});
