/**
 * Issue 4's question: one WebAssembly memory shared by the worker threads, or a private memory
 * per worker with copies (what the backend does, see `src/wasm/glue.ts`)? Both layouts run the
 * same generated Gaussian-product kernel (D = 3, float32) in one harness, 2 worker threads, rows
 * cut into 4 chunks per thread and handed out as workers free up (as the backend's pool does):
 *
 * - private: each worker's module owns its memory; a chunk copies its rows in (interleaved 4 by
 *   4), all the j data (y and b) and the parameter, runs, and copies its output rows out;
 * - shared: every worker's module imports one shared memory holding the inputs (row-major, as a
 *   user uploads them) and the output; a chunk interleaves its rows into its own region and runs
 *   on the j data where it lies, then de-interleaves its output. Each module gets its own cells
 *   (`WasmOptions.shared.cellBase`), as the workers would otherwise overwrite each other's.
 *
 * The difference is the copy of the j data, once per chunk. Runs of the two layouts alternate (a
 * change of the machine's load hits both alike); reports the median of `--reps` runs of each
 * (after a warm-up run), in million pairs/s, with the load average.
 *
 *   pnpm --filter @symtensor/backend-cpu bench:memory [-- --reps 5]
 */
import { loadavg } from 'node:os';
import { Worker } from 'node:worker_threads';
import { lowerKernel } from '@symtensor/core-ir';
import { generateWasm } from '../src/wasm/codegen.js';
import { gaussianProduct } from './gaussian-spec.js';

const argv = process.argv.slice(2);
const reps = Number(argv[argv.indexOf('--reps') + 1] ?? 5) || 5;
const THREADS = 2;
const CHUNKS = 4 * THREADS;
const TILE = 2048;
const PAGE = 65536;
/** Bytes of cells per module in the shared memory (the Gaussian kernel uses under 1 KiB). */
const CELLS = PAGE;

const lowered = lowerKernel(gaussianProduct);

/** Byte addresses in the shared memory: cells per worker, then row-major inputs, outputs and the chunks' regions. */
function layout(n: number, m: number) {
  let at = THREADS * CELLS;
  const take = (bytes: number) => {
    const p = at;
    at += Math.ceil(bytes / 16) * 16;
    return p;
  };
  const padded = Math.ceil(n / 4) * 4 + 4 * CHUNKS;
  return {
    x: take(n * 12),
    y: take(m * 12),
    b: take(m * 4),
    g: take(16),
    out: take(n * 4),
    xi: take(padded * 12),
    outi: take(padded * 4),
    end: at,
  };
}

