/*
 * The vector microkernels of kernels/lists/f32-vector.inc against plain loops with the scalar
 * reference kernels' formulas: every variant the CPU has, at, below and above its vector width
 * and at odd sizes, on unaligned pointers and in place, for every binary op and mode and every
 * unary op. Exact ops must match bit for bit (NaN matching NaN); exp, sigmoid and tanh must stay
 * within the ulp bounds kernels/simd/f32-vector-impl.h states, over a dense sweep of all floats
 * (specials, subnormals and huge magnitudes included), and every variant must give the same bits
 * as the portable one.
 */
#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "test-util.h"

#include "kernel-tester.h"

#include "kernels/cpu.h"
#include "kernels/kconfig.h"
#include "kernels/params-simd-elementwise.h"
#include "kernels/simd-ops.h"
#include "kernels/threads/pool.h"

/* The bounds stated in kernels/simd/f32-vector-impl.h, in ulps. */
#define EXP_ULP 2
#define SIGMOID_ULP 3
#define TANH_ULP 4
#define ERF_ULP 3
/* Gelu: 16 ulp, times x^2 for |x| > 1 (its exponent, computed in float, grows as x^2). */
#define GELU_ULP 16

static const size_t sizes[] = {1, 2, 3, 7, 8, 9, 15, 16, 17, 31, 32, 33, 47, 64, 100, 257};
#define N_SIZES (sizeof sizes / sizeof sizes[0])
#define MAX_N 257

static uint32_t bits_of(float f) {
  uint32_t u;
  memcpy(&u, &f, sizeof u);
  return u;
}

static float float_of(uint32_t u) {
  float f;
  memcpy(&f, &u, sizeof f);
  return f;
}

/* Floats in order as integers, so the difference is the distance in ulps (subnormals count
 * one step each; -0 and +0 are the same point). */
static int64_t ordered(float f) {
  uint32_t u = bits_of(f);
  return (u & 0x80000000u) ? -(int64_t)(u & 0x7fffffffu) : (int64_t)u;
}

static int64_t ulp_diff(float a, float b) {
  if (a != a || b != b) return (a != a && b != b) ? 0 : INT64_MAX;
  int64_t d = ordered(a) - ordered(b);
  return d < 0 ? -d : d;
}

static bool same(float a, float b) {
  return (a != a && b != b) || bits_of(a) == bits_of(b);
}

/* Test data with the awkward values mixed in: NaN, infinities, signed zeros, subnormals, ties. */
static float sample(size_t i, int seed) {
  static const float specials[] = {NAN,     INFINITY, -INFINITY, 0.0f, -0.0f, 1e-40f,
                                   -1e-40f, 1.0f,     -1.0f,     0.5f, 3e38f, -3e38f};
  uint32_t h = (uint32_t)(i * 2654435761u) ^ (uint32_t)(seed * 40503);
  if (h % 7 == 0) return specials[(h >> 3) % (sizeof specials / sizeof specials[0])];
  return (float)((int)(h % 2001) - 1000) / 97.0f;
}

/* ---- references: the scalar kernels' formulas (kernels/scalar/) ---- */

static float ref_binary(enum ops_vbinary_op op, float x0, float x1) {
  switch (op) {
    case OPS_VBINARY_ADD:
      return x0 + x1;
    case OPS_VBINARY_SUB:
      return x0 - x1;
    case OPS_VBINARY_MUL:
      return x0 * x1;
    case OPS_VBINARY_DIV:
      return x0 / x1;
    case OPS_VBINARY_MAX:
      return (x0 != x0 || x0 > x1) ? x0 : x1;
    default:
      return (x0 != x0 || x0 < x1) ? x0 : x1;
  }
}

