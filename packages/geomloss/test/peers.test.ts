/**
 * Cross-checks with the peers: GeomLoss 0.3.1 at N = 1000 on the peers' inputs (float32, cpu;
 * shared/reference/peers.md section c), and POT 0.8.2's converged entropic plans (fixtures).
 */
import { readFileSync } from 'node:fs';
import { uniform } from '@symtensor/core-ir/peer-inputs';
import { grad, tensor } from '@symtensor/lazytensor';
import { describe, expect, it } from 'vitest';
import { samplesLoss, transportPlan } from '../src/index.js';
import { expectClose, f64, read } from './helpers.js';

describe('GeomLoss, N = 1000, p = 2, blur 0.05, scaling 0.5 (float32)', () => {
  it('value, N * grad[0], sum and norm of the gradient', async () => {
    const N = 1000;
    const x = tensor(uniform(301, N, 3), [N, 3], { requiresGrad: true });
    const y = tensor(uniform(302, N, 3), [N, 3]);
    const S = await samplesLoss({ blur: 0.05, scaling: 0.5 })(x, y);
    const g = await read(grad(S, [x])[0]!);
    // GeomLoss: S = 0.002357583 (tensorized) / 0.002357584 (online, and float64).
    expectClose([await S.item()], [0.002357584], { rtol: 1e-6 }, 'S');
    // GeomLoss online: N * grad[0] = [-0.01359276, 0.01423639, -0.00982975], grad_sum 0.007779981,
    // grad_norm 0.001606959 (printed to 7 digits).
    expectClose(
      Array.from(g.slice(0, 3), (v) => v * N),
      [-0.01359276, 0.01423639, -0.00982975],
      { rtol: 1e-5 },
      'grad[0]',
    );
    expectClose([g.reduce((s, v) => s + v, 0)], [0.007779981], { rtol: 1e-5 }, 'grad sum');
    expectClose([Math.hypot(...g)], [0.001606959], { rtol: 1e-6 }, 'grad norm');
  });
});

interface PlanCase {
  blur: number;
  a: number[];
  x: number[][];
  b: number[];
  y: number[][];
  plan: number[][];
  value: number;
}
const pot = JSON.parse(readFileSync(new URL('./fixtures/pot-plans.json', import.meta.url), 'utf8')) as {
  cases: PlanCase[];
};

describe('POT converged entropic plans (float64)', () => {
  it.each(pot.cases.map((c) => [c.a.length, c.b.length, c] as const))('N=%i M=%i', async (n, m, c) => {
    const args = [f64(c.a, [n]), f64(c.x.flat(), [n, 2]), f64(c.b, [m]), f64(c.y.flat(), [m, 2])] as const;
    const options = { blur: c.blur, scaling: 0.7, tol: 1e-13 };
    const { plan, barycentricMap } = await transportPlan(options)(...args);
    // Every entry of the plan: sum_j pi_ij e_j reads row i of the plan.
    const eye = f64(
      Array.from({ length: m * m }, (_, k) => (k % (m + 1) === 0 ? 1 : 0)),
      [m, m],
    );
    const rows = await read(plan.matmul(eye));
    expectClose(rows, c.plan.flat(), { atol: 1e-12 }, 'plan');
    const wantMap = c.plan.flatMap((row, i) =>
      [0, 1].map((d) => row.reduce((s, p, j) => s + p * c.y[j]![d]!, 0) / c.a[i]!),
    );
    expectClose(await read(barycentricMap), wantMap, { atol: 1e-10 }, 'barycentric map');
    const raw = await (await samplesLoss({ ...options, debias: false })(...args)).item();
    expectClose([raw], [c.value], { atol: 1e-12 }, 'OT_eps');
    expect(c.value).toBeGreaterThan(0.01);
  });
});