/** The worker: instantiates its module, then runs chunks `{ r0, r1, at }` (rows, region offset in rows). */
const WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const { variant, bytes, memory, lay, n, m, tile } = workerData;
const shared = variant === 'shared';
const inst = new WebAssembly.Instance(new WebAssembly.Module(bytes), { env: shared ? { mem: memory } : {} });
const k = inst.exports.k;
const S = new Float32Array(memory.buffer);
parentPort.on('message', ({ r0, r1, at }) => {
  const rows = r1 - r0, groups = Math.ceil(rows / 4), padded = groups * 4;
  if (shared) {
    const xi = lay.xi / 4 + at * 3, outi = lay.outi / 4 + at;
    for (let r = 0; r < padded; r++)
      for (let c = 0; c < 3; c++)
        S[xi + ((r / 4) | 0) * 12 + c * 4 + (r % 4)] = r < rows ? S[lay.x / 4 + (r0 + r) * 3 + c] : 0;
    k(groups, m, tile, 0, xi * 4, lay.y, lay.b, lay.g, outi * 4);
    for (let r = 0; r < rows; r++) S[lay.out / 4 + r0 + r] = S[outi + r];
  } else {
    // As src/wasm/glue.ts: x interleaved, y, b, g and the output after the module's cells.
    const mem = inst.exports.mem;
    let top = workerData.reserved;
    const al = (b) => { const p = top; top += (b + 15) & ~15; return p; };
    const px = al(padded * 12), py = al(m * 12), pb = al(m * 4), pg = al(4), po = al(padded * 4);
    if (top > mem.buffer.byteLength) mem.grow(Math.ceil((top - mem.buffer.byteLength) / 65536));
    const M = new Float32Array(mem.buffer);
    for (let r = 0; r < padded; r++)
      for (let c = 0; c < 3; c++)
        M[px / 4 + ((r / 4) | 0) * 12 + c * 4 + (r % 4)] = r < rows ? S[lay.x / 4 + (r0 + r) * 3 + c] : 0;
    M.set(S.subarray(lay.y / 4, lay.y / 4 + m * 3), py / 4);
    M.set(S.subarray(lay.b / 4, lay.b / 4 + m), pb / 4);
    M.set(S.subarray(lay.g / 4, lay.g / 4 + 1), pg / 4);
    k(groups, m, tile, 0, px, py, pb, pg, po);
    for (let r = 0; r < rows; r++) S[lay.out / 4 + r0 + r] = M[po / 4 + r];
  }
  parentPort.postMessage(0);
});
`;

/** Starts the workers of one layout on the data in `memory`; `once()` runs the kernel over all rows. */
function start(variant: 'private' | 'shared', memory: WebAssembly.Memory, n: number, m: number) {
  const lay = layout(n, m);
  const pages = memory.buffer.byteLength / PAGE;
  const workers = Array.from({ length: THREADS }, (_, w) => {
    const wasm = generateWasm(
      lowered,
      'float32',
      'float32',
      variant === 'shared' ? { shared: { cellBase: w * CELLS, minPages: pages, maxPages: pages } } : {},
    );
    if (wasm.reserved > (w + 1) * CELLS) throw new Error('the kernel needs more cells than CELLS');
    return new Worker(WORKER, {
      eval: true,
      workerData: { variant, bytes: wasm.bytes, memory, lay, n, m, tile: TILE, reserved: wasm.reserved },
    });
  });
  // Chunk boundaries on multiples of 4 rows, so that the shared layout's regions do not overlap.
  const bounds = Array.from({ length: CHUNKS + 1 }, (_, c) =>
    Math.min(n, Math.ceil((c * n) / CHUNKS / 4) * 4),
  );
  const once = () =>
    new Promise<number>((resolve) => {
      const t = performance.now();
      let next = 0;
      let done = 0;
      const give = (w: Worker) => {
        if (next === CHUNKS) return;
        const c = next++;
        w.postMessage({ r0: bounds[c]!, r1: bounds[c + 1]!, at: bounds[c]! + 4 * c });
      };
      for (const w of workers) {
        w.removeAllListeners('message');
        w.on('message', () => {
          if (++done === CHUNKS) resolve((performance.now() - t) / 1000);
          else give(w);
        });
        give(w);
      }
    });
  return { once, close: () => Promise.all(workers.map((w) => w.terminate())) };
}

/** Both layouts on the same data, their runs alternated so that a change of load hits both alike. */
async function compare(n: number, m: number) {
  const lay = layout(n, m);
  const pages = Math.ceil(lay.end / PAGE);
  const memory = new WebAssembly.Memory({ initial: pages, maximum: pages, shared: true });
  const S = new Float32Array(memory.buffer);
  let seed = 1;
  const rand = () => {
    seed = (seed * 1103515245 + 12345) >>> 0;
    return seed / 2 ** 32;
  };
  for (let q = 0; q < n * 3; q++) S[lay.x / 4 + q] = rand();
  for (let q = 0; q < m * 3; q++) S[lay.y / 4 + q] = rand();
  for (let q = 0; q < m; q++) S[lay.b / 4 + q] = rand();
  S[lay.g / 4] = 50;
  const out = S.subarray(lay.out / 4, lay.out / 4 + n);
  const layouts = { private: start('private', memory, n, m), shared: start('shared', memory, n, m) };
  const times = { private: [] as number[], shared: [] as number[] };
  const sums = { private: 0, shared: 0 };
  for (let r = 0; r <= reps; r++)
    for (const name of ['private', 'shared'] as const) {
      out.fill(0);
      const s = await layouts[name].once();
      // The first round is a warm-up (compilation, tier-up).
      if (r > 0) times[name].push(s);
      sums[name] = out.reduce((a, v) => a + v, 0);
    }
  await Promise.all([layouts.private.close(), layouts.shared.close()]);
  if (Math.abs(sums.private - sums.shared) > 1e-3 * Math.abs(sums.private))
    throw new Error(`the layouts disagree: ${sums.private} vs ${sums.shared}`);
  const median = (v: number[]) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)]!;
  return { priv: median(times.private), shared: median(times.shared) };
}

console.log(
  `node ${process.version}, Gaussian product D=3 float32, ${THREADS} threads, ${CHUNKS} chunks, median of ${reps}`,
);
for (const [n, m] of [
  [2000, 2000],
  [10000, 10000],
  [20000, 100000],
] as const) {
  const load = loadavg()[0]!.toFixed(2);
  const { priv, shared } = await compare(n, m);
  const rate = (s: number) => ((n * m) / s / 1e6).toFixed(0);
  console.log(
    `N=${n} M=${m}  load ${load}  private memories + copies ${rate(priv)} M pairs/s (${(priv * 1e3).toFixed(2)} ms)  shared memory ${rate(shared)} M pairs/s (${(shared * 1e3).toFixed(2)} ms)  shared/private ${(priv / shared).toFixed(3)}x`,
  );
}