static float ref_unary(enum ops_vunary_op op, float x, const struct ops_f32_vunary_params *p) {
  switch (op) {
    case OPS_VUNARY_RELU:
      return x < 0.0f ? 0.0f : x;
    case OPS_VUNARY_LEAKY_RELU:
      return x < 0.0f ? p->alpha * x : x;
    case OPS_VUNARY_CLIP: {
      float v = x;
      if (v < p->lo) v = p->lo;
      if (v > p->hi) v = p->hi;
      return v;
    }
    case OPS_VUNARY_NEG:
      return -x;
    case OPS_VUNARY_ABS:
      return fabsf(x);
    case OPS_VUNARY_SQRT:
      return (float)sqrt((double)x);
    case OPS_VUNARY_POW_HALF:
      return (float)pow((double)x, 0.5);
    case OPS_VUNARY_EXP:
      return (float)exp((double)x);
    case OPS_VUNARY_SIGMOID:
      return (float)(1.0 / (1.0 + exp(-(double)x)));
    case OPS_VUNARY_TANH:
      return (float)tanh((double)x);
    case OPS_VUNARY_ERF:
      return (float)erf((double)x);
    case OPS_VUNARY_GELU:
      /* erfc, not 1 + erf, so the reference itself does not cancel for negative x. */
      return (float)(0.5 * (double)x * erfc(-(double)x / sqrt(2.0)));
    case OPS_VUNARY_GELU_TANH: {
      double v = x, u = 0.7978845608028654 * (v + 0.044715 * v * v * v); /* sqrt(2 / pi) */
      return (float)(v / (1.0 + exp(-2.0 * u)));
    }
    case OPS_VUNARY_HARD_SIGMOID: {
      float v = p->alpha * x + p->beta;
      return v < 0.0f ? 0.0f : (v > 1.0f ? 1.0f : v);
    }
    default: {
      float v = p->alpha * x + p->beta;
      return x * (v < 0.0f ? 0.0f : (v > 1.0f ? 1.0f : v));
    }
  }
}

static int64_t unary_bound(enum ops_vunary_op op, float x) {
  switch (op) {
    case OPS_VUNARY_EXP:
      return EXP_ULP;
    case OPS_VUNARY_SIGMOID:
      return SIGMOID_ULP;
    case OPS_VUNARY_TANH:
      return TANH_ULP;
    case OPS_VUNARY_ERF:
      return ERF_ULP;
    case OPS_VUNARY_GELU:
    case OPS_VUNARY_GELU_TANH: {
      double x2 = (double)x * x;
      return (int64_t)(GELU_ULP * (x2 > 1.0 ? (x2 < 1e6 ? x2 : 1e6) : 1.0));
    }
    default:
      return 0;
  }
}

static const struct ops_kconfig_vector *portable(void) {
  size_t n;
  const struct ops_kconfig_vector *vs = ops_kconfig_f32_vector_variants(&n);
  return &vs[n - 1];
}

/* Runs fn on each variant this CPU has; at least the portable one. */
static void for_each_variant(void (*fn)(const struct ops_kconfig_vector *)) {
  size_t n;
  const struct ops_kconfig_vector *vs = ops_kconfig_f32_vector_variants(&n);
  uint32_t have = ops_cpu_get()->detected;
  size_t checked = 0;
  for (size_t i = 0; i < n; i++) {
    if ((vs[i].isa_flags & have) != vs[i].isa_flags) {
      print_message("skipping %s: this CPU lacks its ISA\n", vs[i].vbinary_name);
      continue;
    }
    fn(&vs[i]);
    checked++;
  }
  assert_true(checked >= 1);
}

/* ---- binary ---- */

static void check_binary(const struct ops_kconfig_vector *v) {
  /* One spare float in front of each buffer, for the unaligned case. */
  float a[MAX_N + 2], b[MAX_N + 2], y[MAX_N + 2];
  for (int op = 0; op < OPS_VBINARY_COUNT; op++) {
    for (int mode = 0; mode < OPS_VBINARY_MODE_COUNT; mode++) {
      for (size_t si = 0; si < N_SIZES; si++) {
        for (size_t off = 0; off < 2; off++) {
          for (int inplace = 0; inplace < 2; inplace++) {
            size_t n = sizes[si];
            for (size_t i = 0; i < MAX_N + 2; i++) {
              a[i] = sample(i, op * 3 + mode);
              b[i] = sample(i + 1000, op);
            }
            float *pa = a + off, *pb = b + off;
            float want[MAX_N];
            for (size_t i = 0; i < n; i++) {
              float x0 = mode == OPS_VBINARY_SV ? pa[0] : pa[i];
              float x1 = mode == OPS_VBINARY_VS ? pb[0] : pb[i];
              want[i] = ref_binary((enum ops_vbinary_op)op, x0, x1);
            }
            /* In place writes over the operand that is a run (a, unless a is the scalar). */
            float *py = y + off;
            if (inplace) py = mode == OPS_VBINARY_SV ? pb : pa;
            /* A sentinel after the output catches a store past n. */
            float keep = py[n];
            if (!inplace) py[n] = 12345.0f;
            keep = py[n];
            v->vbinary((enum ops_vbinary_op)op, (enum ops_vbinary_mode)mode, n, pa, pb, py);
            for (size_t i = 0; i < n; i++) {
              if (!same(py[i], want[i])) {
                fail_msg("%s: op %d mode %d n %zu off %zu inplace %d at %zu: %a, want %a",
                         v->vbinary_name, op, mode, n, off, inplace, i, py[i], want[i]);
              }
            }
            assert_true(same(py[n], keep));
          }
        }
      }
    }
  }
}

