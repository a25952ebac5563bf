/*
 * bench-f32-pool: speed of the f32 pooling microkernels (kernels/lists/f32-pool.inc) on
 * SqueezeNet 1.1's three MaxPools (3x3, stride 2, every window inside the input) and
 * MobileNetV2's GlobalAveragePool, against the scalar variant and memcpy of the same input.
 *
 * Each layer runs every variant this CPU can run over all its channel planes, one thread, the
 * way kernels/drivers/f32-pool.c calls it (one call per output row). Prints the median time,
 * the bytes streamed per second (input read once, output written once), the speed-up over the
 * scalar variant and the time as a multiple of memcpy of the input.
 *
 *   bench-f32-pool [-r MIN_REPS]
 *
 * Not run by CTest: timings are not test results.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bench/bench-util.h"
#include "kernels/cpu.h"
#include "kernels/kconfig.h"

struct layer {
  size_t c, h, w, k, s; /* k 0: a global pool */
  const char *from;
};

static const struct layer layers[] = {
    {64, 111, 111, 3, 2, "squeezenet1_1 features.2 MaxPool"},
    {128, 55, 55, 3, 2, "squeezenet1_1 features.5 MaxPool"},
    {256, 27, 27, 3, 2, "squeezenet1_1 features.8 MaxPool"},
    {1280, 7, 7, 0, 0, "mobilenet_v2 GlobalAveragePool"},
};

struct job {
  const struct ops_kconfig_pool *v; /* NULL: memcpy of the input */
  const struct layer *L;
  const float *x;
  float *y;
  size_t oh, ow;
};

static void run_job(void *ctx) {
  const struct job *j = ctx;
  const struct layer *L = j->L;
  size_t plane = L->h * L->w;
  if (j->v == NULL) {
    memcpy(j->y, j->x, L->c * plane * sizeof(float));
    return;
  }
  for (size_t ch = 0; ch < L->c; ch++) {
    const float *x = j->x + ch * plane;
    if (L->k == 0) {
      j->y[ch] = j->v->global_average_pool(plane, x) / (float)plane;
      continue;
    }
    float *y = j->y + ch * j->oh * j->ow;
    for (size_t oy = 0; oy < j->oh; oy++)
      j->v->max_pool(j->ow, L->k, L->k, x + oy * L->s * L->w, L->w, L->s, 1, y + oy * j->ow);
  }
}

int main(int argc, char **argv) {
  int min_reps;
  if (ops_bench_parse_min_reps(argc, argv, &min_reps) != 0) return 2;
  const struct ops_cpu *cpu = ops_cpu_get();
  printf("## bench-f32-pool: %s; ISA in effect: %s; one thread\n\n", cpu->model,
         ops_cpu_isa_name());
  printf("| layer (C x H x W) | kernel | median ms | GB/s | vs scalar | vs memcpy |\n");
  printf("|---|---|---:|---:|---:|---:|\n");
  size_t nv;
  const struct ops_kconfig_pool *vs = ops_kconfig_f32_pool_variants(&nv);
  for (size_t li = 0; li < sizeof layers / sizeof layers[0]; li++) {
    const struct layer *L = &layers[li];
    size_t oh = L->k ? (L->h - L->k + L->s - 1) / L->s + 1 : 1;
    size_t ow = L->k ? (L->w - L->k + L->s - 1) / L->s + 1 : 1;
    /* Ceil mode's last window would hang past the input; the bench keeps whole windows. */
    if (L->k && (oh - 1) * L->s + L->k > L->h) oh--;
    if (L->k && (ow - 1) * L->s + L->k > L->w) ow--;
    float *x = ops_bench_alloc("bench-f32-pool", L->c * L->h * L->w * sizeof(float));
    float *y = ops_bench_alloc("bench-f32-pool", L->c * L->h * L->w * sizeof(float));
    for (size_t i = 0; i < L->c * L->h * L->w; i++)
      x[i] = (float)((i * 13) % 23) / 11.0f - 1.0f;
    double bytes = 4.0 * (double)(L->c * (L->h * L->w + oh * ow));
    struct job mj = {NULL, L, x, y, oh, ow};
    double t_copy = ops_bench_measure(run_job, &mj, min_reps).median_s, t_scalar = 0;
    for (size_t v = nv; v-- > 0;) { /* the scalar variant (last) first, for the ratio */
      if ((vs[v].isa_flags & cpu->flags) != vs[v].isa_flags) continue;
      struct job j = {&vs[v], L, x, y, oh, ow};
      double t = ops_bench_measure(run_job, &j, min_reps).median_s;
      if (vs[v].isa_flags == 0) t_scalar = t;
      printf("| %zux%zux%zu (%s) | %s | %.4f | %.1f | %.1fx | %.2fx |\n", L->c, L->h, L->w, L->from,
             L->k ? vs[v].name : vs[v].global_average_name, t * 1e3, bytes / t * 1e-9, t_scalar / t,
             t / t_copy);
    }
    free(x);
    free(y);
  }
  return 0;
}
