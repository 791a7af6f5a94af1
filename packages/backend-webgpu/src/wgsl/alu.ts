/**
 * The scalar ALU of core-ir's lowered programs in WGSL (f32, and f16 for float16 kernels). WGSL
 * leaves many edge cases
 * undefined (sqrt and log of negatives, asin outside [-1, 1], min/max with NaN, sign of NaN) and
 * compilers may assume that no NaN or infinity occurs, so every operation whose reference result
 * is NaN or infinite on some input is wrapped in a helper that decides those cases with explicit
 * tests: NaN by its bit pattern, NaN and infinities as values read from the uniform block (see
 * `floats.ts`).
 */
import { Alu, UnsupportedError } from '@symtensor/core-ir';
import { F16, F32, type WgslFloat } from './floats.js';

/**
 * Helper functions, each printed once per float type into a module that uses it (a float16
 * kernel may need both types' helpers: its accumulators are f32). They are branch-free (select,
 * and non-short-circuit `&` / `|` on bools): on SIMD implementations such as lavapipe, a branch
 * on per-invocation data costs masks and both paths anyway, and blocks optimization of the loop
 * around it.
 */
function helperTexts(t: WgslFloat) {
  const T = t.type;
  const s = t.suffix;
  const L = (v: number) => t.literal(v);
  const nan = L(Number.NaN);
  const ninf = L(Number.NEGATIVE_INFINITY);
  const halfPi = L(Math.PI / 2);
  return {
    isnan: `fn st_isnan${s}(x: ${T}) -> bool { return (${t.bits('x')} & ${t.magnitude}) > ${t.exponent}; }`,
    isinf: `fn st_isinf${s}(x: ${T}) -> bool { return (${t.bits('x')} & ${t.magnitude}) == ${t.exponent}; }`,
    // Not-a-number or infinite: where sin, cos and exp-like functions need a decision of their own.
    nonfinite: `fn st_nonfinite${s}(x: ${T}) -> bool { return (${t.bits('x')} & ${t.exponent}) == ${t.exponent}; }`,
    step: `fn st_step${s}(x: ${T}) -> ${T} { return select(select(${L(0)}, ${L(1)}, x >= ${L(0)}), x, st_isnan${s}(x)); }`,
    relu: `fn st_relu${s}(x: ${T}) -> ${T} { return select(max(x, ${L(0)}), x, st_isnan${s}(x)); }`,
    sign: `fn st_sign${s}(x: ${T}) -> ${T} { return select(sign(x), x, st_isnan${s}(x)); }`,
    // Half away from zero; floor(|x| + 0.5) would round 0.49999997 up.
    round: `fn st_round${s}(x: ${T}) -> ${T} {
  let t = trunc(x);
  return select(select(t, t + sign(x), abs(x - t) >= ${L(0.5)}), x, st_nonfinite${s}(x));
}`,
    min: `fn st_min${s}(a: ${T}, b: ${T}) -> ${T} { return select(min(a, b), ${nan}, st_isnan${s}(a) | st_isnan${s}(b)); }`,
    max: `fn st_max${s}(a: ${T}, b: ${T}) -> ${T} { return select(max(a, b), ${nan}, st_isnan${s}(a) | st_isnan${s}(b)); }`,
    // exp(+inf) = +inf, exp(-inf) = 0, exp(NaN) = NaN.
    exp: `fn st_exp${s}(x: ${T}) -> ${T} {
  return select(exp(x), select(x, ${L(0)}, ${t.bits('x')} == ${t.negInfBits}), st_nonfinite${s}(x));
}`,
    log: `fn st_log${s}(x: ${T}) -> ${T} {
  return select(select(select(log(x), x, st_isinf${s}(x)), ${ninf}, x == ${L(0)}), ${nan}, st_isnan${s}(x) | (x < ${L(0)}));
}`,
    sqrt: `fn st_sqrt${s}(x: ${T}) -> ${T} {
  return select(select(sqrt(x), x, st_isinf${s}(x)), ${nan}, st_isnan${s}(x) | (x < ${L(0)}));
}`,
    // 1/sqrt(x) with rsqrt(0) = 0 (KeOps' convention) and rsqrt(+inf) = 0.
    rsqrt: `fn st_rsqrt${s}(x: ${T}) -> ${T} {
  return select(select(inverseSqrt(x), ${L(0)}, (x == ${L(0)}) | st_isinf${s}(x)), ${nan}, st_isnan${s}(x) | (x < ${L(0)}));
}`,
    sin: `fn st_sin${s}(x: ${T}) -> ${T} { return select(sin(x), ${nan}, st_nonfinite${s}(x)); }`,
    cos: `fn st_cos${s}(x: ${T}) -> ${T} { return select(cos(x), ${nan}, st_nonfinite${s}(x)); }`,
    // Through atan: the drivers' asin may err by 4e-4 (lavapipe), far beyond float32.
    asin: `fn st_asin${s}(x: ${T}) -> ${T} {
  let t = st_atan${s}(x / sqrt(max((${L(1)} - x) * (${L(1)} + x), ${L(0)})));
  return select(select(t, x * ${halfPi}, abs(x) == ${L(1)}), ${nan}, st_isnan${s}(x) | (abs(x) > ${L(1)}));
}`,
    acos: `fn st_acos${s}(x: ${T}) -> ${T} { return ${halfPi} - st_asin${s}(x); }`,
    atan: `fn st_atan${s}(x: ${T}) -> ${T} {
  return select(select(atan(x), sign(x) * ${halfPi}, st_isinf${s}(x)), x, st_isnan${s}(x));
}`,
    atan2: `fn st_atan2${s}(y: ${T}, x: ${T}) -> ${T} { return select(atan2(y, x), ${nan}, st_isnan${s}(x) | st_isnan${s}(y)); }`,
    xlogx: `fn st_xlogx${s}(x: ${T}) -> ${T} { return select(x * st_log${s}(x), ${L(0)}, x == ${L(0)}); }`,
    sinxdivx: `fn st_sinxdivx${s}(x: ${T}) -> ${T} { return select(st_sin${s}(x) / x, ${L(1)}, x == ${L(0)}); }`,
    // x^y as JavaScript's `**` (the reference): NaN for a negative base with a non-integer
    // exponent, the sign of a negative base raised to an odd integer, x^0 = 1 even for NaN. Every
    // value of magnitude `evenFrom` or more is an even integer, hence the clamp before the parity
    // test.
    pow: `fn st_pow${s}(x: ${T}, y: ${T}) -> ${T} {
  let y_int = floor(y) == y;
  let odd = y_int & ((i32(min(abs(y), ${t.evenFrom})) & 1) == 1);
  let m = exp2(y * log2(abs(x)));
  let r = select(m, -m, (x < ${L(0)}) & odd);
  return select(select(r, ${nan}, st_isnan${s}(x) | st_isnan${s}(y) | ((x < ${L(0)}) & !y_int)), ${L(1)}, y == ${L(0)});
}`,
  };
}