static void test_binary(void **state) {
  (void)state;
  for_each_variant(check_binary);
}

/* ---- unary ---- */

static const struct ops_f32_vunary_params uparams = {
    .alpha = 0.2f, .beta = 0.5f, .lo = -1.5f, .hi = 2.25f};

static void check_unary(const struct ops_kconfig_vector *v) {
  float x[MAX_N + 2], y[MAX_N + 2], base[MAX_N + 2];
  const struct ops_kconfig_vector *pv = portable();
  for (int op = 0; op < OPS_VUNARY_COUNT; op++) {
    for (size_t si = 0; si < N_SIZES; si++) {
      for (size_t off = 0; off < 2; off++) {
        for (int inplace = 0; inplace < 2; inplace++) {
          size_t n = sizes[si];
          for (size_t i = 0; i < MAX_N + 2; i++)
            x[i] = sample(i, op);
          float *px = x + off, *py = inplace ? px : y + off;
          float want[MAX_N];
          int64_t bound[MAX_N];
          for (size_t i = 0; i < n; i++) {
            want[i] = ref_unary((enum ops_vunary_op)op, px[i], &uparams);
            bound[i] = unary_bound((enum ops_vunary_op)op, px[i]);
          }
          pv->vunary((enum ops_vunary_op)op, n, px, base, &uparams);
          py[n] = 12345.0f;
          v->vunary((enum ops_vunary_op)op, n, px, py, &uparams);
          for (size_t i = 0; i < n; i++) {
            if (ulp_diff(py[i], want[i]) > bound[i]) {
              fail_msg("%s: op %d n %zu off %zu inplace %d at %zu: f(%a) = %a, want %a",
                       v->vunary_name, op, n, off, inplace, i, inplace ? NAN : px[i], py[i],
                       want[i]);
            }
            if (!same(py[i], base[i])) {
              fail_msg("%s: op %d at %zu: %a, but the portable variant gives %a", v->vunary_name,
                       op, i, py[i], base[i]);
            }
          }
          assert_true(py[n] == 12345.0f);
        }
      }
    }
  }
}

static void test_unary(void **state) {
  (void)state;
  for_each_variant(check_unary);
}

/* exp, sigmoid and tanh over every 997th float of both signs (every exponent, subnormals,
 * huge magnitudes), plus the specials, against libm in double. */
