/*
 * Tests of the elementwise families beyond Add..Pow: Round's halves to even, Mod's signs in both
 * modes (and its refusal of a zero divisor), BitShift's direction and over-wide shifts, IsInf's
 * detect flags, Where's 3-way broadcasting, PRelu's slope broadcast, the variadic Sum, Min, Max
 * and Mean over several broadcast inputs (with NaN propagation), comparisons, logic ops, and the
 * integer Abs, Neg and Sign at their extremes.
 */
#include <float.h>
#include <math.h>
#include <stdint.h>

#include "test-util.h"

#include "kernel-tester.h"
#include "kernels/params.h"
#include "kernels/scalar/scalar.h"

#define F32 OPSCOPE_DTYPE_F32
#define BOOL OPSCOPE_DTYPE_BOOL

static void test_round_half_even(void **state) {
  (void)state;
  const float x[] = {0.5f, 1.5f, 2.5f, -0.5f, -1.5f, -2.5f, 2.4f, 2.6f, -2.6f, 1e9f, INFINITY};
  const float want[] = {0.0f, 2.0f, 2.0f, -0.0f, -2.0f, -2.0f, 2.0f, 3.0f, -3.0f, 1e9f, INFINITY};
  enum { N = sizeof x / sizeof x[0] };
  float y[N];
  struct kt k;
  kt_init(&k);
  kt_in(&k, x, F32, KT_DIMS(N));
  kt_out(&k, y, F32, KT_DIMS(N));
  assert_int_equal(kt_run(&k, ops_f32_round_kernel__scalar, NULL), OPS_KRESULT_OK);
  for (int i = 0; i < N; i++) {
    if (y[i] != want[i] || signbit(y[i]) != signbit(want[i])) {
      fail_msg("Round(%g) = %g, want %g", (double)x[i], (double)y[i], (double)want[i]);
    }
  }
}

/* Runs i32 Mod with `fmod` over the sign combinations of 7 and 3 (and divisor -1 at INT_MIN). */
static void test_mod_signs(void **state) {
  (void)state;
  const int32_t a[] = {7, -7, 7, -7, 6, -6, INT32_MIN, 0};
  const int32_t b[] = {3, 3, -3, -3, 3, -3, -1, -5};
  const int32_t want_py[] = {1, 2, -2, -1, 0, 0, 0, 0}; /* fmod=0: divisor's sign */
  const int32_t want_c[] = {1, -1, 1, -1, 0, 0, 0, 0};  /* fmod=1: dividend's sign */
  enum { N = sizeof a / sizeof a[0] };
  int32_t y[N];
  for (int mode = 0; mode < 2; mode++) {
    struct ops_mod_params p = {.fmod = mode == 1};
    struct kt k;
    kt_init(&k);
    kt_in(&k, a, OPSCOPE_DTYPE_I32, KT_DIMS(N));
    kt_in(&k, b, OPSCOPE_DTYPE_I32, KT_DIMS(N));
    kt_out(&k, y, OPSCOPE_DTYPE_I32, KT_DIMS(N));
    assert_int_equal(kt_run(&k, ops_i32_mod_kernel__scalar, &p), OPS_KRESULT_OK);
    for (int i = 0; i < N; i++) {
      int32_t want = mode ? want_c[i] : want_py[i];
      if (y[i] != want) fail_msg("fmod=%d: %d mod %d = %d, want %d", mode, a[i], b[i], y[i], want);
    }
  }

  /* A broadcast divisor holding 0 is refused, not trapped on. */
  const int8_t a8[] = {5, 6};
  const int8_t zero = 0;
  int8_t y8[2];
  struct ops_mod_params p = {.fmod = false};
  struct kt k;
  kt_init(&k);
  kt_in(&k, a8, OPSCOPE_DTYPE_I8, KT_DIMS(2));
  kt_in(&k, &zero, OPSCOPE_DTYPE_I8, KT_SCALAR);
  kt_out(&k, y8, OPSCOPE_DTYPE_I8, KT_DIMS(2));
  assert_int_equal(kt_run(&k, ops_i8_mod_kernel__scalar, &p), OPS_KRESULT_BAD_VALUE);

  /* Float Mod is C's fmod: the dividend's sign, and -0 stays -0. */
  const float fa[] = {-4.3f, 4.3f, -0.0f};
  const float fb[] = {2.1f, -2.1f, 3.0f};
  float fy[3];
  p.fmod = true;
  kt_init(&k);
  kt_in(&k, fa, F32, KT_DIMS(3));
  kt_in(&k, fb, F32, KT_DIMS(3));
  kt_out(&k, fy, F32, KT_DIMS(3));
  assert_int_equal(kt_run(&k, ops_f32_mod_kernel__scalar, &p), OPS_KRESULT_OK);
  for (int i = 0; i < 3; i++)
    assert_true(fy[i] == fmodf(fa[i], fb[i]) && signbit(fy[i]) == signbit(fa[i]));
}

