/**
 * Gaussian kernel product with @symtensor/core-ir:
 *
 *   a_i = sum_j exp(-g * |x_i - y_j|^2) * b_j        x_i, y_j in R^3,  b_j in R,  g > 0
 *
 * The N x M kernel matrix is never stored: the formula is parsed from a KeOps-syntax string into a
 * symbolic formula, wrapped in a kernel spec (a Sum reduction over j), and run by the float64
 * reference interpreter. The interpreter is simple and slow on purpose: it is the yardstick every
 * backend (CPU, WebGPU, CUDA) is tested against. The result is checked against a plain dense loop.
 *
 * Run from the repository root:  pnpm example  [N] [M]    (defaults: N = 500, M = 1000)
 */
import { lowerKernel, parseFormula, printFormula, reductionSpec, referenceRun } from '@symtensor/core-ir';

const N = positiveInt(process.argv[2], 500);
const M = positiveInt(process.argv[3], 1000);
const D = 3;
const sigma = 0.25;

// Random points in the unit cube and signal b (seeded, so runs are reproducible).
const rand = mulberry32(42);
const x = Float64Array.from({ length: N * D }, rand);
const y = Float64Array.from({ length: M * D }, rand);
const b = Float64Array.from({ length: M }, () => rand() - 0.5);
const g = Float64Array.of(1 / (2 * sigma * sigma));

// 1. The formula, KeOps syntax. Aliases take argument positions in the order they are listed:
//    x -> 0 (indexed by i), y -> 1 (indexed by j), b -> 2 (indexed by j), g -> 3 (a parameter).
const formula = parseFormula('Exp(-SqDist(x,y)*g)*b', ['x = Vi(3)', 'y = Vj(3)', 'b = Vj(1)', 'g = Pm(1)']);

// 2. The kernel spec: out[i] = sum over j of F(x_i, y_j, b_j, g). No sizes: N and M are run-time values.
const spec = reductionSpec({ formula, reduction: 'Sum', axis: 'j', dtype: 'float64' });

// 3. What a backend would compile: the lowered, backend-neutral program.
const lowered = lowerKernel(spec);

// 4. Run it with the float64 reference interpreter.
let t0 = performance.now();
const [a] = referenceRun(spec, { args: [x, y, b, g], nx: N, ny: M });
const tRef = performance.now() - t0;

// Cross-check against a plain dense double loop.
t0 = performance.now();
const dense = new Float64Array(N);
for (let i = 0; i < N; i++) {
  let s = 0;
  for (let j = 0; j < M; j++) {
    let d2 = 0;
    for (let k = 0; k < D; k++) {
      const d = x[i * D + k]! - y[j * D + k]!;
      d2 += d * d;
    }
    s += Math.exp(-g[0]! * d2) * b[j]!;
  }
  dense[i] = s;
}
const tDense = performance.now() - t0;

let maxRelErr = 0;
for (let i = 0; i < N; i++) {
  maxRelErr = Math.max(maxRelErr, Math.abs(a![i]! - dense[i]!) / Math.max(1e-300, Math.abs(dense[i]!)));
}

console.log(`formula        ${printFormula(formula)}`);
console.log(`kernel spec    Sum over j, float64, key ${spec.key}`);
console.log(
  `lowered        ${lowered.inputs.length} inputs, ${lowered.outputs.length} output, ` +
    `${lowered.pair.length} statements per (i, j) pair`,
);
console.log(
  `sizes          N = ${N}, M = ${M}, D = ${D}  (${(N * M).toLocaleString('en-US')} pairs, none stored)`,
);
console.log(`a[0..4]        ${Array.from(a!.subarray(0, 5), (v) => v.toFixed(6)).join('  ')}`);
console.log(`reference run  ${tRef.toFixed(1)} ms (float64 interpreter, not a fast backend)`);
console.log(`dense loop     ${tDense.toFixed(1)} ms`);
console.log(`max rel. diff  ${maxRelErr.toExponential(2)} vs the dense loop`);

if (!(maxRelErr < 1e-12)) {
  console.error('MISMATCH: the reference interpreter disagrees with the dense computation');
  process.exit(1);
}

function positiveInt(arg: string | undefined, fallback: number): number {
  if (arg === undefined) return fallback;
  const n = Number(arg);
  if (!Number.isInteger(n) || n < 1) throw new Error(`expected a positive integer size, got '${arg}'`);
  return n;
}

/** A small seeded PRNG (mulberry32) returning floats in [0, 1). */
function mulberry32(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