export type Helper = keyof ReturnType<typeof helperTexts>;

/** A helper of one float type, as the printer records it. */
export interface HelperUse {
  readonly helper: Helper;
  readonly float: WgslFloat;
}

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

/** The WGSL name of a helper of a float type. */
export function helperName(h: Helper, float: WgslFloat): string {
  return `st_${h}${float.suffix}`;
}

/** The WGSL source of helpers and of the helpers they call, per float type, in dependency order. */
export function helperSource(used: readonly HelperUse[]): string {
  const out: string[] = [];
  for (const float of [F32, F16]) {
    const mine = used.filter((u) => u.float === float).map((u) => u.helper);
    if (mine.length === 0) continue;
    const texts = helperTexts(float);
    const order: Helper[] = [];
    const visit = (h: Helper) => {
      if (order.includes(h)) return;
      for (const d of DEPENDS[h] ?? []) visit(d);
      order.push(h);
    };
    for (const h of mine) visit(h);
    out.push(...order.map((h) => texts[h]));
  }
  return out.join('\n');
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
 * One arithmetic ALU operation on printed operands of one WGSL type: `float` for floats,
 * undefined for i32. Comparisons, logic, Select, IsNan and PowI are handled by the program
 * printer, which knows the operand types. `call` records a helper the expression calls and
 * returns its name.
 */
export function printArith(
  op: Alu,
  a: readonly string[],
  float: WgslFloat | undefined,
  call: (h: Helper) => string,
): string {
  const [x, y] = a;
  const infix = INFIX[op];
  if (infix) return `(${x} ${infix} ${y})`;
  if (op === Alu.Neg) return `(-${x})`;
  if (!float) {
    if (op === Alu.Min || op === Alu.Max) return `${op}(${x}, ${y})`;
    if (op === Alu.Abs) return `abs(${x})`;
    throw new UnsupportedError(`ALU op '${op}' on integers has no WGSL form in @symtensor/backend-webgpu`);
  }
  const helper = UNARY_HELPER[op];
  if (helper) return `${call(helper)}(${x})`;
  switch (op) {
    case Alu.Inv:
      return `(${float.literal(1)} / ${x})`;
    case Alu.Abs:
      return `abs(${x})`;
    case Alu.Floor:
      return `floor(${x})`;
    case Alu.Min:
    case Alu.Max:
    case Alu.Pow:
    case Alu.Atan2:
      return `${call(op)}(${x}, ${y})`;
    default:
      throw new UnsupportedError(
        `the webgpu backend has no WGSL form for ALU op '${op}'; update @symtensor/backend-webgpu to match @symtensor/core-ir`,
      );
  }
}
