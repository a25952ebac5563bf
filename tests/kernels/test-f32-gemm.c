/*
 * Tests of the f32 GEMM family, generated from kernels/lists/f32-gemm.inc: one cmocka case per
 * variant, skipped (saying why) when this CPU lacks its ISA. Each variant is run through the
 * microkernel directly (every mr <= MR and nc <= NR, K 1, 3, 17, with and without bias, LOAD_C
 * and the clamp, A row-major and packed (OPS_F32_GEMM_PACKED_A) with a stride wider than mr)
 * and through the op driver in both orientations, ops_f32_gemm_run and
 * ops_f32_gemm_run_transposed (M and N below, at, above and at multiples of the tile, K 1, 3,
 * 17, 300, with K blocking forced small, unaligned pointers, leading dimensions wider than the
 * rows, B packed from both layouts, split over 1 to 3 simulated threads), and compared with a
 * plain triple loop in double.
 *
 * Tolerance: a float sum of K products, in any order and with or without FMA, is within
 * (K + 2) * FLT_EPSILON * (|bias| + sum |a * b|) of the exact value (the usual gamma_K bound),
 * so each element is held to that bound computed from its own operands.
 */
#include "test-util.h"

#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include "kernels/cpu.h"
#include "kernels/drivers/f32-gemm.h"
#include "kernels/gemm.h"
#include "kernels/kconfig.h"
#include "kernels/threads/pool.h"

struct variant {
  const char *name;
  ops_f32_gemm_ukernel_fn fn;
  uint32_t isa_flags;
  size_t mr, nr;
};

static const struct variant variants[] = {
#define OPS_UKERNEL(isa_flags, fn, mr, nr, unroll, params_type) {#fn, fn, isa_flags, mr, nr},
#include "kernels/lists/f32-gemm.inc"
#undef OPS_UKERNEL
};
#define N_VARIANTS (sizeof variants / sizeof variants[0])

#define SENTINEL 1234.5f

static uint32_t rng_state = 12345;
static float rnd(void) {
  rng_state = rng_state * 1664525u + 1013904223u;
  return (float)((rng_state >> 8) & 0xffff) / 32768.0f - 1.0f;
}

static void fill(float *p, size_t n) {
  for (size_t i = 0; i < n; i++)
    p[i] = rnd();
}

/* n floats that end where an inaccessible page begins, so reading one float past them faults
 * (masked-off vector lanes do not). Free with guarded_free(p, n). */
static size_t guarded_span(size_t n, size_t *page) {
  *page = (size_t)sysconf(_SC_PAGESIZE);
  return (n * sizeof(float) + *page - 1) / *page * *page + *page;
}