static void check_sweep(const struct ops_kconfig_vector *v) {
  enum { BATCH = 1024 };
  static const enum ops_vunary_op ops[] = {OPS_VUNARY_EXP,  OPS_VUNARY_SIGMOID,
                                           OPS_VUNARY_TANH, OPS_VUNARY_ERF,
                                           OPS_VUNARY_GELU, OPS_VUNARY_GELU_TANH};
  float x[BATCH], y[BATCH];
  for (size_t k = 0; k < sizeof ops / sizeof ops[0]; k++) {
    int64_t worst = 0;
    float worst_x = 0.0f;
    size_t filled = 0;
    for (uint64_t u = 0; u <= 0xffffffffu; u += 997) {
      x[filled++] = float_of((uint32_t)u);
      bool last = u + 997 > 0xffffffffu;
      if (last) {
        static const float specials[] = {NAN,        INFINITY,   -INFINITY,  0.0f,     -0.0f,
                                         FLT_MAX,    -FLT_MAX,   FLT_MIN,    -FLT_MIN, 88.72283f,
                                         -87.33654f, -103.9721f, -103.2789f, 9.0f,     -9.0f,
                                         0.25f,      -0.25f};
        for (size_t s = 0; s < sizeof specials / sizeof specials[0] && filled < BATCH; s++)
          x[filled++] = specials[s];
      }
      if (filled < BATCH && !last) continue;
      v->vunary(ops[k], filled, x, y, &uparams);
      for (size_t i = 0; i < filled; i++) {
        float want = ref_unary(ops[k], x[i], &uparams);
        int64_t d = ulp_diff(y[i], want), bound = unary_bound(ops[k], x[i]);
        if (d > worst) {
          worst = d;
          worst_x = x[i];
        }
        if (d > bound) {
          fail_msg("%s: op %d f(%a) = %a, want %a (%lld ulp > %lld)", v->vunary_name, (int)ops[k],
                   x[i], y[i], want, (long long)d, (long long)bound);
        }
      }
      filled = 0;
    }
    print_message("%s: op %d worst %lld ulp at %a\n", v->vunary_name, (int)ops[k], (long long)worst,
                  worst_x);
  }
}

static void test_sweep(void **state) {
  (void)state;
  for_each_variant(check_sweep);
}

/* ---- row reductions ---- */

static void check_rows(const struct ops_kconfig_vector *v) {
  float x[MAX_N + 1], y[MAX_N + 1];
  for (size_t si = 0; si < N_SIZES; si++) {
    for (size_t off = 0; off < 2; off++) {
      size_t n = sizes[si];
      for (size_t i = 0; i < MAX_N + 1; i++)
        x[i] = (float)((int)((i * 7919 + si) % 301) - 150) / 13.0f;
      float *px = x + off;
      double sum = 0.0;
      float max = -INFINITY;
      for (size_t i = 0; i < n; i++) {
        sum += px[i];
        max = px[i] > max ? px[i] : max;
      }
      OPS_ASSERT_NEAR(v->rsum(n, px), sum, 1e-5 * (1.0 + fabs(sum)) + 1e-4);
      assert_true(same(v->rmax(n, px), max));
      /* NaNs are skipped by the maximum, as in the scalar Softmax. */
      float saved = px[n / 2];
      px[n / 2] = NAN;
      float want_max = -INFINITY;
      for (size_t i = 0; i < n; i++)
        want_max = px[i] > want_max ? px[i] : want_max;
      assert_true(same(v->rmax(n, px), want_max));
      px[n / 2] = saved;
      y[n] = 12345.0f;
      double esum = 0.0;
      float got = v->raddexp(n, px, max, y);
      for (size_t i = 0; i < n; i++) {
        float want = (float)exp((double)(px[i] - max)); /* the difference in float */
        if (ulp_diff(y[i], want) > EXP_ULP + 1) {
          fail_msg("%s: raddexp n %zu at %zu: %a, want %a", v->raddexp_name, n, i, y[i], want);
        }
        esum += want;
      }
      OPS_ASSERT_NEAR(got, esum, 1e-5 * esum);
      assert_true(y[n] == 12345.0f);
    }
  }
  assert_true(v->rsum(0, x) == 0.0f);
  assert_true(v->rmax(0, x) == -INFINITY);
}

static void test_rows(void **state) {
  (void)state;
  for_each_variant(check_rows);
}

/* ---- the driver (kernels/drivers/f32-elementwise.c), with and without the pool ---- */

/* Runs `fn` on `p` without a pool and on pools of 2 and 3 threads: every piece split must give
 * the same bits as the single pass. */
