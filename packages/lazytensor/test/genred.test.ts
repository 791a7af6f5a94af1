/**
 * genred: KeOps formula strings (KeOps test suite item 2, M = 10, N = 6, D = 3) against dense
 * float64 computations in float32 and float64; inline Var; nested symbolic gradients; ArgKMin
 * against a sort.
 */
import { describe, expect, it } from 'vitest';
import { genred, grad, Pm, type Tensor, Vi, Vj } from '../src/index.js';
import { expectClose, expectEqual, f32, f64, normal, read, rng, sqdist } from './helpers.js';

const [N, M, D] = [10, 6, 3];

interface Data {
  p: Float64Array;
  a: Float64Array;
  x: Float64Array;
  y: Float64Array;
}

function data(): Data {
  const r = rng();
  return { p: normal(r, 1), a: normal(r, M), x: normal(r, N * D), y: normal(r, M * D) };
}

const ALIASES = ['p = Pm(1)', 'a = Vj(1)', 'x = Vi(3)', 'y = Vj(3)'];

function args(d: Data, dtype: 'float32' | 'float64'): Tensor[] {
  const t = dtype === 'float64' ? f64 : f32;
  return [t(d.p, [1]), t(d.a, [M, 1]), t(d.x, [N, D]), t(d.y, [M, D])];
}

/** Per-dtype tolerances: float64 1e-12; float32 inputs and evaluation round at ~1e-7 relative. */
const TOL = { float64: { atol: 1e-12, rtol: 1e-12 }, float32: { atol: 1e-5, rtol: 1e-5 } } as const;

describe.each(['float64', 'float32'] as const)('genred in %s', (dtype) => {
  it("Sum of 'Square(p-a)*Exp(x+y)'", async () => {
    const d = data();
    const out = genred('Square(p-a)*Exp(x+y)', ALIASES, { reduction: 'Sum', axis: 'j' })(
      ...args(d, dtype),
    ) as Tensor;
    expect(out.shape).toEqual([N, D]);
    expect(out.dtype).toBe(dtype);
    const want = new Float64Array(N * D);
    for (let i = 0; i < N; i++)
      for (let j = 0; j < M; j++)
        for (let k = 0; k < D; k++)
          want[i * D + k]! += (d.p[0]! - d.a[j]!) ** 2 * Math.exp(d.x[i * D + k]! + d.y[j * D + k]!);
    expectClose(await read(out), want, TOL[dtype]);
  });

  it("LogSumExp and SumSoftMaxWeight of 'Square(p-a)*Exp(-SqNorm2(x-y))' (weight y)", async () => {
    const d = data();
    const F = 'Square(p-a)*Exp(-SqNorm2(x-y))';
    const lse = genred(F, ALIASES, { reduction: 'LogSumExp', axis: 'j' })(...args(d, dtype)) as Tensor;
    const ssw = genred(F, ALIASES, { reduction: 'SumSoftMaxWeight', axis: 'j', weight: 'y' })(
      ...args(d, dtype),
    ) as Tensor;
    const wantLse = new Float64Array(N);
    const wantSsw = new Float64Array(N * D);
    for (let i = 0; i < N; i++) {
      const f = Array.from(
        { length: M },
        (_, j) => (d.p[0]! - d.a[j]!) ** 2 * Math.exp(-sqdist(d.x, i, d.y, j, D)),
      );
      const m = Math.max(...f);
      const z = f.reduce((s, v) => s + Math.exp(v - m), 0);
      wantLse[i] = m + Math.log(z);
      for (let j = 0; j < M; j++)
        for (let k = 0; k < D; k++) wantSsw[i * D + k]! += (Math.exp(f[j]! - m) / z) * d.y[j * D + k]!;
    }
    expectClose(await read(lse), wantLse, TOL[dtype], 'LogSumExp');
    expect(ssw.shape).toEqual([N, D]);
    expectClose(await read(ssw), wantSsw, TOL[dtype], 'SumSoftMaxWeight');
  });

  it("Sum of 'Pow((X|Y),2)*((Elem(P,0)*X)+(Elem(P,1)*Y))' over i, with inline Var", async () => {
    const r = rng();
    const [x, y, P] = [normal(r, N * D), normal(r, M * D), normal(r, 2)];
    const t = dtype === 'float64' ? f64 : f32;
    const want = new Float64Array(M * D);
    for (let j = 0; j < M; j++)
      for (let i = 0; i < N; i++) {
        let dot = 0;
        for (let k = 0; k < D; k++) dot += x[i * D + k]! * y[j * D + k]!;
        for (let k = 0; k < D; k++)
          want[j * D + k]! += dot ** 2 * (P[0]! * x[i * D + k]! + P[1]! * y[j * D + k]!);
      }
    const byAlias = genred(
      'Pow((X|Y),2)*((Elem(P,0)*X)+(Elem(P,1)*Y))',
      ['X = Vi(3)', 'Y = Vj(3)', 'P = Pm(2)'],
      {
        reduction: 'Sum',
        axis: 'i',
      },
    )(t(x, [N, D]), t(y, [M, D]), t(P, [2])) as Tensor;
    expect(byAlias.shape).toEqual([M, D]);
    // The same formula with inline variables Var(pos, dim, cat) and no aliases.
    const inline = genred(
      'Pow((Var(0,3,0)|Var(1,3,1)),2)*((Elem(Var(2,2,2),0)*Var(0,3,0))+(Elem(Var(2,2,2),1)*Var(1,3,1)))',
      [],
      {
        reduction: 'Sum',
        axis: 'i',
      },
    )(t(x, [N, D]), t(y, [M, D]), t(P, [2])) as Tensor;
    // Scale: |x.y|^2 |x| reaches ~50 and sums of 10 terms: relative float32 budget.
    const tol = dtype === 'float64' ? TOL.float64 : { atol: 1e-4, rtol: 1e-5 };
    expectClose(await read(byAlias), want, tol, 'aliases');
    expectClose(await read(inline), want, tol, 'inline Var');
  });

  it('ArgKMin with K = 3 equals an argsort of the distances', async () => {
    const d = data();
    const t = dtype === 'float64' ? f64 : f32;
    const idx = genred('SqDist(x,y)', ['x = Vi(3)', 'y = Vj(3)'], { reduction: 'ArgKMin', axis: 'j', k: 3 })(
      t(d.x, [N, D]),
      t(d.y, [M, D]),
    ) as Tensor;
    expect(idx.dtype).toBe('int32');
    expect(idx.shape).toEqual([N, 3]);
    const want: number[] = [];
    for (let i = 0; i < N; i++) {
      const order = Array.from({ length: M }, (_, j) => j).sort(
        (u, v) => sqdist(d.x, i, d.y, u, D) - sqdist(d.x, i, d.y, v, D),
      );
      want.push(...order.slice(0, 3));
    }
    expectEqual(await idx.data(), want);
  });
});

