/**
 * The scalar ALU of core-ir's lowered programs in WGSL (float32). WGSL leaves many edge cases
 * undefined (sqrt and log of negatives, asin outside [-1, 1], min/max with NaN, sign of NaN) and
 * compilers may assume that no NaN or infinity occurs, so every operation whose reference result
 * is NaN or infinite on some input is wrapped in a helper that decides those cases with explicit
 * tests: NaN by its bit pattern (a comparison `x != x` may be folded away), NaN and infinities
 * as values read from the uniform block (`u.nan`, `u.pinf`, `u.ninf`), because WGSL refuses
 * non-finite constant expressions.
 */
import { Alu, UnsupportedError } from '@symtensor/core-ir';

/**
 * Helper functions, each printed once into a module that uses it. They are branch-free (select,
 * and non-short-circuit `&` / `|` on bools): on SIMD implementations such as lavapipe, a branch
 * on per-invocation data costs masks and both paths anyway, and blocks optimization of the loop
 * around it.
 */
const HELPERS = {
  isnan: 'fn st_isnan(x: f32) -> bool { return (bitcast<u32>(x) & 0x7fffffffu) > 0x7f800000u; }',
  isinf: 'fn st_isinf(x: f32) -> bool { return (bitcast<u32>(x) & 0x7fffffffu) == 0x7f800000u; }',
  // Not-a-number or infinite: where sin, cos and exp-like functions need a decision of their own.
  nonfinite: 'fn st_nonfinite(x: f32) -> bool { return (bitcast<u32>(x) & 0x7f800000u) == 0x7f800000u; }',
  step: 'fn st_step(x: f32) -> f32 { return select(select(0.0f, 1.0f, x >= 0.0f), x, st_isnan(x)); }',
  relu: 'fn st_relu(x: f32) -> f32 { return select(max(x, 0.0f), x, st_isnan(x)); }',
  sign: 'fn st_sign(x: f32) -> f32 { return select(sign(x), x, st_isnan(x)); }',
  // Half away from zero; floor(|x| + 0.5) would round 0.49999997 up.
  round: `fn st_round(x: f32) -> f32 {
  let t = trunc(x);
  return select(select(t, t + sign(x), abs(x - t) >= 0.5f), x, st_nonfinite(x));
}`,
  min: 'fn st_min(a: f32, b: f32) -> f32 { return select(min(a, b), u.nan, st_isnan(a) | st_isnan(b)); }',
  max: 'fn st_max(a: f32, b: f32) -> f32 { return select(max(a, b), u.nan, st_isnan(a) | st_isnan(b)); }',
  // exp(+inf) = +inf, exp(-inf) = 0, exp(NaN) = NaN.
  exp: `fn st_exp(x: f32) -> f32 {
  return select(exp(x), select(x, 0.0f, bitcast<u32>(x) == 0xff800000u), st_nonfinite(x));
}`,
  log: `fn st_log(x: f32) -> f32 {
  return select(select(select(log(x), x, st_isinf(x)), u.ninf, x == 0.0f), u.nan, st_isnan(x) | (x < 0.0f));
}`,
  sqrt: `fn st_sqrt(x: f32) -> f32 {
  return select(select(sqrt(x), x, st_isinf(x)), u.nan, st_isnan(x) | (x < 0.0f));
}`,
  // 1/sqrt(x) with rsqrt(0) = 0 (KeOps' convention) and rsqrt(+inf) = 0.
  rsqrt: `fn st_rsqrt(x: f32) -> f32 {
  return select(select(inverseSqrt(x), 0.0f, (x == 0.0f) | st_isinf(x)), u.nan, st_isnan(x) | (x < 0.0f));
}`,
  sin: 'fn st_sin(x: f32) -> f32 { return select(sin(x), u.nan, st_nonfinite(x)); }',
  cos: 'fn st_cos(x: f32) -> f32 { return select(cos(x), u.nan, st_nonfinite(x)); }',
  // Through atan: the drivers' asin may err by 4e-4 (lavapipe), far beyond float32.
  asin: `fn st_asin(x: f32) -> f32 {
  let t = st_atan(x / sqrt(max((1.0f - x) * (1.0f + x), 0.0f)));
  return select(select(t, x * 1.5707963267948966f, abs(x) == 1.0f), u.nan, st_isnan(x) | (abs(x) > 1.0f));
}`,
  acos: 'fn st_acos(x: f32) -> f32 { return 1.5707963267948966f - st_asin(x); }',
  atan: `fn st_atan(x: f32) -> f32 {
  return select(select(atan(x), sign(x) * 1.5707963267948966f, st_isinf(x)), x, st_isnan(x));
}`,
  atan2:
    'fn st_atan2(y: f32, x: f32) -> f32 { return select(atan2(y, x), u.nan, st_isnan(x) | st_isnan(y)); }',
  xlogx: 'fn st_xlogx(x: f32) -> f32 { return select(x * st_log(x), 0.0f, x == 0.0f); }',
  sinxdivx: 'fn st_sinxdivx(x: f32) -> f32 { return select(st_sin(x) / x, 1.0f, x == 0.0f); }',
  // x^y as JavaScript's `**` (the reference): NaN for a negative base with a non-integer
  // exponent, the sign of a negative base raised to an odd integer, x^0 = 1 even for NaN. Every
  // float32 of magnitude 2^24 or more is an even integer, hence the clamp before the parity test.
  pow: `fn st_pow(x: f32, y: f32) -> f32 {
  let y_int = floor(y) == y;
  let odd = y_int & ((i32(min(abs(y), 16777216.0f)) & 1) == 1);
  let m = exp2(y * log2(abs(x)));
  let r = select(m, -m, (x < 0.0f) & odd);
  return select(select(r, u.nan, st_isnan(x) | st_isnan(y) | ((x < 0.0f) & !y_int)), 1.0f, y == 0.0f);
}`,
} as const;

