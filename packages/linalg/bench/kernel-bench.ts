/**
 * Benchmark: kernel ridge solve (I + K) a = b and the top-5 eigenpairs of a Gaussian kernel, D = 3
 * (ridge) / D = 2 (eigen), on the current backend (the CPU backend by default), against a dense
 * JavaScript baseline (the same CG / Lanczos on a stored float32 matrix, float64 accumulation) and
 * SciPy's numbers from shared/reference/peers.md (section f, same inputs: peers.md's generator).
 *
 *   pnpm exec tsx --conditions=source packages/linalg/bench/kernel-bench.ts            # N = 1e4
 *   pnpm exec tsx --conditions=source packages/linalg/bench/kernel-bench.ts --large    # N = 1e5
 *   ... --n 2000                                                                     # any N
 *
 * The dense baseline is skipped when the matrix would exceed 1.6 GB (N > 2e4).
 */
import { tensor, Vi, Vj } from '@symtensor/lazytensor';
import { aslinearoperator, cg, eigsh, shiftOperator } from '../src/index.js';
import { peersNormal, peersUniform } from '../test/peers-random.js';

const args = process.argv.slice(2);
const nArg = args.indexOf('--n');
const N = nArg >= 0 ? Number(args[nArg + 1]) : args.includes('--large') ? 100_000 : 10_000;

/** SciPy on the same inputs at N = 1e4 (peers.md section f, 2-core EPYC VM). */
const SCIPY_1E4 = {
  ridge: {
    seconds: 0.5825,
    what: 'scipy cg tol 1e-5, dense float32 matvec (excl. build)',
    sum: -1.238951,
    norm: 96.39537,
  },
  ridgeKeops: { seconds: 30.94, what: 'scipy cg tol 1e-5 + pykeops matvec (f32)', iterations: 65 },
  direct: {
    seconds: 7.241,
    what: 'scipy.linalg.solve dense float64 (direct reference)',
    sum: -1.238978,
    norm: 96.39537,
    a0: -0.746794,
  },
  eigen: {
    seconds: 3.176,
    what: 'scipy eigsh on dense float64 (incl. build)',
    top5: [3825.955, 1485.696, 1443.202, 563.9842, 559.4241],
  },
  eigenKeops: { seconds: 12.72, what: 'scipy eigsh + pykeops matvec (f32)', matvecs: 32 },
};

function denseGaussian(x: Float32Array, d: number, sigma: number, shift: number): Float32Array {
  const n = x.length / d;
  const k = new Float32Array(n * n);
  const c = 1 / (2 * sigma * sigma);
  for (let i = 0; i < n; i++)
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let t = 0; t < d; t++) s += (x[i * d + t]! - x[j * d + t]!) ** 2;
      k[i * n + j] = Math.exp(-s * c) + (i === j ? shift : 0);
    }
  return k;
}

function denseMatvec(a: Float32Array, v: Float64Array, out: Float64Array): void {
  const n = v.length;
  for (let i = 0; i < n; i++) {
    let s = 0;
    const row = i * n;
    for (let j = 0; j < n; j++) s += a[row + j]! * v[j]!;
    out[i] = s;
  }
}

/** Plain CG on the host (the dense baseline), relative tolerance tol. */
function denseCg(a: Float32Array, b: Float64Array, tol: number): { x: Float64Array; iterations: number } {
  const n = b.length;
  const x = new Float64Array(n);
  const r = Float64Array.from(b);
  const p = Float64Array.from(b);
  const ap = new Float64Array(n);
  let rr = r.reduce((s, t) => s + t * t, 0);
  const stop = tol * tol * rr;
  let k = 0;
  while (rr > stop && k < 10 * n) {
    denseMatvec(a, p, ap);
    const alpha = rr / p.reduce((s, t, i) => s + t * ap[i]!, 0);
    for (let i = 0; i < n; i++) {
      x[i]! += alpha * p[i]!;
      r[i]! -= alpha * ap[i]!;
    }
    const next = r.reduce((s, t) => s + t * t, 0);
    for (let i = 0; i < n; i++) p[i] = r[i]! + (next / rr) * p[i]!;
    rr = next;
    k++;
  }
  return { x, iterations: k };
}

