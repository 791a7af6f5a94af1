/**
 * Test helpers: per-test seeded random data, float64 tensors, elementwise comparison with stated
 * tolerances (every element checked, NaN only equal to NaN), and central finite differences.
 */
import { Rng, seedOf } from '@symtensor/core-ir/testing';
import { expect } from 'vitest';
import { type Tensor, tensor } from '../src/index.js';

/** A generator seeded from the running test's name (and SYMTENSOR_TEST_SEED when set). */
export function rng(salt = ''): Rng {
  const name = expect.getState().currentTestName ?? 'no-test';
  const extra = process.env.SYMTENSOR_TEST_SEED ?? '';
  return new Rng(seedOf(`${name}|${salt}|${extra}`));
}

/** n uniform values in [lo, hi). */
export function uniform(r: Rng, n: number, lo = -1, hi = 1): Float64Array {
  return Float64Array.from({ length: n }, () => r.uniform(lo, hi));
}

/** n standard normal values. */
export function normal(r: Rng, n: number): Float64Array {
  return Float64Array.from({ length: n }, () => {
    const u = 1 - r.next();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * r.next());
  });
}

/** A float64 tensor (optionally requiring grad). */
export function f64(data: Float64Array, shape: readonly number[], requiresGrad = false): Tensor {
  return tensor(data, shape, { dtype: 'float64', requiresGrad });
}

/** A float32 tensor of float64 data. */
export function f32(data: Float64Array, shape: readonly number[], requiresGrad = false): Tensor {
  return tensor(Float32Array.from(data), shape, { requiresGrad });
}

export interface Tol {
  /** Absolute part. */
  atol?: number;
  /** Relative part (times |want|). */
  rtol?: number;
}

/** Every element: |got - want| <= atol + rtol |want|; NaN matches NaN, infinities must be equal. */
export function expectClose(
  got: ArrayLike<number>,
  want: ArrayLike<number>,
  tol: Tol,
  what = 'values',
): void {
  expect(got.length, `${what}: length`).toBe(want.length);
  const atol = tol.atol ?? 0;
  const rtol = tol.rtol ?? 0;
  let worst = -1;
  let worstExcess = 0;
  for (let k = 0; k < want.length; k++) {
    const g = got[k]!;
    const w = want[k]!;
    if (Number.isNaN(w) || !Number.isFinite(w)) {
      if (!Object.is(g, w) && !(Number.isNaN(g) && Number.isNaN(w))) {
        worst = k;
        worstExcess = Number.POSITIVE_INFINITY;
      }
      continue;
    }
    const excess = Math.abs(g - w) - (atol + rtol * Math.abs(w));
    if (!(excess <= 0) && (Number.isNaN(excess) || excess > worstExcess || worst < 0)) {
      worst = k;
      worstExcess = Number.isNaN(excess) ? Number.POSITIVE_INFINITY : excess;
    }
  }
  if (worst >= 0)
    expect.fail(
      `${what}: element ${worst} is ${got[worst]}, expected ${want[worst]} (atol ${atol}, rtol ${rtol}; ${want.length} elements)`,
    );
}

/** Elements must be exactly equal. */
export function expectEqual(got: ArrayLike<number>, want: ArrayLike<number>, what = 'values'): void {
  expect(Array.from(got), what).toEqual(Array.from(want));
}

/** Central finite differences of a float64 function of a flat vector (step h relative to scale). */
export function finiteDiff(f: (x: Float64Array) => number, x: Float64Array, h = 1e-5): Float64Array {
  const g = new Float64Array(x.length);
  const xp = Float64Array.from(x);
  for (let k = 0; k < x.length; k++) {
    const step = h * Math.max(1, Math.abs(x[k]!));
    xp[k] = x[k]! + step;
    const fp = f(xp);
    xp[k] = x[k]! - step;
    const fm = f(xp);
    xp[k] = x[k]!;
    g[k] = (fp - fm) / (2 * step);
  }
  return g;
}

/** Squared distance between row i of x and row j of y (D components each). */
export function sqdist(x: ArrayLike<number>, i: number, y: ArrayLike<number>, j: number, D: number): number {
  let s = 0;
  for (let d = 0; d < D; d++) s += (x[i * D + d]! - y[j * D + d]!) ** 2;
  return s;
}

/** Data of a tensor as float64. */
export async function read(t: Tensor): Promise<Float64Array> {
  return Float64Array.from(await t.data());
}
