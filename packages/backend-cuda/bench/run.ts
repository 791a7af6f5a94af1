/**
 * The CUDA benchmark (issue 7): each case of `cases.ts` on the cuda backend, timed as run + sync
 * (median of `reps` after a warm-up run that compiles), checked on its first rows against the
 * float64 reference, and compared in the same run with PyTorch on the same GPU through
 * `torch_baseline.py`. Prints a table; with `out`, writes the results as JSON.
 *
 * The exp ratio is the Gaussian product's pairs per second against 4e12, the H100's throughput
 * of float32 exponentials (issue 7 asks for at least 60%).
 */
import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import { referenceRun, specOutputs, type TypedArray } from '@symtensor/core-ir';
import { cuda } from '../src/index.js';
import { type BenchCase, benchCases, CONSTANTS } from './cases.js';

const run = promisify(execFile);
const EXP_LIMIT = 4e12;
/** Rows checked against the float64 reference. */
const CHECKED_ROWS = 8;

export interface BenchOptions {
  sizes: number[];
  knnSize: number;
  softminSize: number;
  reps: number;
  /** Path of torch_baseline.py, or undefined to skip PyTorch. */
  torch: string | undefined;
  python: string;
  out: string | undefined;
}

interface Row {
  case: string;
  ms: number;
  pairsPerSecond: number;
  expRatio: number | undefined;
  check: string;
  torch: string;
}

function randomArgs(c: BenchCase): Float32Array[] {
  return c.args.map((a) => {
    const rows = a.cat === 'i' ? c.n : a.cat === 'j' ? c.m : 1;
    const data = new Float32Array(rows * a.dim);
    for (let k = 0; k < data.length; k++) data[k] = Math.random();
    return data;
  });
}

/** Compares the first rows of `got` with a float64 reference computed on those rows only. */
function check(c: BenchCase, args: Float32Array[], got: TypedArray[]): string {
  if (c.spec.kind !== 'reduction') return 'n/a';
  const sub = args.map((a, k) => (c.args[k]!.cat === 'i' ? a.subarray(0, CHECKED_ROWS * c.args[k]!.dim) : a));
  const ref = referenceRun(c.spec, { args: sub, nx: CHECKED_ROWS, ny: c.m });
  const dim = specOutputs(c.spec)[0]!.dim;
  if (c.kind === 'knn') {
    // Indices may differ on near ties: compare the distances they point at.
    const [x, y] = args as [Float32Array, Float32Array];
    let worst = 0;
    for (let i = 0; i < CHECKED_ROWS; i++)
      for (let k = 0; k < dim; k++) {
        const j = got[0]![i * dim + k]!;
        const want = ref[0]![i * dim + k]!;
        let d2 = 0;
        let w2 = 0;
        for (let t = 0; t < c.d; t++) {
          d2 += (x[i * c.d + t]! - y[j * c.d + t]!) ** 2;
          w2 += (x[i * c.d + t]! - y[want * c.d + t]!) ** 2;
        }
        worst = Math.max(worst, Math.abs(d2 - w2) / Math.max(1e-12, w2));
      }
    return worst < 1e-4 ? `ok (${worst.toExponential(1)})` : `MISMATCH ${worst.toExponential(2)}`;
  }
  let worst = 0;
  for (let k = 0; k < CHECKED_ROWS * dim; k++)
    worst = Math.max(worst, Math.abs(got[0]![k]! - ref[0]![k]!) / Math.max(1, Math.abs(ref[0]![k]!)));
  return worst < 1e-4 ? `ok (${worst.toExponential(1)})` : `MISMATCH ${worst.toExponential(2)}`;
}

async function torchTime(c: BenchCase, o: BenchOptions): Promise<string> {
  if (!o.torch) return 'skipped';
  const arg = JSON.stringify({
    kind: c.kind,
    n: c.n,
    m: c.m,
    d: c.d,
    k: c.k ?? 0,
    reps: o.reps,
    sigma: CONSTANTS.SIGMA,
    eps: CONSTANTS.EPS,
  });
  try {
    const { stdout } = await run(o.python, [o.torch, arg], { maxBuffer: 1 << 20, timeout: 600_000 });
    const r = JSON.parse(stdout.trim().split('\n').pop()!) as { ms: number; mode: string };
    return `${r.ms.toFixed(2)} ms (${r.mode})`;
  } catch (e) {
    return `failed: ${(e as Error).message.split('\n')[0]}`;
  }
}

export async function runBench(o: BenchOptions): Promise<void> {
  const backend = await cuda();
  console.log(
    `device: ${backend.device.info.name} (${backend.device.arch}), compiler: ${backend.jit.compiler.id}`,
  );
  const rows: Row[] = [];
  try {
    for (const c of benchCases(o.sizes, o.knnSize, o.softminSize)) {
      const host = randomArgs(c);
      const args = host.map((a) => backend.upload(a));
      const opts = { args, nx: c.n, ny: c.m };
      const first = backend.run(c.spec, opts);
      const got = await Promise.all(first.map((b) => backend.download(b)));
      for (const b of first) backend.free(b);
      const times: number[] = [];
      for (let r = 0; r < o.reps; r++) {
        const t = performance.now();
        const outs = backend.run(c.spec, opts);
        await backend.sync();
        times.push(performance.now() - t);
        for (const b of outs) backend.free(b);
      }
      for (const a of args) backend.free(a);
      times.sort((p, q) => p - q);
      const ms = times[times.length >> 1]!;
      const pairsPerSecond = (c.n * c.m) / (ms / 1000);
      const row: Row = {
        case: c.name,
        ms,
        pairsPerSecond,
        expRatio: c.kind === 'gaussian' ? (pairsPerSecond * c.expPerPair) / EXP_LIMIT : undefined,
        check: check(c, host, got),
        torch: await torchTime(c, o),
      };
      rows.push(row);
      console.log(
        `${row.case.padEnd(40)} ${ms.toFixed(2).padStart(10)} ms  ${(pairsPerSecond / 1e9).toFixed(1).padStart(8)} G pairs/s  ${
          row.expRatio === undefined ? '' : `exp ${(row.expRatio * 100).toFixed(0)}%  `
        }check ${row.check}  torch ${row.torch}`,
      );
    }
  } finally {
    await backend.dispose();
  }
  if (o.out)
    await writeFile(o.out, `${JSON.stringify({ device: backend.device.info.name, rows }, null, 2)}\n`);
}
