/**
 * Conjugate gradient: SciPy's solution of (I + K) a = b (fixture), residuals of random SPD systems
 * recomputed in float64, exact reporting of breakdown / non-convergence / NaN, and bounded memory.
 */
import { readFileSync } from 'node:fs';
import { normal, uniform } from '@symtensor/core-ir/peer-inputs';
import { memory, ShapeError, tensor, ValueError, Vi, Vj } from '@symtensor/lazytensor';
import { describe, expect, it } from 'vitest';
import { aslinearoperator, cg, shiftOperator } from '../src/index.js';
import { denseMul, expectClose, norm, normals, seeded, spdMatrix } from './helpers.js';

const f64 = (d: Float64Array, shape: number[]) => tensor(d, shape, { dtype: 'float64' });
const fixture = JSON.parse(
  readFileSync(new URL('./fixtures/cg-ridge-2000.json', import.meta.url), 'utf8'),
) as {
  n: number;
  a: number[];
  scipyCgIterations: number;
};

describe('cg against SciPy: (I + K) a = b, Gaussian K, N = 2000', () => {
  const N = fixture.n;
  const x = uniform(611, N, 3);
  const b = normal(612, N, 1);
  const scale = norm(fixture.a);

  it('float32: every element within 2e-5 |a| of the float64 direct solve', async () => {
    const K = Vi(tensor(x, [N, 3]))
      .sqdist(Vj(tensor(x, [N, 3])))
      .mul(-1 / (2 * 0.1 * 0.1))
      .exp();
    const res = await cg(shiftOperator(aslinearoperator(K), 1), tensor(b, [N]), { tol: 1e-5 });
    console.log(
      `cg float32 N=${N}: ${res.iterations} iterations (SciPy cg tol 1e-5: ${fixture.scipyCgIterations}), true rel. residual ${res.trueResiduals[0]!.toExponential(2)}`,
    );
    expect(res.converged).toBe(true);
    expect(res.reason).toBe('converged');
    expect(res.x.shape).toEqual([N]);
    expect(res.residuals).toHaveLength(res.iterations + 1);
    expect(res.residuals.at(-1)![0]).toBeLessThanOrEqual(1e-5);
    expect(Math.abs(res.iterations - fixture.scipyCgIterations)).toBeLessThanOrEqual(3);
    // |error| <= cond(A) * tol * |a| in norm; elementwise that is looser than needed, so 2e-5 |a|.
    expectClose(await res.x.data(), fixture.a, { atol: 2e-5 * scale }, 'a (float32)');
  });

  it('float64: every element within 1e-9 |a|, and checkEvery = 5 gives the same iterate', async () => {
    const xs = tensor(Float64Array.from(x), [N, 3], { dtype: 'float64' });
    const K = Vi(xs)
      .sqdist(Vj(xs))
      .mul(-1 / (2 * 0.1 * 0.1))
      .exp();
    const A = shiftOperator(aslinearoperator(K), 1);
    const rhs = f64(Float64Array.from(b), [N]);
    const res = await cg(A, rhs, { tol: 1e-11, checkEvery: 5 });
    expect(res.converged).toBe(true);
    expectClose(await res.x.data(), fixture.a, { atol: 1e-9 * scale }, 'a (float64)');
  });
});

