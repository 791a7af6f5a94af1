/** LinearOperator construction and composition, checked against dense float64 products. */
import { DTypeError, ShapeError, tensor, ValueError, Vi, Vj } from '@symtensor/lazytensor';
import { describe, expect, it } from 'vitest';
import {
  aslinearoperator,
  LinearOperator,
  scaleOperator,
  shiftOperator,
  sumOperators,
} from '../src/index.js';
import { denseMul, expectClose, gaussianMatrix, normals, seeded } from './helpers.js';

const f64 = (d: Float64Array, shape: number[]) => tensor(d, shape, { dtype: 'float64' });

describe('LinearOperator', () => {
  const next = seeded(11);
  const [N, M, D, E] = [7, 5, 2, 3];
  const x = normals(next, N * D);
  const y = normals(next, M * D);
  const v = normals(next, M * E);
  const u = normals(next, N * E);
  const K = gaussianMatrix(x, y, D, 0.8);
  const Kt = new Float64Array(M * N);
  for (let i = 0; i < N; i++) for (let j = 0; j < M; j++) Kt[j * N + i] = K[i * M + j]!;
  const mulRect = (a: Float64Array, rows: number, cols: number, w: Float64Array) => {
    const out = new Float64Array(rows * E);
    for (let i = 0; i < rows; i++)
      for (let j = 0; j < cols; j++)
        for (let c = 0; c < E; c++) out[i * E + c]! += a[i * cols + j]! * w[j * E + c]!;
    return out;
  };

  it('from a LazyTensor: K @ v and K^T @ u, [n] and [n, E]', async () => {
    const lazy = Vi(f64(x, [N, D]))
      .sqdist(Vj(f64(y, [M, D])))
      .mul(-1 / (2 * 0.8 * 0.8))
      .exp();
    const op = aslinearoperator(lazy);
    expect(op.shape).toEqual([N, M]);
    expect(op.dtype).toBe('float64');
    expectClose(await op.matvec(f64(v, [M, E])).data(), mulRect(K, N, M, v), { atol: 1e-14 }, 'K v');
    expectClose(await op.rmatvec(f64(u, [N, E])).data(), mulRect(Kt, M, N, u), { atol: 1e-14 }, 'K^T u');
    const v1 = v.slice(0, M);
    const one = op.matvec(f64(v1, [M]));
    expect(one.shape).toEqual([N]);
    expectClose(
      await one.data(),
      Float64Array.from({ length: N }, (_, i) =>
        K.slice(i * M, i * M + M).reduce((s, t, j) => s + t * v1[j]!, 0),
      ),
      { atol: 1e-14 },
      'K v (1-D)',
    );
  });

  it('from a dense tensor and from functions', async () => {
    const dense = aslinearoperator(f64(K, [N, M]));
    expectClose(await dense.matvec(f64(v, [M, E])).data(), mulRect(K, N, M, v), { atol: 1e-14 });
    expectClose(await dense.rmatvec(f64(u, [N, E])).data(), mulRect(Kt, M, N, u), { atol: 1e-14 });
    const doubled = aslinearoperator({ shape: [M, M], dtype: 'float64', matvec: (w) => w.mul(2) });
    expectClose(
      await doubled.matvec(f64(v, [M, E])).data(),
      v.map((t) => 2 * t),
      { atol: 0 },
    );
    expect(() => doubled.rmatvec(f64(v, [M, E]))).toThrow(/no transpose product/);
  });

  it('composes: sum, scaling, alpha I + A', async () => {
    const S = new Float64Array(N * N);
    for (let i = 0; i < N; i++) for (let j = 0; j < N; j++) S[i * N + j] = 1 / (1 + i + j);
    const a = aslinearoperator(f64(S, [N, N]));
    const b = aslinearoperator(f64(gaussianMatrix(x, x, D, 1), [N, N]));
    const both = shiftOperator(scaleOperator(sumOperators(a, b), -2), 0.5);
    const want = new Float64Array(N * N);
    const G = gaussianMatrix(x, x, D, 1);
    for (let k = 0; k < N * N; k++) want[k] = -2 * (S[k]! + G[k]!);
    for (let i = 0; i < N; i++) want[i * N + i]! += 0.5;
    expectClose(await both.matvec(f64(u, [N, E])).data(), denseMul(want, u, N, E), { atol: 1e-14 });
    expectClose(await both.rmatvec(f64(u, [N, E])).data(), denseMul(want, u, N, E), { atol: 1e-14 });
  });

  it('rejects bad shapes, dtypes and arguments with typed errors', () => {
    const op = aslinearoperator(f64(K, [N, M]));
    expect(() => op.matvec(f64(u, [N, E]))).toThrow(ShapeError);
    expect(() => op.matvec(tensor(Float32Array.from(v), [M, E]))).toThrow(DTypeError);
    expect(() => shiftOperator(op, 1)).toThrow(ShapeError);
    expect(() => sumOperators(op, aslinearoperator(f64(S2(), [M, M])))).toThrow(ShapeError);
    expect(() => new LinearOperator({ shape: [0, 2], dtype: 'float64', matvec: (w) => w })).toThrow(
      ShapeError,
    );
    expect(() =>
      aslinearoperator(
        Vi(f64(x, [N, D]))
          .sqdist(Vj(f64(y, [M, D])))
          .concat(1),
      ),
    ).toThrow(ShapeError);
    expect(() => aslinearoperator(42 as never)).toThrow(ValueError);
    const bad = aslinearoperator({ shape: [M, M], dtype: 'float64', matvec: (w) => w.slice(0, 0, 2) });
    expect(() => bad.matvec(f64(v, [M, E]))).toThrow(/expected \[5, 3\]/);
  });
  const S2 = () => new Float64Array(M * M);
});
