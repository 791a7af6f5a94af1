/* Shared by the C baselines: the inputs of reference/peers.md (counter-based hash, uniform in
 * [0, 1), exact in float32) and the process's CPU time. Each baseline prints
 * "<wall seconds> <CPU seconds, all threads> <checksum>". */
#include <stdint.h>
#include <stdlib.h>
#include <omp.h>
#include <time.h>

/* CPU time of the process, all threads together (CLOCK_PROCESS_CPUTIME_ID). */
static double cpu_seconds(void) {
  struct timespec ts;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return ts.tv_sec + 1e-9 * ts.tv_nsec;
}

static uint32_t lowbias32(uint32_t x) {
  x ^= x >> 16; x *= 0x7feb352du; x ^= x >> 15; x *= 0x846ca68bu; x ^= x >> 16;
  return x;
}

static float *uniform(uint32_t seed, long n) {
  float *a = aligned_alloc(64, ((n * sizeof(float) + 63) / 64) * 64);
  uint32_t key = lowbias32(seed + 0x9E3779B9u);
  for (long k = 0; k < n; k++) a[k] = (float)(lowbias32(lowbias32((uint32_t)k) + key) >> 8) * 0x1p-24f;
  return a;
}
