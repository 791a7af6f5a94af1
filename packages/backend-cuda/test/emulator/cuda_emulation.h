// Included before every kernel source that test/emulator/host-compiler.ts compiles for the host:
// just enough CUDA for the generated kernels to compile as C++ and run on CPU threads, one
// std::thread per CUDA thread and a std::barrier per block (fake_cuda.cc), with the same
// semantics: blocks run one at a time, so `static` locals serve as the block's shared memory.
// The C math functions the prelude calls are declared here rather than through <cmath>, whose
// parsing would be most of each kernel's compile time.
extern "C" {
#define ST_MATH(name) float name##f(float) noexcept; double name(double) noexcept;
ST_MATH(exp) ST_MATH(log) ST_MATH(sin) ST_MATH(cos) ST_MATH(asin) ST_MATH(acos) ST_MATH(atan) ST_MATH(sqrt)
ST_MATH(fabs) ST_MATH(floor) ST_MATH(round) ST_MATH(trunc)
#undef ST_MATH
float atan2f(float, float) noexcept;
double atan2(double, double) noexcept;
float powf(float, float) noexcept;
double pow(double, double) noexcept;
}

struct st_dim3 {
  unsigned x, y, z;
};
static thread_local st_dim3 blockIdx, threadIdx, gridDim, blockDim;
static thread_local void (*st_barrier)(void*);
static thread_local void* st_barrier_context;
static inline void __syncthreads() { st_barrier(st_barrier_context); }

#define __global__
#define __device__
#define __forceinline__ inline
#define __launch_bounds__(n)
#define __shared__ static

static inline float __int_as_float(int v) {
  float f;
  __builtin_memcpy(&f, &v, 4);
  return f;
}
static inline int __float_as_int(float v) {
  int i;
  __builtin_memcpy(&i, &v, 4);
  return i;
}
static inline double __longlong_as_double(long long v) {
  double d;
  __builtin_memcpy(&d, &v, 8);
  return d;
}
static inline long long __double_as_longlong(double v) {
  long long i;
  __builtin_memcpy(&i, &v, 8);
  return i;
}
// CUDA math functions that libm lacks.
static inline float rsqrtf(float x) { return 1.0f / sqrtf(x); }
static inline double rsqrt(double x) { return 1.0 / sqrt(x); }
