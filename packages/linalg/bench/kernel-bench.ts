/**
 * Benchmark: kernel ridge solve (I + K) a = b and the top-5 eigenpairs of a Gaussian kernel, D = 3,
 * on the backend named by `--backend` (the CPU backend by default), against a dense JavaScript baseline
 * (bench/dense-baseline.ts: the same CG / Lanczos on a stored float32 matrix) and SciPy on dense
 * matrices (imported from bench/scipy-reference.json, written by bench/scipy_reference.py on the
 * machine it names: never mixed with this run's timings). Inputs: peers.md's generator.
 *
 *   pnpm exec tsx --conditions=source packages/linalg/bench/kernel-bench.ts            # N = 1e4
 *   ... --large                      # N = 1e5 (each product is 1e10 kernel evaluations)
 *   ... --n 2000                     # any N
 *   ... --tasks product,ridge,nystrom,eigen,grad   # which parts (default: product,ridge,eigen)
 *   ... --max-products P             # stop the ridge CG (and kernelSolve) after P iterations
 *   ... --no-dense                   # skip the dense baseline (it is skipped anyway above N = 2e4)
 *   ... --backend webgpu             # cpu (default), webgpu or cuda
 *   ... --rank 200                   # the Nystrom preconditioner's rank for `nystrom` (default 100)
 *
 * `product` times one product K @ v alone (after compiling the kernel on 1,000 points), the unit
 * every solver pays per iteration. `nystrom` builds a Nystrom preconditioner and solves the ridge
 * system with it (sketch and solve timed apart). `grad` times kernelSolve and one backward pass.
 */
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { normal, uniform } from '@symtensor/core-ir/peer-inputs';
import { grad, type Tensor, tensor, useBackend, Vi, Vj } from '@symtensor/lazytensor';
import {
  aslinearoperator,
  cg,
  eigsh,
  kernelSolve,
  nystromPreconditioner,
  shiftOperator,
} from '../src/index.js';
import { denseCg, denseGaussian, denseLanczos } from './dense-baseline.js';
import { openBackend } from './open-backend.js';

const args = process.argv.slice(2);
const option = (name: string) => {
  const k = args.indexOf(name);
  return k >= 0 ? args[k + 1] : undefined;
};
const N = Number(option('--n') ?? (args.includes('--large') ? 100_000 : 10_000));
const tasks = new Set((option('--tasks') ?? 'product,ridge,eigen').split(','));
const maxProducts = option('--max-products') === undefined ? undefined : Number(option('--max-products'));
const dense = !args.includes('--no-dense') && N * N * 4 <= 1.6e9;
const rank = Number(option('--rank') ?? 100);
const { backend, label } = await openBackend(option('--backend') ?? 'cpu');
useBackend(backend);
const [RIDGE_SIGMA, RIDGE_ALPHA, TOL, EIGEN_SIGMA, EIGEN_K] = [0.1, 1, 1e-5, 1, 5];

interface ScipyRow {
  task: 'ridge' | 'eigen';
  n: number;
  library: string;
  seconds: number;
  [k: string]: unknown;
}
const scipy = JSON.parse(readFileSync(new URL('./scipy-reference.json', import.meta.url), 'utf8')) as {
  label: string;
  script: string;
  machine: string;
  date: string;
  loadAverage: { before: number[]; after: number[] };
  libraries: string;
  rows: ScipyRow[];
  skipped: { n: number; reason: string }[];
};

const time = async <T>(f: () => Promise<T> | T): Promise<[T, number]> => {
  const t = performance.now();
  const out = await f();
  return [out, (performance.now() - t) / 1000];
};
const stats = (a: ArrayLike<number>) => {
  let [sum, sq] = [0, 0];
  for (let i = 0; i < a.length; i++) [sum, sq] = [sum + a[i]!, sq + a[i]! ** 2];
  return { sum, norm: Math.sqrt(sq) };
};
const gaussian = (x: Tensor, sigma: number) =>
  Vi(x)
    .sqdist(Vj(x))
    .mul(-1 / (2 * sigma * sigma))
    .exp();
const fmt = (s: number) => `${s.toFixed(2)} s`;