/* With out_dims (may be NULL) as the kcall's output dims. */
static void run_both_dims(ops_kernel_fn fn, const struct ops_simd_ew_params *p, int n_in,
                          const float *a, const float *b, float *y, size_t ny,
                          const struct ops_kdims *out_dims) {
  const void *in[2] = {a, b};
  void *out[1] = {y};
  struct ops_kcall call = {
      .n_in = n_in, .n_out = 1, .in = in, .out = out, .out_dims = out_dims, .params = p};
  assert_int_equal(fn(&call), OPS_KRESULT_OK);
  float *y1 = malloc(ny * sizeof *y1);
  assert_non_null(y1);
  for (int nth = 2; nth <= 3; nth++) {
    struct ops_pool *pool = NULL;
    assert_int_equal(ops_pool_new(nth, 0, &pool, NULL, 0), OPS_OK);
    void *out1[1] = {y1};
    struct ops_kcall tcall = call;
    tcall.out = out1;
    tcall.pool = pool;
    for (size_t i = 0; i < ny; i++)
      y1[i] = NAN;
    assert_int_equal(fn(&tcall), OPS_KRESULT_OK);
    ops_pool_free(pool);
    for (size_t i = 0; i < ny; i++) {
      if (!same(y1[i], y[i])) fail_msg("threads %d at %zu: %a, one thread %a", nth, i, y1[i], y[i]);
    }
  }
  free(y1);
}

static void run_both(ops_kernel_fn fn, const struct ops_simd_ew_params *p, int n_in, const float *a,
                     const float *b, float *y, size_t ny) {
  run_both_dims(fn, p, n_in, a, b, y, ny, NULL);
}

static float *filled(size_t n, int seed) {
  float *v = malloc(n * sizeof *v);
  assert_non_null(v);
  for (size_t i = 0; i < n; i++)
    v[i] = (float)((int)((i * 7919 + (size_t)seed * 31) % 2001) - 1000) / 211.0f;
  return v;
}

static void test_driver_binary(void **state) {
  (void)state;
  /* a [4, 9000] + b [9000]: rows of 9000 split into pieces; then a [64, 1] - b [64, 300]:
   * a repeats along each row (mode SV) and rows are grouped into pieces. */
  struct ops_simd_ew_params p = {.cfg = ops_kconfig_f32_vector(), .kind = OPS_SIMD_EW_BINARY};
  float *a = filled(4 * 9000, 1), *b = filled(64 * 300, 2), *y = malloc(4 * 9000 * sizeof *y);
  assert_non_null(y);
  p.bop = OPS_VBINARY_ADD;
  p.mode = OPS_VBINARY_VV;
  p.rows = 4;
  p.inner = 9000;
  p.outer_rank = 1;
  p.outer[0] = 4;
  p.a_step[0] = 9000;
  p.b_step[0] = 0;
  run_both(ops_f32_add_kernel__simd, &p, 2, a, b, y, 4 * 9000);
  for (size_t r = 0; r < 4; r++)
    for (size_t i = 0; i < 9000; i++)
      assert_true(same(y[r * 9000 + i], a[r * 9000 + i] + b[i]));
  p.bop = OPS_VBINARY_SUB;
  p.mode = OPS_VBINARY_SV;
  p.rows = 64;
  p.inner = 300;
  p.outer[0] = 64;
  p.a_step[0] = 1;
  p.b_step[0] = 300;
  run_both(ops_f32_sub_kernel__simd, &p, 2, a, b, y, 64 * 300);
  for (size_t r = 0; r < 64; r++)
    for (size_t i = 0; i < 300; i++)
      assert_true(same(y[r * 300 + i], a[r] - b[r * 300 + i]));
  /* Two outer dims: a [3, 1, 40] * b [1, 5, 40] -> y [3, 5, 40] (b advances with the inner
   * outer dim, a with the outer one). */
  p.bop = OPS_VBINARY_MUL;
  p.mode = OPS_VBINARY_VV;
  p.rows = 15;
  p.inner = 40;
  p.outer_rank = 2;
  p.outer[0] = 3;
  p.outer[1] = 5;
  p.a_step[0] = 40;
  p.a_step[1] = 0;
  p.b_step[0] = 0;
  p.b_step[1] = 40;
  run_both(ops_f32_mul_kernel__simd, &p, 2, a, b, y, 600);
  for (size_t i = 0; i < 3; i++)
    for (size_t j = 0; j < 5; j++)
      for (size_t k = 0; k < 40; k++)
        assert_true(same(y[(i * 5 + j) * 40 + k], a[i * 40 + k] * b[j * 40 + k]));
  free(a);
  free(b);
  free(y);

  /* Same shapes, one run: the threads cut each [H, W] plane of y [2, 8, 48, 50] into bands
   * (9.6 KB planes: two bands), and a [3, 7, 9] tensor whose planes stay whole. */
  const size_t n4 = 2 * 8 * 48 * 50;
  a = filled(n4, 4);
  b = filled(n4, 5);
  y = malloc(n4 * sizeof *y);
  assert_non_null(y);
  p.bop = OPS_VBINARY_ADD;
  p.rows = 1;
  p.inner = n4;
  p.outer_rank = 0;
  const struct ops_kdims d4 = KT_DIMS(2, 8, 48, 50), d3 = KT_DIMS(3, 7, 9);
  run_both_dims(ops_f32_add_kernel__simd, &p, 2, a, b, y, n4, &d4);
  for (size_t i = 0; i < n4; i++)
    assert_true(same(y[i], a[i] + b[i]));
  p.inner = 3 * 7 * 9;
  run_both_dims(ops_f32_add_kernel__simd, &p, 2, a, b, y, p.inner, &d3);
  for (size_t i = 0; i < p.inner; i++)
    assert_true(same(y[i], a[i] + b[i]));
  free(a);
  free(b);
  free(y);
}

