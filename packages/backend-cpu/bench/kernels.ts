/**
 * Side-by-side benchmark of the CPU fast path (issue 4), float32, 2 threads, in one run:
 * WebAssembly SIMD kernels, JavaScript kernels and the C baselines of `bench/c` (built with
 * `gcc -O3 -march=native -ffast-math -fopenmp` when gcc is present; skipped otherwise).
 *
 * - Gaussian kernel product, D = 3, N = M = 1e5 (the JavaScript path on N = 1e4 rows: its
 *   pairs/s do not depend on N at these sizes, and 1e10 pairs would take over a minute).
 * - LogSumExp softmin and kNN (ArgKMin, K = 10) at D = 3 and D = 50, N = M = 2e4 (JavaScript on
 *   2e3 and 1e3 rows).
 * - The Gaussian product with a weight of 100 components (`K @ V`, many right-hand sides: an
 *   output wider than core-ir's unroll limit), N = M = 1e4 (JavaScript on 100 rows); no C
 *   baseline.
 * Inputs are those of reference/peers.md (uniform hashes; sigma = 0.1). Prints a table: per
 * kernel, the median of `--reps` timed runs (after a warm-up run) in million pairs per second of
 * wall time, and per CPU-second (all threads; what a loaded machine disturbs least), C's speed over
 * WebAssembly's both ways, the load average before the kernel, and the float32 error of both
 * engines against the float64 interpreter on the first rows.
 *
 *   pnpm --filter @symtensor/backend-cpu bench:kernels [-- --reps 3] [-- --quick] [-- --only Gaussian]
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  exp,
  type FormulaSpec,
  minus,
  mul,
  Reduction,
  reductionSpec,
  referenceRun,
  sqDist,
  variable,
} from '@symtensor/core-ir';
import { uniform } from '@symtensor/core-ir/peer-inputs';
import { cpu } from '../src/index.js';
import { gaussianProduct } from './gaussian-spec.js';

const argv = process.argv.slice(2);
const reps = Number(argv[argv.indexOf('--reps') + 1] ?? 3) || 3;
const quick = argv.includes('--quick');
/** `--only <text>`: run only the kernels whose name contains it. */
const only = argv.includes('--only') ? argv[argv.indexOf('--only') + 1]! : '';
const THREADS = 2;

/** Builds the C baselines; undefined when gcc is missing or fails. */
function buildC(): string | undefined {
  const dir = mkdtempSync(join(tmpdir(), 'symtensor-bench-c-'));
  try {
    for (const name of ['gaussian', 'lse', 'knn'])
      execFileSync('gcc', [
        '-O3',
        '-march=native',
        '-ffast-math',
        '-fopenmp',
        '-o',
        join(dir, name),
        join(import.meta.dirname, 'c', `${name}.c`),
        '-lm',
      ]);
    return dir;
  } catch (e) {
    console.log(`C baselines skipped (gcc: ${(e as Error).message.split('\n')[0]})`);
    return undefined;
  }
}

const load = () => loadavg()[0]!.toFixed(2);

interface Bench {
  name: string;
  spec: FormulaSpec;
  args: Float32Array[];
  n: number;
  m: number;
  nJs: number;
  /** The C baseline's program and arguments, if it has one. */
  c?: string[];
}

