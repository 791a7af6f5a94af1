/**
 * Sinkhorn divergence suites of @symtensor/geomloss on the peers' "c" inputs (x = uniform(301),
 * y = uniform(302), D = 3, p = 2, blur 0.05, scaling 0.5: GeomLoss' defaults):
 * - sinkhorn: the debiased divergence S_eps alone (forward);
 * - sinkhorn-grad: S_eps and its gradient with respect to x (forward + backward), what a
 *   training loop or a shape-registration step pays per iteration.
 * Both are checked against the same computation in float64 on a cpu backend: the value, and for
 * the gradient its relative error in the Euclidean norm over all N x 3 entries.
 */
import { cpu } from '@symtensor/backend-cpu';
import { uniform } from '@symtensor/core-ir/peer-inputs';
import { samplesLoss } from '@symtensor/geomloss';
import { grad, tensor } from '@symtensor/lazytensor';
import { algorithmWorkload, algorithmCheck as check, invalid, on } from './algorithm.js';
import type { AlgorithmCheck, Suite } from './types.js';

const D = 3;
const BLUR = 0.05;
const SCALING = 0.5;
const sinkhornLoss = samplesLoss({ loss: 'sinkhorn', p: 2, blur: BLUR, scaling: SCALING });

/** [S] or [S, dS/dx (n x D, row-major)] of the divergence between x and y, computed in `dtype`. */
async function sinkhorn(
  x: Float32Array,
  y: Float32Array,
  n: number,
  dtype: 'float32' | 'float64',
  withGradient: boolean,
): Promise<Float64Array> {
  const data = (a: Float32Array) => (dtype === 'float64' ? Float64Array.from(a) : a);
  const tx = tensor(data(x), [n, D], { dtype, requiresGrad: withGradient });
  const ty = tensor(data(y), [n, D], { dtype });
  try {
    const S = await sinkhornLoss(tx, ty);
    const out = new Float64Array(withGradient ? 1 + n * D : 1);
    out[0] = await S.item();
    if (withGradient) {
      const [gx] = grad(S, [tx]);
      out.set(await gx!.data(), 1);
      gx!.dispose();
    }
    S.dispose();
    return out;
  } finally {
    tx.dispose();
    ty.dispose();
  }
}

/** Relative error of the value and, when present, of the gradient (Euclidean norm). */
function compare(
  out: ArrayLike<number>,
  ref: Float64Array,
  metric: string,
  tolerance: number,
): AlgorithmCheck {
  const valueErr = Math.abs(out[0]! - ref[0]!) / Math.max(1e-6, Math.abs(ref[0]!));
  let diff = 0;
  let norm = 0;
  for (let k = 1; k < ref.length; k++) {
    diff += (out[k]! - ref[k]!) ** 2;
    norm += ref[k]! ** 2;
  }
  const gradErr = ref.length > 1 ? Math.sqrt(diff / norm) : 0;
  const err = Number.isNaN(valueErr) || Number.isNaN(gradErr) ? Number.NaN : Math.max(valueErr, gradErr);
  const note =
    ref.length > 1
      ? `S = ${out[0]}, float64 S = ${ref[0]}; |grad| = ${Math.sqrt(norm).toPrecision(7)}, gradient rel. error ${gradErr.toExponential(2)}`
      : `S = ${out[0]}, float64 S = ${ref[0]}`;
  return check(err, tolerance, metric, ref.length, note);
}

function sinkhornSuite(withGradient: boolean): Suite {
  const id = withGradient ? 'sinkhorn-grad' : 'sinkhorn';
  const what = `S_eps(x, y), p = 2, blur = ${BLUR}, scaling = ${SCALING} (eps-scaling, debiased; @symtensor/geomloss)`;
  return {
    id,
    group: 'ot',
    title: withGradient ? 'Sinkhorn divergence + gradient' : 'Sinkhorn divergence',
    kind: 'algorithm',
    formula: withGradient ? `${what}, then grad(S, [x]) (envelope theorem)` : what,
    defaultSizes: [500, 2_000, 10_000],
    quickSizes: [500],
    workload(n) {
      const x = uniform(301, n, D);
      const y = uniform(302, n, D);
      let ref: Float64Array | undefined;
      const tolerance = 1e-3;
      const metric = withGradient
        ? 'max(|S - S64| / |S64|, |g - g64| / |g64|)'
        : '|S - S64| / max(1e-6, |S64|)';
      const size = withGradient ? 1 + n * D : 1;
      return algorithmWorkload(id, n, `N=M=${n}, D=${D}`, n * n, {
        kind: 'algorithm',
        run: (backend) => on(backend, () => sinkhorn(x, y, n, 'float32', withGradient)),
        check(out) {
          if (out.length !== size)
            return invalid(metric, tolerance, `expected ${size} values, got ${out.length}`);
          if (ref === undefined) throw new Error(`${id} reference not computed`);
          return compare(out, ref, metric, tolerance);
        },
        async reference() {
          if (ref !== undefined) return;
          const backend = cpu();
          try {
            ref = await on(backend, () => sinkhorn(x, y, n, 'float64', withGradient));
          } finally {
            await backend.dispose();
          }
        },
      });
    },
  };
}

export const SINKHORN_SUITES: readonly Suite[] = [sinkhornSuite(false), sinkhornSuite(true)];