static float *guarded_floats(size_t n) {
  size_t page, span = guarded_span(n, &page);
  unsigned char *base =
      mmap(NULL, span, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  assert_true(base != MAP_FAILED);
  assert_int_equal(mprotect(base + span - page, page, PROT_NONE), 0);
  return (float *)(base + span - page) - n;
}

static void guarded_free(float *p, size_t n) {
  size_t page, span = guarded_span(n, &page);
  munmap((unsigned char *)(p + n) + page - span, span);
}

/* Skips the case when the CPU (before any cap) lacks the variant's ISA. */
static void require(const struct variant *v) {
  uint32_t have = ops_cpu_get()->detected;
  if ((v->isa_flags & have) != v->isa_flags) {
    char need[96];
    ops_cpu_flags_str(v->isa_flags & ~have, need, sizeof need);
    print_message("skipping %s: this CPU (%s) lacks %s\n", v->name, ops_cpu_get()->model, need);
    skip();
  }
}

/* Checks C[M x N] (row stride ldc) against the reference, and that the columns between N and
 * ldc still hold the sentinel. a: M x K (lda), b: K x N (row-major, ldb = N). */
static void check_rb(const char *what, size_t M, size_t N, size_t K, const float *a, size_t lda,
                     const float *b, const float *bias, const float *row_bias,
                     const struct ops_f32_minmax_params *mm, const float *c, size_t ldc) {
  for (size_t i = 0; i < M; i++) {
    for (size_t j = 0; j < N; j++) {
      double sum = bias != NULL ? bias[j] : 0.0, mag = bias != NULL ? fabs(bias[j]) : 0.0;
      if (row_bias != NULL) {
        sum += row_bias[i];
        mag += fabs(row_bias[i]);
      }
      for (size_t k = 0; k < K; k++) {
        double p = (double)a[i * lda + k] * b[k * N + j];
        sum += p;
        mag += fabs(p);
      }
      if (mm != NULL) {
        if (sum < mm->min) sum = mm->min;
        if (sum > mm->max) sum = mm->max;
      }
      double tol = (double)(K + 2) * FLT_EPSILON * mag + FLT_MIN;
      double got = c[i * ldc + j];
      if (!(fabs(got - sum) <= tol))
        fail_msg("%s M=%zu N=%zu K=%zu: C[%zu][%zu] = %.9g, expected %.9g, tolerance %.3g", what, M,
                 N, K, i, j, got, sum, tol);
    }
    for (size_t j = N; j < ldc; j++)
      if (c[i * ldc + j] != SENTINEL)
        fail_msg("%s M=%zu N=%zu K=%zu: C[%zu][%zu] past the row was written", what, M, N, K, i, j);
  }
}

/* check_rb without a row bias. */
static void check(const char *what, size_t M, size_t N, size_t K, const float *a, size_t lda,
                  const float *b, const float *bias, const struct ops_f32_minmax_params *mm,
                  const float *c, size_t ldc) {
  check_rb(what, M, N, K, a, lda, b, bias, NULL, mm, c, ldc);
}

/* The microkernel alone, on one tile. */
static void check_ukernel(const struct variant *v) {
  const size_t ks[] = {1, 3, 17};
  for (size_t ki = 0; ki < 3; ki++) {
    size_t K = ks[ki], lda = K + 1, ldc = v->nr + 3;
    float *a = calloc(v->mr * lda + 1, sizeof *a);
    float *b = calloc(K * v->nr, sizeof *b);
    float *w = calloc(K * v->nr, sizeof *w);
    float *bias = calloc(v->nr + 1, sizeof *bias);
    float *c = calloc(v->mr * ldc + 1, sizeof *c);
    assert_true(a && b && w && bias && c);
    for (size_t mr = 1; mr <= v->mr; mr++) {
      for (size_t nc = 1; nc <= v->nr; nc++) {
        fill(a, v->mr * lda + 1);
        fill(b, K * nc);
        fill(bias, v->nr + 1);
        ops_f32_gemm_pack_b(v->nr, nc, K, b, nc, 1, w);
        for (unsigned mode = 0; mode < 4; mode++) {
          /* Unaligned A and C on odd modes: one float past the allocation's alignment. */
          const float *ap = a + (mode & 1);
          float *cp = c + (mode & 1);
          for (size_t i = 0; i < v->mr * ldc; i++)
            cp[i] = SENTINEL;
          const struct ops_f32_minmax_params relu = {0.0f, INFINITY};
          const float *bp = (mode & 2) ? bias + 1 : NULL;
          unsigned flags = (mode & 2) ? OPS_F32_GEMM_CLAMP : 0;
          v->fn(mr, nc, K, ap, lda, w, v->nr, bp, cp, ldc, flags, &relu);
          check(v->name, mr, nc, K, ap, lda, b, bp, (mode & 2) ? &relu : NULL, cp, ldc);
          /* PACKED_A: the same rows as one panel, column k at k * lda_p, lda_p > mr so the
           * stride is not the row count; unaligned on odd modes like A. */
          {
            const size_t lda_p = mr + 2;
            float *pa = calloc(K * lda_p + 1, sizeof *pa);
            assert_non_null(pa);
            for (size_t k = 0; k < K; k++)
              for (size_t i = 0; i < mr; i++)
                pa[(mode & 1) + k * lda_p + i] = ap[i * lda + k];
            for (size_t i = 0; i < v->mr * ldc; i++)
              cp[i] = SENTINEL;
            v->fn(mr, nc, K, pa + (mode & 1), lda_p, w, v->nr, bp, cp, ldc,
                  flags | OPS_F32_GEMM_PACKED_A, &relu);
            char what[128];
            snprintf(what, sizeof what, "%s packed A", v->name);
            check(what, mr, nc, K, ap, lda, b, bp, (mode & 2) ? &relu : NULL, cp, ldc);
            free(pa);
            /* B row-major and read in place, rows nc floats apart, ending at a page no access
             * may touch: a load past the tile's nc columns faults. With a row bias on the modes
             * that have a bias, so the flag meets both B layouts. */
            float *rows = guarded_floats(K * nc);
            memcpy(rows, b, K * nc * sizeof *rows);
            for (size_t i = 0; i < v->mr * ldc; i++)
              cp[i] = SENTINEL;
            const float *rb = (mode & 2) ? bias : NULL;
            v->fn(mr, nc, K, ap, lda, rows, nc, rb, cp, ldc,
                  flags | ((mode & 2) ? OPS_F32_GEMM_ROW_BIAS : 0u), &relu);
            snprintf(what, sizeof what, "%s B in place%s", v->name, rb ? ", row bias" : "");
            check_rb(what, mr, nc, K, ap, lda, b, NULL, rb, (mode & 2) ? &relu : NULL, cp, ldc);
            guarded_free(rows, K * nc);
            for (size_t i = 0; i < v->mr * ldc; i++)
              cp[i] = SENTINEL;
            v->fn(mr, nc, K, ap, lda, w, v->nr, bp, cp, ldc, flags, &relu);
          }
          /* LOAD_C: a second call adds the same product to what is there (bias ignored). */
          if (mode == 0) {
            v->fn(mr, nc, K, ap, lda, w, v->nr, bias, cp, ldc, OPS_F32_GEMM_LOAD_C, &relu);
            for (size_t i = 0; i < mr; i++)
              for (size_t j = 0; j < nc; j++) {
                double s = 0, mag = 0;
                for (size_t k = 0; k < K; k++) {
                  s += (double)ap[i * lda + k] * b[k * nc + j];
                  mag += fabs((double)ap[i * lda + k] * b[k * nc + j]);
                }
                OPS_ASSERT_NEAR(cp[i * ldc + j], 2 * s, (2 * K + 2) * FLT_EPSILON * 2 * mag);
              }
          }
        }
      }
    }
    free(a);
    free(b);
    free(w);
    free(bias);
    free(c);
  }
}

/* The driver on M x N x K, with the variant's config and kc forced to `kc` (0: the default). */
static void check_driver(const struct variant *v, const struct ops_kconfig_gemm *cfg, size_t M,
                         size_t N, size_t K, unsigned mode) {
  struct ops_kconfig_gemm c2 = *cfg;
  if (mode & 4) c2.kc = 16;
  const size_t lda = K + ((mode & 1) ? 3 : 0), ldc = N + ((mode & 1) ? 5 : 0);
  const size_t off = (mode & 1) ? 1 : 0;
  float *a = calloc(M * lda + off + 1, sizeof *a);
  float *b = calloc(K * N + 1, sizeof *b), *bt = calloc(K * N + 1, sizeof *bt);
  float *bias = calloc(N + 1, sizeof *bias);
  float *c = calloc(M * ldc + off + 1, sizeof *c);
  size_t bytes;
  assert_true(ops_f32_gemm_packed_b_size(v->nr, N, K, &bytes));
  float *w = malloc(bytes + 1), *wt = malloc(bytes + 1);
  assert_true(a && b && bt && bias && c && w && wt);
  fill(a, M * lda + off + 1);
  fill(b, K * N);
  fill(bias, N);
  for (size_t k = 0; k < K; k++)
    for (size_t n = 0; n < N; n++)
      bt[n * K + k] = b[k * N + n];
  ops_f32_gemm_pack_b(v->nr, N, K, b, N, 1, w);
  /* The transposed layout packs to the same bytes. */
  ops_f32_gemm_pack_b(v->nr, N, K, bt, 1, K, wt);
  assert_memory_equal(w, wt, bytes);

  float *ap = a + off, *cp = c + off;
  for (size_t i = 0; i < M * ldc; i++)
    cp[i] = SENTINEL;
  struct ops_f32_gemm_params params = {.bias = (mode & 2) ? bias : NULL,
                                       .minmax = {-0.5f, (mode & 2) ? 0.75f : INFINITY}};
  const struct ops_f32_gemm_params *pp = (mode & 8) ? &params : NULL;
  /* Split over nth simulated threads: each call does one thread's share. */
  const int nth = 1 + (int)((M + N + K + mode) % 3);
  for (int t = 0; t < nth; t++) {
    struct ops_task task = {.ith = t, .nth = nth};
    ops_f32_gemm_run(&c2, M, N, K, ap, lda, w, cp, ldc, pp, &task);
  }
  char what[160];
  snprintf(what, sizeof what, "%s driver (mode %u, kc %zu, %d threads)", v->name, mode, c2.kc, nth);
  check(what, M, N, K, ap, lda, b, pp != NULL ? pp->bias : NULL, pp != NULL ? &pp->minmax : NULL,
        cp, ldc);

  /* B row-major and read in place (ops_f32_gemm_run_rows), rows ldb >= N apart, with a row
   * bias instead of the column bias on two modes of three. */
  {
    const size_t ldb = N + ((mode & 1) ? 2 : 0);
    float *rows = guarded_floats(K * ldb);
    for (size_t k = 0; k < K; k++)
      for (size_t n = 0; n < ldb; n++)
        rows[k * ldb + n] = n < N ? b[k * N + n] : SENTINEL;
    float *rbias = calloc(M + 1, sizeof *rbias);
    assert_non_null(rbias);
    fill(rbias, M);
    struct ops_f32_gemm_params rp = params;
    if (mode % 3 != 0) {
      rp.bias = NULL;
      rp.row_bias = rbias;
    }
    for (size_t i = 0; i < M * ldc; i++)
      cp[i] = SENTINEL;
    for (int t = 0; t < nth; t++) {
      struct ops_task task = {.ith = t, .nth = nth};
      ops_f32_gemm_run_rows(&c2, M, N, K, ap, lda, rows, ldb, cp, ldc, &rp, &task);
    }
    snprintf(what, sizeof what, "%s driver, B in place (mode %u, kc %zu, %d threads)", v->name,
             mode, c2.kc, nth);
    check_rb(what, M, N, K, ap, lda, b, rp.bias, rp.row_bias, &rp.minmax, cp, ldc);
    free(rbias);
    guarded_free(rows, K * ldb);
  }

  /* The same product computed as C^T = B^T A^T: A packed in nr panels (from its row-major
   * layout, with lda), B in mr panels, C^T in scratch. */
  size_t a_bytes, rows_bytes, ct_bytes;
  assert_true(ops_f32_gemm_packed_b_size(v->nr, M, K, &a_bytes));
  assert_true(ops_f32_gemm_packed_b_size(ops_f32_gemm_row_panel_width(cfg), N, K, &rows_bytes));
  assert_true(ops_f32_gemm_transposed_scratch_size(M, N, &ct_bytes));
  float *pa = malloc(a_bytes + sizeof(float)), *pr = malloc(rows_bytes + sizeof(float));
  float *ct = malloc(ct_bytes + sizeof(float));
  assert_true(pa && pr && ct);
  ops_f32_gemm_pack_b(v->nr, M, K, ap, 1, lda, pa + off);
  ops_f32_gemm_pack_b(ops_f32_gemm_row_panel_width(cfg), N, K, b, N, 1, pr + off);
  /* A row bias (a Conv's per-channel bias) on two modes of three, so it meets every mix of
   * column bias, clamp and thread split. */
  float *row_bias = calloc(M + 1, sizeof *row_bias);
  assert_non_null(row_bias);
  fill(row_bias, M);
  const float *rb = mode % 3 != 0 ? row_bias : NULL;
  struct ops_f32_gemm_params tp = {.bias = NULL, .minmax = {-INFINITY, INFINITY}};
  if (pp != NULL) tp = *pp;
  tp.row_bias = rb;
  for (size_t i = 0; i < M * ldc; i++)
    cp[i] = SENTINEL;
  for (int t = 0; t < nth; t++) {
    struct ops_task task = {.ith = t, .nth = nth};
    ops_f32_gemm_run_transposed(&c2, M, N, K, pa + off, pr + off, cp, ldc, &tp, ct + off, &task);
  }
  snprintf(what, sizeof what, "%s transposed driver (mode %u, kc %zu, %d threads, row bias %s)",
           v->name, mode, c2.kc, nth, rb != NULL ? "yes" : "no");
  check_rb(what, M, N, K, ap, lda, b, tp.bias, rb, pp != NULL ? &pp->minmax : NULL, cp, ldc);
  /* Again with a row bias, a clamp and no column bias, whatever the mode: the clamp then runs
   * inside the tile on the last K block (the modes above tie K = 300 to a column bias). */
  const struct ops_f32_gemm_params clamp_only = {
      .bias = NULL, .minmax = {-0.5f, 0.75f}, .row_bias = row_bias};
  for (size_t i = 0; i < M * ldc; i++)
    cp[i] = SENTINEL;
  for (int t = 0; t < nth; t++) {
    struct ops_task task = {.ith = t, .nth = nth};
    ops_f32_gemm_run_transposed(&c2, M, N, K, pa + off, pr + off, cp, ldc, &clamp_only, ct + off,
                                &task);
  }
  snprintf(what, sizeof what, "%s transposed driver, clamp in the tile (mode %u, kc %zu)", v->name,
           mode, c2.kc);
  check_rb(what, M, N, K, ap, lda, b, NULL, row_bias, &clamp_only.minmax, cp, ldc);
  free(row_bias);
  free(pa);
  free(pr);
  free(ct);
  free(a);
  free(b);
  free(bt);
  free(bias);
  free(c);
  free(w);
  free(wt);
}

static const struct ops_kconfig_gemm *config_of(const struct variant *v) {
  size_t n;
  const struct ops_kconfig_gemm *all = ops_kconfig_f32_gemm_variants(&n);
  for (size_t i = 0; i < n; i++)
    if (all[i].ukernel == v->fn) return &all[i];
  fail_msg("%s is in the list but has no config", v->name);
  return NULL;
}

static void test_variant(void **state) {
  const struct variant *v = *state;
  require(v);
  check_ukernel(v);
  const struct ops_kconfig_gemm *cfg = config_of(v);
  const size_t ms[] = {1, v->mr - 1, v->mr, v->mr + 1, 2 * v->mr, 3 * v->mr + 1};
  const size_t ns[] = {1, v->nr - 1, v->nr, v->nr + 1, 2 * v->nr, 3 * v->nr - 1};
  const size_t ks[] = {1, 3, 17, 300};
  unsigned mode = 0;
  for (size_t mi = 0; mi < 6; mi++)
    for (size_t ni = 0; ni < 6; ni++)
      for (size_t ki = 0; ki < 4; ki++) {
        if (ms[mi] == 0 || ns[ni] == 0) continue;
        check_driver(v, cfg, ms[mi], ns[ni], ks[ki], mode++ % 16);
      }
}

/* The list and the config table agree, and the scalar variant is last. */
static void test_list_matches_configs(void **state) {
  (void)state;
  size_t n;
  const struct ops_kconfig_gemm *all = ops_kconfig_f32_gemm_variants(&n);
  assert_int_equal(n, N_VARIANTS);
  for (size_t i = 0; i < n; i++) {
    assert_string_equal(all[i].name, variants[i].name);
    assert_int_equal(all[i].mr, variants[i].mr);
    assert_int_equal(all[i].nr, variants[i].nr);
    assert_true(all[i].kc >= 1);
  }
  assert_int_equal(all[n - 1].isa_flags, 0);
  const struct ops_kconfig_gemm *chosen = ops_kconfig_f32_gemm();
  assert_int_equal(chosen->isa_flags & ~ops_cpu_get()->flags, 0);
  print_message("chosen: %s\n", chosen->name);
}

/* ops_kconfig_f32_gemm_for_rows stays in the process variant's family (ISA flags and nr, so a
 * packed operand fits), keeps it when its tiles cover the rows exactly, and otherwise avoids a
 * row tail short enough to run at FMA latency (under four rows) when a sibling covers the rows
 * without one: twice each sibling's mr is such a count. */
static void test_for_rows(void **state) {
  (void)state;
  size_t n;
  const struct ops_kconfig_gemm *all = ops_kconfig_f32_gemm_variants(&n);
  const struct ops_kconfig_gemm *base = ops_kconfig_f32_gemm();
  assert_ptr_equal(ops_kconfig_f32_gemm_for_rows(0), base);
  assert_ptr_equal(ops_kconfig_f32_gemm_for_rows(3 * base->mr), base);
  for (size_t i = 0; i < n; i++) {
    if (all[i].isa_flags != base->isa_flags || all[i].nr != base->nr || all[i].mr < 4) continue;
    for (size_t rows = 1; rows <= 4 * all[i].mr; rows++) {
      const struct ops_kconfig_gemm *got = ops_kconfig_f32_gemm_for_rows(rows);
      assert_int_equal(got->isa_flags, base->isa_flags);
      assert_int_equal(got->nr, base->nr);
    }
    size_t rows = 2 * all[i].mr;
    const struct ops_kconfig_gemm *got = ops_kconfig_f32_gemm_for_rows(rows);
    print_message("%zu rows: %s\n", rows, got->name);
    assert_true(rows % got->mr == 0 || rows % got->mr >= 4);
  }
}

/* K = 0 gives clamp(bias); empty M or N writes nothing; NaN passes through the clamp. */
static void test_edges(void **state) {
  (void)state;
  const struct ops_kconfig_gemm *cfg = ops_kconfig_f32_gemm();
  float bias[3] = {-2.0f, 0.5f, 3.0f}, c[6];
  struct ops_f32_gemm_params p = {.bias = bias, .minmax = {0.0f, 1.0f}};
  ops_f32_gemm_run(cfg, 2, 3, 0, NULL, 0, NULL, c, 3, &p, NULL);
  const float want[6] = {0.0f, 0.5f, 1.0f, 0.0f, 0.5f, 1.0f};
  for (int i = 0; i < 6; i++)
    OPS_ASSERT_NEAR(c[i], want[i], 0);
  c[0] = SENTINEL;
  ops_f32_gemm_run(cfg, 0, 3, 4, NULL, 4, NULL, c, 3, &p, NULL);
  ops_f32_gemm_run(cfg, 2, 0, 4, NULL, 4, NULL, c, 3, &p, NULL);
  OPS_ASSERT_NEAR(c[0], SENTINEL, 0);

  size_t bytes;
  float a[2] = {NAN, 1.0f}, b[2] = {1.0f, 1.0f};
  assert_true(ops_f32_gemm_packed_b_size(cfg->nr, 1, 2, &bytes));
  float *w = malloc(bytes);
  assert_non_null(w);
  ops_f32_gemm_pack_b(cfg->nr, 1, 2, b, 1, 1, w);
  struct ops_f32_gemm_params relu = {.bias = NULL, .minmax = {0.0f, INFINITY}};
  ops_f32_gemm_run(cfg, 1, 1, 2, a, 2, w, c, 1, &relu, NULL);
  assert_true(isnan(c[0]));
  free(w);
}

/* The transposed orientation: K = 0 gives clamp(row bias + bias), and NaN passes the clamp
 * whether it runs after the transpose or inside the tile. */
static void test_transposed_edges(void **state) {
  (void)state;
  const struct ops_kconfig_gemm *cfg = ops_kconfig_f32_gemm();
  float bias[3] = {-2.0f, 0.5f, 3.0f}, c[6], ct[6];
  struct ops_f32_gemm_params p = {.bias = bias, .minmax = {0.0f, 1.0f}};
  ops_f32_gemm_run_transposed(cfg, 2, 3, 0, NULL, NULL, c, 3, &p, ct, NULL);
  const float want[6] = {0.0f, 0.5f, 1.0f, 0.0f, 0.5f, 1.0f};
  for (int i = 0; i < 6; i++)
    OPS_ASSERT_NEAR(c[i], want[i], 0);
  /* With a row bias: clamp(row_bias[i] + bias[j]). */
  const float row_bias[2] = {0.25f, -0.75f};
  struct ops_f32_gemm_params p_rb = p;
  p_rb.row_bias = row_bias;
  ops_f32_gemm_run_transposed(cfg, 2, 3, 0, NULL, NULL, c, 3, &p_rb, ct, NULL);
  const float want_rb[6] = {0.0f, 0.75f, 1.0f, 0.0f, 0.0f, 1.0f};
  for (int i = 0; i < 6; i++)
    OPS_ASSERT_NEAR(c[i], want_rb[i], 0);
  c[0] = SENTINEL;
  ops_f32_gemm_run_transposed(cfg, 0, 3, 4, NULL, NULL, c, 3, &p, ct, NULL);
  ops_f32_gemm_run_transposed(cfg, 2, 0, 4, NULL, NULL, c, 3, &p, ct, NULL);
  OPS_ASSERT_NEAR(c[0], SENTINEL, 0);

  size_t a_bytes, b_bytes;
  float a[2] = {NAN, 1.0f}, b[2] = {1.0f, 1.0f};
  assert_true(ops_f32_gemm_packed_b_size(cfg->nr, 1, 2, &a_bytes));
  assert_true(ops_f32_gemm_packed_b_size(ops_f32_gemm_row_panel_width(cfg), 1, 2, &b_bytes));
  float *pa = malloc(a_bytes), *pb = malloc(b_bytes);
  assert_true(pa && pb);
  ops_f32_gemm_pack_b(cfg->nr, 1, 2, a, 1, 2, pa);
  ops_f32_gemm_pack_b(ops_f32_gemm_row_panel_width(cfg), 1, 2, b, 1, 1, pb);
  struct ops_f32_gemm_params relu = {.bias = NULL, .minmax = {0.0f, INFINITY}};
  ops_f32_gemm_run_transposed(cfg, 1, 1, 2, pa, pb, c, 1, &relu, ct, NULL);
  assert_true(isnan(c[0]));
  /* NaN through the clamp fused into the tile (a row bias, no column bias) too. */
  const float one = 1.0f;
  struct ops_f32_gemm_params relu_rb = relu;
  relu_rb.row_bias = &one;
  ops_f32_gemm_run_transposed(cfg, 1, 1, 2, pa, pb, c, 1, &relu_rb, ct, NULL);
  assert_true(isnan(c[0]));
  free(pa);
  free(pb);
  assert_false(ops_f32_gemm_transposed_scratch_size(SIZE_MAX / 2, 3, &a_bytes));
  assert_true(ops_f32_gemm_transposed_scratch_size(49, 512, &a_bytes));
  assert_int_equal(a_bytes, 49 * 512 * sizeof(float));
}

/* The orientation choice: vectors along M for ResNet-18's four 3x3 stages (N = 49 fills 49 of
 * 64 lanes; M = 64 fills 64 of 70 rows), along N where the tiles fill alike or K is too short
 * to pay for transposing C back. */
static void test_prefer_transposed(void **state) {
  (void)state;
  const struct ops_kconfig_gemm c7x32 = {.mr = 7, .nr = 32, .kc = 256};
  assert_true(ops_f32_gemm_prefer_transposed(&c7x32, 512, 49, 4608));
  assert_true(ops_f32_gemm_prefer_transposed(&c7x32, 256, 196, 2304));
  assert_true(ops_f32_gemm_prefer_transposed(&c7x32, 128, 784, 1152));
  assert_true(ops_f32_gemm_prefer_transposed(&c7x32, 64, 3136, 576));
  assert_true(ops_f32_gemm_prefer_transposed(&c7x32, 960, 49, 160));
  assert_false(ops_f32_gemm_prefer_transposed(&c7x32, 512, 49, 64));
  assert_false(ops_f32_gemm_prefer_transposed(&c7x32, 3136, 24, 144));
  assert_false(ops_f32_gemm_prefer_transposed(&c7x32, 784, 96, 16));
  assert_false(ops_f32_gemm_prefer_transposed(&c7x32, 512, 512, 512));
  assert_false(ops_f32_gemm_prefer_transposed(&c7x32, 1, 1000, 512));
  assert_false(ops_f32_gemm_prefer_transposed(&c7x32, 512, 49, 0));
  assert_false(ops_f32_gemm_prefer_transposed(&c7x32, SIZE_MAX, SIZE_MAX, SIZE_MAX));
}

struct pool_ctx {
  const struct ops_kconfig_gemm *cfg;
  size_t m, n, k;
  const float *a, *w;
  float *c;
  const struct ops_f32_gemm_params *params;
};

static void pool_gemm(const struct ops_task *task, void *arg) {
  const struct pool_ctx *p = arg;
  ops_f32_gemm_run(p->cfg, p->m, p->n, p->k, p->a, p->k, p->w, p->c, p->n, p->params, task);
}

/* The dispatched variant on real pool threads (the threads unit): the tiles the threads write
 * are disjoint, so the result equals the reference, and TSan builds check the sharing. */
static void test_on_pool(void **state) {
  (void)state;
  const struct ops_kconfig_gemm *cfg = ops_kconfig_f32_gemm();
  const size_t M = 53, N = 70, K = 41;
  float *a = calloc(M * K, sizeof *a), *b = calloc(K * N, sizeof *b), *c = calloc(M * N, sizeof *c);
  float *bias = calloc(N, sizeof *bias);
  size_t bytes;
  assert_true(ops_f32_gemm_packed_b_size(cfg->nr, N, K, &bytes));
  float *w = malloc(bytes);
  assert_true(a && b && c && bias && w);
  fill(a, M * K);
  fill(b, K * N);
  fill(bias, N);
  ops_f32_gemm_pack_b(cfg->nr, N, K, b, N, 1, w);
  struct ops_f32_gemm_params params = {.bias = bias, .minmax = {-1.0f, 1.0f}};
  struct pool_ctx ctx = {cfg, M, N, K, a, w, c, &params};
  const int counts[] = {1, 2, 3, 8};
  for (size_t i = 0; i < 4; i++) {
    struct ops_pool *pool = NULL;
    assert_int_equal(ops_pool_new(counts[i], 0, &pool, NULL, 0), OPS_OK);
    for (int run = 0; run < 3; run++) {
      memset(c, 0, M * N * sizeof *c);
      assert_int_equal(ops_pool_run(pool, pool_gemm, &ctx), OPS_OK);
      check(cfg->name, M, N, K, a, K, b, bias, &params.minmax, c, N);
    }
    ops_pool_free(pool);
  }
  free(a);
  free(b);
  free(c);
  free(bias);
  free(w);
}

static void test_packed_size_overflow(void **state) {
  (void)state;
  size_t bytes;
  assert_true(ops_f32_gemm_packed_b_size(32, 33, 10, &bytes));
  assert_int_equal(bytes, 64 * 10 * sizeof(float));
  assert_false(ops_f32_gemm_packed_b_size(32, SIZE_MAX / 2, 4, &bytes));
  assert_false(ops_f32_gemm_packed_b_size(16, SIZE_MAX - 3, 1, &bytes));
  assert_false(ops_f32_gemm_packed_b_size(16, 1u << 20, SIZE_MAX / (1u << 20), &bytes));
}

int main(void) {
  struct CMUnitTest tests[N_VARIANTS + 7];
  size_t n = 0;
  tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_list_matches_configs);
  tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_edges);
  tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_packed_size_overflow);
  tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_on_pool);
  tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_transposed_edges);
  tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_prefer_transposed);
  tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_for_rows);
  for (size_t i = 0; i < N_VARIANTS; i++) {
    tests[n] = (struct CMUnitTest)cmocka_unit_test_prestate(test_variant, (void *)&variants[i]);
    tests[n].name = variants[i].name;
    n++;
  }
  return _cmocka_run_group_tests("test-f32-gemm", tests, n, NULL, NULL);
}
