/**
 * Every LazyTensor operation: the Sum over j of a formula of x_i, y_j (D = 3) against the same
 * formula evaluated pair by pair in float64 in this file, and the gradient w.r.t. x (contracted
 * with a random c) against central finite differences of that float64 evaluation.
 */
import { describe, expect, it } from 'vitest';
import { grad, type LazyTensor, Pm, tensor, Vi, Vj } from '../src/index.js';
import { expectClose, f64, finiteDiff, normal, read, rng, uniform } from './helpers.js';

type V = number[];
interface Case {
  build: (X: LazyTensor, Y: LazyTensor) => LazyTensor;
  ref: (x: V, y: V) => V;
  /** Range of the data (default [-1, 1)). */
  range?: [number, number];
}

const D = 3;
const A23 = [0.3, -1.2, 0.7, 2.1, -0.4, 0.9]; // a 2 x 3 matrix, row-major
const S9 = [1.5, 0.2, -0.1, 0.2, 0.8, 0.3, -0.1, 0.3, 1.1]; // a 3 x 3 weight matrix
const map =
  (f: (a: number) => number) =>
  (x: V): V =>
    x.map(f);
const zip =
  (f: (a: number, b: number) => number) =>
  (x: V, y: V): V =>
    x.map((a, k) => f(a, y[k]!));
const sumOf = (v: V) => v.reduce((a, b) => a + b, 0);
const roundHalfAway = (v: number, d: number) => (Math.sign(v) * Math.round(Math.abs(v) * 10 ** d)) / 10 ** d;
const clampTo = (a: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, a));
const pos: [number, number] = [0.3, 2];

