/**
 * The README example runs as written (the package imports pointed at the sources) and what it
 * prints is checked against direct computations here.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { randn } from '@symtensor/lazytensor';
import { afterAll, describe, expect, it, vi } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));
const blocks = [...readFileSync(`${root}README.md`, 'utf8').matchAll(/```js\n([\s\S]*?)```/g)].map(
  (m) => m[1]!,
);
const tmp = `${root}test/.readme-run/`;
const lazytensor = fileURLToPath(new URL('../../lazytensor/src/index.ts', import.meta.url));

afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('README', () => {
  it('has one example, which runs and prints consistent results', async () => {
    expect(blocks).toHaveLength(1);
    mkdirSync(tmp, { recursive: true });
    const file = `${tmp}block-0.mjs`;
    writeFileSync(
      file,
      blocks[0]!
        .replaceAll("'@symtensor/ml'", `'${root}src/index.ts'`)
        .replaceAll("'@symtensor/lazytensor'", `'${lazytensor}'`),
    );
    const log = vi.spyOn(console, 'log').mockImplementation(() => undefined);
    let calls: unknown[][];
    try {
      await import(/* @vite-ignore */ file);
    } finally {
      calls = [...log.mock.calls];
      log.mockRestore();
    }
    const [[inertia, iterations, labels], [ll, weights, predicted], [nnIdx, nnDist], [gIdx, gDist]] =
      calls as unknown as [
        [number, number, Int32Array],
        [number, Float32Array, Int32Array],
        [Int32Array, Float32Array],
        [number[], number[]],
      ];
    const x = await randn([2000, 3], { seed: 0 }).data();
    const row = (i: number) => Array.from(x.subarray(3 * i, 3 * i + 3));
    // k-means: labels in range, inertia equals the sum of squared distances to the label's centroid
    // recomputed here from the labels (means of the members).
    expect(labels).toHaveLength(2000);
    expect(iterations).toBeGreaterThan(0);
    const sums = Array.from({ length: 8 }, () => [0, 0, 0, 0]);
    labels.forEach((l, i) => {
      row(i).forEach((v, d) => {
        sums[l]![d]! += v;
      });
      sums[l]![3]! += 1;
    });
    const inertiaHere = labels.reduce(
      (s, l, i) => s + row(i).reduce((a, v, d) => a + (v - sums[l]![d]! / sums[l]![3]!) ** 2, 0),
      0,
    );
    expect(Math.abs(inertia - inertiaHere) / inertiaHere).toBeLessThan(1e-4);
    // GMM: weights sum to 1, a standard normal sample's mean log-likelihood is near -3/2 (1 + ln 2 pi) = -4.257.
    expect(Math.abs(weights.reduce((a, b) => a + b, 0) - 1)).toBeLessThan(1e-5);
    expect(Math.abs(ll + 4.257)).toBeLessThan(0.1);
    expect(predicted.every((c) => c >= 0 && c < 3)).toBe(true);
    // knn (manhattan): brute force over all 2000 points for the 5 queries.
    for (let q = 0; q < 5; q++) {
      const d = Array.from(
        { length: 2000 },
        (_, j) => [row(q).reduce((a, v, c) => a + Math.abs(v - row(j)[c]!), 0), j] as const,
      );
      d.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
      expect(Array.from(nnIdx.subarray(4 * q, 4 * q + 4))).toEqual(d.slice(0, 4).map((e) => e[1]));
      d.slice(0, 4).forEach((e, c) => {
        expect(Math.abs(nnDist[4 * q + c]! - e[0])).toBeLessThan(1e-5);
      });
    }
    // knnGraph: row 0's 15 nearest other points, by brute force.
    const d0 = Array.from(
      { length: 2000 },
      (_, j) => [row(0).reduce((a, v, c) => a + (v - row(j)[c]!) ** 2, 0), j] as const,
    )
      .filter((e) => e[1] !== 0)
      .sort((a, b) => a[0] - b[0] || a[1] - b[1]);
    expect(gIdx).toEqual(d0.slice(0, 15).map((e) => e[1]));
    gDist.forEach((v, c) => {
      expect(Math.abs(v - Math.sqrt(d0[c]![0]))).toBeLessThan(1e-5);
    });
  });
});