export type Helper = keyof typeof HELPERS;

/** Helpers that other helpers call. */
const DEPENDS: Partial<Record<Helper, readonly Helper[]>> = {
  step: ['isnan'],
  relu: ['isnan'],
  sign: ['isnan'],
  round: ['nonfinite'],
  min: ['isnan'],
  max: ['isnan'],
  exp: ['nonfinite'],
  log: ['isnan', 'isinf'],
  sqrt: ['isnan', 'isinf'],
  rsqrt: ['isnan', 'isinf'],
  sin: ['nonfinite'],
  cos: ['nonfinite'],
  asin: ['isnan', 'atan'],
  acos: ['asin'],
  atan: ['isnan', 'isinf'],
  atan2: ['isnan'],
  xlogx: ['log'],
  sinxdivx: ['sin'],
  pow: ['isnan'],
};

/** The WGSL source of a set of helpers and of the helpers they call, in dependency order. */
export function helperSource(used: ReadonlySet<Helper>): string {
  const out: Helper[] = [];
  const visit = (h: Helper) => {
    if (out.includes(h)) return;
    for (const d of DEPENDS[h] ?? []) visit(d);
    out.push(h);
  };
  for (const h of used) visit(h);
  return out.map((h) => HELPERS[h]).join('\n');
}

/** Unary float operations that map one-to-one onto a helper. */
const UNARY_HELPER: Partial<Record<Alu, Helper>> = {
  [Alu.Exp]: 'exp',
  [Alu.Log]: 'log',
  [Alu.Sin]: 'sin',
  [Alu.Cos]: 'cos',
  [Alu.Asin]: 'asin',
  [Alu.Acos]: 'acos',
  [Alu.Atan]: 'atan',
  [Alu.Sqrt]: 'sqrt',
  [Alu.Rsqrt]: 'rsqrt',
  [Alu.Sign]: 'sign',
  [Alu.Step]: 'step',
  [Alu.Relu]: 'relu',
  [Alu.Round]: 'round',
  [Alu.XLogX]: 'xlogx',
  [Alu.SinXDivX]: 'sinxdivx',
};

const INFIX: Partial<Record<Alu, string>> = {
  [Alu.Add]: '+',
  [Alu.Sub]: '-',
  [Alu.Mul]: '*',
  [Alu.Div]: '/',
};

/** Comparisons: bool results. */
export const COMPARE: Partial<Record<Alu, string>> = {
  [Alu.Lt]: '<',
  [Alu.Le]: '<=',
  [Alu.Eq]: '==',
  [Alu.Ne]: '!=',
};

/**
 * One arithmetic ALU operation on printed operands of one WGSL type (`isFloat` tells f32 from
 * i32). Comparisons, logic, Select, IsNan and PowI are handled by the program printer, which
 * knows the operand types. `use` records the helpers the expression calls.
 */
export function printArith(
  op: Alu,
  a: readonly string[],
  isFloat: boolean,
  use: (h: Helper) => void,
): string {
  const [x, y] = a;
  const infix = INFIX[op];
  if (infix) return `(${x} ${infix} ${y})`;
  if (op === Alu.Neg) return `(-${x})`;
  if (!isFloat) {
    if (op === Alu.Min || op === Alu.Max) return `${op}(${x}, ${y})`;
    if (op === Alu.Abs) return `abs(${x})`;
    throw new UnsupportedError(`ALU op '${op}' on integers has no WGSL form in @symtensor/backend-webgpu`);
  }
  const helper = UNARY_HELPER[op];
  if (helper) {
    use(helper);
    return `st_${helper}(${x})`;
  }
  switch (op) {
    case Alu.Inv:
      return `(1.0f / ${x})`;
    case Alu.Abs:
      return `abs(${x})`;
    case Alu.Floor:
      return `floor(${x})`;
    case Alu.Min:
    case Alu.Max:
      use(op);
      return `st_${op}(${x}, ${y})`;
    case Alu.Pow:
      use('pow');
      return `st_pow(${x}, ${y})`;
    case Alu.Atan2:
      use('atan2');
      return `st_atan2(${x}, ${y})`;
    default:
      throw new UnsupportedError(
        `the webgpu backend has no WGSL form for ALU op '${op}'; update @symtensor/backend-webgpu to match @symtensor/core-ir`,
      );
  }
}
