/*
 * bench-f32-conv-pack: speed of the 2-D convolution column packers
 * (kernels/lists/f32-conv-pack.inc) on the 3x3 convolutions of SqueezeNet 1.1 and ResNet-18,
 * against the portable variant and memcpy of the packed bytes.
 *
 * Each layer packs all its column panels, one thread, at the panel width the Conv driver
 * uses for it (32 columns for Y = W cols, 28 for the transposed product's row panels). Prints
 * the median time, the packed bytes written per second, the speed-up over the portable
 * variant and the time as a multiple of a memcpy of the packed bytes.
 *
 *   bench-f32-conv-pack [-r MIN_REPS]
 *
 * Not run by CTest: timings are not test results.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench/bench-util.h"
#include "kernels/cpu.h"
#include "kernels/kconfig.h"

struct layer {
  size_t c, h, w, k, s, pad, nr;
  const char *from;
};

static const struct layer layers[] = {
    {3, 224, 224, 3, 2, 0, 32, "squeezenet1_1 features.0 (stride 2)"},
    {16, 55, 55, 3, 1, 1, 32, "squeezenet1_1 fire 3 expand3x3"},
    {32, 27, 27, 3, 1, 1, 32, "squeezenet1_1 fire 6 expand3x3"},
    {64, 13, 13, 3, 1, 1, 28, "squeezenet1_1 fire 12 expand3x3 (C^T)"},
    {64, 56, 56, 3, 1, 1, 28, "ResNet-18 layer1 conv (C^T)"},
};

struct job {
  const struct ops_kconfig_conv_pack *v; /* NULL: memcpy of the packed bytes */
  const struct ops_conv2d_geom *g;
  size_t nr, bytes;
  const float *x;
  float *packed, *copy;
};

static void run_job(void *ctx) {
  const struct job *j = ctx;
  if (j->v == NULL)
    memcpy(j->copy, j->packed, j->bytes);
  else
    j->v->ukernel(j->g, j->nr, j->x, j->packed, 0, ops_conv2d_panels(j->g, j->nr));
}

int main(int argc, char **argv) {
  int min_reps;
  if (ops_bench_parse_min_reps(argc, argv, &min_reps) != 0) return 2;
  const struct ops_cpu *cpu = ops_cpu_get();
  printf("## bench-f32-conv-pack: %s; ISA in effect: %s; one thread\n\n", cpu->model,
         ops_cpu_isa_name());
  printf(
      "| layer (C x H x W, kernel, stride) | packer | panel | median ms | GB/s written | "
      "vs portable | vs memcpy |\n");
  printf("|---|---|---:|---:|---:|---:|---:|\n");
  size_t nv;
  const struct ops_kconfig_conv_pack *vs = ops_kconfig_f32_conv2d_pack_variants(&nv);
  for (size_t li = 0; li < sizeof layers / sizeof layers[0]; li++) {
    const struct layer *L = &layers[li];
    struct ops_conv2d_geom g = {.c = L->c,
                                .ih = L->h,
                                .iw = L->w,
                                .oh = (L->h + 2 * L->pad - L->k) / L->s + 1,
                                .ow = (L->w + 2 * L->pad - L->k) / L->s + 1,
                                .kh = L->k,
                                .kw = L->k,
                                .sy = L->s,
                                .sx = L->s,
                                .dy = 1,
                                .dx = 1,
                                .pt = L->pad,
                                .pl = L->pad};
    const size_t K = g.c * g.kh * g.kw;
    const size_t bytes = ops_conv2d_panels(&g, L->nr) * L->nr * K * sizeof(float);
    float *x = ops_bench_alloc("bench-f32-conv-pack", L->c * L->h * L->w * sizeof(float));
    float *packed = ops_bench_alloc("bench-f32-conv-pack", bytes);
    float *copy = ops_bench_alloc("bench-f32-conv-pack", bytes);
    for (size_t i = 0; i < L->c * L->h * L->w; i++)
      x[i] = (float)((i * 13) % 23) / 11.0f - 1.0f;
    struct job mj = {NULL, &g, L->nr, bytes, x, packed, copy};
    double t_copy = ops_bench_measure(run_job, &mj, min_reps).median_s, t_portable = 0;
    for (size_t v = nv; v-- > 0;) { /* the portable variant (last) first, for the ratio */
      if ((vs[v].isa_flags & cpu->flags) != vs[v].isa_flags) continue;
      struct job j = {&vs[v], &g, L->nr, bytes, x, packed, copy};
      double t = ops_bench_measure(run_job, &j, min_reps).median_s;
      if (vs[v].isa_flags == 0) t_portable = t;
      printf("| %zux%zux%zu, %zux%zu, %zu (%s) | %s | %zu | %.4f | %.1f | %.1fx | %.2fx |\n", L->c,
             L->h, L->w, L->k, L->k, L->s, L->from, vs[v].name, L->nr, t * 1e3,
             (double)bytes / t * 1e-9, t_portable / t, t / t_copy);
    }
    free(x);
    free(packed);
    free(copy);
  }
  return 0;
}
