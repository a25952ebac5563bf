/*
 * What the kernel benchmarks share: a monotonic clock, the repetition loop with its order
 * statistics, and allocation that ends the program on failure (a benchmark has nothing to fall
 * back to).
 */
#ifndef OPSCOPE_BENCH_UTIL_H
#define OPSCOPE_BENCH_UTIL_H

#include <stddef.h>

/* Seconds on CLOCK_MONOTONIC. */
double ops_bench_now_s(void);

struct ops_bench_stats {
  double median_s, min_s, q1_s, q3_s; /* seconds per call: median, fastest, quartiles */
  int reps;
};

/* Calls fn(ctx) once to warm caches, then repeats it until it has min_reps timed calls and at
 * least 0.2 s, at most OPS_BENCH_MAX_REPS calls. */
#define OPS_BENCH_MAX_REPS 1000
struct ops_bench_stats ops_bench_measure(void (*fn)(void *ctx), void *ctx, int min_reps);

/* The one option of the per-family kernel benchmarks, -r MIN_REPS (default 7; out of range
 * gives the default): 0 when argv parsed, else 2 after printing the usage. */
int ops_bench_parse_min_reps(int argc, char **argv, int *min_reps);

/* calloc'd bytes (at least 1); on failure prints "PROG: out of memory" and exits 1. */
void *ops_bench_alloc(const char *prog, size_t bytes);

#endif /* OPSCOPE_BENCH_UTIL_H */
