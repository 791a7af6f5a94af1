/**
 * The jax-js baseline (`@jax-js/jax`, JAX's API in JavaScript): the dense kernel product written as
 * a jax-js user would, one `jit`-compiled function per row chunk (squared distances by the matmul
 * expansion, the kernel, a matmul with b), on its WebAssembly device. In Node that device runs on
 * one thread: jax-js starts worker threads only where a global `Worker` exists (browsers, Deno),
 * and Node has none. Its WebGPU and WebGL devices need `navigator.gpu` / a browser and are not
 * available in Node (jax-js' own platform table says so).
 * jax-js moves arrays into every call (reference counting): arrays kept across calls are passed
 * with `.ref`, and reading a result (`data()`) consumes it.
 */
import type { Contender } from '../contender.js';
import type { KernelName } from '../suites/kernel-functions.js';
import { CHUNK_ENTRIES, rowChunks } from './dense-chunks.js';
import { packageVersion } from './package-version.js';

type Jax = typeof import('@jax-js/jax');
type JaxArray = import('@jax-js/jax').Array;

/** k(r2) for scale s, in jax-js ops: the same kernels as kernel-functions.ts. */
const JAX_KERNELS: Readonly<Record<KernelName, (np: Jax['numpy'], r2: JaxArray, s: number) => JaxArray>> = {
  gaussian: (np, r2, s) => np.exp(r2.mul(-1 / (2 * s * s))),
  laplace: (np, r2, s) => np.exp(np.sqrt(r2).mul(-1 / s)),
  cauchy: (np, r2, s) => np.reciprocal(r2.mul(1 / (s * s)).add(1)),
  imq: (np, r2, s) => np.reciprocal(np.sqrt(r2.mul(1 / (s * s)).add(1))),
};

export async function jaxContender(): Promise<Contender> {
  const jax = await import('@jax-js/jax');
  const started = await jax.init('wasm');
  if (!started.includes('wasm')) throw new Error('jax-js could not start its wasm device');
  jax.defaultDevice('wasm');
  const version = packageVersion('@jax-js/jax');
  const np = jax.numpy;
  const threads =
    typeof (globalThis as { Worker?: unknown }).Worker === 'function' ? 'worker threads' : 'one thread';
  return {
    name: 'jax-js-wasm',
    kind: 'baseline',
    detail: `@jax-js/jax ${version}, wasm device, ${threads} (no global Worker in Node); jit per row chunk of at most ${CHUNK_ENTRIES} entries (matmul expansion)`,
    supports: (kind) => kind === 'kernel-sum',
    async prepare(w) {
      const p = w.problem;
      if (p.kind !== 'kernel-sum') throw new Error(`jax-js computes kernel sums, not ${p.kind}`);
      const kernel = JAX_KERNELS[p.kernel];
      const block = jax.jit((xc: JaxArray, y: JaxArray, y2: JaxArray, b: JaxArray) => {
        const x2 = np.sum(np.square(xc.ref), 1, { keepdims: true });
        // max(., 0): the expansion can go slightly negative where x_i is close to y_j.
        const r2 = np.maximum(x2.add(y2).sub(np.matmul(xc, y.transpose()).mul(2)), 0);
        return np.matmul(kernel(np, r2, p.scale), b);
      });
      const chunks = rowChunks(p.N, p.M);
      // Device-resident inputs, as a user's arrays would be: x already split in row chunks.
      const xs = chunks.map(([r0, r1]) => np.array(p.x.slice(r0 * p.D, r1 * p.D)).reshape([r1 - r0, p.D]));
      const y = np.array(p.y).reshape([p.M, p.D]);
      const y2 = np.sum(np.square(y.ref), 1).reshape([1, p.M]);
      const b = np.array(p.b).reshape([p.M, 1]);
      return {
        async run() {
          const out = new Float32Array(p.N);
          for (const [k, [r0]] of chunks.entries())
            out.set((await block(xs[k]!.ref, y.ref, y2.ref, b.ref).data()) as Float32Array, r0);
          return out;
        },
        dispose() {
          for (const a of [...xs, y, y2, b]) a.dispose();
          block.dispose();
        },
      };
    },
    close: async () => undefined,
  };
}