const CASES: Record<string, Case> = {
  add: { build: (X, Y) => X.add(Y), ref: zip((a, b) => a + b) },
  sub: { build: (X, Y) => X.sub(Y), ref: zip((a, b) => a - b) },
  mul: { build: (X, Y) => X.mul(Y), ref: zip((a, b) => a * b) },
  div: { build: (X, Y) => X.div(Y), ref: zip((a, b) => a / b), range: pos },
  'mul by a float number (parameter)': { build: (X) => X.mul(0.37), ref: map((a) => a * 0.37) },
  'add an integer (constant)': { build: (X) => X.add(3), ref: map((a) => a + 3) },
  'add a tensor (parameter)': {
    build: (X) => X.add(tensor([0.5, -1, 2], [3], { dtype: 'float64' })),
    ref: (x) => x.map((a, k) => a + [0.5, -1, 2][k]!),
  },
  neg: { build: (X) => X.neg(), ref: map((a) => -a) },
  abs: { build: (X) => X.abs(), ref: map(Math.abs) },
  inv: { build: (X) => X.inv(), ref: map((a) => 1 / a), range: pos },
  exp: { build: (X, Y) => X.sub(Y).exp(), ref: zip((a, b) => Math.exp(a - b)) },
  log: { build: (X) => X.log(), ref: map(Math.log), range: pos },
  xlogx: { build: (X) => X.xlogx(), ref: map((a) => a * Math.log(a)), range: pos },
  sqrt: { build: (X) => X.sqrt(), ref: map(Math.sqrt), range: pos },
  rsqrt: { build: (X) => X.rsqrt(), ref: map((a) => 1 / Math.sqrt(a)), range: pos },
  square: { build: (X) => X.square(), ref: map((a) => a * a) },
  'pow 3 (integer)': { build: (X, Y) => X.add(Y).pow(3), ref: zip((a, b) => (a + b) ** 3) },
  'pow 0.5': { build: (X) => X.pow(0.5), ref: map(Math.sqrt), range: pos },
  'pow 1.7 (Powf)': { build: (X) => X.pow(1.7), ref: map((a) => a ** 1.7), range: pos },
  'pow LazyTensor': { build: (X, Y) => X.pow(Y), ref: zip((a, b) => a ** b), range: pos },
  relu: { build: (X, Y) => X.sub(Y).relu(), ref: zip((a, b) => Math.max(0, a - b)) },
  step: { build: (X, Y) => X.sub(Y).step().mul(Y), ref: zip((a, b) => (a - b >= 0 ? b : 0)) },
  sign: { build: (X, Y) => X.sign().mul(Y), ref: zip((a, b) => Math.sign(a) * b) },
  sin: { build: (X) => X.sin(), ref: map(Math.sin) },
  cos: { build: (X) => X.cos(), ref: map(Math.cos) },
  asin: { build: (X) => X.mul(0.9).asin(), ref: map((a) => Math.asin(0.9 * a)) },
  acos: { build: (X) => X.mul(0.9).acos(), ref: map((a) => Math.acos(0.9 * a)) },
  atan: { build: (X) => X.atan(), ref: map(Math.atan) },
  atan2: { build: (X, Y) => X.atan2(Y), ref: zip(Math.atan2) },
  sinxdivx: { build: (X) => X.mul(3).sinxdivx(), ref: map((a) => Math.sin(3 * a) / (3 * a)) },
  sinc: { build: (X) => X.sinc(), ref: map((a) => Math.sin(Math.PI * a) / (Math.PI * a)) },
  floor: { build: (X) => X.mul(5).floor().mul(X), ref: map((a) => Math.floor(5 * a) * a) },
  'round(2)': { build: (X) => X.round(2), ref: map((a) => roundHalfAway(a, 2)) },
  'clamp (float bounds)': { build: (X) => X.clamp(-0.3, 0.4), ref: map((a) => clampTo(a, -0.3, 0.4)) },
  'clamp (integer bounds)': { build: (X) => X.mul(3).clamp(-1, 2), ref: map((a) => clampTo(3 * a, -1, 2)) },
  ifelse: { build: (X, Y) => X.ifelse(Y, X.mul(2)), ref: zip((a, b) => (a >= 0 ? b : 2 * a)) },
  mod: { build: (X) => X.mod(0.7, 0.1), ref: map((a) => a - 0.7 * Math.floor((a - 0.1) / 0.7)) },
  'comparisons lt le gt ge eq ne': {
    build: (X, Y) =>
      X.lt(Y)
        .add(X.le(Y).mul(2))
        .add(X.gt(Y).mul(4))
        .add(X.ge(Y).mul(8))
        .add(X.eq(X).mul(16))
        .add(X.ne(Y).mul(32)),
    ref: zip((a, b) => +(a < b) + 2 * +(a <= b) + 4 * +(a > b) + 8 * +(a >= b) + 16 + 32 * +(a !== b)),
  },
  sqdist: { build: (X, Y) => X.sqdist(Y), ref: (x, y) => [sumOf(x.map((a, k) => (a - y[k]!) ** 2))] },
  sqnorm2: { build: (X, Y) => X.sub(Y).sqnorm2(), ref: (x, y) => [sumOf(x.map((a, k) => (a - y[k]!) ** 2))] },
  norm2: {
    build: (X, Y) => X.sub(Y).norm2(),
    ref: (x, y) => [Math.sqrt(sumOf(x.map((a, k) => (a - y[k]!) ** 2)))],
  },
  normalize: {
    build: (X, Y) => X.sub(Y).normalize(),
    ref: (x, y) => {
      const d = x.map((a, k) => a - y[k]!);
      const n = Math.sqrt(sumOf(d.map((v) => v * v)));
      return d.map((v) => v / n);
    },
  },
  dot: { build: (X, Y) => X.dot(Y), ref: (x, y) => [sumOf(x.map((a, k) => a * y[k]!))] },
  'weightedsqnorm (isotropic)': {
    build: (X) => X.weightedsqnorm(Pm(1.7)),
    ref: (x) => [1.7 * sumOf(x.map((a) => a * a))],
  },
  'weightedsqnorm (diagonal)': {
    build: (X, Y) => X.weightedsqnorm(Y.square()),
    ref: (x, y) => [sumOf(x.map((a, k) => y[k]! ** 2 * a * a))],
  },
  'weightedsqdist (full)': {
    build: (X, Y) => X.weightedsqdist(Y, Pm(S9)),
    ref: (x, y) => {
      const d = x.map((a, k) => a - y[k]!);
      let s = 0;
      for (let k = 0; k < 3; k++) for (let l = 0; l < 3; l++) s += S9[k * 3 + l]! * d[k]! * d[l]!;
      return [s];
    },
  },
  elem: { build: (X) => X.elem(1), ref: (x) => [x[1]!] },
  extract: { build: (X) => X.extract(1, 2), ref: (x) => x.slice(1, 3) },
  concat: { build: (X, Y) => X.concat(Y.square()), ref: (x, y) => [...x, ...y.map((b) => b * b)] },
  onehot: {
    build: (X, Y) => X.elem(0).add(1).mul(1.9).onehot(4).mul(Y.elem(2)),
    ref: (x, y) => {
      const v = [0, 0, 0, 0];
      const at = Math.floor((x[0]! + 1) * 1.9 + 0.5);
      if (at >= 0 && at < 4) v[at] = y[2]!;
      return v;
    },
  },
  vsum: { build: (X, Y) => X.mul(Y).vsum(), ref: (x, y) => [sumOf(x.map((a, k) => a * y[k]!))] },
  vmax: { build: (X, Y) => X.sub(Y).vmax(), ref: (x, y) => [Math.max(...x.map((a, k) => a - y[k]!))] },
  vmin: { build: (X, Y) => X.sub(Y).vmin(), ref: (x, y) => [Math.min(...x.map((a, k) => a - y[k]!))] },
  vargmax: {
    build: (X, Y) => X.sub(Y).vargmax(),
    ref: (x, y) => {
      const d = x.map((a, k) => a - y[k]!);
      return [d.indexOf(Math.max(...d))];
    },
  },
  vargmin: {
    build: (X, Y) => X.sub(Y).vargmin(),
    ref: (x, y) => {
      const d = x.map((a, k) => a - y[k]!);
      return [d.indexOf(Math.min(...d))];
    },
  },
  matvecmult: {
    build: (X) => Pm(A23).matvecmult(X),
    ref: (x) => [0, 1].map((r) => sumOf(x.map((a, k) => A23[r * 3 + k]! * a))),
  },
  vecmatmult: {
    build: (X, Y) => X.elem(0).concat(Y.elem(1)).vecmatmult(Pm(A23)),
    ref: (x, y) => [0, 1, 2].map((c) => x[0]! * A23[c]! + y[1]! * A23[3 + c]!),
  },
  tensorprod: { build: (X, Y) => X.tensorprod(Y), ref: (x, y) => x.flatMap((a) => y.map((b) => a * b)) },
  tensordot: {
    build: (X) => X.tensordot(Pm(A23), [3], [2, 3], [0], [1]),
    ref: (x) => [0, 1].map((r) => sumOf(x.map((a, k) => A23[r * 3 + k]! * a))),
  },
};