static void test_bit_shift(void **state) {
  (void)state;
  const uint8_t x[] = {1, 0x81, 0xFF, 16};
  const uint8_t s[] = {3, 1, 8, 4};
  const uint8_t want_left[] = {8, 0x02, 0, 0};
  const uint8_t want_right[] = {0, 0x40, 0, 1};
  uint8_t y[4];
  for (int left = 0; left < 2; left++) {
    struct ops_bitshift_params p = {.left = left == 1};
    struct kt k;
    kt_init(&k);
    kt_in(&k, x, OPSCOPE_DTYPE_U8, KT_DIMS(4));
    kt_in(&k, s, OPSCOPE_DTYPE_U8, KT_DIMS(4));
    kt_out(&k, y, OPSCOPE_DTYPE_U8, KT_DIMS(4));
    assert_int_equal(kt_run(&k, ops_u8_bit_shift_kernel__scalar, &p), OPS_KRESULT_OK);
    assert_memory_equal(y, left ? want_left : want_right, sizeof y);
  }
  /* u64 with a broadcast shift of 63 and one of 64 (all bits out). */
  const uint64_t big[] = {1, 3};
  uint64_t by[2];
  const uint64_t s63 = 63, s64 = 64;
  struct ops_bitshift_params p = {.left = true};
  struct kt k;
  kt_init(&k);
  kt_in(&k, big, OPSCOPE_DTYPE_U64, KT_DIMS(2));
  kt_in(&k, &s63, OPSCOPE_DTYPE_U64, KT_SCALAR);
  kt_out(&k, by, OPSCOPE_DTYPE_U64, KT_DIMS(2));
  assert_int_equal(kt_run(&k, ops_u64_bit_shift_kernel__scalar, &p), OPS_KRESULT_OK);
  assert_true(by[0] == UINT64_C(1) << 63 && by[1] == UINT64_C(1) << 63);
  k.in[1] = &s64;
  assert_int_equal(kt_run(&k, ops_u64_bit_shift_kernel__scalar, &p), OPS_KRESULT_OK);
  assert_true(by[0] == 0 && by[1] == 0);
}

static void test_is_inf_flags(void **state) {
  (void)state;
  const float x[] = {INFINITY, -INFINITY, NAN, 1.0f, -FLT_MAX};
  const uint8_t want[4][5] = {
      {0, 0, 0, 0, 0}, /* neither */
      {1, 0, 0, 0, 0}, /* positive only */
      {0, 1, 0, 0, 0}, /* negative only */
      {1, 1, 0, 0, 0}, /* both (the default) */
  };
  uint8_t y[5];
  for (int f = 0; f < 4; f++) {
    struct ops_isinf_params p = {.detect_positive = f & 1, .detect_negative = (f & 2) != 0};
    struct kt k;
    kt_init(&k);
    kt_in(&k, x, F32, KT_DIMS(5));
    kt_out(&k, y, BOOL, KT_DIMS(5));
    assert_int_equal(kt_run(&k, ops_f32_is_inf_kernel__scalar, &p), OPS_KRESULT_OK);
    assert_memory_equal(y, want[f], sizeof y);
  }
  struct kt k;
  kt_init(&k);
  kt_in(&k, x, F32, KT_DIMS(5));
  kt_out(&k, y, BOOL, KT_DIMS(5));
  assert_int_equal(kt_run(&k, ops_f32_is_nan_kernel__scalar, NULL), OPS_KRESULT_OK);
  assert_memory_equal(y, ((const uint8_t[]){0, 0, 1, 0, 0}), sizeof y);
}

