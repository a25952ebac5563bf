/*
 * bench-f32-dwconv: speed of the f32 depthwise 3x3 microkernels on MobileNetV2's depthwise
 * layers, against this core's measured FMA peak (bench/peak.h): the unpadded 3x3 family
 * (kernels/lists/f32-dwconv3x3.inc), which reads the input planes as they are, so its time is
 * the whole op's, and the padded family (kernels/lists/f32-dwconv.inc), from planes padded
 * ahead of time (the driver's padding copy is not timed: this measures the microkernel).
 *
 * Each layer runs every variant this CPU can run over all its channels, one thread. Prints median
 * time, GFLOP/s (2 * 9 FLOPs per output), % of the variant's ISA peak, and the bytes streamed per
 * second (input plane read once, output written once).
 *
 *   bench-f32-dwconv [-r MIN_REPS]
 *
 * Not run by CTest: timings are not test results.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bench/bench-util.h"
#include "bench/peak.h"
#include "kernels/cpu.h"
#include "kernels/kconfig.h"

struct layer {
  size_t c, h, w, stride;
  const char *from;
};

/* MobileNetV2 (224x224 input): every depthwise 3x3 layer shape, pads 1. */
static const struct layer layers[] = {
    {32, 112, 112, 1, "block 0"},    {96, 112, 112, 2, "block 1"},     {144, 56, 56, 1, "block 2"},
    {144, 56, 56, 2, "block 3"},     {192, 28, 28, 1, "blocks 4-5"},   {192, 28, 28, 2, "block 6"},
    {384, 14, 14, 1, "blocks 7-10"}, {576, 14, 14, 1, "blocks 11-12"}, {576, 14, 14, 2, "block 13"},
    {960, 7, 7, 1, "blocks 14-16"},
};

struct job {
  const struct ops_kconfig_dwconv *v;
  const float *xp, *w;
  float *y;
  size_t c, stride_xp, plane_xp, oh, ow;
  struct ops_dwconv_geom g;
};

static void run_job(void *ctx) {
  const struct job *j = ctx;
  const struct ops_f32_minmax_params clamp = {0.0f, 6.0f}; /* MobileNetV2's ReLU6, fused */
  for (size_t ch = 0; ch < j->c; ch++) {
    j->v->ukernel(j->xp + ch * j->plane_xp, j->stride_xp, j->w + ch * 9, 0.1f,
                  j->y + ch * j->oh * j->ow, j->oh, j->ow, &j->g, &clamp);
  }
}

/* The 3x3 family reads the unpadded planes, so its time is the whole op's. */
struct job3 {
  const struct ops_kconfig_dwconv3x3 *v;
  const float *x, *w;
  float *y;
  size_t c;
  struct ops_dwconv3x3_geom g;
};

static void run_job3(void *ctx) {
  const struct job3 *j = ctx;
  const struct ops_f32_minmax_params clamp = {0.0f, 6.0f};
  for (size_t ch = 0; ch < j->c; ch++) {
    j->v->ukernel(j->x + ch * j->g.ih * j->g.iw, &j->g, j->w + ch * 9, 0.1f,
                  j->y + ch * j->g.oh * j->g.ow, &clamp);
  }
}

/* One row of the table for the 3x3 variant v on layer L. */
static void bench_3x3(const struct ops_kconfig_dwconv3x3 *v, const struct layer *L, double peak,
                      int min_reps) {
  struct ops_dwconv3x3_geom g = {
      L->h, L->w, (L->h + 2 - 3) / L->stride + 1, (L->w + 2 - 3) / L->stride + 1, 1, 1, L->stride};
  double flops = 2.0 * 9.0 * (double)(L->c * g.oh * g.ow);
  double bytes = 4.0 * (double)(L->c * (L->h * L->w + g.oh * g.ow));
  float *x = ops_bench_alloc("bench-f32-dwconv", L->c * L->h * L->w * sizeof(float));
  float *w = ops_bench_alloc("bench-f32-dwconv", L->c * 9 * sizeof(float));
  float *y = ops_bench_alloc("bench-f32-dwconv", L->c * g.oh * g.ow * sizeof(float));
  for (size_t i = 0; i < L->c * L->h * L->w; i++)
    x[i] = (float)((i * 13) % 23) / 11.0f - 1.0f;
  for (size_t i = 0; i < L->c * 9; i++)
    w[i] = (float)((i * 7) % 5) / 4.0f - 0.5f;
  struct job3 j = {v, x, w, y, L->c, g};
  double t = ops_bench_measure(run_job3, &j, min_reps).median_s;
  char pct[16] = "-";
  if (peak > 0) snprintf(pct, sizeof pct, "%.1f%%", 100.0 * flops / t * 1e-9 / peak);
  printf("| %zux%zux%zu s%zu (%s) | %s | %.4f | %.1f | %s | %.1f |\n", L->c, L->h, L->w, L->stride,
         L->from, v->name, t * 1e3, flops / t * 1e-9, pct, bytes / t * 1e-9);
  free(x);
  free(w);
  free(y);
}

