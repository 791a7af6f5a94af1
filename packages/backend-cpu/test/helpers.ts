/** Shared test helpers: seeded inputs and element-by-element comparison with the float64 reference. */
import { type Backend, type KernelSpec, type Ranges, referenceRun } from '@symtensor/core-ir';
import { expect } from 'vitest';

/** mulberry32: a small seeded generator, so failures reproduce from the printed seed. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A fresh seed per call (printed by failing assertions through the message). */
export function freshSeed(): number {
  return Math.floor(Math.random() * 2 ** 31);
}

export type FloatArray = Float32Array | Float64Array;

export function randomArray(
  dtype: 'float32' | 'float64',
  n: number,
  rand: () => number,
  lo = -1,
  hi = 1,
): FloatArray {
  const a = dtype === 'float32' ? new Float32Array(n) : new Float64Array(n);
  for (let k = 0; k < n; k++) a[k] = lo + (hi - lo) * rand();
  return a;
}

/** Values on a grid of quarters in [-2, 2]: distances between them are exact in float32, so ties are exact. */
export function gridArray(dtype: 'float32' | 'float64', n: number, rand: () => number): FloatArray {
  const a = dtype === 'float32' ? new Float32Array(n) : new Float64Array(n);
  for (let k = 0; k < n; k++) a[k] = Math.floor(rand() * 17) / 4 - 2;
  return a;
}

export interface Case {
  spec: KernelSpec;
  args: (FloatArray | undefined)[];
  nx: number;
  ny: number;
  batch?: number[];
  argBatch?: (number[] | undefined)[];
  ranges?: Ranges;
}

/** Runs a case on the backend and returns its outputs. */
export async function runCase(backend: Backend, c: Case) {
  const bufs = c.args.map((a) => (a ? backend.upload(a) : undefined));
  const outs = backend.run(c.spec, {
    args: bufs,
    nx: c.nx,
    ny: c.ny,
    ...(c.batch ? { batch: c.batch } : {}),
    ...(c.argBatch ? { argBatch: c.argBatch } : {}),
    ...(c.ranges ? { ranges: c.ranges } : {}),
  });
  const host = await Promise.all(outs.map((o) => backend.download(o)));
  for (const b of [...bufs, ...outs]) if (b) backend.free(b);
  return host;
}

/**
 * Checks every element of every output against the float64 reference:
 * |got - ref| <= atol + rtol * |ref| (infinities and NaN must match exactly; indices exactly).
 */
export async function expectMatchesReference(
  backend: Backend,
  c: Case,
  tol: { rtol: number; atol: number },
  seed: number,
) {
  const got = await runCase(backend, c);
  const ref = referenceRun(c.spec, {
    args: c.args,
    nx: c.nx,
    ny: c.ny,
    ...(c.batch ? { batch: c.batch } : {}),
    ...(c.argBatch ? { argBatch: c.argBatch } : {}),
    ...(c.ranges ? { ranges: c.ranges } : {}),
  });
  expect(got.length).toBe(ref.length);
  ref.forEach((r, n) => {
    const g = got[n]!;
    expect(g.length, `output ${n} length`).toBe(r.length);
    const isIndex = g instanceof Int32Array;
    for (let k = 0; k < r.length; k++) {
      const want = r[k]!;
      const have = g[k]!;
      const ok = isIndex
        ? have === want
        : Number.isNaN(want)
          ? Number.isNaN(have)
          : !Number.isFinite(want)
            ? have === want
            : Math.abs(have - want) <= tol.atol + tol.rtol * Math.abs(want);
      if (!ok)
        expect.fail(
          `seed ${seed}: output ${n}[${k}] = ${have}, reference ${want} (rtol ${tol.rtol}, atol ${tol.atol})`,
        );
    }
  });
}

export const TOL = {
  float32: { rtol: 2e-5, atol: 2e-5 },
  float64: { rtol: 1e-12, atol: 1e-12 },
} as const;