describe('cg on random SPD operators', () => {
  const n = 60;
  const E = 3;
  const eigs = Array.from({ length: n }, (_, k) => 10 ** ((3 * k) / (n - 1)));
  const A = spdMatrix(seeded(21), eigs);
  const B = normals(seeded(22), n * E);

  it('every column meets |b - A x| <= tol |b| recomputed in float64, and checkEvery changes nothing', async () => {
    const one = await cg(f64(A, [n, n]), f64(B, [n, E]), { tol: 1e-9 });
    const five = await cg(f64(A, [n, n]), f64(B, [n, E]), { tol: 1e-9, checkEvery: 5 });
    expect(one.converged).toBe(true);
    const x1 = await one.x.data();
    const ax = denseMul(A, x1, n, E);
    for (let e = 0; e < E; e++) {
      const r = Float64Array.from({ length: n }, (_, i) => B[i * E + e]! - ax[i * E + e]!);
      const bn = norm(Float64Array.from({ length: n }, (_, i) => B[i * E + e]!));
      expect(norm(r) / bn, `column ${e}`).toBeLessThanOrEqual(1e-9 * 2);
      expect(one.columns[e]!.reason).toBe('converged');
    }
    expect(five.columns).toEqual(one.columns);
    expect(five.iterations).toBe(one.iterations);
    expectClose(await five.x.data(), x1, { atol: 0 }, 'same iterate with checkEvery 5');
    // The history has one row per iteration, and column iterations are where the last one crossed tol.
    expect(one.residuals).toHaveLength(one.iterations + 1);
    for (let e = 0; e < E; e++) {
      const k = one.columns[e]!.iterations;
      expect(one.residuals[k]![e]).toBeLessThanOrEqual(1e-9);
      expect(one.residuals[k - 1]![e]).toBeGreaterThan(1e-9);
    }
  });

  it('with an x0 and a (Jacobi) preconditioner', async () => {
    const diag = Float64Array.from({ length: n }, (_, i) => 1 / A[i * n + i]!);
    const pre = aslinearoperator({
      shape: [n, n],
      dtype: 'float64',
      matvec: (r) => r.mul(f64(diag, [n, 1])),
    });
    const x0 = f64(normals(seeded(23), n * E), [n, E]);
    const res = await cg(f64(A, [n, n]), f64(B, [n, E]), { tol: 1e-10, x0, preconditioner: pre });
    expect(res.converged).toBe(true);
    const ax = denseMul(A, await res.x.data(), n, E);
    expectClose(ax, B, { atol: 1e-8 }, 'A x = b');
  });

  it('reports max-iterations with the residual history, not a silent answer', async () => {
    const res = await cg(f64(A, [n, n]), f64(B, [n, E]), { tol: 1e-12, maxIter: 4 });
    expect(res.converged).toBe(false);
    expect(res.reason).toBe('max-iterations');
    expect(res.iterations).toBe(4);
    expect(res.residuals).toHaveLength(5);
    expect(res.columns.every((c) => c.reason === 'max-iterations' && c.iterations === 4)).toBe(true);
  });

  it('detects breakdown on an indefinite operator, with the iteration, and keeps the last good iterate', async () => {
    // diag(2, -1, 3), b = 1: p0 = b, p0^T A p0 = 4 > 0; x1 = 0.75 b; then p1^T A p1 < 0 at iteration 2.
    const Ind = f64(Float64Array.from([2, 0, 0, 0, -1, 0, 0, 0, 3]), [3, 3]);
    const res = await cg(Ind, f64(Float64Array.from([1, 1, 1]), [3]));
    expect(res.converged).toBe(false);
    expect(res.reason).toBe('breakdown');
    expect(res.breakdowns).toHaveLength(1);
    expect(res.breakdowns[0]!.iteration).toBe(2);
    expect(res.breakdowns[0]!.curvature).toBeCloseTo(-8.4375, 12);
    expectClose(await res.x.data(), [0.75, 0.75, 0.75], { atol: 1e-15 });
  });

  it('reports the float32 precision floor when the recurrence meets tol but |b - A x| does not', async () => {
    // Condition 1e3: the recurrence residual passes 1e-8 after ~110 iterations while the true one
    // stalls near eps * cond ~ 1e-5 (see peers.md's float32 CG floor).
    const ill = spdMatrix(
      seeded(24),
      Array.from({ length: 40 }, (_, k) => 10 ** ((3 * k) / 39)),
    );
    const res = await cg(
      tensor(Float32Array.from(ill), [40, 40]),
      tensor(Float32Array.from(B.slice(0, 40)), [40]),
      {
        tol: 1e-8,
        maxIter: 300,
      },
    );
    console.log(
      `float32, cond 1e3, tol 1e-8: ${res.reason} after ${res.iterations} iterations, recurrence residual ${res.residuals.at(-1)![0]!.toExponential(1)}, true ${res.trueResiduals[0]!.toExponential(1)}`,
    );
    expect(res.converged).toBe(false);
    expect(res.reason).toBe('precision-floor');
    expect(res.residuals.at(-1)![0]).toBeLessThanOrEqual(1e-8);
    expect(res.trueResiduals[0]).toBeGreaterThan(2e-8);
  });

  it('throws typed errors for NaN in b, non-square A and mismatched b', async () => {
    const bad = Float64Array.from(B.slice(0, n));
    bad[7] = Number.NaN;
    await expect(cg(f64(A, [n, n]), f64(bad, [n]))).rejects.toThrow(ValueError);
    await expect(cg(f64(A, [n, n]), f64(bad, [n]))).rejects.toThrow(/NaN or infinite values \(column 0\)/);
    await expect(cg(f64(A.slice(0, n * 10), [10, n]), f64(B.slice(0, 10), [10]))).rejects.toThrow(ShapeError);
    await expect(cg(f64(A, [n, n]), f64(B.slice(0, 10), [10]))).rejects.toThrow(ShapeError);
    await expect(cg(f64(A, [n, n]), f64(B.slice(0, n), [n]), { maxIter: 0 })).rejects.toThrow(ValueError);
  });

  it('memory stays flat over 1,000 iterations', async () => {
    const m = 200;
    const diag = Float64Array.from({ length: m }, (_, k) => 10 ** ((6 * k) / (m - 1)));
    const op = aslinearoperator({ shape: [m, m], dtype: 'float64', matvec: (v) => v.mul(f64(diag, [m, 1])) });
    const rhs = f64(normals(seeded(25), m * 2), [m, 2]);
    const before = memory();
    const samples: number[] = [];
    const res = await cg(op, rhs, {
      tol: 1e-300,
      maxIter: 1000,
      checkEvery: 10,
      checkTrueResidual: false,
      onIteration: ({ iteration }) => {
        if (iteration % 100 === 0) samples.push(memory().buffers);
      },
    });
    expect(res.iterations).toBe(1000);
    expect(samples).toHaveLength(10);
    expect(Math.max(...samples) - Math.min(...samples)).toBe(0);
    res.x.dispose();
    expect(memory().tensors).toBe(before.tensors);
    expect(memory().buffers).toBe(before.buffers);
  });
});