int main(int argc, char **argv) {
  int min_reps;
  if (ops_bench_parse_min_reps(argc, argv, &min_reps) != 0) return 2;
  const struct ops_cpu *cpu = ops_cpu_get();
  const char *isa;
  double peak512 = ops_bench_peak_gflops(cpu->flags, 0.5, &isa);
  if (strcmp(isa, "avx512f") != 0) peak512 = 0;
  double peak256 = ops_bench_peak_gflops(cpu->flags & OPS_ISA_AVX2, 0.5, &isa);
  printf("## bench-f32-dwconv: %s; ISA in effect: %s; one thread\n", cpu->model,
         ops_cpu_isa_name());
  printf("measured FMA peak, one thread: avx512f %.1f GFLOP/s, avx2+fma %.1f GFLOP/s\n\n", peak512,
         peak256);
  printf("| layer (C x H x W, stride) | kernel | median ms | GFLOP/s | %% peak | GB/s |\n");
  printf("|---|---|---:|---:|---:|---:|\n");

  size_t nv, n3;
  const struct ops_kconfig_dwconv *vs = ops_kconfig_f32_dwconv_variants(&nv);
  const struct ops_kconfig_dwconv3x3 *v3 = ops_kconfig_f32_dwconv3x3_variants(&n3);
  for (size_t li = 0; li < sizeof layers / sizeof layers[0]; li++) {
    const struct layer *L = &layers[li];
    struct ops_dwconv_geom g = {3, 3, L->stride, L->stride, 1, 1};
    size_t oh = (L->h + 2 - 3) / L->stride + 1, ow = (L->w + 2 - 3) / L->stride + 1;
    double flops = 2.0 * 9.0 * (double)(L->c * oh * ow);
    double bytes = 4.0 * (double)(L->c * (L->h * L->w + oh * ow));
    for (size_t v = 0; v < n3; v++) {
      if ((v3[v].isa_flags & cpu->flags) != v3[v].isa_flags) continue;
      bench_3x3(&v3[v], L, (v3[v].isa_flags & OPS_ISA_AVX512F) ? peak512 : peak256, min_reps);
    }
    for (size_t v = 0; v < nv; v++) {
      if ((vs[v].isa_flags & cpu->flags) != vs[v].isa_flags) continue;
      size_t stride_xp = ops_dwconv_padded_width(ow, vs[v].lanes, &g, L->w + 2);
      size_t rows = (oh - 1) * L->stride + 3;
      if (rows < L->h + 2) rows = L->h + 2;
      size_t plane = rows * stride_xp;
      float *xp = ops_bench_alloc("bench-f32-dwconv", L->c * plane * sizeof(float));
      float *w = ops_bench_alloc("bench-f32-dwconv", L->c * 9 * sizeof(float));
      float *y = ops_bench_alloc("bench-f32-dwconv", L->c * oh * ow * sizeof(float));
      for (size_t i = 0; i < L->c * plane; i++)
        xp[i] = (float)((i * 13) % 23) / 11.0f - 1.0f;
      for (size_t i = 0; i < L->c * 9; i++)
        w[i] = (float)((i * 7) % 5) / 4.0f - 0.5f;
      struct job j = {&vs[v], xp, w, y, L->c, stride_xp, plane, oh, ow, g};
      double t = ops_bench_measure(run_job, &j, min_reps).median_s;
      double peak = (vs[v].isa_flags & OPS_ISA_AVX512F) ? peak512
                    : (vs[v].isa_flags & OPS_ISA_AVX2)  ? peak256
                                                        : 0;
      char pct[16] = "-";
      if (peak > 0) snprintf(pct, sizeof pct, "%.1f%%", 100.0 * flops / t * 1e-9 / peak);
      printf("| %zux%zux%zu s%zu (%s) | %s | %.4f | %.1f | %s | %.1f |\n", L->c, L->h, L->w,
             L->stride, L->from, vs[v].name, t * 1e3, flops / t * 1e-9, pct, bytes / t * 1e-9);
      free(xp);
      free(w);
      free(y);
    }
  }
  return 0;
}