console.log(
  `# @symtensor/linalg benchmark, N = ${N}, D = 3, float32, backend ${label}, node ${process.version}, load average ${loadavg().map((v) => v.toFixed(1))}`,
);
// Ridge: x = uniform(611, (N, 3)), b = normal(612, (N,)), sigma 0.1, (K + I) a = b, tol 1e-5.
const xr = uniform(611, N, 3);
const br = normal(612, N, 1);
const xRidge = tensor(xr, [N, 3]);
// Eigen: x = normal(601, (N, 3)), K = exp(-|x - y|^2 / 2), top 5.
const xe = normal(601, N, 3);

if (tasks.has('product')) {
  const warm = tensor(xr.subarray(0, 3000), [1000, 3]);
  await gaussian(warm, RIDGE_SIGMA)
    .matmul(tensor(br.subarray(0, 1000), [1000]))
    .data();
  const [, t] = await time(() =>
    gaussian(xRidge, RIDGE_SIGMA)
      .matmul(tensor(br, [N]))
      .data(),
  );
  console.log(
    `product symtensor K @ v (LazyTensor, compiled beforehand): ${fmt(t)}, ${((N * N) / t / 1e6).toFixed(0)} M kernel entries/s`,
  );
}

if (tasks.has('ridge')) {
  const A = shiftOperator(aslinearoperator(gaussian(xRidge, RIDGE_SIGMA)), RIDGE_ALPHA);
  const [ridge, t] = await time(() =>
    cg(A, tensor(br, [N]), { tol: TOL, ...(maxProducts ? { maxIter: maxProducts } : {}) }),
  );
  const s = stats(await ridge.x.data());
  console.log(
    `ridge   symtensor cg (LazyTensor products): ${fmt(t)}, ${ridge.iterations} iterations + 1 residual check (${fmt(t / (ridge.iterations + 1))} per product), ${ridge.reason}, rel. residual ${ridge.residuals.at(-1)![0]!.toExponential(2)} (recomputed ${ridge.trueResiduals[0]!.toExponential(2)}), sum(a) ${s.sum.toFixed(6)}, norm(a) ${s.norm.toFixed(5)}`,
  );
  const direct = scipy.rows.find((r) => r.task === 'ridge' && r.n === N && r.a0 !== undefined);
  if (direct)
    console.log(
      `check   ridge vs SciPy's float64 direct solve: sum(a) ${(s.sum - (direct.sum as number)).toExponential(2)} off (a cancelling sum of ${N} entries), norm(a) ${(s.norm / (direct.norm as number) - 1).toExponential(2)} relative`,
    );
}

if (tasks.has('nystrom')) {
  const K = gaussian(xRidge, RIDGE_SIGMA);
  const [P, tSketch] = await time(() => nystromPreconditioner(K, { rank, alpha: RIDGE_ALPHA, seed: 7 }));
  const A = shiftOperator(aslinearoperator(K), RIDGE_ALPHA);
  const [ridge, t] = await time(() =>
    cg(A, tensor(br, [N]), {
      tol: TOL,
      preconditioner: P,
      ...(maxProducts ? { maxIter: maxProducts } : {}),
    }),
  );
  const s = stats(await ridge.x.data());
  const kept = P.eigenvalues;
  console.log(
    `nystrom symtensor cg + Nystrom rank ${rank} (kept ${kept.length}, lambda ${kept[0]!.toFixed(1)} .. ${kept.at(-1)!.toFixed(2)}): sketch ${fmt(tSketch)} + solve ${fmt(t)} = ${fmt(tSketch + t)}, ${ridge.iterations} iterations, ${ridge.reason}, rel. residual ${ridge.residuals.at(-1)![0]!.toExponential(2)} (recomputed ${ridge.trueResiduals[0]!.toExponential(2)}), sum(a) ${s.sum.toFixed(6)}, norm(a) ${s.norm.toFixed(5)}`,
  );
  P.dispose();
}

