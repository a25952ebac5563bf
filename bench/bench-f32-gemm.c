/*
 * bench-f32-gemm: speed of the f32 GEMM family on shapes from the shared models.
 *
 * It first measures this core's f32 FMA peak per ISA (bench/peak.h), the yardstick of the "% peak"
 * column. For each shape C[M x N] = A[M x K] * B[K x N] it times the scalar unit's MatMul kernel
 * (the reference the other units are checked against), every microkernel variant of
 * kernels/lists/f32-gemm.inc this CPU can run on one thread through the op driver, and the
 * dispatched variant on the thread pool, and prints one table to paste into an issue: median
 * and fastest time, median GFLOP/s (2*M*N*K FLOPs per call), the interquartile spread of the
 * repetitions, and the ratio of GFLOP/s to the scalar kernel's. B is packed before timing, as the
 * compiler packs weights ahead of a run. Where ops_f32_gemm_prefer_transposed picks the
 * transposed product for a variant (as the Conv binder does), the variant has a second row,
 * marked "C^T": C^T = B^T A^T with A packed ahead (the Conv's weights, packed at bind time) and
 * B packed into row panels ahead (as the Conv driver packs its columns before the GEMM), the
 * transpose back into C included; the FLOPs are the same.
 *
 *   bench-f32-gemm [-j THREADS] [-r MIN_REPS] [-s MxNxK]...
 *
 * Each measurement runs once to warm caches, then repeats until it has MIN_REPS repetitions
 * (default 7) and at least 0.2 s, at most 1000 repetitions. Not run by CTest: timings are not
 * test results.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bench/bench-util.h"
#include "bench/peak.h"
#include "kernels/cpu.h"
#include "kernels/drivers/f32-gemm.h"
#include "kernels/kconfig.h"
#include "kernels/kernel.h"
#include "kernels/scalar/scalar.h"
#include "kernels/threads/pool.h"
#include "opscope.h"

#define MAX_SHAPES 32

struct shape {
  size_t m, n, k;
  const char *from; /* where the shape occurs */
};

/* ResNet-18's 3x3 convolutions as the GEMMs the Conv driver runs (M = output channels, N =
 * output pixels, K = input channels x 9), a batch-1 classifier, then shapes of the shared models'
 * Conv (as 1x1 or im2col GEMM), Gemm and MatMul ops. */
static const struct shape default_shapes[] = {
    {64, 3136, 576, "ResNet-18 conv2_x 3x3 64->64 at 56x56"},
    {128, 784, 1152, "ResNet-18 conv3_x 3x3 128->128 at 28x28"},
    {256, 196, 2304, "ResNet-18 conv4_x 3x3 256->256 at 14x14"},
    {512, 49, 4608, "ResNet-18 conv5_x 3x3 512->512 at 7x7"},
    {1, 1000, 512, "batch-1 FC 512->1000 (ResNet-18 classifier)"},
    {3136, 24, 144, "mobilenet_v2 1x1 conv 144->24 at 56x56"},
    {784, 96, 16, "squeezenet1_1 expand-like 16->96 at 28x28"},
    {196, 576, 96, "mobilenet_v2 1x1 conv 96->576 at 14x14"},
    {128, 128, 128, "tiny_bert-sized MatMul"},
    {512, 512, 512, "square reference"},
    {1, 1000, 1280, "mobilenet_v2 classifier Gemm"},
};

struct run_ctx {
  const struct ops_kconfig_gemm *cfg;
  size_t m, n, k;
  const float *a, *w;
  float *c;
  /* The transposed orientation: A^T packed in nr panels, B in row panels, C^T scratch; NULL
   * for the plain one. */
  const float *packed_a, *packed_rows;
  float *ct;
};

/* What one measurement calls. */
enum how { HOW_SCALAR, HOW_DRIVER, HOW_POOL };

struct bench {
  enum how how;
  struct run_ctx ctx;
  struct ops_pool *pool;
  const struct ops_kcall *scalar_call;
};

static void pool_task(const struct ops_task *task, void *arg) {
  const struct run_ctx *r = arg;
  if (r->ct != NULL) {
    ops_f32_gemm_run_transposed(r->cfg, r->m, r->n, r->k, r->packed_a, r->packed_rows, r->c, r->n,
                                NULL, r->ct, task);
    return;
  }
  ops_f32_gemm_run(r->cfg, r->m, r->n, r->k, r->a, r->k, r->w, r->c, r->n, NULL, task);
}

static void call_once(void *ctx) {
  struct bench *b = ctx;
  switch (b->how) {
    case HOW_SCALAR:
      ops_f32_matmul_kernel__scalar(b->scalar_call);
      break;
    case HOW_DRIVER:
      pool_task(&(struct ops_task){.ith = 0, .nth = 1}, &b->ctx);
      break;
    case HOW_POOL:
      ops_pool_run(b->pool, pool_task, &b->ctx);
      break;
  }
}

/* The measured peaks: one thread of the widest ISA, and of AVX2 for the AVX2 variants. */
static double peak_avx512f, peak_avx2;