/* Where with cond [2, 1, 3], X [4, 1], Y scalar: output [2, 4, 3]. */
static void test_where_broadcast(void **state) {
  (void)state;
  const uint8_t cond[6] = {1, 0, 1, 0, 0, 1};
  const int64_t x[4] = {10, 20, 30, 40};
  const int64_t yv = -1;
  int64_t out[24];
  struct kt k;
  kt_init(&k);
  kt_in(&k, cond, BOOL, KT_DIMS(2, 1, 3));
  kt_in(&k, x, OPSCOPE_DTYPE_I64, KT_DIMS(4, 1));
  kt_in(&k, &yv, OPSCOPE_DTYPE_I64, KT_SCALAR);
  kt_out(&k, out, OPSCOPE_DTYPE_I64, KT_DIMS(2, 4, 3));
  assert_int_equal(kt_run(&k, ops_any_where_kernel__scalar, NULL), OPS_KRESULT_OK);
  for (int b = 0; b < 2; b++) {
    for (int r = 0; r < 4; r++) {
      for (int c = 0; c < 3; c++) {
        int64_t want = cond[b * 3 + c] ? x[r] : yv;
        assert_int_equal(out[(b * 4 + r) * 3 + c], want);
      }
    }
  }
}

/* PRelu with a per-channel slope [3, 1, 1] over X [2, 3, 2, 2]. */
static void test_prelu_broadcast(void **state) {
  (void)state;
  float x[24], y[24];
  const float slope[3] = {0.5f, -2.0f, 0.0f};
  for (int i = 0; i < 24; i++)
    x[i] = (float)(i % 5) - 2.0f;
  struct kt k;
  kt_init(&k);
  kt_in(&k, x, F32, KT_DIMS(2, 3, 2, 2));
  kt_in(&k, slope, F32, KT_DIMS(3, 1, 1));
  kt_out(&k, y, F32, KT_DIMS(2, 3, 2, 2));
  assert_int_equal(kt_run(&k, ops_f32_prelu_kernel__scalar, NULL), OPS_KRESULT_OK);
  for (int i = 0; i < 24; i++) {
    int ch = (i / 4) % 3;
    float want = x[i] < 0 ? slope[ch] * x[i] : x[i];
    if (y[i] != want) fail_msg("element %d: got %g want %g", i, (double)y[i], (double)want);
  }
}