static void test_driver_rows(void **state) {
  (void)state;
  size_t rows = 300, inner = 777;
  float *x = filled(rows * inner, 3), *y = malloc(rows * inner * sizeof *y);
  assert_non_null(y);
  struct ops_simd_ew_params p = {.cfg = ops_kconfig_f32_vector(), .rows = rows, .inner = inner};
  p.kind = OPS_SIMD_EW_SOFTMAX;
  run_both(ops_f32_softmax_kernel__simd, &p, 1, x, NULL, y, rows * inner);
  for (size_t r = 0; r < rows; r += 37) {
    const float *xr = x + r * inner;
    double max = -INFINITY, sum = 0.0;
    for (size_t i = 0; i < inner; i++)
      max = xr[i] > max ? xr[i] : max;
    for (size_t i = 0; i < inner; i++)
      sum += exp(xr[i] - max);
    for (size_t i = 0; i < inner; i++) {
      double want = exp(xr[i] - max) / sum;
      OPS_ASSERT_NEAR(y[r * inner + i], want, 1e-5 * want + 1e-12);
    }
  }
  p.kind = OPS_SIMD_EW_LOG_SOFTMAX;
  run_both(ops_f32_log_softmax_kernel__simd, &p, 1, x, NULL, y, rows * inner);
  for (size_t r = 0; r < rows; r += 37) {
    const float *xr = x + r * inner;
    double max = -INFINITY, sum = 0.0;
    for (size_t i = 0; i < inner; i++)
      max = xr[i] > max ? xr[i] : max;
    for (size_t i = 0; i < inner; i++)
      sum += exp(xr[i] - max);
    for (size_t i = 0; i < inner; i++)
      OPS_ASSERT_NEAR(y[r * inner + i], xr[i] - max - log(sum), 1e-5);
  }
  p.kind = OPS_SIMD_EW_REDUCE_MEAN;
  run_both(ops_f32_reduce_mean_kernel__simd, &p, 1, x, NULL, y, rows);
  for (size_t r = 0; r < rows; r++) {
    double sum = 0.0;
    for (size_t i = 0; i < inner; i++)
      sum += x[r * inner + i];
    OPS_ASSERT_NEAR(y[r], sum / (double)inner, 1e-5);
  }
  /* One long unary run, cut into pieces. */
  p.kind = OPS_SIMD_EW_UNARY;
  p.uop = OPS_VUNARY_TANH;
  p.rows = 1;
  p.inner = rows * inner;
  run_both(ops_f32_tanh_kernel__simd, &p, 1, x, NULL, y, rows * inner);
  for (size_t i = 0; i < rows * inner; i += 101)
    assert_true(ulp_diff(y[i], (float)tanh((double)x[i])) <= TANH_ULP);
  free(x);
  free(y);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_binary),        cmocka_unit_test(test_unary),
      cmocka_unit_test(test_sweep),         cmocka_unit_test(test_rows),
      cmocka_unit_test(test_driver_binary), cmocka_unit_test(test_driver_rows),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