static double peak_for(uint32_t isa_flags) {
  if (isa_flags & OPS_ISA_AVX512F) return peak_avx512f;
  if (isa_flags & OPS_ISA_AVX2) return peak_avx2;
  return 0.0;
}

static void row(const char *kernel, int threads, const struct ops_bench_stats *s, double flops,
                double scalar_gflops, double peak) {
  double gflops = flops / s->median_s * 1e-9;
  char pct[16] = "-";
  /* Against one core's peak times the threads used: the share of what those cores could do. */
  if (peak > 0) snprintf(pct, sizeof pct, "%.1f%%", 100.0 * gflops / (peak * threads));
  /* Spread: the interquartile range of the repetitions as a share of the median; the fastest
   * repetition is shown too, since on a shared machine the slow tail is other processes. */
  printf("| %-48s | %2d | %9.3f | %9.3f | %7.2f | %6s | %6.1f%% | %4d | %8.1fx |\n", kernel,
         threads, s->median_s * 1e3, s->min_s * 1e3, gflops, pct,
         100.0 * (s->q3_s - s->q1_s) / s->median_s, s->reps,
         scalar_gflops > 0 ? gflops / scalar_gflops : 1.0);
}

static int usage(const char *argv0) {
  fprintf(stderr, "usage: %s [-j THREADS] [-r MIN_REPS] [-s MxNxK]...\n", argv0);
  return 2;
}

static float *alloc_floats(size_t n) {
  return ops_bench_alloc("bench-f32-gemm", n * sizeof(float));
}

static int bench_shape(const struct shape *sh, int nth, int min_reps, struct ops_pool *pool) {
  const size_t M = sh->m, N = sh->n, K = sh->k;
  const double flops = 2.0 * (double)M * (double)N * (double)K;
  float *a = alloc_floats(M * K), *b = alloc_floats(K * N), *c = alloc_floats(M * N);
  for (size_t i = 0; i < M * K; i++)
    a[i] = (float)((i * 7 + 3) % 17) / 17.0f - 0.5f;
  for (size_t i = 0; i < K * N; i++)
    b[i] = (float)((i * 5 + 1) % 13) / 13.0f - 0.5f;

  printf("\n### M=%zu N=%zu K=%zu (%s): %.1f MFLOP, %.2f MB of A, B and C per call\n\n", M, N, K,
         sh->from, flops * 1e-6, (double)(M * K + K * N + M * N) * 4e-6);
  printf(
      "| %-48s | th | median ms |    min ms | GFLOP/s | %% peak |     IQR | reps | vs scalar |\n",
      "kernel");
  printf("|%s|----|-----------|-----------|---------|--------|---------|------|-----------|\n",
         "--------------------------------------------------");

  /* The scalar unit's MatMul kernel, called as the compiler would. */
  const void *ins[2] = {a, b};
  void *outs[1] = {c};
  struct ops_kdims in_dims[2] = {{.rank = 2, .d = {(int64_t)M, (int64_t)K}},
                                 {.rank = 2, .d = {(int64_t)K, (int64_t)N}}};
  struct ops_kdims out_dims[1] = {{.rank = 2, .d = {(int64_t)M, (int64_t)N}}};
  int in_dtype[2] = {OPSCOPE_DTYPE_F32, OPSCOPE_DTYPE_F32}, out_dtype[1] = {OPSCOPE_DTYPE_F32};
  struct ops_kcall call = {.n_in = 2,
                           .n_out = 1,
                           .in = ins,
                           .in_dims = in_dims,
                           .in_dtype = in_dtype,
                           .out = outs,
                           .out_dims = out_dims,
                           .out_dtype = out_dtype};
  struct bench bs = {.how = HOW_SCALAR, .scalar_call = &call};
  struct ops_bench_stats s = ops_bench_measure(call_once, &bs, min_reps < 3 ? min_reps : 3);
  const double scalar_gflops = flops / s.median_s * 1e-9;
  row("ops_f32_matmul_kernel__scalar", 1, &s, flops, 0, 0);

  size_t count;
  const struct ops_kconfig_gemm *all = ops_kconfig_f32_gemm_variants(&count);
  const struct ops_kconfig_gemm *best = ops_kconfig_f32_gemm();
  uint32_t have = ops_cpu_get()->flags;
  for (size_t v = 0; v < count; v++) {
    const struct ops_kconfig_gemm *cfg = &all[v];
    if ((cfg->isa_flags & have) != cfg->isa_flags) continue;
    size_t m = M, n = N, bytes;
    if (!ops_f32_gemm_packed_b_size(cfg->nr, n, K, &bytes)) return 1;
    float *w = alloc_floats(bytes / sizeof(float));
    ops_f32_gemm_pack_b(cfg->nr, n, K, b, n, 1, w);
    struct bench bd = {
        .how = HOW_DRIVER, .ctx = {cfg, m, n, K, a, w, c, NULL, NULL, NULL}, .pool = pool};
    s = ops_bench_measure(call_once, &bd, min_reps);
    row(cfg->name, 1, &s, flops, scalar_gflops, peak_for(cfg->isa_flags));
    if (cfg == best && pool != NULL) {
      bd.how = HOW_POOL;
      s = ops_bench_measure(call_once, &bd, min_reps);
      row(cfg->name, nth, &s, flops, scalar_gflops, peak_for(cfg->isa_flags));
    }
    free(w);
    if (ops_f32_gemm_prefer_transposed(cfg, m, n, K)) {
      size_t a_bytes, rows_bytes, ct_bytes;
      if (!ops_f32_gemm_packed_b_size(cfg->nr, m, K, &a_bytes) ||
          !ops_f32_gemm_packed_b_size(ops_f32_gemm_row_panel_width(cfg), n, K, &rows_bytes) ||
          !ops_f32_gemm_transposed_scratch_size(m, n, &ct_bytes))
        return 1;
      float *pa = alloc_floats(a_bytes / sizeof(float)),
            *pr = alloc_floats(rows_bytes / sizeof(float));
      float *ct = alloc_floats(ct_bytes / sizeof(float));
      ops_f32_gemm_pack_b(cfg->nr, m, K, a, 1, K, pa);
      ops_f32_gemm_pack_b(ops_f32_gemm_row_panel_width(cfg), n, K, b, n, 1, pr);
      char name[96];
      snprintf(name, sizeof name, "%s C^T", cfg->name);
      bd = (struct bench){
          .how = HOW_DRIVER, .ctx = {cfg, m, n, K, a, NULL, c, pa, pr, ct}, .pool = pool};
      s = ops_bench_measure(call_once, &bd, min_reps);
      row(name, 1, &s, flops, scalar_gflops, peak_for(cfg->isa_flags));
      if (cfg == best && pool != NULL) {
        bd.how = HOW_POOL;
        s = ops_bench_measure(call_once, &bd, min_reps);
        row(name, nth, &s, flops, scalar_gflops, peak_for(cfg->isa_flags));
      }
      free(pa);
      free(pr);
      free(ct);
    }
  }
  free(a);
  free(b);
  free(c);
  return 0;
}