/* Sum, Mean, Min, Max of three inputs [2, 3], [3], scalar; Min and Max propagate NaN. */
static void test_variadic(void **state) {
  (void)state;
  const float a[6] = {1, -2, 3, NAN, 5, -6};
  const float b[3] = {0.5f, 4, -1};
  const float c = 2;
  float y[6];
  ops_kernel_fn fns[4] = {ops_f32_sum_kernel__scalar, ops_f32_mean_kernel__scalar,
                          ops_f32_min_kernel__scalar, ops_f32_max_kernel__scalar};
  for (int f = 0; f < 4; f++) {
    struct kt k;
    kt_init(&k);
    kt_in(&k, a, F32, KT_DIMS(2, 3));
    kt_in(&k, b, F32, KT_DIMS(3));
    kt_in(&k, &c, F32, KT_SCALAR);
    kt_out(&k, y, F32, KT_DIMS(2, 3));
    assert_int_equal(kt_run(&k, fns[f], NULL), OPS_KRESULT_OK);
    for (int i = 0; i < 6; i++) {
      float p = a[i], q = b[i % 3];
      float want;
      switch (f) {
        case 0:
          want = p + q + c;
          break;
        case 1:
          want = (p + q + c) / 3.0f;
          break;
        case 2:
          want = isnan(p) ? p : fminf(fminf(p, q), c);
          break;
        default:
          want = isnan(p) ? p : fmaxf(fmaxf(p, q), c);
          break;
      }
      if (isnan(want) ? !isnan(y[i]) : fabsf(y[i] - want) > 1e-6f) {
        fail_msg("op %d element %d: got %g want %g", f, i, (double)y[i], (double)want);
      }
    }
  }
  /* One input broadcast to nothing else is a copy; unsigned Max compares unsigned. */
  const uint32_t u[3] = {0xFFFFFFFFu, 1, 7};
  const uint32_t v = 5;
  uint32_t uy[3];
  struct kt k;
  kt_init(&k);
  kt_in(&k, u, OPSCOPE_DTYPE_U32, KT_DIMS(3));
  kt_out(&k, uy, OPSCOPE_DTYPE_U32, KT_DIMS(3));
  assert_int_equal(kt_run(&k, ops_u32_max_kernel__scalar, NULL), OPS_KRESULT_OK);
  assert_memory_equal(uy, u, sizeof uy);
  kt_in(&k, &v, OPSCOPE_DTYPE_U32, KT_SCALAR);
  assert_int_equal(kt_run(&k, ops_u32_max_kernel__scalar, NULL), OPS_KRESULT_OK);
  assert_memory_equal(uy, ((const uint32_t[]){0xFFFFFFFFu, 5, 7}), sizeof uy);
}

static void test_compare_and_logic(void **state) {
  (void)state;
  const float a[4] = {1, 2, NAN, -1};
  const float b = 2;
  uint8_t y[4];
  struct {
    ops_kernel_fn fn;
    uint8_t want[4];
  } cases[] = {
      {ops_f32_equal_kernel__scalar, {0, 1, 0, 0}},
      {ops_f32_greater_kernel__scalar, {0, 0, 0, 0}},
      {ops_f32_less_kernel__scalar, {1, 0, 0, 1}},
      {ops_f32_greater_or_equal_kernel__scalar, {0, 1, 0, 0}},
      {ops_f32_less_or_equal_kernel__scalar, {1, 1, 0, 1}},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    struct kt k;
    kt_init(&k);
    kt_in(&k, a, F32, KT_DIMS(4));
    kt_in(&k, &b, F32, KT_SCALAR);
    kt_out(&k, y, BOOL, KT_DIMS(4));
    assert_int_equal(kt_run(&k, cases[i].fn, NULL), OPS_KRESULT_OK);
    assert_memory_equal(y, cases[i].want, sizeof y);
  }
  /* Logic ops over p [2, 1] and q [2]: the truth tables. */
  const uint8_t p[2] = {0, 1}, q[2] = {0, 1};
  struct {
    ops_kernel_fn fn;
    uint8_t want[4];
  } logic[] = {
      {ops_bool_and_kernel__scalar, {0, 0, 0, 1}},
      {ops_bool_or_kernel__scalar, {0, 1, 1, 1}},
      {ops_bool_xor_kernel__scalar, {0, 1, 1, 0}},
  };
  for (size_t i = 0; i < sizeof logic / sizeof logic[0]; i++) {
    struct kt k;
    kt_init(&k);
    kt_in(&k, p, BOOL, KT_DIMS(2, 1));
    kt_in(&k, q, BOOL, KT_DIMS(2));
    kt_out(&k, y, BOOL, KT_DIMS(2, 2));
    assert_int_equal(kt_run(&k, logic[i].fn, NULL), OPS_KRESULT_OK);
    assert_memory_equal(y, logic[i].want, sizeof y);
  }
  struct kt k;
  kt_init(&k);
  kt_in(&k, p, BOOL, KT_DIMS(2));
  kt_out(&k, y, BOOL, KT_DIMS(2));
  assert_int_equal(kt_run(&k, ops_bool_not_kernel__scalar, NULL), OPS_KRESULT_OK);
  assert_int_equal(y[0], 1);
  assert_int_equal(y[1], 0);
}

