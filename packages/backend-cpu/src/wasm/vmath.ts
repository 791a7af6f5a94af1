/**
 * Vectorised float32 exp, log, sin and cos as inline WebAssembly SIMD (f32x4), emitted into the
 * kernel body where the program uses them (a call per pair would cost more than the polynomial).
 * Range reduction and polynomials follow Cephes' expf / logf / sinf / cosf, computed in float32.
 * Special values follow the float64 reference exactly: NaN in gives NaN, exp(-inf) = 0,
 * exp(+inf) = inf, log(0) = -inf, log(x < 0) = NaN, log(inf) = inf, sin/cos(+-inf) = NaN.
 * Errors against float64 are measured in `test/wasm-math.test.ts` and listed in the README.
 *
 * Each emitter expects the argument on the stack and leaves the result there.
 */
import { type FuncBuilder, Op, Simd, VOID } from './encoder.js';

/** A v128 constant of four equal float32 lanes. */
export function f32x4(f: FuncBuilder, v: number): FuncBuilder {
  const b = new Uint8Array(16);
  const view = new DataView(b.buffer);
  for (let l = 0; l < 4; l++) view.setFloat32(4 * l, v, true);
  return f.v128(b);
}

/** A v128 constant of four equal int32 lanes. */
export function i32x4(f: FuncBuilder, v: number): FuncBuilder {
  const b = new Uint8Array(16);
  const view = new DataView(b.buffer);
  for (let l = 0; l < 4; l++) view.setInt32(4 * l, v, true);
  return f.v128(b);
}

/** A v128 constant of two equal float64 lanes. */
export function f64x2(f: FuncBuilder, v: number): FuncBuilder {
  const b = new Uint8Array(16);
  const view = new DataView(b.buffer);
  for (let l = 0; l < 2; l++) view.setFloat64(8 * l, v, true);
  return f.v128(b);
}

/** Horner evaluation of `coeffs` (highest degree first) at the v128 local `z`. */
function horner(f: FuncBuilder, z: number, coeffs: readonly number[]): void {
  f32x4(f, coeffs[0]!);
  for (const c of coeffs.slice(1)) {
    f.get(z).simd(Simd.f32x4Mul);
    f32x4(f, c).simd(Simd.f32x4Add);
  }
}

/**
 * exp, as a short dependency chain (the Gaussian and LogSumExp kernels are bound by its latency
 * more than by its instruction count):
 * - x clamped to [-104, 89] (beyond, the result is 0 or inf anyway; `pmin` / `pmax` with x first
 *   keep a NaN, at one instruction each where `min` / `max` take several);
 * - n = nearest(x log2 e) (`f32x4.nearest`, one instruction), r = x - n ln 2 in two parts
 *   (Cody-Waite: n C1 is exact, C1 having 9 significant bits);
 * - exp(r) = 1 + r + r^2 q(r), q of degree 4 fitted for the least relative error on
 *   [-ln2/2, ln2/2] (`bench/fit-exp.py`), evaluated by Estrin's scheme (two multiplications deep
 *   where Horner takes four multiply-add steps); r^2 q + r is formed before adding 1, so the
 *   result rounds once at the end;
 * - times 2^floor(n/2), then times 2^ceil(n/2): both factors are normal for every clamped x, so
 *   subnormal results round once, n = 128 still overflows to inf, and a NaN stays NaN. The
 *   factors' bits come from n + 1.5 * 2^23 + 254, whose low mantissa bits hold n + 254.
 * Measured over the whole float32 range in `test/wasm-math.test.ts` (README table).
 */
