/**
 * Argument handling of `loss(x, y)` / `loss(a, x, b, y)`: shapes checked (typed errors that name the
 * argument), weights brought to `[..., N, 1]` so that they bind as `Vi`/`Vj` variables of dim 1.
 */
import { full, ShapeError, type Tensor, ValueError } from '@symtensor/lazytensor';

export interface Measures {
  /** Weights of x, `[N, 1]` or `[B, N, 1]`. */
  a: Tensor;
  /** Points, `[N, D]` or `[B, N, D]`. */
  x: Tensor;
  b: Tensor;
  y: Tensor;
  /** Batch size, or undefined for unbatched inputs. */
  batch: number | undefined;
  /** Tensors made here (default weights, reshapes): the caller disposes them when done. */
  owned: Tensor[];
}

function checkPoints(t: unknown, name: string): Tensor {
  if (t === null || typeof t !== 'object' || !('shape' in t))
    throw new ValueError(`loss(..., ${name}, ...): expected a Tensor of points, got ${String(t)}`);
  const x = t as Tensor;
  if (x.rank !== 2 && x.rank !== 3)
    throw new ShapeError(
      `loss(..., ${name}, ...): points must be [N, D] or [B, N, D], got shape [${x.shape}]; reshape 1-D data to [N, 1]`,
    );
  if (x.dtype !== 'float32' && x.dtype !== 'float64')
    throw new ValueError(
      `loss(..., ${name}, ...): points must be float32 or float64, got ${x.dtype}; cast them`,
    );
  return x;
}

/** Weights as `[..., N, 1]`; accepts `[N]`, `[N, 1]`, `[B, N]`, `[B, N, 1]`. */
function checkWeights(w: unknown, points: Tensor, name: string, pointsName: string): Tensor {
  if (w === null || typeof w !== 'object' || !('shape' in w))
    throw new ValueError(`loss(${name}, ...): expected a Tensor of weights, got ${String(w)}`);
  const t = w as Tensor;
  const lead = points.shape.slice(0, -1);
  const same = (s: readonly number[]) => s.length === lead.length && s.every((v, k) => v === lead[k]);
  if (same(t.shape)) return t.reshape([...lead, 1]);
  if (same(t.shape.slice(0, -1)) && t.shape[t.rank - 1] === 1) return t;
  throw new ShapeError(
    `loss(${name}, ...): weights of shape [${t.shape}] do not match ${pointsName} of shape [${points.shape}]; expected [${lead}] or [${lead},1]`,
  );
}

export function parseMeasures(args: readonly unknown[]): Measures {
  let a: Tensor;
  let b: Tensor;
  let x: Tensor;
  let y: Tensor;
  if (args.length === 2) {
    x = checkPoints(args[0], 'x');
    y = checkPoints(args[1], 'y');
    a = uniformWeights(x);
    b = uniformWeights(y);
  } else if (args.length === 4) {
    x = checkPoints(args[1], 'x');
    y = checkPoints(args[3], 'y');
    a = checkWeights(args[0], x, 'a', 'x');
    b = checkWeights(args[2], y, 'b', 'y');
  } else {
    throw new ValueError(
      `loss(...): call it as loss(x, y) or loss(a, x, b, y), got ${args.length} arguments`,
    );
  }
  if (x.rank !== y.rank)
    throw new ShapeError(`loss(x, y): x [${x.shape}] and y [${y.shape}] must both be batched or both not`);
  if (x.shape[x.rank - 1] !== y.shape[y.rank - 1])
    throw new ShapeError(`loss(x, y): x [${x.shape}] and y [${y.shape}] must have the same dimension D`);
  if (x.rank === 3 && x.shape[0] !== y.shape[0])
    throw new ShapeError(`loss(x, y): batch sizes differ, x [${x.shape}] and y [${y.shape}]`);
  for (const [t, n] of [
    [a, 'a'],
    [b, 'b'],
    [y, 'y'],
  ] as const)
    if (t.dtype !== x.dtype)
      throw new ValueError(`loss(...): ${n} is ${t.dtype} but x is ${x.dtype}; cast them to one dtype`);
  const owned = [a, b].filter((w, k) => w !== args[2 * k]);
  return { a, x, b, y, batch: x.rank === 3 ? x.shape[0] : undefined, owned };
}

/** Weights 1/N on each point, like GeomLoss's `loss(x, y)`. */
function uniformWeights(points: Tensor): Tensor {
  const n = points.shape[points.rank - 2]!;
  return full([...points.shape.slice(0, -1), 1], 1 / n, { dtype: points.dtype, backend: points.backend });
}
