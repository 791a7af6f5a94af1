/* LogSumExp softmin baseline: out_i = log sum_j exp(-g |x_i - y_j|^2), D given, float32. Per row,
 * j in tiles of 2048: values into a buffer (vectorised), the tile's max, then sum exp(v - max),
 * merged into the row's running (max, sum) - the same streaming scheme as the generated kernels.
 * Usage: lse N M D -> prints "seconds cpu-seconds checksum". */
#include <math.h>
#include <stdio.h>
#include "common.h"

#define TILE 2048

int main(int argc, char **argv) {
  long n = atol(argv[1]), m = atol(argv[2]), d = atol(argv[3]);
  float *x = uniform(201, n * d), *y = uniform(202, m * d), *yt = malloc(m * d * 4), *out = malloc(n * 4);
  const float g = 50.0f; /* 1 / (2 sigma^2), sigma = 0.1 */
  for (long j = 0; j < m; j++)
    for (long c = 0; c < d; c++) yt[c * m + j] = y[j * d + c];
  double t = omp_get_wtime(), cpu = cpu_seconds();
#pragma omp parallel
  {
    float v[TILE];
#pragma omp for schedule(dynamic, 16)
    for (long i = 0; i < n; i++) {
      const float *xi = x + i * d;
      float mx = -INFINITY, sum = 0;
      for (long t0 = 0; t0 < m; t0 += TILE) {
        long t1 = t0 + TILE < m ? t0 + TILE : m;
        float tm = -INFINITY;
        /* Component by component over a tile of j (y stored component-major), so the
         * compiler vectorises over j for any D. */
        for (long j = t0; j < t1; j++) v[j - t0] = 0;
        for (long c = 0; c < d; c++) {
          const float a = xi[c], *yc = yt + c * m;
#pragma omp simd
          for (long j = t0; j < t1; j++) { float e = a - yc[j]; v[j - t0] += e * e; }
        }
        for (long j = 0; j < t1 - t0; j++) v[j] *= -g;
        for (long j = 0; j < t1 - t0; j++) tm = v[j] > tm ? v[j] : tm;
        float ts = 0;
#pragma omp simd reduction(+ : ts)
        for (long j = 0; j < t1 - t0; j++) ts += expf(v[j] - tm);
        if (tm > mx) { sum = sum * expf(mx - tm) + ts; mx = tm; }
        else sum += ts * expf(tm - mx);
      }
      out[i] = mx + logf(sum);
    }
  }
  t = omp_get_wtime() - t;
  cpu = cpu_seconds() - cpu;
  double s = 0;
  for (long i = 0; i < n; i++) s += out[i];
  printf("%.6f %.6f %.9g\n", t, cpu, s);
  return 0;
}
