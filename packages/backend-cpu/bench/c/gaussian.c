/* Gaussian kernel product baseline: out_i = sum_j exp(-g |x_i - y_j|^2) b_j, D = 3, float32,
 * rows over OpenMP threads, j vectorised by the compiler (-O3 -march=native -ffast-math gives a
 * SIMD expf). Usage: gaussian N M -> prints "seconds cpu-seconds checksum". */
#include <math.h>
#include <stdio.h>
#include "common.h"

int main(int argc, char **argv) {
  long n = atol(argv[1]), m = atol(argv[2]);
  float *x = uniform(101, n * 3), *y = uniform(102, m * 3), *b = uniform(103, m);
  float *y0 = malloc(m * 4), *y1 = malloc(m * 4), *y2 = malloc(m * 4), *out = malloc(n * 4);
  /* Structure of arrays, so the j loop vectorises. */
  for (long j = 0; j < m; j++) { y0[j] = y[3 * j]; y1[j] = y[3 * j + 1]; y2[j] = y[3 * j + 2]; }
  const float g = 50.0f; /* 1 / (2 sigma^2), sigma = 0.1 */
  double t = omp_get_wtime(), cpu = cpu_seconds();
#pragma omp parallel for schedule(dynamic, 64)
  for (long i = 0; i < n; i++) {
    const float a0 = x[3 * i], a1 = x[3 * i + 1], a2 = x[3 * i + 2];
    float acc = 0;
#pragma omp simd reduction(+ : acc)
    for (long j = 0; j < m; j++) {
      float d0 = a0 - y0[j], d1 = a1 - y1[j], d2 = a2 - y2[j];
      acc += expf(-g * (d0 * d0 + d1 * d1 + d2 * d2)) * b[j];
    }
    out[i] = acc;
  }
  t = omp_get_wtime() - t;
  cpu = cpu_seconds() - cpu;
  double s = 0;
  for (long i = 0; i < n; i++) s += out[i];
  printf("%.6f %.6f %.9g\n", t, cpu, s);
  return 0;
}