if (tasks.has('eigen')) {
  const K = gaussian(tensor(xe, [N, 3]), EIGEN_SIGMA);
  const [eig, t] = await time(() => eigsh(K, { k: EIGEN_K }));
  const worst = Math.max(...eig.residuals.map((r, c) => r / eig.eigenvalues[c]!));
  console.log(
    `eigen   symtensor eigsh (LazyTensor products): ${fmt(t)}, ${eig.matvecs} products + 1 residual check (${fmt(t / (eig.matvecs + 1))} per product), ${eig.restarts} restarts, ${eig.reason}, top5 [${[...eig.eigenvalues].map((v) => v.toFixed(4))}], max |Kv - lv| / l ${worst.toExponential(2)}`,
  );
  const ref = scipy.rows.find((r) => r.task === 'eigen' && r.n === N);
  if (ref)
    console.log(
      `check   eigen top5 rel. difference vs SciPy: ${[...eig.eigenvalues].map((v, c) => Math.abs(v / (ref.top as number[])[c]! - 1).toExponential(1))}`,
    );
}

if (tasks.has('grad')) {
  const x = tensor(xr, [N, 3], { requiresGrad: true });
  const [sol, tf] = await time(() =>
    kernelSolve(gaussian(x, RIDGE_SIGMA), tensor(br, [N]), {
      alpha: RIDGE_ALPHA,
      tol: TOL,
      ...(maxProducts ? { maxIter: maxProducts } : {}),
    }),
  );
  const [, tb] = await time(() => grad(sol.x.square().sum(), [x])[0]!.data());
  const report = await sol.lastAdjoint();
  console.log(
    `grad    symtensor kernelSolve + grad(|a|^2, x): forward ${fmt(tf)} (${sol.iterations} iterations, ${sol.reason}), backward ${fmt(tb)} (adjoint budget ${report!.budget} products, converged after ${report!.columns[0]!.iterations}, residual ${report!.columns[0]!.residual.toExponential(2)}, + 2 gradient reductions)`,
  );
}

if (dense && tasks.has('ridge')) {
  const [A, tBuild] = await time(() => denseGaussian(xr, 3, RIDGE_SIGMA, RIDGE_ALPHA));
  const [sol, t] = await time(() => denseCg(A, Float64Array.from(br), TOL));
  const s = stats(sol.x);
  console.log(
    `ridge   dense JS baseline (float32 matrix, float64 CG, 1 thread): build ${fmt(tBuild)} + solve ${fmt(t)}, ${sol.iterations} iterations, sum(a) ${s.sum.toFixed(6)}, norm(a) ${s.norm.toFixed(5)}`,
  );
}
if (dense && tasks.has('eigen')) {
  const [A, tBuild] = await time(() => denseGaussian(xe, 3, EIGEN_SIGMA, 0));
  const [eig, t] = await time(() => denseLanczos(A, N, EIGEN_K, TOL));
  console.log(
    `eigen   dense JS baseline (float32 matrix, float64 Lanczos, 1 thread): build ${fmt(tBuild)} + solve ${fmt(t)}, ${eig.products} products, ${eig.converged ? 'converged' : 'not converged'}, top5 [${eig.values.map((v) => v.toFixed(4))}]`,
  );
}
if (!dense) console.log('dense   JS baseline skipped (--no-dense, or the matrix would exceed 1.6 GB)');

// The SciPy reference covers the ridge and eigen tasks.
const rows = scipy.rows.filter((r) => r.n === N && tasks.has(r.task));
if (rows.length > 0) {
  console.log(
    `${scipy.label} (${scipy.script}; ${scipy.machine}; ${scipy.date}; load average ${scipy.loadAverage.before} -> ${scipy.loadAverage.after}; ${scipy.libraries}):`,
  );
  for (const { task, library, seconds, n: _n, size: _size, ...rest } of rows)
    console.log(`${task.padEnd(7)} ${library}: ${fmt(seconds)} ${JSON.stringify(rest)}`);
} else if (tasks.has('ridge') || tasks.has('eigen')) {
  const skip = scipy.skipped.find((s) => s.n === N);
  console.log(`imported: SciPy ${skip ? `skipped at N = ${N}: ${skip.reason}` : `has no run at N = ${N}`}`);
}
console.log(`# load average at the end ${loadavg().map((v) => v.toFixed(1))}`);
await backend.dispose();
