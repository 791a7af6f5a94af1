/**
 * The losses on a GPU backend equal the CPU backend's: the same float32 inputs through
 * `samplesLoss` on `webgpu()` (lavapipe in CI, any adapter elsewhere) and on `cpu()`, values and
 * gradients compared element by element. Without an adapter the file skips with the reason,
 * unless SYMTENSOR_REQUIRE_WEBGPU=1 (CI), where "no adapter" fails.
 */
import { cpu } from '@symtensor/backend-cpu';
import { webgpu } from '@symtensor/backend-webgpu';
import type { Backend } from '@symtensor/core-ir';
import { uniform } from '@symtensor/core-ir/peer-inputs';
import { backendOrReason } from '@symtensor/core-ir/testing';
import { grad, tensor } from '@symtensor/lazytensor';
import { afterAll, describe, expect, it } from 'vitest';
import { type SamplesLossOptions, samplesLoss } from '../src/index.js';

const gpu = await backendOrReason(() => webgpu(), {
  required: process.env.SYMTENSOR_REQUIRE_WEBGPU === '1',
});
const host = cpu();

afterAll(async () => {
  if (typeof gpu !== 'string') await gpu.dispose();
  await host.dispose();
});

const N = 300;
const M = 400;

/** S(a, x, b, y) and its gradients in x and a, all read back to the host. */
async function lossAndGrads(backend: Backend, options: Omit<SamplesLossOptions, 'potentials'>) {
  const on = { backend };
  const a = tensor(
    uniform(701, N, 1).map((v) => (0.5 + v) / N),
    [N],
    { ...on, requiresGrad: true },
  );
  const x = tensor(uniform(702, N, 3), [N, 3], { ...on, requiresGrad: true });
  const b = tensor(
    uniform(703, M, 1).map((v) => (0.5 + v) / M),
    [M],
    on,
  );
  const y = tensor(
    uniform(704, M, 3).map((v) => 0.8 * v + 0.3),
    [M, 3],
    on,
  );
  const S = await samplesLoss(options)(a, x, b, y);
  const [ga, gx] = grad(S, [a, x]);
  const out = { S: await S.item(), ga: await ga!.data(), gx: await gx!.data() };
  for (const t of [a, x, b, y, S, ga!, gx!]) t.dispose();
  return out;
}

/** |got - want| <= rtol * max|want| for every element (a row scale, as float32 sums are judged). */
function expectAllClose(got: ArrayLike<number>, want: ArrayLike<number>, rtol: number, what: string) {
  expect(got.length, what).toBe(want.length);
  let scale = 0;
  for (let k = 0; k < want.length; k++) scale = Math.max(scale, Math.abs(want[k]!));
  for (let k = 0; k < want.length; k++) {
    const err = Math.abs(got[k]! - want[k]!);
    if (!(err <= rtol * scale))
      expect.fail(`${what}[${k}]: webgpu ${got[k]} vs cpu ${want[k]} (rtol ${rtol})`);
  }
}

const cases: [string, Omit<SamplesLossOptions, 'potentials'>][] = [
  ['sinkhorn p=2, balanced', { loss: 'sinkhorn', p: 2, blur: 0.05, scaling: 0.7 }],
  ['sinkhorn p=1, unbalanced (reach 0.3)', { loss: 'sinkhorn', p: 1, blur: 0.1, reach: 0.3, scaling: 0.7 }],
  ['gaussian kernel', { loss: 'gaussian', blur: 0.2 }],
  ['energy distance', { loss: 'energy' }],
];

const title = typeof gpu === 'string' ? `(skipped: ${gpu})` : '';
describe.skipIf(typeof gpu === 'string')(`samplesLoss on webgpu equals cpu (float32) ${title}`, () => {
  it.each(cases)('%s', async (_, options) => {
    const want = await lossAndGrads(host, options);
    const got = await lossAndGrads(gpu as Backend, options);
    // float32 on both sides: the reductions sum in different orders (tiles, workgroups), so
    // values agree to a few float32 ulps of the sums, far below the losses' own scale.
    expect(Math.abs(got.S - want.S), 'S').toBeLessThanOrEqual(1e-4 * Math.abs(want.S) + 1e-7);
    expectAllClose(got.ga, want.ga, 1e-4, 'grad a');
    expectAllClose(got.gx, want.gx, 1e-4, 'grad x');
  });
});