const G = variable(2, 1, 'p');
function benches(): Bench[] {
  const out: Bench[] = [];
  const big = quick ? 2e4 : 1e5;
  out.push({
    name: 'Gaussian product D=3',
    spec: gaussianProduct,
    args: [uniform(101, big, 3), uniform(102, big, 3), uniform(103, big, 1), Float32Array.of(50)],
    n: big,
    m: big,
    nJs: big / 10,
    c: ['gaussian', String(big), String(big)],
  });
  const n = quick ? 5e3 : 2e4;
  for (const d of [3, 50]) {
    const X = variable(0, d, 'i');
    const Y = variable(1, d, 'j');
    const xy = [uniform(201, n, d), uniform(202, n, d)];
    out.push({
      name: `LSE softmin D=${d}`,
      spec: reductionSpec({
        formula: mul(minus(G), sqDist(X, Y)),
        reduction: Reduction.LogSumExp,
        axis: 'j',
        dtype: 'float32',
      }),
      args: [...xy, Float32Array.of(50)],
      n,
      m: n,
      nJs: d === 3 ? n / 10 : n / 20,
      c: ['lse', String(n), String(n), String(d)],
    });
    out.push({
      name: `kNN ArgKMin K=10 D=${d}`,
      spec: reductionSpec({
        formula: sqDist(X, Y),
        reduction: Reduction.ArgKMin,
        k: 10,
        axis: 'j',
        dtype: 'float32',
      }),
      args: xy,
      n,
      m: n,
      nJs: d === 3 ? n / 10 : n / 20,
      c: ['knn', String(n), String(n), String(d)],
    });
  }
  // K @ V with V of 100 columns: the wide state and weight live in memory cells (`src/wasm/fuse.ts`).
  const wide = quick ? 5e3 : 1e4;
  const V = 100;
  out.push({
    name: `Gaussian K @ V, V of dim ${V}`,
    spec: reductionSpec({
      formula: mul(
        exp(mul(minus(variable(3, 1, 'p')), sqDist(variable(0, 3, 'i'), variable(1, 3, 'j')))),
        variable(2, V, 'j'),
      ),
      reduction: Reduction.Sum,
      axis: 'j',
      dtype: 'float32',
    }),
    args: [uniform(101, wide, 3), uniform(102, wide, 3), uniform(103, wide, V), Float32Array.of(50)],
    n: wide,
    m: wide,
    nJs: wide / 100,
  });
  return out;
}

interface Timing {
  /** Median wall seconds of the timed runs. */
  s: number;
  min: number;
  max: number;
  /** CPU seconds of the run with the median wall time (all threads of the process). */
  cpu: number;
}

/** Median of the runs by wall time, with that run's CPU time. */
function timing(runs: { s: number; cpu: number }[]): Timing {
  const sorted = [...runs].sort((a, b) => a.s - b.s);
  const mid = sorted[Math.floor(sorted.length / 2)]!;
  return { s: mid.s, cpu: mid.cpu, min: sorted[0]!.s, max: sorted[sorted.length - 1]!.s };
}

/** `reps` runs of the spec on `rows` rows (after a warm-up run), and the outputs of the last run. */
async function timeEngine(engine: 'wasm' | 'js', b: Bench, rows: number) {
  const backend = cpu({ engine, threads: THREADS });
  const args = b.args.map((a, k) => backend.upload(k === 0 ? a.subarray(0, rows * (a.length / b.n)) : a));
  const once = async () => {
    const t = performance.now();
    const c = process.cpuUsage();
    const outs = backend.run(b.spec, { args, nx: rows, ny: b.m });
    const host = await backend.download(outs[0]!);
    const used = process.cpuUsage(c);
    return { s: (performance.now() - t) / 1000, cpu: (used.user + used.system) / 1e6, host };
  };
  await once();
  const runs: { s: number; cpu: number }[] = [];
  let host: ArrayLike<number> = [];
  for (let r = 0; r < reps; r++) {
    const run = await once();
    runs.push(run);
    host = run.host;
  }
  const engineUsed = backend.kernelEngine(b.spec).engine;
  await backend.dispose();
  return { ...timing(runs), host, engineUsed };
}

/** `reps` runs of a C baseline (after a warm-up run). */
function timeC(dir: string, b: Bench): Timing | undefined {
  if (b.c === undefined) return undefined;
  const [prog, ...params] = b.c;
  const runs: { s: number; cpu: number }[] = [];
  for (let r = 0; r <= reps; r++) {
    const [wall, cpuSeconds] = execFileSync(join(dir, prog!), params, {
      env: { ...process.env, OMP_NUM_THREADS: String(THREADS) },
    })
      .toString()
      .trim()
      .split(' ')
      .map(Number);
    if (r > 0) runs.push({ s: wall!, cpu: cpuSeconds! });
  }
  return timing(runs);
}

