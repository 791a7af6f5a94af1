/**
 * Test helpers: fixtures written by scripts/make-fixtures.py (scikit-learn, float64), float64
 * tensors, and elementwise comparisons with stated tolerances (every element checked).
 */
import { readFileSync } from 'node:fs';
import { type Tensor, tensor } from '@symtensor/lazytensor';
import { expect } from 'vitest';
import type { GaussianMixture } from '../src/index.js';

/** A fixture from test/fixtures/. */
export function fixture<T>(name: string): T {
  return JSON.parse(readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8')) as T;
}

/** A float64 tensor from nested rows. */
export function f64(rows: readonly (readonly number[])[]): Tensor {
  return tensor(Float64Array.from(rows.flat()), [rows.length, rows[0]!.length], { dtype: 'float64' });
}

/** Host copy of a tensor as a plain number array. */
export async function read(t: Tensor): Promise<number[]> {
  return Array.from(await t.data());
}

/** Every element: |got - want| <= atol + rtol |want|. Reports the worst element. */
export function expectClose(
  got: ArrayLike<number>,
  want: ArrayLike<number>,
  tol: { atol?: number; rtol?: number },
  what = 'values',
): void {
  expect(got.length, `${what}: length`).toBe(want.length);
  const atol = tol.atol ?? 0;
  const rtol = tol.rtol ?? 0;
  let worst = -1;
  let worstExcess = 0;
  for (let k = 0; k < want.length; k++) {
    const excess = Math.abs(got[k]! - want[k]!) - (atol + rtol * Math.abs(want[k]!));
    if (!(excess <= 0) && (worst < 0 || !(excess <= worstExcess))) [worst, worstExcess] = [k, excess];
  }
  if (worst >= 0)
    expect.fail(
      `${what}: element ${worst} is ${got[worst]}, want ${want[worst]} (atol ${atol}, rtol ${rtol})`,
    );
}

/** A fitted mixture's weights, means and covariances against scikit-learn's (nested arrays). */
export async function expectParameters(
  g: GaussianMixture,
  want: { weights: number[]; means: number[][]; covariances: unknown },
  name: string,
): Promise<void> {
  expectClose(await read(g.weights), want.weights, { rtol: 1e-8 }, `${name}: weights`);
  expectClose(await read(g.means), want.means.flat(), { rtol: 1e-8, atol: 1e-10 }, `${name}: means`);
  expectClose(
    await read(g.covariances),
    (want.covariances as number[]).flat(3) as number[],
    { rtol: 1e-7, atol: 1e-10 },
    `${name}: covariances`,
  );
}