static void test_int_unary(void **state) {
  (void)state;
  const int8_t x[] = {INT8_MIN, -5, 0, 7, INT8_MAX};
  int8_t y[5];
  struct {
    ops_kernel_fn fn;
    int8_t want[5];
  } cases[] = {
      {ops_i8_abs_kernel__scalar, {INT8_MIN, 5, 0, 7, INT8_MAX}},
      {ops_i8_neg_kernel__scalar, {INT8_MIN, 5, 0, -7, -INT8_MAX}},
      {ops_i8_sign_kernel__scalar, {-1, -1, 0, 1, 1}},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    struct kt k;
    kt_init(&k);
    kt_in(&k, x, OPSCOPE_DTYPE_I8, KT_DIMS(5));
    kt_out(&k, y, OPSCOPE_DTYPE_I8, KT_DIMS(5));
    assert_int_equal(kt_run(&k, cases[i].fn, NULL), OPS_KRESULT_OK);
    assert_memory_equal(y, cases[i].want, sizeof y);
  }
}

/* Activations at points where their pieces meet, against the spec's formulas. */
static void test_activations(void **state) {
  (void)state;
  const float x[] = {-3.0f, -0.5f, 0.0f, 0.5f, 3.0f};
  float y[5];
  struct ops_activation_params shrink = {.alpha = 0.5f, .beta = 0.25f};
  struct kt k;
  kt_init(&k);
  kt_in(&k, x, F32, KT_DIMS(5));
  kt_out(&k, y, F32, KT_DIMS(5));
  assert_int_equal(kt_run(&k, ops_f32_shrink_kernel__scalar, &shrink), OPS_KRESULT_OK);
  assert_memory_equal(y, ((const float[]){-2.75f, 0.0f, 0.0f, 0.0f, 2.75f}), sizeof y);
  struct ops_activation_params hswish = {.alpha = 1.0f / 6.0f, .beta = 0.5f};
  assert_int_equal(kt_run(&k, ops_f32_hard_swish_kernel__scalar, &hswish), OPS_KRESULT_OK);
  for (int i = 0; i < 5; i++) {
    double v = x[i], hs = fmin(fmax(v / 6.0 + 0.5, 0.0), 1.0);
    assert_true(fabs(y[i] - v * hs) < KT_TOL);
  }
  struct ops_activation_params gelu = {.tanh_approx = false};
  assert_int_equal(kt_run(&k, ops_f32_gelu_kernel__scalar, &gelu), OPS_KRESULT_OK);
  for (int i = 0; i < 5; i++) {
    double v = x[i];
    assert_true(fabs(y[i] - 0.5 * v * (1.0 + erf(v / sqrt(2.0)))) < KT_TOL);
  }
  gelu.tanh_approx = true;
  assert_int_equal(kt_run(&k, ops_f32_gelu_kernel__scalar, &gelu), OPS_KRESULT_OK);
  for (int i = 0; i < 5; i++) {
    double v = x[i];
    double t = tanh(sqrt(2.0 / 3.14159265358979323846) * (v + 0.044715 * v * v * v));
    assert_true(fabs(y[i] - 0.5 * v * (1.0 + t)) < KT_TOL);
  }
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_round_half_even), cmocka_unit_test(test_mod_signs),
      cmocka_unit_test(test_bit_shift),       cmocka_unit_test(test_is_inf_flags),
      cmocka_unit_test(test_where_broadcast), cmocka_unit_test(test_prelu_broadcast),
      cmocka_unit_test(test_variadic),        cmocka_unit_test(test_compare_and_logic),
      cmocka_unit_test(test_int_unary),       cmocka_unit_test(test_activations),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