describe('LazyTensor operations against a float64 pair-by-pair evaluation', () => {
  const [N, M] = [7, 5];
  it.each(Object.entries(CASES))('%s: value of the Sum over j, and gradient w.r.t. x', async (_name, c) => {
    const r = rng();
    const [lo, hi] = c.range ?? [-1, 1];
    const x = uniform(r, N * D, lo, hi);
    const y = uniform(r, M * D, lo, hi);
    const xt = f64(x, [N, D], true);
    const Y = Vj(f64(y, [M, D]));
    // Adding 0 * y keeps the j variable (and so M) in formulas that do not read y.
    const F = c.build(Vi(xt), Y).add(Y.mul(0).vsum());
    const dense = (xx: Float64Array) => {
      const rows: number[][] = [];
      for (let i = 0; i < N; i++) {
        let acc: number[] | undefined;
        for (let j = 0; j < M; j++) {
          const v = c.ref(
            Array.from(xx.subarray(i * D, i * D + D)),
            Array.from(y.subarray(j * D, j * D + D)),
          );
          acc = acc ? acc.map((a, k) => a + v[k]!) : v;
        }
        rows.push(acc!);
      }
      return Float64Array.from(rows.flat());
    };
    const want = dense(x);
    const out = F.sum('j');
    expect(out.shape).toEqual([N, F.dim]);
    expectClose(await read(out), want, { atol: 1e-12, rtol: 1e-12 }, 'value');
    const cw = normal(r, want.length);
    if (!xt.requiresGrad || !out.requiresGrad) return;
    const [gx] = grad(out, [xt], f64(cw, out.shape), { allowUnused: true });
    const L = (xx: Float64Array) => dense(xx).reduce((s, v, k) => s + v * cw[k]!, 0);
    const fd = finiteDiff(L, x, 1e-6);
    expectClose(gx ? await read(gx) : new Float64Array(x.length), fd, { atol: 1e-6, rtol: 1e-6 }, 'd/dx');
  });
});