int main(int argc, char **argv) {
  int nth = 2, min_reps = 7;
  struct shape shapes[MAX_SHAPES];
  size_t n_shapes = 0;
  for (int i = 1; i < argc; i++) {
    if (strcmp(argv[i], "-j") == 0 && i + 1 < argc) {
      nth = atoi(argv[++i]);
      if (nth < 1 || nth > OPS_POOL_MAX_THREADS) return usage(argv[0]);
    } else if (strcmp(argv[i], "-r") == 0 && i + 1 < argc) {
      min_reps = atoi(argv[++i]);
      if (min_reps < 1 || min_reps > OPS_BENCH_MAX_REPS) return usage(argv[0]);
    } else if (strcmp(argv[i], "-s") == 0 && i + 1 < argc && n_shapes < MAX_SHAPES) {
      unsigned long m, n, k;
      char extra;
      if (sscanf(argv[++i], "%lux%lux%lu%c", &m, &n, &k, &extra) != 3 || m == 0 || n == 0 ||
          k == 0 || m > 65536 || n > 65536 || k > 65536)
        return usage(argv[0]);
      shapes[n_shapes++] = (struct shape){m, n, k, "command line"};
    } else {
      return usage(argv[0]);
    }
  }
  if (n_shapes == 0) {
    n_shapes = sizeof default_shapes / sizeof default_shapes[0];
    memcpy(shapes, default_shapes, sizeof default_shapes);
  }

  const struct ops_cpu *cpu = ops_cpu_get();
  if (cpu->env_note[0] != '\0') fprintf(stderr, "bench-f32-gemm: %s\n", cpu->env_note);
  char flags[128];
  ops_cpu_flags_str(cpu->flags, flags, sizeof flags);
  printf("## bench-f32-gemm: %s; ISA in effect: %s (%s); pool threads: %d\n", cpu->model,
         ops_cpu_isa_name(), flags, nth);
  printf("dispatched kernel: %s\n", ops_kconfig_f32_gemm()->name);
  const char *isa;
  peak_avx512f = ops_bench_peak_gflops(cpu->flags, 0.5, &isa);
  if (peak_avx512f > 0)
    printf("measured FMA peak, one thread, %s: %.1f GFLOP/s\n", isa, peak_avx512f);
  if (strcmp(isa, "avx512f") != 0) peak_avx512f = 0;
  peak_avx2 = ops_bench_peak_gflops(cpu->flags & OPS_ISA_AVX2, 0.5, &isa);
  if (peak_avx2 > 0) printf("measured FMA peak, one thread, %s: %.1f GFLOP/s\n", isa, peak_avx2);
  printf("(%% peak: GFLOP/s over the peak of the kernel's ISA times its threads)\n");

  struct ops_pool *pool = NULL;
  char msg[256];
  if (nth > 1 && ops_pool_new(nth, 0, &pool, msg, sizeof msg) != OPS_OK) {
    fprintf(stderr, "bench-f32-gemm: %s\n", msg);
    return 1;
  }
  int rc = 0;
  for (size_t i = 0; i < n_shapes && rc == 0; i++)
    rc = bench_shape(&shapes[i], nth, min_reps, pool);
  ops_pool_free(pool);
  return rc;
}
