/**
 * Device helpers every generated kernel uses, overloaded for float and double so that the printer
 * never picks a precision by name: C++ overload resolution follows the operand types, which the
 * printer makes exact (typed literals, explicit casts). Each helper implements the semantics
 * documented on core-ir's `Alu` enum, which are JavaScript's (Math.min propagates NaN, unlike
 * fminf; Round is C's half away from zero; Rsqrt(0) = 0). No header is included: the source
 * must compile with NVRTC, which provides the CUDA math functions and intrinsics built in, and
 * has no <math.h> macros such as INFINITY (hence the bit-pattern constants).
 */

const UNARY: readonly (readonly [name: string, float: string, double: string])[] = [
  ['st_exp', 'expf', 'exp'],
  ['st_log', 'logf', 'log'],
  ['st_sin', 'sinf', 'sin'],
  ['st_cos', 'cosf', 'cos'],
  ['st_asin', 'asinf', 'asin'],
  ['st_acos', 'acosf', 'acos'],
  ['st_atan', 'atanf', 'atan'],
  ['st_sqrt', 'sqrtf', 'sqrt'],
  ['st_abs', 'fabsf', 'fabs'],
  ['st_floor', 'floorf', 'floor'],
  ['st_round', 'roundf', 'round'],
  ['st_trunc', 'truncf', 'trunc'],
];

/** Helpers written once as a template over the float type T. */
const GENERIC = `template <typename T> __device__ __forceinline__ T st_inv(T x) { return T(1) / x; }
template <typename T> __device__ __forceinline__ T st_sign(T x) { return x > T(0) ? T(1) : (x < T(0) ? T(-1) : x); }
template <typename T> __device__ __forceinline__ T st_step(T x) { return x >= T(0) ? T(1) : (x < T(0) ? T(0) : x); }
template <typename T> __device__ __forceinline__ T st_relu(T x) { return x > T(0) ? x : (x != x ? x : T(0)); }
template <typename T> __device__ __forceinline__ T st_xlogx(T x) { return x == T(0) ? T(0) : x * st_log(x); }
template <typename T> __device__ __forceinline__ T st_sinxdivx(T x) { return x == T(0) ? T(1) : st_sin(x) / x; }
template <typename T> __device__ __forceinline__ T st_powi(T x, int n) { return st_pow(x, T(n)); }
// Like Math.min / Math.max: NaN if either operand is NaN, and -0 < +0.
template <typename T> __device__ __forceinline__ T st_min(T x, T y) {
  if (x != x || y != y) return x + y;
  if (x == y) return st_signbit(x) ? x : y;
  return x < y ? x : y;
}
template <typename T> __device__ __forceinline__ T st_max(T x, T y) {
  if (x != x || y != y) return x + y;
  if (x == y) return st_signbit(x) ? y : x;
  return x > y ? x : y;
}
__device__ __forceinline__ int st_min(int x, int y) { return x < y ? x : y; }
__device__ __forceinline__ int st_max(int x, int y) { return x > y ? x : y; }`;

function unary(name: string, f: string, d: string): string {
  return `__device__ __forceinline__ float ${name}(float x) { return ${f}(x); }
__device__ __forceinline__ double ${name}(double x) { return ${d}(x); }`;
}

/** The prelude, guarded so that several kernels' sources can share one translation unit. */
export const PRELUDE = `#ifndef SYMTENSOR_PRELUDE
#define SYMTENSOR_PRELUDE
// Lowered programs may compute values that a reduction ends up not using: not worth a warning.
#pragma nv_diag_suppress 177
__device__ __forceinline__ float st_inff() { return __int_as_float(0x7f800000); }
__device__ __forceinline__ float st_nanf() { return __int_as_float(0x7fc00000); }
__device__ __forceinline__ double st_inf() { return __longlong_as_double(0x7ff0000000000000LL); }
__device__ __forceinline__ double st_nan() { return __longlong_as_double(0x7ff8000000000000LL); }
__device__ __forceinline__ bool st_signbit(float x) { return __float_as_int(x) < 0; }
__device__ __forceinline__ bool st_signbit(double x) { return __double_as_longlong(x) < 0; }
${UNARY.map(([n, f, d]) => unary(n, f, d)).join('\n')}
__device__ __forceinline__ float st_atan2(float y, float x) { return atan2f(y, x); }
__device__ __forceinline__ double st_atan2(double y, double x) { return atan2(y, x); }
__device__ __forceinline__ float st_rsqrt(float x) { return x == 0.0f ? 0.0f : rsqrtf(x); }
__device__ __forceinline__ double st_rsqrt(double x) { return x == 0.0 ? 0.0 : rsqrt(x); }
__device__ __forceinline__ float st_pow(float x, float y) { return powf(x, y); }
__device__ __forceinline__ double st_pow(double x, double y) { return pow(x, y); }
${GENERIC}
#endif
`;