const stats = (a: ArrayLike<number>) => {
  let sum = 0;
  let sq = 0;
  for (let i = 0; i < a.length; i++) [sum, sq] = [sum + a[i]!, sq + a[i]! ** 2];
  return { sum, norm: Math.sqrt(sq), a0: a[0]! };
};
const time = async <T>(f: () => Promise<T> | T): Promise<[T, number]> => {
  const t = performance.now();
  const out = await f();
  return [out, (performance.now() - t) / 1000];
};

console.log(`# @symtensor/linalg benchmark, N = ${N}, node ${process.version}`);
// Ridge: x = uniform(611, (N, 3)), b = normal(612, (N,)), sigma 0.1, (K + I) a = b, tol 1e-5.
const xr = peersUniform(611, N * 3);
const br = peersNormal(612, N);
const xt = tensor(xr, [N, 3]);
const K = Vi(xt)
  .sqdist(Vj(xt))
  .mul(-1 / (2 * 0.1 * 0.1))
  .exp();
const [ridge, tRidge] = await time(() =>
  cg(shiftOperator(aslinearoperator(K), 1), tensor(br, [N]), { tol: 1e-5 }),
);
const sr = stats(await ridge.x.data());
console.log(
  `ridge  symtensor cg (float32, LazyTensor matvec): ${tRidge.toFixed(2)} s, ${ridge.iterations} iterations, ${ridge.reason}, true rel. residual ${ridge.trueResiduals[0]!.toExponential(2)}, sum(a) ${sr.sum.toFixed(6)}, norm(a) ${sr.norm.toFixed(5)}, a[0] ${sr.a0.toFixed(6)}`,
);
// Eigen: x = normal(601, (N, 2)), K = exp(-|x - y|^2 / 2), top 5.
const xe = tensor(peersNormal(601, N * 2), [N, 2]);
const Ke = Vi(xe).sqdist(Vj(xe)).mul(-0.5).exp();
const [eig, tEig] = await time(() => eigsh(Ke, { k: 5 }));
console.log(
  `eigen  symtensor eigsh (float32, LazyTensor matvec): ${tEig.toFixed(2)} s, ${eig.matvecs} products, ${eig.restarts} restarts, ${eig.reason}, top5 [${[...eig.eigenvalues].map((v) => v.toFixed(4))}], max residual/lambda ${Math.max(...eig.residuals.map((r, c) => r / eig.eigenvalues[c]!)).toExponential(2)}`,
);

if (N * N * 4 <= 1.6e9) {
  const [A, tBuild] = await time(() => denseGaussian(xr, 3, 0.1, 1));
  const [dense, tDense] = await time(() => denseCg(A, Float64Array.from(br), 1e-5));
  const sd = stats(dense.x);
  console.log(
    `ridge  dense JS baseline (float32 matrix, float64 CG): build ${tBuild.toFixed(2)} s + solve ${tDense.toFixed(2)} s, ${dense.iterations} iterations, sum(a) ${sd.sum.toFixed(6)}, norm(a) ${sd.norm.toFixed(5)}`,
  );
} else console.log('ridge  dense JS baseline skipped: the matrix would exceed 1.6 GB');

if (N === 10_000) {
  for (const [name, row] of Object.entries(SCIPY_1E4))
    console.log(`peers  ${name}: ${row.what}: ${row.seconds} s ${JSON.stringify(row)}`);
  console.log(
    `check  ridge sum(a) vs float64 direct: ${(sr.sum - SCIPY_1E4.direct.sum).toExponential(2)}; eigen top5 rel. err. vs SciPy: ${[...eig.eigenvalues].map((v, c) => Math.abs(v / SCIPY_1E4.eigen.top5[c]! - 1).toExponential(1))}`,
  );
} else console.log('peers  SciPy numbers exist for N = 1e4 only (peers.md section f)');
