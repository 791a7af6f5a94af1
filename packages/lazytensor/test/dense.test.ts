/**
 * Dense tensor ops: elementwise arithmetic and math with NumPy broadcasting, comparisons, where,
 * and the numeric-axis reductions, against float64 loops written here; gradients against central
 * finite differences of those loops.
 */
import { describe, expect, it } from 'vitest';
import { grad, type Tensor, tensor, where } from '../src/index.js';
import { expectClose, f32, f64, finiteDiff, normal, read, rng, uniform } from './helpers.js';

type Shape = number[];
const size = (s: Shape) => s.reduce((a, b) => a * b, 1);

/** NumPy broadcast of shapes. */
function bshape(...shapes: Shape[]): Shape {
  const rank = Math.max(...shapes.map((s) => s.length));
  return Array.from({ length: rank }, (_, k) => Math.max(...shapes.map((s) => s[s.length - rank + k] ?? 1)));
}

/** Flat index into an operand of `shape` for the flat output index `o` of `out`. */
function bindex(out: Shape, shape: Shape, o: number): number {
  let idx = 0;
  let stride = 1;
  for (let k = out.length - 1; k >= 0; k--) {
    const c = o % out[k]!;
    o = Math.floor(o / out[k]!);
    const d = shape[shape.length - out.length + k];
    if (d !== undefined && d !== 1) idx += c * stride;
    if (d !== undefined) stride *= d;
  }
  return idx;
}

/** Elementwise float64 evaluation with broadcasting. */
function evalBroadcast(fn: (...v: number[]) => number, data: Float64Array[], shapes: Shape[]): Float64Array {
  const out = bshape(...shapes);
  return Float64Array.from({ length: size(out) }, (_, o) =>
    fn(...data.map((d, k) => d[bindex(out, shapes[k]!, o)]!)),
  );
}

const BINARY: Record<
  string,
  { op: (a: Tensor, b: Tensor) => Tensor; fn: (a: number, b: number) => number; pos?: boolean }
> = {
  add: { op: (a, b) => a.add(b), fn: (a, b) => a + b },
  sub: { op: (a, b) => a.sub(b), fn: (a, b) => a - b },
  mul: { op: (a, b) => a.mul(b), fn: (a, b) => a * b },
  div: { op: (a, b) => a.div(b), fn: (a, b) => a / b, pos: true },
  pow: { op: (a, b) => a.pow(b), fn: (a, b) => a ** b, pos: true },
  atan2: { op: (a, b) => a.atan2(b), fn: Math.atan2 },
  minimum: { op: (a, b) => a.minimum(b), fn: Math.min },
  maximum: { op: (a, b) => a.maximum(b), fn: Math.max },
};

const SHAPES: [Shape, Shape][] = [
  [
    [4, 5],
    [4, 5],
  ],
  [[4, 5], [5]],
  [
    [3, 1, 5],
    [4, 1],
  ],
  [[2, 3, 70], [70]],
  [
    [2, 70, 3],
    [2, 1, 3],
  ],
  [[6], []],
  [[], [3, 2]],
];

describe('elementwise binary ops with broadcasting (float64)', () => {
  for (const [name, c] of Object.entries(BINARY))
    it.each(SHAPES)(`${name}: [%j] with [%j], value and gradients`, async (sa, sb) => {
      const r = rng();
      const [lo, hi] = c.pos ? [0.5, 2] : [-1, 1];
      const a = uniform(r, size(sa), lo, hi);
      const b = uniform(r, size(sb), lo, hi);
      const [at, bt] = [f64(a, sa, true), f64(b, sb, true)];
      const out = c.op(at, bt);
      expect(out.shape).toEqual(bshape(sa, sb));
      expectClose(
        await read(out),
        evalBroadcast(c.fn, [a, b], [sa, sb]),
        { rtol: 1e-15, atol: 1e-15 },
        'value',
      );
      const w = normal(r, out.size);
      const [ga, gb] = grad(out, [at, bt], f64(w, out.shape));
      const L = (aa: Float64Array, bb: Float64Array) =>
        evalBroadcast(c.fn, [aa, bb], [sa, sb]).reduce((s, v, k) => s + v * w[k]!, 0);
      expect(ga!.shape).toEqual(sa);
      expect(gb!.shape).toEqual(sb);
      expectClose(
        await read(ga!),
        finiteDiff((p) => L(p, b), a, 1e-6),
        { atol: 1e-7, rtol: 1e-6 },
        'd/da',
      );
      expectClose(
        await read(gb!),
        finiteDiff((p) => L(a, p), b, 1e-6),
        { atol: 1e-7, rtol: 1e-6 },
        'd/db',
      );
    });
});

