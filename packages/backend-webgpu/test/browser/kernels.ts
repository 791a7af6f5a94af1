/**
 * The kernels of the browser test, shared by the page (which runs them on WebGPU in Chromium)
 * and the test (which runs them on the CPU backend in Node): a Gaussian kernel product and a
 * k-nearest-neighbour search, as a user of this backend would write them.
 */
import { type Backend, exp, minus, mul, reductionSpec, sqDist, variable } from '@symtensor/core-ir';

/** Points x_i and y_j in 3D, weights b_j in 2D, the Gaussian's 1 / (2 sigma^2) as a parameter. */
const x = variable(0, 3, 'i');
const y = variable(1, 3, 'j');
const b = variable(2, 2, 'j');
const gamma = variable(3, 1, 'p');

/** out_i = sum_j exp(-gamma |x_i - y_j|^2) b_j. */
export const gaussianProduct = reductionSpec({
  formula: mul(exp(minus(mul(gamma, sqDist(x, y)))), b),
  reduction: 'Sum',
  axis: 'j',
});

export const K = 8;

/** The K nearest y_j of each x_i: squared distances and indices, nearest first. */
export const nearestNeighbours = reductionSpec({
  formula: sqDist(x, y),
  reduction: 'KMinArgKMin',
  axis: 'j',
  k: K,
});

/** What the test sends the page: the data of both kernels, as plain arrays. */
export interface BrowserInput {
  readonly nx: number;
  readonly ny: number;
  readonly x: readonly number[];
  readonly y: readonly number[];
  readonly b: readonly number[];
  readonly gamma: number;
}

export interface KernelResults {
  readonly gaussian: number[];
  readonly knnDistances: number[];
  readonly knnIndices: number[];
}

/** What the page sends back: results and the adapter, or the error it met (name and message). */
export type BrowserOutput =
  | (KernelResults & { readonly adapter: string })
  | { readonly error: { readonly name: string; readonly message: string } };

/** Runs both kernels on a backend (the page's WebGPU one, or the test's CPU one). */
export async function runKernels(backend: Backend, input: BrowserInput): Promise<KernelResults> {
  const { nx, ny } = input;
  const args = [input.x, input.y, input.b, [input.gamma]].map((a) => backend.upload(Float32Array.from(a)));
  const [gaussian] = backend.run(gaussianProduct, { args, nx, ny });
  const [distances, indices] = backend.run(nearestNeighbours, { args, nx, ny });
  const outs = [gaussian!, distances!, indices!];
  const [g, d, k] = await Promise.all(outs.map((o) => backend.download(o)));
  for (const buf of [...args, ...outs]) backend.free(buf);
  return { gaussian: Array.from(g!), knnDistances: Array.from(d!), knnIndices: Array.from(k!) };
}
