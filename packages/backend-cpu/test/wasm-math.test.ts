/**
 * Accuracy of the WebAssembly path's float32 math (vectorised exp, log, sin, cos; sqrt and rsqrt
 * from f32x4.sqrt) against float64 `Math`, over the whole float32 range: a sweep of every 1021st
 * bit pattern (about 4.2 million values, all exponents and both signs, subnormals included) plus
 * the special values. Each op runs through the real generated kernel (a Sum over one j, whose
 * `0 + f(x)` is exact). Errors are in float32 ulps of the float64 result (subnormal ulp 2^-149
 * below 2^-126); results whose float64 value rounds to 0, inf or NaN in float32 must equal that
 * rounding exactly (NaN in -> NaN out, exp(-inf) = 0, exp(+inf) = inf, log(0) = -inf,
 * log(x < 0) = NaN, sin(inf) = NaN, ...). The bounds are the measured maxima (README table),
 * rounded up.
 */
import {
  cos,
  exp,
  type Formula,
  log,
  Reduction,
  reductionSpec,
  rsqrt,
  sin,
  sqrt,
  variable,
} from '@symtensor/core-ir';
import { afterAll, describe, expect, it } from 'vitest';
import { cpu } from '../src/index.js';

const X = variable(0, 1, 'i');
const OPS: { name: string; formula: Formula; ref: (x: number) => number; maxUlp: number }[] = [
  { name: 'exp', formula: exp(X), ref: Math.exp, maxUlp: 2 },
  { name: 'log', formula: log(X), ref: Math.log, maxUlp: 2 },
  { name: 'sin', formula: sin(X), ref: Math.sin, maxUlp: 3 },
  { name: 'cos', formula: cos(X), ref: Math.cos, maxUlp: 2 },
  { name: 'sqrt', formula: sqrt(X), ref: Math.sqrt, maxUlp: 0.5 },
  { name: 'rsqrt', formula: rsqrt(X), ref: (x) => (x === 0 ? 0 : 1 / Math.sqrt(x)), maxUlp: 1.5 },
];

function sweep(): Float32Array {
  const bits = new Uint32Array(2 ** 32 / 1021 + 16);
  let n = 0;
  for (let b = 0; b < 2 ** 32; b += 1021) bits[n++] = b;
  // Specials and edges: 0, -0, inf, -inf, NaN, smallest subnormal, largest finite, 1, -1.
  for (const b of [0, 0x80000000, 0x7f800000, 0xff800000, 0x7fc00000, 1, 0x7f7fffff, 0x3f800000, 0xbf800000])
    bits[n++] = b;
  return new Float32Array(bits.buffer, 0, n);
}

/** Float32 ulp at the magnitude of the float64 value v. */
function ulp(v: number): number {
  const a = Math.abs(v);
  if (a < 2 ** -126) return 2 ** -149;
  return 2 ** (Math.floor(Math.log2(a)) - 23);
}

describe('float32 math of the WebAssembly path vs float64', () => {
  const backend = cpu({ engine: 'wasm', threads: 0 });
  afterAll(() => backend.dispose());
  const xs = sweep();
  for (const op of OPS) {
    it(`${op.name}: at most ${op.maxUlp} ulp, special values exact`, async () => {
      const spec = reductionSpec({
        formula: op.formula,
        reduction: Reduction.Sum,
        axis: 'j',
        dtype: 'float32',
      });
      expect(backend.kernelEngine(spec).engine).toBe('wasm');
      const arg = backend.upload(xs);
      const [out] = backend.run(spec, { args: [arg], nx: xs.length, ny: 1 });
      const got = (await backend.download(out!)) as Float32Array;
      backend.free(arg);
      let worst = 0;
      let at = 0;
      for (let k = 0; k < xs.length; k++) {
        const want = op.ref(xs[k]!);
        const rounded = Math.fround(want);
        const have = got[k]!;
        if (Number.isNaN(rounded) || !Number.isFinite(rounded) || rounded === 0) {
          // Exact where float32 cannot represent the value (tiny results may be the smallest subnormal).
          const ok = Number.isNaN(rounded)
            ? Number.isNaN(have)
            : rounded === 0
              ? Math.abs(have) <= 2 ** -149
              : have === rounded;
          if (!ok) expect.fail(`${op.name}(${xs[k]}) = ${have}, float64 ${want}`);
          continue;
        }
        const err = Math.abs(have - want) / ulp(want);
        if (!(err <= worst)) {
          worst = err;
          at = xs[k]!;
        }
      }
      console.log(`${op.name}: max ${worst.toFixed(3)} ulp at x = ${at}`);
      expect(worst, `${op.name} worst at x = ${at}`).toBeLessThanOrEqual(op.maxUlp);
    });
  }
});
