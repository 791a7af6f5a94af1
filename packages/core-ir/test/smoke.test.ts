import { describe, expect, it } from 'vitest';
import { exp, grad, lowerKernel, mul, floatCst, referenceRun, reductionSpec, sqDist, variable, Reduction, minus, diff } from '../src/index.js';

describe('smoke', () => {
  it('gaussian', () => {
    const x = variable(0, 3, 'i');
    const y = variable(1, 3, 'j');
    const b = variable(2, 1, 'j');
    const f = mul(exp(mul(floatCst(-0.5), sqDist(x, y))), b);
    const spec = reductionSpec({ formula: f, reduction: Reduction.Sum, axis: 'j', dtype: 'float64' });
    const prog = lowerKernel(spec);
    console.log(JSON.stringify(prog).slice(0, 2000));
    const out = referenceRun(spec, { args: [new Float64Array([0, 0, 0, 1, 1, 1]), new Float64Array([0, 0, 0]), new Float64Array([2])], nx: 2, ny: 1 });
    expect(out[0]![0]).toBeCloseTo(2);
    const g = grad(f, x, variable(3, 1, 'i'));
    console.log(g.key, g.dim);
    const d = diff(f, x, variable(4, 3, 'i'));
    console.log(d.dim);
    for (const r of Object.values(Reduction)) {
      const s = reductionSpec({ formula: r.includes('LogSum') || r.includes('Soft') ? sqDist(x,y) : minus(x), reduction: r, axis: 'j', ...(r.includes('K') ? {k: 3} : {}), ...(r === 'SumSoftMaxWeight' ? { weight: y } : {}) });
      const p = lowerKernel(s);
      expect(p.pair.length).toBeGreaterThan(0);
    }
  });
});
