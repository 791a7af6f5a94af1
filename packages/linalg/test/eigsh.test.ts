/**
 * eigsh: SciPy's top-5 eigenpairs of a Gaussian kernel on 2,000 points (fixture), exact spectra of
 * constructed matrices for 'LA' / 'SA' / 'LM' with restarts, and typed errors / unconverged reports.
 */
import { readFileSync } from 'node:fs';
import { normal } from '@symtensor/core-ir/peer-inputs';
import { ShapeError, tensor, ValueError, Vi, Vj } from '@symtensor/lazytensor';
import { describe, expect, it } from 'vitest';
import { eigsh } from '../src/index.js';
import { denseMul, expectClose, seeded, spdMatrix } from './helpers.js';

const fixture = JSON.parse(
  readFileSync(new URL('./fixtures/eigsh-gaussian-2000.json', import.meta.url), 'utf8'),
) as { n: number; values: number[]; vectors: number[][]; sixth: number };

describe('eigsh against SciPy: top-5 of a Gaussian kernel, N = 2000 (float32)', () => {
  it('eigenvalues to 1e-6 relative, eigenvectors every entry within 2e-5 (up to sign)', async () => {
    const N = fixture.n;
    const x = tensor(normal(601, N, 2), [N, 2]);
    const K = Vi(x).sqdist(Vj(x)).mul(-0.5).exp();
    const res = await eigsh(K, { k: 5, which: 'LA' });
    console.log(
      `eigsh float32 N=${N}: ${res.matvecs} products, ${res.restarts} restarts, values ${[...res.eigenvalues].map((v) => v.toFixed(4))} (SciPy ${fixture.values.map((v) => v.toFixed(4))})`,
    );
    expect(res.converged).toBe(true);
    expect(res.reason).toBe('converged');
    expectClose(res.eigenvalues, fixture.values, { rtol: 1e-6 }, 'eigenvalues');
    expectClose(await res.values.data(), fixture.values, { rtol: 1e-6 }, 'values tensor');
    expect(res.vectors.shape).toEqual([N, 5]);
    const v = await res.vectors.data();
    for (let c = 0; c < 5; c++) {
      const ref = fixture.vectors[c]!;
      const mine = Float64Array.from({ length: N }, (_, i) => v[i * 5 + c]!);
      const sign = mine.reduce((s, t, i) => s + t * ref[i]!, 0) >= 0 ? 1 : -1;
      expectClose(
        mine.map((t) => sign * t),
        ref,
        { atol: 2e-5 },
        `eigenvector ${c}`,
      );
      // float32 products: |K v - lambda v| ~ 1e-7 |K| sqrt(N).
      expect(res.residuals[c], `residual ${c}`).toBeLessThan(1e-5 * fixture.values[0]!);
    }
  });
});

describe('eigsh on constructed spectra (float64)', () => {
  const n = 120;
  // Eigenvalues -40..80 with a cluster, so 'LM' differs from 'LA' and restarts are needed (ncv small).
  const eigs = Array.from({ length: n }, (_, k) =>
    k < 3 ? -40 + k : k < 6 ? 80 - (k - 3) * 1e-3 : (k * 50) / n,
  );
  const A = spdMatrix(seeded(51), eigs);
  const sorted = [...eigs].sort((a, b) => a - b);
  const cases = [
    ['LA', [...sorted].reverse().slice(0, 4)],
    ['SA', sorted.slice(0, 4)],
    ['LM', [...eigs].sort((a, b) => Math.abs(b) - Math.abs(a)).slice(0, 4)],
  ] as const;
  for (const [which, want] of cases)
    it(`${which}: values to 1e-9, |A v - lambda v| <= 1e-8 |lambda| recomputed on the host`, async () => {
      const res = await eigsh(tensor(A, [n, n], { dtype: 'float64' }), { k: 4, which, ncv: 10, tol: 1e-10 });
      expect(res.converged).toBe(true);
      expect(res.restarts).toBeGreaterThan(0);
      expectClose(res.eigenvalues, want, { atol: 1e-9 * 80 }, `${which} eigenvalues`);
      const v = await res.vectors.data();
      const av = denseMul(A, v, n, 4);
      for (let c = 0; c < 4; c++) {
        const r = Float64Array.from(
          { length: n },
          (_, i) => av[i * 4 + c]! - res.eigenvalues[c]! * v[i * 4 + c]!,
        );
        expectClose(r, new Float64Array(n), { atol: 1e-8 * Math.abs(want[c]!) }, `residual ${c}`);
        const nv = Math.hypot(...Array.from({ length: n }, (_, i) => v[i * 4 + c]!));
        expect(Math.abs(nv - 1)).toBeLessThan(1e-12);
      }
    });

  it('reports max-iterations with its residuals instead of a silent answer', async () => {
    const res = await eigsh(tensor(A, [n, n], { dtype: 'float64' }), {
      k: 4,
      which: 'SA',
      ncv: 6,
      maxIter: 1,
    });
    expect(res.converged).toBe(false);
    expect(res.reason).toBe('max-iterations');
    expect(res.numConverged).toBeLessThan(4);
    expect(res.residuals.some((r, c) => r > 1e-10 * Math.abs(res.eigenvalues[c]!))).toBe(true);
  });

  it('throws typed errors for k >= N, a non-square operator and bad options', async () => {
    const sq = tensor(A, [n, n], { dtype: 'float64' });
    await expect(eigsh(sq, { k: n })).rejects.toThrow(ValueError);
    await expect(eigsh(sq, { k: 0 })).rejects.toThrow(ValueError);
    await expect(eigsh(sq, { k: 4, ncv: 4 })).rejects.toThrow(/ncv/);
    await expect(eigsh(sq, { which: 'XX' as never })).rejects.toThrow(/which/);
    await expect(eigsh(tensor(A.slice(0, 10 * n), [10, n], { dtype: 'float64' }))).rejects.toThrow(
      ShapeError,
    );
  });

  it('finds an invariant subspace exactly (rank-2 operator)', async () => {
    const u = Float64Array.from({ length: 50 }, (_, i) => (i % 2 === 0 ? 1 : 0));
    const w = Float64Array.from({ length: 50 }, (_, i) => (i % 2 === 1 ? 1 : 0));
    const M = new Float64Array(2500);
    for (let i = 0; i < 50; i++)
      for (let j = 0; j < 50; j++) M[i * 50 + j] = 3 * u[i]! * u[j]! + w[i]! * w[j]!;
    const res = await eigsh(tensor(M, [50, 50], { dtype: 'float64' }), { k: 2, ncv: 8 });
    expect(res.converged).toBe(true);
    expectClose(res.eigenvalues, [75, 25], { atol: 1e-10 });
  });
});
