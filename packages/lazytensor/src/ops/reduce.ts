/**
 * Sums, means, maxima and minima over a numeric axis (or all elements). The tensor is seen as
 * `[A, R, B]` with R the reduced axis: a short R with B = 1 is an in-vector reduction in a map
 * kernel (one row per A); otherwise a reduction kernel folds R as its `j` index, with A as a batch
 * dim and B as the formula's vector dim (B larger than the vector limit is moved in front first).
 */
import {
  type Formula,
  mapSpec,
  Reduction,
  reductionSpec,
  ValueError,
  variable,
  max as vmax,
  min as vmin,
  sum as vsum,
} from '@symtensor/core-ir';
import { makeOutputs } from '../autograd/record.js';
import { allocHost } from '../tensor/dtype.js';
import { normAxis, type Shape, sameShape, sizeOf } from '../tensor/shape.js';
import { Storage } from '../tensor/storage.js';
import type { Tensor } from '../tensor/tensor.js';
import { upload } from '../tensor/transfer.js';
import { broadcastTo } from './broadcast.js';
import * as E from './elementwise.js';
import { VECTOR_DIM_LIMIT } from './map-plan.js';
import { commonFloatDType } from './operands.js';
import { permute } from './permute.js';
import { reshape } from './reshape.js';

/** Options of the numeric-axis reductions. */
export interface ReduceOptions {
  /** Keep the reduced axis with size 1 (default false). */
  readonly keepDims?: boolean;
}

type Kind = 'sum' | 'max' | 'min';

const IN_VECTOR: Record<Kind, (f: Formula) => Formula> = { sum: vsum, max: vmax, min: vmin };
const REDUCTION: Record<Kind, Reduction> = { sum: Reduction.Sum, max: Reduction.Max, min: Reduction.Min };

/** Sum of all elements, or along `axis`. */
export function sum(t: Tensor, axis?: number, options: ReduceOptions = {}): Tensor {
  return reduce(t, 'sum', axis, options);
}

/** Mean of all elements, or along `axis`. */
export function mean(t: Tensor, axis?: number, options: ReduceOptions = {}): Tensor {
  const count = axis === undefined ? t.size : t.shape[normAxis(axis, t.rank, 'mean(axis)')]!;
  const s = reduce(t, 'sum', axis, options);
  const out = E.mul(s, 1 / count);
  s.dispose();
  return out;
}

/** Maximum of all elements, or along `axis` (NaN propagates); ties share the gradient equally. */
export function max(t: Tensor, axis?: number, options: ReduceOptions = {}): Tensor {
  return reduce(t, 'max', axis, options);
}

/** Minimum of all elements, or along `axis` (NaN propagates); ties share the gradient equally. */
export function min(t: Tensor, axis?: number, options: ReduceOptions = {}): Tensor {
  return reduce(t, 'min', axis, options);
}

function reduce(t: Tensor, kind: Kind, axis: number | undefined, options: ReduceOptions): Tensor {
  const what = `${kind}(axis)`;
  if (typeof axis === 'string')
    throw new ValueError(
      `${what}: a Tensor reduces over numeric axes; '${axis}' names an index of a LazyTensor: reduce Vi(x)/Vj(y) formulas with ${kind}('i' | 'j')`,
    );
  commonFloatDType([t], kind);
  if (axis === undefined) {
    // The intermediates are released here (the autograd tape keeps its own handles), so a whole
    // reduction outside `tidy` leaves nothing behind for the garbage collector.
    const view = reshape(t, [t.size]);
    const flat = reduceAxis(view, kind, 0);
    const out = reshape(flat, options.keepDims ? t.shape.map(() => 1) : []);
    view.dispose();
    flat.dispose();
    return out;
  }
  const ax = normAxis(axis, t.rank, what);
  const out = reduceAxis(t, kind, ax);
  return options.keepDims
    ? out
    : reshape(
        out,
        t.shape.filter((_, k) => k !== ax),
      );
}

/** Reduces `axis`, keeping it with size 1. */
function reduceAxis(t: Tensor, kind: Kind, axis: number): Tensor {
  const shape = t.shape;
  const A = sizeOf(shape.slice(0, axis));
  const R = shape[axis]!;
  const B = sizeOf(shape.slice(axis + 1));
  const outShape = shape.map((d, k) => (k === axis ? 1 : d));
  if (R === 0) {
    if (kind !== 'sum')
      throw new ValueError(
        `${kind}: axis ${axis} has size 0, and an empty ${kind} has no value; check the shape [${shape}]`,
      );
    // An empty sum is 0 (as in NumPy); the result does not depend on the (empty) input.
    return upload(t.backend, allocHost(t.dtype, sizeOf(outShape)), outShape);
  }
  if (B > VECTOR_DIM_LIMIT) {
    // Bring the reduced axis last, so that it is folded as a scalar per (A, B) row.
    const perm = [...shape.keys()].filter((k) => k !== axis);
    perm.push(axis);
    const moved = permute(t, perm);
    return reshape(reduceAxis(reshape(moved, [A * B, R]), kind, 1), outShape);
  }
  const dtype = commonFloatDType([t], kind);
  const { backend } = t;
  let buffer: ReturnType<typeof backend.run>[number];
  if (B === 1 && R <= VECTOR_DIM_LIMIT) {
    [buffer] = backend.run(mapSpec({ formula: IN_VECTOR[kind](variable(0, R, 'i')), dtype }), {
      args: [t.bufferFor(kind)],
      nx: A,
      ny: 0,
    });
  } else {
    const spec = reductionSpec({
      formula: variable(0, B, 'j'),
      reduction: REDUCTION[kind],
      axis: 'j',
      dtype,
    });
    [buffer] = backend.run(spec, { args: [t.bufferFor(kind)], nx: 1, ny: R, batch: [A] });
  }
  const raw = { storage: new Storage(backend, buffer!), shape: outShape, dtype };
  return makeOutputs(
    kind,
    [t],
    [raw],
    (grads, ctx) => {
      const [x] = ctx.inputs;
      const g = grads[0]!;
      if (kind === 'sum') return [broadcastTo(g, x!.shape)];
      // The extremum's gradient goes to the elements equal to it, shared equally among ties.
      const mask = E.eq(x!, ctx.output(0));
      const share = E.div(mask, reduceAxis(mask, 'sum', axis));
      return [E.mul(share, g)];
    },
    kind === 'sum' ? [] : [0],
  )[0]!;
}

/**
 * Sums `g` over the dims it has in excess of `shape` (leading dims, and dims where `shape` has 1):
 * the adjoint of broadcasting `shape` to `g.shape`.
 */
export function sumTo(g: Tensor, shape: Shape): Tensor {
  if (sameShape(g.shape, shape)) return g;
  const extra = g.rank - shape.length;
  const reduced = g.shape.map((d, k) => k < extra || (shape[k - extra] === 1 && d !== 1));
  // Merge runs of adjacent dims of the same kind, so each run is reduced once.
  const runs: { size: number; reduce: boolean }[] = [];
  g.shape.forEach((d, k) => {
    const last = runs[runs.length - 1];
    if (last && last.reduce === reduced[k]) last.size *= d;
    else runs.push({ size: d, reduce: reduced[k]! });
  });
  let out = reshape(
    g,
    runs.map((r) => r.size),
  );
  for (let k = runs.length - 1; k >= 0; k--) if (runs[k]!.reduce) out = reduceAxis(out, 'sum', k);
  return reshape(out, shape);
}
