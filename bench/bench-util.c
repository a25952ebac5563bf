/* Shared pieces of the kernel benchmarks (see bench-util.h). */
#include "bench/bench-util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

double ops_bench_now_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static int cmp_double(const void *x, const void *y) {
  double a = *(const double *)x, b = *(const double *)y;
  return (a > b) - (a < b);
}

struct ops_bench_stats ops_bench_measure(void (*fn)(void *ctx), void *ctx, int min_reps) {
  static double t[OPS_BENCH_MAX_REPS];
  fn(ctx); /* warm-up */
  int n = 0;
  double start = ops_bench_now_s();
  while (n < OPS_BENCH_MAX_REPS && (n < min_reps || ops_bench_now_s() - start < 0.2)) {
    double t0 = ops_bench_now_s();
    fn(ctx);
    t[n++] = ops_bench_now_s() - t0;
  }
  qsort(t, (size_t)n, sizeof t[0], cmp_double);
  return (struct ops_bench_stats){.median_s = n % 2 ? t[n / 2] : 0.5 * (t[n / 2 - 1] + t[n / 2]),
                                  .min_s = t[0],
                                  .q1_s = t[n / 4],
                                  .q3_s = t[(3 * n) / 4 < n ? (3 * n) / 4 : n - 1],
                                  .reps = n};
}

void *ops_bench_alloc(const char *prog, size_t bytes) {
  void *p = calloc(1, bytes ? bytes : 1);
  if (p == NULL) {
    fprintf(stderr, "%s: out of memory for %zu bytes\n", prog, bytes);
    exit(1);
  }
  return p;
}

int ops_bench_parse_min_reps(int argc, char **argv, int *min_reps) {
  *min_reps = 7;
  for (int i = 1; i < argc; i++) {
    if (strcmp(argv[i], "-r") == 0 && i + 1 < argc) {
      *min_reps = atoi(argv[++i]);
      if (*min_reps < 1 || *min_reps > OPS_BENCH_MAX_REPS) *min_reps = 7;
    } else {
      fprintf(stderr, "usage: %s [-r MIN_REPS]\n", argv[0]);
      return 2;
    }
  }
  return 0;
}