const UNARY: Record<string, { op: (a: Tensor) => Tensor; fn: (a: number) => number; pos?: boolean }> = {
  neg: { op: (a) => a.neg(), fn: (a) => -a },
  abs: { op: (a) => a.abs(), fn: Math.abs },
  exp: { op: (a) => a.exp(), fn: Math.exp },
  log: { op: (a) => a.log(), fn: Math.log, pos: true },
  sqrt: { op: (a) => a.sqrt(), fn: Math.sqrt, pos: true },
  rsqrt: { op: (a) => a.rsqrt(), fn: (a) => 1 / Math.sqrt(a), pos: true },
  square: { op: (a) => a.square(), fn: (a) => a * a },
  relu: { op: (a) => a.relu(), fn: (a) => Math.max(0, a) },
  sigmoid: { op: (a) => a.sigmoid(), fn: (a) => 1 / (1 + Math.exp(-a)) },
  sign: { op: (a) => a.sign(), fn: Math.sign },
  step: { op: (a) => a.step(), fn: (a) => (a >= 0 ? 1 : 0) },
  sin: { op: (a) => a.sin(), fn: Math.sin },
  cos: { op: (a) => a.cos(), fn: Math.cos },
  floor: { op: (a) => a.mul(4).floor(), fn: (a) => Math.floor(4 * a) },
  'round(1)': { op: (a) => a.round(1), fn: (a) => (Math.sign(a) * Math.round(Math.abs(a) * 10)) / 10 },
  'pow 3': { op: (a) => a.pow(3), fn: (a) => a ** 3 },
  'pow 0.7': { op: (a) => a.pow(0.7), fn: (a) => a ** 0.7, pos: true },
  'clamp(-0.25, 0.5)': { op: (a) => a.clamp(-0.25, 0.5), fn: (a) => Math.min(0.5, Math.max(-0.25, a)) },
  'mul 0.3 add 2 (number operands)': { op: (a) => a.mul(0.3).add(2), fn: (a) => a * 0.3 + 2 },
  'sub from 1 div 0.5': { op: (a) => a.sub(1).div(0.5), fn: (a) => (a - 1) / 0.5 },
  'mul by 0': { op: (a) => a.mul(0), fn: () => 0 },
};

describe('elementwise unary ops (float64 and float32)', () => {
  it.each(Object.entries(UNARY))('%s', async (_name, c) => {
    const r = rng();
    const shape = [3, 7];
    const a = uniform(r, 21, ...((c.pos ? [0.5, 2] : [-1, 1]) as [number, number]));
    const at = f64(a, shape, true);
    const out = c.op(at);
    const want = Float64Array.from(a, c.fn);
    expectClose(await read(out), want, { atol: 1e-15, rtol: 1e-15 }, 'float64 value');
    const a32 = Float64Array.from(Float32Array.from(a));
    expectClose(
      await read(c.op(f32(a32, shape))),
      Float64Array.from(a32, c.fn),
      { atol: 2e-7, rtol: 2e-7 },
      'float32 value',
    );
    const w = normal(r, 21);
    const [ga] = grad(out, [at], f64(w, shape), { allowUnused: true });
    const fd = finiteDiff((p) => Float64Array.from(p, c.fn).reduce((s, v, k) => s + v * w[k]!, 0), a, 1e-7);
    expectClose(ga ? await read(ga) : new Float64Array(21), fd, { atol: 1e-6, rtol: 1e-6 }, 'gradient');
  });
});