export function expF32(f: FuncBuilder): void {
  const x = f.local('v128');
  const n = f.local('v128');
  const nb = f.local('v128');
  const half = f.local('v128');
  const r = f.local('v128');
  const r2 = f.local('v128');
  f32x4(f, -104).simd(Simd.f32x4Pmax);
  f32x4(f, 89).simd(Simd.f32x4Pmin).tee(x);
  f32x4(f, Math.LOG2E).simd(Simd.f32x4Mul).simd(Simd.f32x4Nearest).set(n);
  // r = (x - n C1) - n C2
  f.get(x).get(n);
  f32x4(f, 0.693359375).simd(Simd.f32x4Mul).simd(Simd.f32x4Sub);
  f.get(n);
  f32x4(f, -2.1219444e-4).simd(Simd.f32x4Mul).simd(Simd.f32x4Sub).tee(r);
  f.get(r).simd(Simd.f32x4Mul).set(r2);
  // q = (c2 + c3 r) + r^2 ((c4 + c5 r) + c6 r^2)
  const [c2, c3, c4, c5, c6] = EXP_Q;
  const linear = (a: number, b: number) => {
    f.get(r);
    f32x4(f, b).simd(Simd.f32x4Mul);
    f32x4(f, a).simd(Simd.f32x4Add);
  };
  linear(c2, c3);
  linear(c4, c5);
  f.get(r2);
  f32x4(f, c6).simd(Simd.f32x4Mul).simd(Simd.f32x4Add);
  f.get(r2).simd(Simd.f32x4Mul).simd(Simd.f32x4Add);
  // (r^2 q + r) + 1
  f.get(r2).simd(Simd.f32x4Mul).get(r).simd(Simd.f32x4Add);
  f32x4(f, 1).simd(Simd.f32x4Add);
  // nb = bits of n + 12582912 + 254 = 0x4b400000 + n + 254; half = nb >> 1 = 0x25a00000 +
  // floor(n/2) + 127, and nb - half = 0x25a00000 + ceil(n/2) + 127. 0x25a00000 has its low 9
  // bits clear, so shifting either left by 23 leaves a biased exponent: 2^floor(n/2), 2^ceil(n/2).
  f.get(n);
  f32x4(f, 12582912 + 254)
    .simd(Simd.f32x4Add)
    .tee(nb);
  f.i32(1).simd(Simd.i32x4ShrU).tee(half);
  f.i32(23).simd(Simd.i32x4Shl).simd(Simd.f32x4Mul);
  f.get(nb).get(half).simd(Simd.i32x4Sub).i32(23).simd(Simd.i32x4Shl).simd(Simd.f32x4Mul);
}

/** exp's q(r) coefficients c2..c6 (see `expF32`), float32 values printed by `bench/fit-exp.py`. */
const EXP_Q = [
  0.4999999403953552, 0.1666652113199234, 0.04166838899254799, 0.008368710055947304, 0.0013814611593261361,
];

/**
 * log: x = m 2^e with m in [sqrt(1/2), sqrt(2)) (subnormals scaled by 2^23 first), log(m) by
 * Cephes' degree-9 polynomial in m - 1, plus e ln 2 in two parts; special values by select.
 */
export function logF32(f: FuncBuilder): void {
  const x = f.local('v128');
  const sub = f.local('v128');
  const bits = f.local('v128');
  const e = f.local('v128');
  const m = f.local('v128');
  const small = f.local('v128');
  const z = f.local('v128');
  const ef = f.local('v128');
  const y = f.local('v128');
  f.tee(x);
  f32x4(f, 1.17549435e-38).simd(Simd.f32x4Lt).set(sub);
  // bits of x, or of x * 2^23 where x is subnormal.
  f.get(x);
  f32x4(f, 8388608).simd(Simd.f32x4Mul).get(x).get(sub).simd(Simd.bitselect).set(bits);
  // e = (bits >> 23) - 126 (- 23 for subnormals); the sign bit only matters for x < 0, fixed below.
  f.get(bits).i32(23).simd(Simd.i32x4ShrS);
  i32x4(f, 126).simd(Simd.i32x4Sub);
  i32x4(f, -23).get(sub).simd(Simd.and).simd(Simd.i32x4Add).set(e);
  // m in [0.5, 1)
  f.get(bits);
  i32x4(f, 0x007fffff).simd(Simd.and);
  i32x4(f, 0x3f000000).simd(Simd.or).tee(m);
  f32x4(f, Math.SQRT1_2).simd(Simd.f32x4Lt).set(small);
  // small: e -= 1 (the mask is -1), m = 2m - 1; else m = m - 1.
  f.get(e).get(small).simd(Simd.i32x4Add).simd(Simd.f32x4ConvertI32x4S).set(ef);
  f.get(m).get(m).get(small).simd(Simd.and).simd(Simd.f32x4Add);
  f32x4(f, 1).simd(Simd.f32x4Sub).tee(m);
  f.get(m).simd(Simd.f32x4Mul).set(z);
  horner(
    f,
    m,
    [
      7.0376836292e-2, -1.151461031e-1, 1.167699874e-1, -1.2420140846e-1, 1.4249322787e-1, -1.6668057665e-1,
      2.0000714765e-1, -2.4999993993e-1, 3.3333331174e-1,
    ],
  );
  f.get(m).simd(Simd.f32x4Mul).get(z).simd(Simd.f32x4Mul);
  f.get(ef);
  f32x4(f, -2.1219444e-4).simd(Simd.f32x4Mul).simd(Simd.f32x4Add);
  f.get(z);
  f32x4(f, 0.5).simd(Simd.f32x4Mul).simd(Simd.f32x4Sub).set(y);
  f.get(m).get(y).simd(Simd.f32x4Add);
  f.get(ef);
  f32x4(f, 0.693359375).simd(Simd.f32x4Mul).simd(Simd.f32x4Add);
  // Special values, each select overriding the last: x = +inf -> +inf, x = 0 -> -inf, x < 0 or NaN -> NaN.
  f.set(y);
  f32x4(f, Number.POSITIVE_INFINITY).get(y).get(x);
  f32x4(f, Number.POSITIVE_INFINITY).simd(Simd.f32x4Eq).simd(Simd.bitselect).set(y);
  f32x4(f, Number.NEGATIVE_INFINITY).get(y).get(x);
  f32x4(f, 0).simd(Simd.f32x4Eq).simd(Simd.bitselect).set(y);
  f32x4(f, Number.NaN).get(y).get(x);
  // !(x >= 0) holds for x < 0 and for NaN.
  f32x4(f, 0).simd(Simd.f32x4Ge).simd(Simd.not).simd(Simd.bitselect);
}