describe('genred gradients', () => {
  it('are those of the LazyTensor formula, including nested (symbolic and autograd) gradients', async () => {
    const d = data();
    const [p, a, x, y] = args(d, 'float64').map((t) => t.detach({ requiresGrad: true })) as [
      Tensor,
      Tensor,
      Tensor,
      Tensor,
    ];
    const viaString = genred('Square(p-a)*Exp(-SqNorm2(x-y))', ALIASES, { reduction: 'Sum', axis: 'j' })(
      p,
      a,
      x,
      y,
    ) as Tensor;
    const lazy = Pm(p)
      .sub(Vj(a))
      .square()
      .mul(Vi(x).sub(Vj(y)).sqnorm2().neg().exp());
    expectClose(await read(viaString), await read(lazy.sum('j')), { rtol: 1e-15 }, 'value');
    const [g1] = grad(viaString.sum(), [x]);
    // d/dx of sum_ij F_ij, symbolically: LazyTensor.grad with a unit cotangent.
    const g2 = lazy.grad(Vi(x), 1).sum('j');
    expectClose(await read(g1!), await read(g2), { atol: 1e-14, rtol: 1e-13 }, 'grad');
    // Nested: d/dy of sum_ij <dF/dx, e_i> for a fixed e, symbolic and by autograd.
    const e = f64(normal(rng('e'), N * D), [N, D]);
    const nested = lazy.diff(Vi(x), Vi(e)).grad(Vj(y), 1).sum('i');
    const [gx] = grad(viaString.sum(), [x], undefined, { createGraph: true });
    const [gy] = grad(gx!.mul(e).sum(), [y]);
    expectClose(await read(gy!), await read(nested), { atol: 1e-13, rtol: 1e-12 }, 'nested');
    // And against the dense float64 formula of that mixed derivative.
    const want = new Float64Array(M * D);
    const ev = await read(e);
    for (let i = 0; i < N; i++)
      for (let j = 0; j < M; j++) {
        const c = (d.p[0]! - d.a[j]!) ** 2;
        const k = Math.exp(-sqdist(d.x, i, d.y, j, D));
        let ed = 0;
        for (let q = 0; q < D; q++) ed += ev[i * D + q]! * (d.x[i * D + q]! - d.y[j * D + q]!);
        // d/dx_i F = -2 c k (x_i - y_j); its derivative along e_i, then w.r.t. y_j.
        for (let q = 0; q < D; q++)
          want[j * D + q]! += c * k * (2 * ev[i * D + q]! - 4 * ed * (d.x[i * D + q]! - d.y[j * D + q]!));
      }
    expectClose(await read(gy!), want, { atol: 1e-12, rtol: 1e-12 }, 'nested vs dense');
  });
});
