/**
 * Entropic OT between two 2-D Gaussians (Janati, Muzellec, Peyre, Cuturi 2020), float64: the raw
 * OT_eps, the debiased S_eps and the cross-covariance of the plan computed on discretized Gaussians
 * converge to the closed forms (fixtures from scripts/make-fixtures.py). The measures are
 * Gauss-Hermite rules, i.e. weighted samples whose error decays spectrally with n: i.i.d. samples
 * converge as N^(-1/2), far too slowly to test a formula to more than two digits.
 */
import { readFileSync } from 'node:fs';
import { Vj } from '@symtensor/lazytensor';
import { describe, expect, it } from 'vitest';
import { samplesLoss, transportPlan } from '../src/index.js';
import { f64, read } from './helpers.js';

interface Rule {
  n: number;
  x: number[][];
  a: number[];
  y: number[][];
  b: number[];
}
const fx = JSON.parse(readFileSync(new URL('./fixtures/gaussians.json', import.meta.url), 'utf8')) as {
  mean_a: number[];
  mean_b: number[];
  blur: number;
  ot_ab: number;
  divergence: number;
  cross_covariance: number[][];
  rules: Rule[];
};

/** Relative errors of one rule: raw OT, debiased S, cross-covariance (largest entry). */
async function errors(rule: Rule): Promise<{ ot: number; S: number; cross: number }> {
  const N = rule.a.length;
  const args = () =>
    [f64(rule.a, [N]), f64(rule.x.flat(), [N, 2]), f64(rule.b, [N]), f64(rule.y.flat(), [N, 2])] as const;
  const options = { blur: fx.blur, scaling: 0.7, tol: 1e-13 };
  const S = await (await samplesLoss(options)(...args())).item();
  const { plan, f, g } = await transportPlan(options)(...args());
  const [fa, gb] = [await read(f), await read(g)];
  const ot = rule.a.reduce((s, w, i) => s + w * fa[i]!, 0) + rule.b.reduce((s, w, j) => s + w * gb[j]!, 0);
  // E_pi[(x - m_a)(y - m_b)^T] = sum_i (x_i - m_a) (sum_j pi_ij (y_j - m_b))^T.
  const centred = f64(
    rule.y.flatMap((p) => p.map((v, d) => v - fx.mean_b[d]!)),
    [N, 2],
  );
  const rows = await read(plan.mul(Vj(centred)).sum('j'));
  let cross = 0;
  for (let d = 0; d < 2; d++)
    for (let e = 0; e < 2; e++) {
      let c = 0;
      for (let i = 0; i < N; i++) c += (rule.x[i]![d]! - fx.mean_a[d]!) * rows[2 * i + e]!;
      cross = Math.max(cross, Math.abs(c - fx.cross_covariance[d]![e]!));
    }
  return {
    ot: Math.abs(ot - fx.ot_ab) / fx.ot_ab,
    S: Math.abs(S - fx.divergence) / fx.divergence,
    cross: cross / Math.max(...fx.cross_covariance.flat().map(Math.abs)),
  };
}

describe('Gaussians: discretized values converge to the closed form', () => {
  it('raw OT_eps, S_eps and the plan cross-covariance, n = 6, 10, 14 points per axis', async () => {
    const errs = [];
    for (const rule of fx.rules) errs.push(await errors(rule));
    // Measured: ot 8.4e-5, 2.5e-7, 7.8e-10 (a dense NumPy Sinkhorn on the same rules gives the same digits); S 1.6e-4,
    // 1.5e-6, 1.2e-8; cross 2.5e-3, 1.3e-5, 5.5e-8. The bounds leave a factor ~4 above those.
    const finest = { ot: 3e-9, S: 5e-8, cross: 2e-7 };
    for (const key of ['ot', 'S', 'cross'] as const) {
      // Errors shrink by orders of magnitude with n (the test sees the quadrature error) ...
      expect(errs[0]![key], key).toBeGreaterThan(10 * errs[1]![key]);
      expect(errs[1]![key], key).toBeGreaterThan(10 * errs[2]![key]);
      // ... down to the finest rule (196 points).
      expect(errs[2]![key], key).toBeLessThan(finest[key]);
    }
  });
});