describe('comparisons and where', () => {
  it('lt le gt ge eq ne give 0/1 of the input dtype; where selects with broadcasting', async () => {
    const r = rng();
    const a = Float64Array.from({ length: 12 }, () => r.int(-2, 3));
    const b = Float64Array.from({ length: 4 }, () => r.int(-2, 3));
    const [at, bt] = [f64(a, [3, 4]), f64(b, [4])];
    const cmp: [string, Tensor, (x: number, y: number) => boolean][] = [
      ['lt', at.lt(bt), (x, y) => x < y],
      ['le', at.le(bt), (x, y) => x <= y],
      ['gt', at.gt(bt), (x, y) => x > y],
      ['ge', at.ge(bt), (x, y) => x >= y],
      ['eq', at.eq(bt), (x, y) => x === y],
      ['ne', at.ne(bt), (x, y) => x !== y],
    ];
    for (const [name, t, fn] of cmp) {
      expect(t.dtype).toBe('float64');
      expectClose(
        await read(t),
        evalBroadcast((x, y) => +fn(x, y), [a, b], [[3, 4], [4]]),
        {},
        name,
      );
    }
    const xv = normal(r, 12);
    const xt = f64(xv, [3, 4], true);
    const sel = where(at.lt(bt), xt, 7.5);
    expectClose(
      await read(sel),
      evalBroadcast((p, q, v) => (p < q ? v : 7.5), [a, b, xv], [[3, 4], [4], [3, 4]]),
      {},
      'where',
    );
    const [g] = grad(sel.sum(), [xt]);
    expectClose(
      await read(g!),
      evalBroadcast((p, q) => +(p < q), [a, b], [[3, 4], [4]]),
      {},
      'where gradient',
    );
  });
});

describe('reductions over numeric axes', () => {
  const cases: [Shape, number | undefined][] = [
    [[5, 7], 1],
    [[5, 7], 0],
    [[4, 100], 1],
    [[3, 80, 2], 1],
    [[2, 3, 90], 1],
    [[6, 4, 3], 2],
    [[3, 4, 5], undefined],
    [[200], 0],
  ];
  const ref = (
    kind: 'sum' | 'mean' | 'max' | 'min',
    x: Float64Array,
    shape: Shape,
    axis: number | undefined,
  ) => {
    const ax = axis ?? 0;
    const s = axis === undefined ? [x.length] : shape;
    const A = size(s.slice(0, ax));
    const R = s[ax]!;
    const B = size(s.slice(ax + 1));
    const out = new Float64Array(A * B);
    for (let a = 0; a < A; a++)
      for (let b = 0; b < B; b++) {
        const vals = Array.from({ length: R }, (_, k) => x[(a * R + k) * B + b]!);
        out[a * B + b] =
          kind === 'max'
            ? Math.max(...vals)
            : kind === 'min'
              ? Math.min(...vals)
              : vals.reduce((p, q) => p + q, 0) / (kind === 'mean' ? R : 1);
      }
    return out;
  };
  for (const kind of ['sum', 'mean', 'max', 'min'] as const)
    it.each(cases)(
      `${kind} of [%j] along axis %s: value, keepDims shape and gradient`,
      async (shape, axis) => {
        const r = rng();
        const x = normal(r, size(shape));
        const xt = f64(x, shape, true);
        const out = xt[kind](axis);
        const kept = xt[kind](axis, { keepDims: true });
        const want = ref(kind, x, shape, axis);
        expect(out.shape).toEqual(axis === undefined ? [] : shape.filter((_, k) => k !== axis));
        expect(kept.shape).toEqual(shape.map((d, k) => (axis === undefined || k === axis ? 1 : d)));
        expectClose(await read(out), want, { atol: 1e-13, rtol: 1e-13 }, 'value');
        const w = normal(r, out.size);
        const [g] = grad(out, [xt], f64(w, out.shape));
        const fd = finiteDiff(
          (p) => ref(kind, p, shape, axis).reduce((s, v, k) => s + v * w[k]!, 0),
          x,
          1e-6,
        );
        expectClose(await read(g!), fd, { atol: 1e-7, rtol: 1e-6 }, 'gradient');
      },
    );

  it('float32 sums of 10^5 terms keep float32 accuracy (block summation)', async () => {
    const r = rng();
    const x = Float64Array.from(Float32Array.from(uniform(r, 100_000, 0, 1)));
    const s = await tensor(Float32Array.from(x)).sum().item();
    const want = x.reduce((a, b) => a + b, 0);
    // Plain sequential float32 accumulation drifts by ~1e-4 relative here; blocks stay near 1e-7.
    expect(Math.abs(s - want) / want).toBeLessThan(1e-6);
  });

  it('ties share the gradient of max equally', async () => {
    const xt = tensor([1, 3, 3, 2], undefined, { dtype: 'float64', requiresGrad: true });
    const [g] = grad(xt.max(), [xt]);
    expectClose(await read(g!), [0, 0.5, 0.5, 0], {});
  });

  it('an empty sum is 0, an empty max is an error', async () => {
    const t = f64(new Float64Array(0), [3, 0]);
    expectClose(await read(t.sum(1)), [0, 0, 0], {});
    expect(() => t.max(1)).toThrow(/size 0/);
  });
});
