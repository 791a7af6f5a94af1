/* kNN baseline (ArgKMin, K = 10): squared distances of a row to a tile of j (vectorised), then an
 * insertion into the row's sorted K best for the few that beat the current K-th (ties: smaller j
 * first, as the generated kernels). Usage: knn N M D -> prints "seconds cpu-seconds checksum". */
#include <stdio.h>
#include "common.h"

#define K 10
#define TILE 2048

int main(int argc, char **argv) {
  long n = atol(argv[1]), m = atol(argv[2]), d = atol(argv[3]);
  float *x = uniform(201, n * d), *y = uniform(202, m * d), *yt = malloc(m * d * 4);
  int *out = malloc(n * K * sizeof(int));
  for (long j = 0; j < m; j++)
    for (long c = 0; c < d; c++) yt[c * m + j] = y[j * d + c];
  double t = omp_get_wtime(), cpu = cpu_seconds();
#pragma omp parallel
  {
    float v[TILE];
#pragma omp for schedule(dynamic, 16)
    for (long i = 0; i < n; i++) {
      const float *xi = x + i * d;
      float best[K];
      int idx[K];
      for (int k = 0; k < K; k++) { best[k] = 1e30f; idx[k] = -1; }
      for (long t0 = 0; t0 < m; t0 += TILE) {
        long t1 = t0 + TILE < m ? t0 + TILE : m;
        /* Component by component over a tile of j (y stored component-major), so the
         * compiler vectorises over j for any D. */
        for (long j = t0; j < t1; j++) v[j - t0] = 0;
        for (long c = 0; c < d; c++) {
          const float a = xi[c], *yc = yt + c * m;
#pragma omp simd
          for (long j = t0; j < t1; j++) { float e = a - yc[j]; v[j - t0] += e * e; }
        }
        for (long j = t0; j < t1; j++) {
          float s = v[j - t0];
          if (s >= best[K - 1]) continue;
          int k = K - 1;
          while (k > 0 && best[k - 1] > s) { best[k] = best[k - 1]; idx[k] = idx[k - 1]; k--; }
          best[k] = s; idx[k] = (int)j;
        }
      }
      for (int k = 0; k < K; k++) out[i * K + k] = idx[k];
    }
  }
  t = omp_get_wtime() - t;
  cpu = cpu_seconds() - cpu;
  long s = 0;
  for (long i = 0; i < n * K; i++) s += out[i];
  printf("%.6f %.6f %ld\n", t, cpu, s);
  return 0;
}
