/**
 * The README's example runs as written (package imports pointed at the sources), and what it
 * prints is checked against dense float64 computations made here.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { rand, randn } from '@symtensor/lazytensor';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { denseMul, denseSolve, expectClose, gaussianMatrix, norm } from './helpers.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const lazyRoot = fileURLToPath(new URL('../../lazytensor/', import.meta.url));
const blocks = [...readFileSync(`${root}README.md`, 'utf8').matchAll(/```js\n([\s\S]*?)```/g)].map(
  (m) => m[1]!,
);
const tmp = `${root}test/.readme-run/`;
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('README example', () => {
  it('has one example', () => expect(blocks).toHaveLength(1));

  it('solves, differentiates and finds eigenpairs as it says', async () => {
    mkdirSync(tmp, { recursive: true });
    const file = `${tmp}quick-start.mjs`;
    writeFileSync(
      file,
      blocks[0]!
        .replaceAll("'@symtensor/lazytensor'", `'${lazyRoot}src/index.ts'`)
        .replaceAll("'@symtensor/linalg'", `'${root}src/index.ts'`),
    );
    const log = vi.spyOn(console, 'log').mockImplementation(() => undefined);
    let calls: unknown[][];
    try {
      await import(/* @vite-ignore */ file);
    } finally {
      calls = [...log.mock.calls];
      log.mockRestore();
    }
    const [[converged, iterations, trueResidual], [values, vectors, a, gx]] = calls as [
      [boolean, number, number],
      [Float64Array, Float32Array, Float32Array, Float32Array],
    ];
    expect(converged).toBe(true);
    expect(iterations).toBeGreaterThan(0);
    expect(trueResidual).toBeLessThanOrEqual(2e-5);
    const [N, sigma, alpha] = [500, 0.2, 0.1];
    const xs = Float64Array.from(await rand([N, 3], { seed: 0 }).data());
    const bs = Float64Array.from(await randn([N, 1], { seed: 1 }).data());
    const K = gaussianMatrix(xs, xs, 3, sigma);
    const A = Float64Array.from(K);
    for (let i = 0; i < N; i++) A[i * N + i]! += alpha;
    // a: residual in float64 (tol 1e-5 plus float32 rounding).
    const r = denseMul(A, a, N).map((v, i) => bs[i]! - v);
    expect(norm(r) / norm(bs)).toBeLessThanOrEqual(2e-5);
    // Gradient of |a|^2: abar = A^{-1} 2a; dL/dx_k = sum_j 2 abar_k a_j K_kj (x_k - x_j) / sigma^2.
    const ad = denseSolve(A, bs, N);
    const abar = denseSolve(
      A,
      ad.map((v) => 2 * v),
      N,
    );
    const want = new Float64Array(N * 3);
    for (let k = 0; k < N; k++)
      for (let j = 0; j < N; j++) {
        const f = ((abar[k]! * ad[j]! + abar[j]! * ad[k]!) * K[k * N + j]!) / (sigma * sigma);
        for (let d = 0; d < 3; d++) want[k * 3 + d]! += f * (xs[k * 3 + d]! - xs[j * 3 + d]!);
      }
    const gmax = want.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
    expectClose(gx, want, { atol: 1e-3 * gmax }, 'dL/dx');
    // Eigenpairs: residuals in float64, and the top one is the largest (power iteration).
    for (let c = 0; c < 3; c++) {
      const v = Float64Array.from({ length: N }, (_, i) => vectors[i * 3 + c]!);
      const kv = denseMul(K, v, N);
      expect(norm(kv.map((t, i) => t - values[c]! * v[i]!)), `pair ${c}`).toBeLessThan(1e-4 * values[0]!);
    }
    let p: Float64Array = new Float64Array(N).fill(1);
    let lambda = 0;
    for (let it = 0; it < 200; it++) {
      const q = denseMul(K, p, N);
      lambda = norm(q) / norm(p);
      p = q.map((t) => t / norm(q));
    }
    expect(Math.abs(values[0]! / lambda - 1)).toBeLessThan(1e-5);
  });
});
