/**
 * The leaves of LazyTensors: `Vi(x)` (x `[..., N, D]`, indexed by i), `Vj(y)` (`[..., M, D]`,
 * indexed by j) and `Pm(p)` (a parameter, the same for every pair). Leading dims of the tensors are
 * batch dims, broadcast like NumPy (equal or 1).
 */
import { type Category, DTypeError, ShapeError, ValueError, variable } from '@symtensor/core-ir';
import { Tensor } from '../tensor/tensor.js';
import { type Binding, freshPosition, placeholderOf } from './binding.js';
import { LazyTensor } from './lazytensor.js';

/** The i-indexed variable x_i of a tensor `[..., N, D]`. */
export function Vi(x: Tensor): LazyTensor {
  return indexed(x, 'i', 'Vi(x)');
}

/** The j-indexed variable y_j of a tensor `[..., M, D]`. */
export function Vj(y: Tensor): LazyTensor {
  return indexed(y, 'j', 'Vj(y)');
}

/**
 * A parameter: a number, an array of numbers (a vector), or a tensor `[D]` (`[]` for a scalar, or
 * `[..., D]` with batch dims). Numbers must be finite.
 */
export function Pm(p: Tensor | number | readonly number[], what = 'Pm(p)'): LazyTensor {
  if (typeof p === 'number' || Array.isArray(p)) {
    const values = Float64Array.from(typeof p === 'number' ? [p] : (p as readonly number[]));
    if (values.length === 0)
      throw new ShapeError(`${what}: an empty array has no value; pass at least one number`);
    values.forEach((v, k) => {
      if (!Number.isFinite(v))
        throw new ValueError(
          `${what}: ${Array.isArray(p) ? `element ${k} is` : 'the number is'} ${v}; a parameter must be finite (check the value you computed it from, e.g. a bandwidth sigma)`,
        );
    });
    return leaf(
      { cat: 'p', dim: values.length, source: values, batch: [], rows: undefined },
      freshPosition(),
      what,
    );
  }
  const t = checkFloatTensor(p, what);
  const dim = t.rank === 0 ? 1 : t.shape[t.rank - 1]!;
  if (dim === 0)
    throw new ShapeError(`${what}: the tensor has shape [${t.shape}]; a parameter needs at least one value`);
  const binding: Binding = { cat: 'p', dim, source: t, batch: t.shape.slice(0, -1), rows: undefined };
  return leaf(binding, varPosition(placeholderOf(t, 'p', dim)), what);
}

function indexed(t: unknown, cat: Category, what: string): LazyTensor {
  const x = checkFloatTensor(t, what);
  if (x.rank < 2)
    throw new ShapeError(
      `${what}: the tensor has shape [${x.shape}]; it needs shape [${cat === 'i' ? 'N' : 'M'}, D] (or [..., ${cat === 'i' ? 'N' : 'M'}, D] with batch dims): reshape a vector of scalars with t.reshape([-1, 1])`,
    );
  const dim = x.shape[x.rank - 1]!;
  if (dim === 0) throw new ShapeError(`${what}: the tensor has shape [${x.shape}]; D must be at least 1`);
  const binding: Binding = { cat, dim, source: x, batch: x.shape.slice(0, -2), rows: x.shape[x.rank - 2]! };
  return leaf(binding, varPosition(placeholderOf(x, cat, dim)), what);
}

function leaf(binding: Binding, pos: number, what: string): LazyTensor {
  return new LazyTensor(variable(pos, binding.dim, binding.cat), new Map([[pos, binding]]), what);
}

function varPosition(v: ReturnType<typeof placeholderOf>): number {
  return v.attrs[0]!;
}

function checkFloatTensor(t: unknown, what: string): Tensor {
  if (!(t instanceof Tensor))
    throw new ValueError(
      `${what} must be a Tensor (create one with tensor(data, shape)), got ${t === null ? 'null' : typeof t}`,
    );
  t.liveStorage(what);
  if (t.dtype === 'int32')
    throw new DTypeError(
      `${what}: the tensor is int32; formulas compute in float32 or float64: use t.cast('float32')`,
    );
  return t;
}
