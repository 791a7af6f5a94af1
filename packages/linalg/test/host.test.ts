/** The host float64 kernels: Jacobi eigen-decomposition and Cholesky, against constructed answers. */
import { describe, expect, it } from 'vitest';
import { cholesky, invertUpper } from '../src/host/cholesky.js';
import { symmetricEigen } from '../src/host/symmetric-eigen.js';
import { expectClose, normals, seeded, spdMatrix } from './helpers.js';

describe('symmetricEigen (Jacobi)', () => {
  it('recovers the eigenvalues of Q diag(d) Q^T, ascending, with orthonormal vectors', () => {
    const n = 30;
    const d = Array.from({ length: n }, (_, k) => (k % 2 === 0 ? 1 : -1) * 10 ** (k / 6 - 2));
    const a = spdMatrix(seeded(1), d);
    const { values, vectors } = symmetricEigen(a, n);
    expectClose(
      values,
      [...d].sort((x, y) => x - y),
      { atol: 1e-12 * 1e3 },
      'eigenvalues',
    );
    const residual = new Float64Array(n * n);
    const gram = new Float64Array(n * n);
    for (let c = 0; c < n; c++)
      for (let i = 0; i < n; i++) {
        let s = -values[c]! * vectors[i * n + c]!;
        for (let j = 0; j < n; j++) s += a[i * n + j]! * vectors[j * n + c]!;
        residual[i * n + c] = s;
        let g = 0;
        for (let j = 0; j < n; j++) g += vectors[j * n + i]! * vectors[j * n + c]!;
        gram[i * n + c] = g - (i === c ? 1 : 0);
      }
    expectClose(residual, new Float64Array(n * n), { atol: 1e-11 }, 'A v - lambda v');
    expectClose(gram, new Float64Array(n * n), { atol: 1e-13 }, 'V^T V - I');
  });

  it('handles diagonal, repeated and 1 x 1 input, and refuses NaN', () => {
    expectClose(symmetricEigen([3, 0, 0, 3], 2).values, [3, 3], { atol: 0 });
    expectClose(symmetricEigen([5], 1).values, [5], { atol: 0 });
    expectClose(symmetricEigen([2, 1, 1, 2], 2).values, [1, 3], { atol: 1e-15 });
    expect(() => symmetricEigen([1, Number.NaN, Number.NaN, 1], 2)).toThrow(/entry \(0, 1\) is NaN/);
  });
});

describe('cholesky', () => {
  it('factors an SPD matrix (R^T R = A, every entry) and inverts R', () => {
    const n = 12;
    const a = spdMatrix(
      seeded(2),
      Array.from({ length: n }, (_, k) => 1 + k),
    );
    const r = cholesky(a, n)!;
    const back = new Float64Array(n * n);
    const eye = new Float64Array(n * n);
    const inv = invertUpper(r, n);
    for (let i = 0; i < n; i++)
      for (let j = 0; j < n; j++) {
        let s = 0;
        let t = 0;
        for (let k = 0; k < n; k++) {
          s += r[k * n + i]! * r[k * n + j]!;
          t += r[i * n + k]! * inv[k * n + j]!;
        }
        back[i * n + j] = s;
        eye[i * n + j] = t - (i === j ? 1 : 0);
      }
    expectClose(back, a, { atol: 1e-12 }, 'R^T R');
    expectClose(eye, new Float64Array(n * n), { atol: 1e-13 }, 'R R^{-1} - I');
  });

  it('returns null for an indefinite matrix', () => {
    expect(cholesky([1, 2, 2, 1], 2)).toBeNull();
    expect(
      cholesky(
        normals(seeded(3), 1).map(() => -1),
        1,
      ),
    ).toBeNull();
  });
});
