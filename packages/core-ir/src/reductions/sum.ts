import { Alu } from '../lower/program.js';
import { Reduction, type ReductionDef } from './types.js';

/** Sum over the reduction index, componentwise, in the accumulator dtype. Empty range: 0. */
export const sumReduction: ReductionDef = {
  name: Reduction.Sum,
  weight: 'none',
  scalarFormula: false,
  usesK: false,
  outputs: ({ D }) => [{ dim: D, type: 'f' }],
  reference: (values, _w, _idx, { D }) => {
    const out = new Float64Array(D);
    for (const v of values) for (let d = 0; d < D; d++) out[d]! += v[d]!;
    return [out];
  },
  state: ({ D }) => [{ size: D, ty: 'acc' }],
  init: (r) => r.ctx.each(r.sizes.D, (k) => r.setSt(0, 0, k, r.ctx.num(0))),
  fold: (r, value) =>
    r.ctx.each(r.sizes.D, (k) =>
      r.setSt(0, 0, k, r.ctx.alu(Alu.Add, r.st(0, 0, k), { t: 'cast', to: 'acc', e: r.ctx.at(value, k) })),
    ),
  merge: (r) =>
    r.ctx.each(r.sizes.D, (k) => r.setSt(0, 0, k, r.ctx.alu(Alu.Add, r.st(0, 0, k), r.st(0, 1, k)))),
  finalize: (r) => r.ctx.each(r.sizes.D, (k) => r.out(0, k, { t: 'cast', to: 'f', e: r.st(0, 0, k) })),
};
