/** Batched inputs [B, N, D] give, per batch, the same value, gradient and potentials as a loop. */
import { grad } from '@symtensor/lazytensor';
import { describe, it } from 'vitest';
import { samplesLoss } from '../src/index.js';
import { expectClose, f64, read, uniform, weights } from './helpers.js';

const [B, N, M, D] = [3, 7, 5, 2];
const x = uniform(41, B * N * D);
const y = uniform(42, B * M * D, 0.2, 1.2);
const a = Float64Array.from(Array.from({ length: B }, (_, k) => Array.from(weights(43 + k, N))).flat());
const b = Float64Array.from(Array.from({ length: B }, (_, k) => Array.from(weights(53 + k, M))).flat());

describe.each([
  { loss: 'sinkhorn' as const, reach: undefined },
  { loss: 'sinkhorn' as const, reach: 0.5 },
  { loss: 'hausdorff' as const, reach: undefined },
  { loss: 'gaussian' as const, reach: undefined },
])('$loss reach=$reach', ({ loss, reach }) => {
  // A fixed diameter: the default one is taken over the whole batch, which a loop would not match.
  const options = { loss, reach, blur: 0.2, ...(loss === 'sinkhorn' ? { diameter: 2 } : {}) };
  it('equals a loop over the batch (values and d/dx)', async () => {
    const tx = f64(x, [B, N, D], true);
    const L = await samplesLoss(options)(f64(a, [B, N]), tx, f64(b, [B, M]), f64(y, [B, M, D]));
    const [gx] = grad(L.sum(), [tx]);
    const values = await read(L);
    const gAll = await read(gx!);
    for (let k = 0; k < B; k++) {
      const txk = f64(x.slice(k * N * D, (k + 1) * N * D), [N, D], true);
      const Lk = await samplesLoss(options)(
        f64(a.slice(k * N, (k + 1) * N), [N]),
        txk,
        f64(b.slice(k * M, (k + 1) * M), [M]),
        f64(y.slice(k * M * D, (k + 1) * M * D), [M, D]),
      );
      expectClose([values[k]!], [await Lk.item()], { rtol: 1e-13 }, `value ${k}`);
      const [gk] = grad(Lk, [txk]);
      expectClose(
        gAll.slice(k * N * D, (k + 1) * N * D),
        await read(gk!),
        { atol: 1e-15, rtol: 1e-12 },
        `grad ${k}`,
      );
    }
  });
});
