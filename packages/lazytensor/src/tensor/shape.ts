/** Shape arithmetic shared by the dense ops: sizes, strides, axes and NumPy broadcasting. */
import { ShapeError, ValueError } from '@symtensor/core-ir';

export type Shape = readonly number[];

/** Number of elements of a shape. */
export function sizeOf(shape: Shape): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/** Checks that `shape` is a list of non-negative integers; `what` names the argument. */
export function checkShape(shape: unknown, what: string): Shape {
  if (!Array.isArray(shape) || shape.some((d) => !Number.isSafeInteger(d) || d < 0))
    throw new ShapeError(`${what} must be an array of non-negative integers, got ${JSON.stringify(shape)}`);
  return Object.freeze([...shape]);
}

/** Row-major strides (in elements). */
export function stridesOf(shape: Shape): number[] {
  const strides = new Array<number>(shape.length);
  let s = 1;
  for (let k = shape.length - 1; k >= 0; k--) {
    strides[k] = s;
    s *= shape[k]!;
  }
  return strides;
}

export function sameShape(a: Shape, b: Shape): boolean {
  return a.length === b.length && a.every((d, k) => d === b[k]);
}

/** An axis in [-rank, rank) as a non-negative index; `what` names the argument. */
export function normAxis(axis: unknown, rank: number, what: string): number {
  if (typeof axis !== 'number' || !Number.isInteger(axis) || axis < -rank || axis >= rank)
    throw new ValueError(
      `${what} must be an integer axis in [${-rank}, ${rank}) for a tensor of rank ${rank}, got ${String(axis)}`,
    );
  return axis < 0 ? axis + rank : axis;
}

/** The NumPy broadcast of several shapes (right-aligned; each dim equal or 1). */
export function broadcastShapes(shapes: readonly Shape[], what: string): number[] {
  const rank = Math.max(0, ...shapes.map((s) => s.length));
  const out = new Array<number>(rank).fill(1);
  for (const s of shapes) {
    for (let k = 0; k < s.length; k++) {
      const o = rank - s.length + k;
      const d = s[k]!;
      if (d === out[o] || d === 1) continue;
      if (out[o] !== 1)
        throw new ShapeError(
          `${what}: shapes ${shapes.map((x) => `[${x}]`).join(', ')} do not broadcast (dim ${o} from the right-aligned end: ${out[o]} vs ${d}; each must be equal or 1)`,
        );
      out[o] = d;
    }
  }
  return out;
}

/** `shape` left-padded with 1s to `rank` dims. */
export function padShape(shape: Shape, rank: number): number[] {
  return [...new Array<number>(rank - shape.length).fill(1), ...shape];
}
