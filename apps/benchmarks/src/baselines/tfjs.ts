/**
 * TensorFlow.js baselines: the dense kernel product, computed the way a tfjs user would, in row
 * chunks of at most 2^22 matrix entries (like the "torch chunked" peer): squared distances by the
 * matmul expansion |x|^2 + |y|^2 - 2 x y^T, the kernel elementwise, then a matmul with b.
 * Two tfjs backends: 'cpu' (pure JavaScript) and 'wasm' (XNNPACK, SIMD), whose .wasm binaries ship
 * inside the npm package and are loaded from node_modules, so nothing is fetched.
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { Contender } from '../contender.js';
import type { KernelName } from '../suites/kernel-functions.js';
import { CHUNK_ENTRIES, rowChunks } from './dense-chunks.js';

type Tf = typeof import('@tensorflow/tfjs-core');
type Tensor = import('@tensorflow/tfjs-core').Tensor;

/** k(r2) on a tensor of squared distances, for scale s; the same kernels as kernel-functions.ts. */
const TF_KERNELS: Readonly<Record<KernelName, (tf: Tf, r2: Tensor, s: number) => Tensor>> = {
  gaussian: (tf, r2, s) => tf.exp(tf.mul(r2, -1 / (2 * s * s))),
  laplace: (tf, r2, s) => tf.exp(tf.mul(tf.sqrt(r2), -1 / s)),
  // div(1, .) rather than reciprocal(): the wasm backend does not register every unary kernel.
  cauchy: (tf, r2, s) => tf.div(1, tf.add(1, tf.mul(r2, 1 / (s * s)))),
  imq: (tf, r2, s) => tf.rsqrt(tf.add(1, tf.mul(r2, 1 / (s * s)))),
};

async function loadTf(backend: 'cpu' | 'wasm'): Promise<{ tf: Tf; detail: string }> {
  const tf = await import('@tensorflow/tfjs-core');
  // Production mode drops tfjs' debug checks and its console banner; it changes no numbers.
  tf.enableProdMode();
  if (backend === 'cpu') {
    await import('@tensorflow/tfjs-backend-cpu');
    if (!(await tf.setBackend('cpu'))) throw new Error('tf.setBackend("cpu") failed');
    return {
      tf,
      detail: `@tensorflow/tfjs-core ${tf.version_core}, pure JavaScript cpu backend, one thread`,
    };
  }
  const wasm = await import('@tensorflow/tfjs-backend-wasm');
  // The package's own binaries, by absolute path, so initialisation never reaches the network.
  const pkg = createRequire(import.meta.url).resolve('@tensorflow/tfjs-backend-wasm/package.json');
  wasm.setWasmPaths(`${join(dirname(pkg), 'dist')}/`);
  if (!(await tf.setBackend('wasm')))
    throw new Error('tf.setBackend("wasm") failed to initialise the WebAssembly module');
  const simd = await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT');
  return {
    tf,
    detail: `@tensorflow/tfjs-backend-wasm ${tf.version_core}, XNNPACK${simd ? ' SIMD' : ''}, ${wasm.getThreadsCount()} thread(s)`,
  };
}

export async function tfjsContender(backend: 'cpu' | 'wasm'): Promise<Contender> {
  const { tf, detail } = await loadTf(backend);
  return {
    name: `tfjs-${backend}`,
    kind: 'baseline',
    detail: `${detail}; dense kernel in row chunks of ${CHUNK_ENTRIES} entries (matmul expansion)`,
    supports: (kind) => kind === 'kernel-sum',
    async prepare(w) {
      const p = w.problem;
      if (p.kind !== 'kernel-sum') throw new Error(`tfjs baselines compute kernel sums, not ${p.kind}`);
      // tfjs has one global backend: select ours before creating tensors on it.
      await tf.setBackend(backend);
      const x = tf.tensor2d(p.x, [p.N, p.D]);
      const y = tf.tensor2d(p.y, [p.M, p.D]);
      const b = tf.tensor2d(p.b, [p.M, 1]);
      const kernel = TF_KERNELS[p.kernel];
      return {
        async run() {
          if (tf.getBackend() !== backend)
            throw new Error(`the active tfjs backend is ${tf.getBackend()}, not ${backend}`);
          const y2 = tf.tidy(() => tf.reshape(tf.sum(tf.square(y), 1), [1, p.M]));
          const parts: Tensor[] = [];
          for (const [r0, r1] of rowChunks(p.N, p.M)) {
            const rows = r1 - r0;
            parts.push(
              tf.tidy(() => {
                const xc = tf.slice(x, [r0, 0], [rows, p.D]);
                const x2 = tf.sum(tf.square(xc), 1, true);
                // relu: the expansion can go slightly negative where x_i is close to y_j.
                const r2 = tf.relu(tf.sub(tf.add(x2, y2), tf.mul(tf.matMul(xc, y, false, true), 2)));
                return tf.matMul(kernel(tf, r2, p.scale), b);
              }),
            );
          }
          const out = tf.concat(parts, 0);
          tf.dispose([...parts, y2]);
          try {
            return (await out.data()) as Float32Array;
          } finally {
            out.dispose();
          }
        },
        dispose: () => tf.dispose([x, y, b]),
      };
    },
    close: async () => undefined,
  };
}
