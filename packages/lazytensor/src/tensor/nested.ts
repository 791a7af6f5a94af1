/** Nested JavaScript arrays <-> flat row-major data with a shape. */
import { ShapeError, ValueError } from '@symtensor/core-ir';
import type { Shape } from './shape.js';

/** A number, or arrays of arrays of numbers (rectangular). */
export type NestedArray = number | NestedArray[];

/** The shape of a rectangular nested array; `what` names the argument in errors. */
export function nestedShape(data: NestedArray, what: string): number[] {
  const shape: number[] = [];
  let level: unknown = data;
  while (Array.isArray(level)) {
    shape.push(level.length);
    if (level.length === 0) break;
    level = level[0];
  }
  checkRectangular(data, shape, 0, what, what);
  return shape;
}

function checkRectangular(v: unknown, shape: Shape, depth: number, path: string, what: string): void {
  if (depth === shape.length) {
    if (typeof v !== 'number')
      throw new ValueError(
        `${path} must be a number, got ${Array.isArray(v) ? 'an array' : typeof v} (${what} must be rectangular)`,
      );
    return;
  }
  if (!Array.isArray(v) || v.length !== shape[depth])
    throw new ShapeError(
      `${path} has ${Array.isArray(v) ? `length ${v.length}` : `a ${typeof v}`} but the first entries give shape [${shape}]: ${what} must be rectangular`,
    );
  for (const [k, x] of v.entries()) checkRectangular(x, shape, depth + 1, `${path}[${k}]`, what);
}

/** Flattens a rectangular nested array (checked by `nestedShape`) into `out`. */
export function flattenInto(data: NestedArray, out: { [k: number]: number }): void {
  let k = 0;
  const walk = (v: NestedArray) => {
    if (typeof v === 'number') out[k++] = v;
    else for (const x of v) walk(x);
  };
  walk(data);
}

/** Nested arrays of `shape` from flat row-major data (a number for shape []). */
export function toNested(data: ArrayLike<number>, shape: Shape): NestedArray {
  if (shape.length === 0) return data[0]!;
  let k = 0;
  const build = (depth: number): NestedArray[] => {
    const n = shape[depth]!;
    const out = new Array<NestedArray>(n);
    for (let m = 0; m < n; m++) out[m] = depth === shape.length - 1 ? data[k++]! : build(depth + 1);
    return out;
  };
  return build(0);
}
