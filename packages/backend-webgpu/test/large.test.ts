/**
 * Data larger than the device's storage binding limit (lavapipe: 128 MiB): 40M float32 values
 * (160 MB) as a reduced variable, as row variables and outputs, and as a gather source. The
 * backend binds sub-ranges; every output element is checked against a float64 computation.
 */
import {
  type DeviceBuffer,
  exp,
  mapSpec,
  minus,
  mul,
  reductionSpec,
  sin,
  sqDist,
  takeSpec,
  variable,
} from '@symtensor/core-ir';
import { Rng } from '@symtensor/core-ir/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type WebGpuBackend, webgpu } from '../src/index.js';
import { webgpuUnavailable } from './gpu.js';

const unavailable = await webgpuUnavailable();
const VALUES = 40_000_002;
const ROWS = VALUES / 3;

function uniform(rng: Rng, n: number, lo: number, hi: number): Float32Array {
  const a = new Float32Array(n);
  for (let k = 0; k < n; k++) a[k] = rng.uniform(lo, hi);
  return a;
}

describe.skipIf(unavailable !== undefined)('data larger than a storage binding', () => {
  let backend: WebGpuBackend;
  const live: DeviceBuffer[] = [];
  const upload = (data: Float32Array | Int32Array) => {
    const b = backend.upload(data);
    live.push(b);
    return b;
  };

  beforeAll(async () => {
    backend = await webgpu();
  });
  afterEach(() => {
    for (const b of live.splice(0)) backend.free(b);
  });
  afterAll(async () => {
    await backend?.dispose();
  });

  it('reduces over 40M values of a j variable (Sum and MinArgMin)', async () => {
    expect(VALUES * 4).toBeGreaterThan(backend.limits.bindingBytes);
    const rng = new Rng(1);
    const N = 5;
    const xs = uniform(rng, N * 3, -1, 1);
    const ys = uniform(rng, VALUES, -2, 2);
    const x = variable(0, 3, 'i');
    const y = variable(1, 3, 'j');
    const args = [upload(xs), upload(ys)];
    const sum = backend.run(
      reductionSpec({ formula: exp(minus(sqDist(x, y))), reduction: 'Sum', axis: 'j' }),
      {
        args,
        nx: N,
        ny: ROWS,
      },
    );
    const min = backend.run(reductionSpec({ formula: sqDist(x, y), reduction: 'MinArgMin', axis: 'j' }), {
      args,
      nx: N,
      ny: ROWS,
    });
    live.push(...sum, ...min);
    const [gotSum, gotMin, gotArg] = await Promise.all([...sum, ...min].map((b) => backend.download(b)));
    const d2 = (i: number, j: number) => {
      let s = 0;
      for (let d = 0; d < 3; d++) s += (xs[3 * i + d]! - ys[3 * j + d]!) ** 2;
      return s;
    };
    for (let i = 0; i < N; i++) {
      let total = 0;
      let best = Number.POSITIVE_INFINITY;
      for (let j = 0; j < ROWS; j++) {
        const v = d2(i, j);
        total += Math.exp(-v);
        if (v < best) best = v;
      }
      // Block-summed float32 over 13M terms: a few 1e-6 relative in practice; 1e-4 is the
      // conformance suite's bound for float32 sums.
      expect(Math.abs(gotSum![i]! - total)).toBeLessThanOrEqual(1e-4 * total);
      expect(Math.abs(gotMin![i]! - best)).toBeLessThanOrEqual(1e-5 * Math.max(1, best));
      // The index found must be a minimizer up to float32 rounding of the distances.
      expect(Math.abs(d2(i, gotArg![i]!) - best)).toBeLessThanOrEqual(1e-5 * Math.max(1, best));
    }
  });

  it('maps 40M values into 40M outputs', async () => {
    const rng = new Rng(2);
    const xs = uniform(rng, VALUES, -3, 3);
    const spec = mapSpec({ formula: mul(sin(variable(0, 3, 'i')), variable(1, 1, 'p')) });
    const [out] = backend.run(spec, { args: [upload(xs), upload(Float32Array.of(0.5))], nx: ROWS, ny: 0 });
    live.push(out!);
    const got = await backend.download(out!);
    expect(got.length).toBe(VALUES);
    let worst = 0;
    for (let k = 0; k < VALUES; k++) worst = Math.max(worst, Math.abs(got[k]! - 0.5 * Math.sin(xs[k]!)));
    expect(worst).toBeLessThanOrEqual(1e-6);
  });

  it('reduces 13M rows whose i variable holds 40M values', async () => {
    const rng = new Rng(3);
    const xs = uniform(rng, VALUES, -1, 1);
    const ys = uniform(rng, 4 * 3, -1, 1);
    const spec = reductionSpec({
      formula: exp(minus(sqDist(variable(0, 3, 'i'), variable(1, 3, 'j')))),
      reduction: 'Sum',
      axis: 'j',
    });
    const [out] = backend.run(spec, { args: [upload(xs), upload(ys)], nx: ROWS, ny: 4 });
    live.push(out!);
    const got = await backend.download(out!);
    for (let i = 0; i < ROWS; i++) {
      let total = 0;
      for (let j = 0; j < 4; j++) {
        let s = 0;
        for (let d = 0; d < 3; d++) s += (xs[3 * i + d]! - ys[3 * j + d]!) ** 2;
        total += Math.exp(-s);
      }
      if (!(Math.abs(got[i]! - total) <= 1e-5 * Math.max(1, total)))
        expect.fail(`row ${i}: got ${got[i]}, expected ${total}`);
    }
  });

  it('gathers from a 40M-value source', async () => {
    const rng = new Rng(4);
    const src = uniform(rng, VALUES, -1, 1);
    const n = 1_000_000;
    const index = new Int32Array(n);
    for (let k = 0; k < n; k++) index[k] = rng.int(-10, VALUES + 10);
    const [out] = backend.run(takeSpec({ dtype: 'float32' }), {
      args: [upload(src), upload(index)],
      nx: n,
      ny: 0,
    });
    live.push(out!);
    const got = await backend.download(out!);
    for (let k = 0; k < n; k++) {
      const at = index[k]!;
      const want = at >= 0 && at < VALUES ? src[at]! : Number.NaN;
      if (!Object.is(got[k], want)) expect.fail(`out[${k}] = ${got[k]}, expected ${want} (index ${at})`);
    }
  });
});
