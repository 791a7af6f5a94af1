/**
 * How an elementwise computation over broadcast operands becomes one map kernel. The kernel sees
 * `[...batch, rows, dim]`: each operand is an `i` variable when it varies along the rows and a
 * parameter when it is broadcast along them, has the kernel's vector dim or 1 (scalar broadcast in
 * the formula), and gets its own batch shape with 1s where it is broadcast. Adjacent dims that
 * every operand treats alike are merged first, so same-shape operands give one long row axis.
 */
import type { Category } from '@symtensor/core-ir';
import { padShape, type Shape } from '../tensor/shape.js';

/**
 * Largest trailing dim kept as the formula's vector dim. Past it the trailing dim becomes the row
 * axis (more rows, better spread over threads, and no long per-row vectors).
 */
export const VECTOR_DIM_LIMIT = 64;

export interface MapOperandPlan {
  readonly cat: Extract<Category, 'i' | 'p'>;
  readonly dim: number;
  readonly argBatch: readonly number[];
}

export interface MapPlan {
  readonly outShape: readonly number[];
  readonly batch: readonly number[];
  readonly nx: number;
  readonly dim: number;
  readonly operands: readonly MapOperandPlan[];
}

interface Group {
  size: number;
  full: boolean[];
}

/** Plans a map kernel writing `outShape` from operands of `shapes` (each broadcastable to it). */
export function planMap(outShape: Shape, shapes: readonly Shape[]): MapPlan {
  const rank = outShape.length;
  const aligned = shapes.map((s) => padShape(s, rank));
  const groups: Group[] = [];
  for (let d = 0; d < rank; d++) {
    const size = outShape[d]!;
    if (size === 1) continue;
    const full = aligned.map((s) => s[d] !== 1);
    const last = groups[groups.length - 1];
    if (last?.full.every((f, k) => f === full[k])) last.size *= size;
    else groups.push({ size, full });
  }
  const last = groups[groups.length - 1];
  const vector = groups.length >= 2 && last!.size <= VECTOR_DIM_LIMIT;
  const dimGroup = vector ? last : undefined;
  const rowGroup = vector ? groups[groups.length - 2] : last;
  const batchGroups = groups.slice(0, Math.max(0, groups.length - (vector ? 2 : 1)));
  return {
    outShape: [...outShape],
    batch: batchGroups.map((g) => g.size),
    nx: rowGroup?.size ?? 1,
    dim: dimGroup?.size ?? 1,
    operands: shapes.map((_, k) => ({
      cat: rowGroup && !rowGroup.full[k] ? 'p' : 'i',
      dim: dimGroup?.full[k] ? dimGroup.size : 1,
      argBatch: batchGroups.map((g) => (g.full[k] ? g.size : 1)),
    })),
  };
}
