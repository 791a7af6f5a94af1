/**
 * Bad input gets a typed error that names the argument and says what to do.
 */
import { describe, expect, it } from 'vitest';
import {
  DTypeError,
  genred,
  grad,
  LazyTensor,
  Pm,
  ShapeError,
  tensor,
  UnsupportedError,
  ValueError,
  Vi,
  Vj,
  zeros,
} from '../src/index.js';

/** Expects `fn` to throw an instance of `type` whose message matches every pattern. */
function throwsTyped(fn: () => unknown, type: new (...a: never[]) => Error, ...patterns: RegExp[]): void {
  let caught: unknown;
  try {
    fn();
  } catch (e) {
    caught = e;
  }
  expect(caught, 'no error thrown').toBeInstanceOf(type);
  for (const p of patterns) expect((caught as Error).message).toMatch(p);
}

const x = () => zeros([10, 3]);
const y = () => zeros([8, 3]);

describe('bad input', () => {
  it('Vi / Vj of a 1-D tensor', () => {
    throwsTyped(() => Vi(zeros([10])), ShapeError, /Vi\(x\)/, /\[N, D\]/, /reshape/);
    throwsTyped(() => Vj(zeros([])), ShapeError, /Vj\(y\)/, /\[M, D\]/);
  });

  it('D mismatch between x and y', () => {
    throwsTyped(() => Vi(x()).sqdist(Vj(zeros([8, 2]))), ShapeError, /sqdist/, /3 and 2/);
    throwsTyped(() => Vi(x()).add(Vj(zeros([8, 2]))), ShapeError, /add/);
  });

  it('N or M mismatch between tensors of one index', () => {
    throwsTyped(() => Vi(x()).sqdist(Vi(zeros([9, 3]))), ShapeError, /Vi tensors have 10 and 9 rows/);
  });

  it('incompatible batch dims', () => {
    throwsTyped(() => Vi(zeros([2, 10, 3])).sqdist(Vj(zeros([3, 8, 3]))), ShapeError, /batch/);
  });

  it('a reduction on a non-LazyTensor, or without a named axis', () => {
    const t = x();
    throwsTyped(() => LazyTensor.prototype.sum.call(t as never, 'j'), ValueError, /LazyTensor/, /Vi\(x\)/);
    throwsTyped(() => t.sum('j' as never), ValueError, /numeric axes/, /LazyTensor/, /Vi\(x\)/);
    throwsTyped(
      () =>
        Vi(x())
          .sqdist(Vj(y()))
          .sum(1 as never),
      ValueError,
      /'i' or 'j'/,
      /KeOps' axis=1 is 'j'/,
    );
    throwsTyped(
      () =>
        Vi(x())
          .sqdist(Vj(y()))
          .sum(undefined as never),
      ValueError,
      /'i' or 'j'/,
    );
  });

  it('K larger than M, negative or fractional K', () => {
    const D = Vi(x()).sqdist(Vj(y()));
    throwsTyped(() => D.argkmin('j', 9), ValueError, /K = 9 exceeds the 8 j indices/, /K <= 8/);
    throwsTyped(() => D.kmin('i', 11), ValueError, /K = 11 exceeds the 10 i indices/);
    throwsTyped(() => D.kmin('j', -2), ValueError, /positive integer/);
    throwsTyped(() => D.kminArgkmin('j', 1.5), ValueError, /positive integer/);
  });

  it('NaN or infinite sigma in Pm', () => {
    throwsTyped(() => Pm(Number.NaN), ValueError, /Pm\(p\)/, /NaN/, /finite/, /sigma/);
    throwsTyped(() => Vi(x()).mul(Number.POSITIVE_INFINITY), ValueError, /finite/);
    throwsTyped(() => Pm([1, Number.NaN]), ValueError, /element 1/);
  });

  it('int32 tensors in formulas and arithmetic, mixed float dtypes', () => {
    const idx = tensor([[1], [2]], undefined, { dtype: 'int32' });
    throwsTyped(() => Vi(idx), DTypeError, /int32/, /cast\('float32'\)/);
    throwsTyped(() => idx.add(1), DTypeError, /cast/);
    const a = zeros([2], { dtype: 'float64' });
    throwsTyped(() => zeros([2]).add(a), DTypeError, /float64/, /cast/);
    throwsTyped(
      () =>
        Vi(zeros([4, 2], { dtype: 'float64' }))
          .sqdist(Vj(zeros([3, 2])))
          .sum('j'),
      DTypeError,
      /float32/,
    );
    throwsTyped(() => tensor([1, 2], undefined, { dtype: 'int32', requiresGrad: true }), DTypeError, /int32/);
    throwsTyped(() => tensor([1.5], undefined, { dtype: 'int32' }), ValueError, /element 0/);
  });

  it('non-differentiable reductions raise UnsupportedError with the fix', () => {
    const xt = zeros([10, 3], { requiresGrad: true });
    const m = Vi(xt).sqdist(Vj(y())).min('j');
    throwsTyped(() => grad(m.sum(), [xt]), UnsupportedError, /Min/, /ArgMin/, /gather/);
    const [v] = Vi(xt).sqdist(Vj(y())).kminArgkmin('j', 2);
    throwsTyped(() => grad(v.sum(), [xt]), UnsupportedError, /KMinArgKMin/);
  });

  it('shape errors of dense ops and creation', () => {
    throwsTyped(() => zeros([2, 3]).add(zeros([4, 3])), ShapeError, /add/, /broadcast/);
    throwsTyped(() => tensor([[1, 2], [3]]), ShapeError, /data\[1\]/, /rectangular/);
    throwsTyped(() => tensor(new Float32Array(6), [4, 2]), ValueError, /6 elements/);
    throwsTyped(() => zeros([2, -1]), ShapeError, /non-negative/);
    throwsTyped(() => zeros([2, 3]).matmul(zeros([2, 3])), ShapeError, /inner dims 3 and 2/);
    throwsTyped(() => zeros([2, 3]).reshape([4, 2]), ShapeError, /6/);
    throwsTyped(() => zeros([2, 3]).sum(2), ValueError, /axis/);
  });

  it('genred: wrong argument count, dims and options', () => {
    const f = genred('SqDist(x,y)', ['x = Vi(3)', 'y = Vj(3)'], { reduction: 'Sum', axis: 'j' });
    throwsTyped(() => f(x()), ValueError, /2 arguments/, /x, y/);
    throwsTyped(() => f(x(), zeros([8, 2])), ShapeError, /argument 1/, /'y'/, /D = 2/, /dim 3/);
    throwsTyped(
      () => genred('SqDist(x,y)', ['x = Vi(3)', 'y = Vj(3)'], undefined as never),
      ValueError,
      /reduction, axis/,
    );
  });
});