/** Largest error against float64 on the first rows (row-scaled as the conformance suite), or index mismatches. */
function accuracy(b: Bench, got: ArrayLike<number>, rows: number): string {
  const args = b.args.map((a, k) =>
    k === 0 ? Float64Array.from(a.subarray(0, rows * (a.length / b.n))) : Float64Array.from(a),
  );
  const ref = referenceRun(b.spec, { args, nx: rows, ny: b.m })[0]!;
  const dim = ref.length / rows;
  if (got instanceof Int32Array) {
    let bad = 0;
    for (let k = 0; k < ref.length; k++) if (got[k] !== ref[k]) bad++;
    return `${bad}/${ref.length} indices differ`;
  }
  let worst = 0;
  for (let r = 0; r < rows; r++) {
    let scale = 1;
    for (let c = 0; c < dim; c++) scale = Math.max(scale, Math.abs(ref[r * dim + c]!));
    for (let c = 0; c < dim; c++)
      worst = Math.max(worst, Math.abs(got[r * dim + c]! - ref[r * dim + c]!) / scale);
  }
  return `max rel err ${worst.toExponential(2)}`;
}

const cDir = buildC();
console.log(
  `node ${process.version}, ${THREADS} threads, ${reps} timed runs each (median [slowest-fastest]), float32, load average ${loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}`,
);
/** Million pairs per second. */
const rate = (pairs: number, s: number) => pairs / s / 1e6;
const f0 = (v: number) => v.toFixed(0);
const rows: string[][] = [];
for (const b of benches().filter((x) => x.name.includes(only))) {
  const l0 = load();
  const pairs = b.n * b.m;
  const wasm = await timeEngine('wasm', b, b.n);
  const js = await timeEngine('js', b, b.nJs);
  const c = cDir ? timeC(cDir, b) : undefined;
  const jsPairs = b.nJs * b.m;
  const acc = Math.min(64, b.nJs);
  const wasmRate = rate(pairs, wasm.s);
  const cRate = c ? rate(pairs, c.s) : Number.NaN;
  // Per CPU-second: the work each engine gets done per second of CPU it was given, which other
  // processes on a loaded machine disturb much less than the wall time (a check, not the target).
  const wasmCpu = rate(pairs, wasm.cpu);
  const cCpu = c ? rate(pairs, c.cpu) : Number.NaN;
  rows.push([
    b.name,
    l0,
    `${f0(wasmRate)} [${f0(rate(pairs, wasm.max))}-${f0(rate(pairs, wasm.min))}]${wasm.engineUsed === 'wasm' ? '' : ' (ran as js!)'}`,
    c ? `${f0(cRate)} [${f0(rate(pairs, c.max))}-${f0(rate(pairs, c.min))}]` : '-',
    c ? `${(cRate / wasmRate).toFixed(2)}x` : '-',
    `${f0(wasmCpu)}`,
    c ? f0(cCpu) : '-',
    c ? `${(cCpu / wasmCpu).toFixed(2)}x` : '-',
    `${f0(rate(jsPairs, js.s))} [${f0(rate(jsPairs, js.max))}-${f0(rate(jsPairs, js.min))}]`,
    `${(wasmRate / rate(jsPairs, js.s)).toFixed(1)}x`,
    `wasm ${accuracy(b, wasm.host, acc)}, js ${accuracy(b, js.host, acc)}`,
  ]);
  console.log(`${b.name}: done (load ${l0})`);
}
const head = [
  'kernel',
  'load',
  'wasm M pairs/s',
  'C M pairs/s',
  'C/wasm',
  'wasm /cpu-s',
  'C /cpu-s',
  'C/wasm cpu',
  'js M pairs/s',
  'wasm/js',
  `accuracy vs float64 (first ${quick ? 'rows' : '64 rows'})`,
];
const widths = head.map((h, k) => Math.max(h.length, ...rows.map((r) => r[k]!.length)));
const line = (cells: string[]) => `| ${cells.map((c, k) => c.padEnd(widths[k]!)).join(' | ')} |`;
console.log(
  [
    '',
    line(head),
    line(widths.map((w) => '-'.repeat(w))),
    ...rows.map(line),
    '',
    'wasm, C, js: million pairs per second of wall time (median [slowest-fastest]), 2 threads;',
    '/cpu-s: million pairs per CPU-second (all threads), the same runs; C/wasm: how many times faster C is.',
  ].join('\n'),
);