/** Beyond this |x|, sin and cos reduce in float64 through the imported Math function (rare lanes). */
const TRIG_FAST_LIMIT = 8192;

/**
 * sin or cos: q = nearest(|x| / (pi/2)) (Cephes' even j = 2q), r = |x| - q pi/2 in three parts
 * (exact products for |x| <= 8192), sin r and cos r by Cephes' polynomials, then quadrant swap and
 * sign by bit operations. Lanes with |x| > 8192, inf or NaN are recomputed by `scalar` (the
 * imported Math.sin / Math.cos, in float64, rounded once), which keeps the error a few ulp over the
 * whole float range where a float32 reduction would lose every digit.
 */
export function sinCosF32(f: FuncBuilder, cos: boolean, scalar: number): void {
  const x = f.local('v128');
  const ax = f.local('v128');
  const j = f.local('v128');
  const y = f.local('v128');
  const r = f.local('v128');
  const z = f.local('v128');
  const ps = f.local('v128');
  const pc = f.local('v128');
  const q = f.local('v128');
  const res = f.local('v128');
  f.tee(x).simd(Simd.f32x4Abs).tee(ax);
  f32x4(f, 4 / Math.PI)
    .simd(Simd.f32x4Mul)
    .simd(Simd.i32x4TruncSatF32x4S);
  i32x4(f, 1).simd(Simd.i32x4Add);
  i32x4(f, -2).simd(Simd.and).tee(j);
  f.simd(Simd.f32x4ConvertI32x4S).set(y);
  f.get(j).i32(1).simd(Simd.i32x4ShrS).set(q);
  f.get(ax);
  // Cephes' DP1-3: pi/4 in three float32 parts (the last rounded to float32 when emitted).
  for (const dp of [0.78515625, 2.4187564849853516e-4, 3.774894977445941e-8]) {
    f.get(y);
    f32x4(f, dp).simd(Simd.f32x4Mul).simd(Simd.f32x4Sub);
  }
  f.tee(r).get(r).simd(Simd.f32x4Mul).set(z);
  horner(f, z, [-1.9515295891e-4, 8.3321608736e-3, -1.6666654611e-1]);
  f.get(z).simd(Simd.f32x4Mul).get(r).simd(Simd.f32x4Mul).get(r).simd(Simd.f32x4Add).set(ps);
  horner(f, z, [2.443315711809948e-5, -1.388731625493765e-3, 4.166664568298827e-2]);
  f.get(z).simd(Simd.f32x4Mul).get(z).simd(Simd.f32x4Mul);
  f.get(z);
  f32x4(f, 0.5).simd(Simd.f32x4Mul).simd(Simd.f32x4Sub);
  f32x4(f, 1).simd(Simd.f32x4Add).set(pc);
  // Odd quadrants swap sin and cos.
  f.get(cos ? ps : pc).get(cos ? pc : ps);
  f.get(q);
  i32x4(f, 1).simd(Simd.and);
  i32x4(f, 1).simd(Simd.i32x4Eq).simd(Simd.bitselect);
  // Sign: sin flips in quadrants 2, 3 and for x < 0; cos flips in quadrants 1, 2.
  f.get(q);
  if (cos) i32x4(f, 1).simd(Simd.i32x4Add);
  i32x4(f, 2).simd(Simd.and).i32(30).simd(Simd.i32x4Shl);
  if (!cos) {
    f.get(x);
    i32x4(f, -0x80000000).simd(Simd.and).simd(Simd.xor);
  }
  f.simd(Simd.xor).set(res);
  f.get(ax);
  f32x4(f, TRIG_FAST_LIMIT).simd(Simd.f32x4Le).simd(Simd.not).simd(Simd.anyTrue);
  f.op(Op.if, VOID);
  for (let l = 0; l < 4; l++) {
    f.get(res).get(x).lane(Simd.f32x4ExtractLane, l).op(Op.f64PromoteF32).call(scalar).op(Op.f32DemoteF64);
    f.lane(Simd.f32x4ReplaceLane, l).set(res);
  }
  f.op(Op.end);
  f.get(res);
}
