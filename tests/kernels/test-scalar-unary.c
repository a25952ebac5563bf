/*
 * Tests of kernels/scalar/f32-unary.c: each op against libm or known values (Erf against
 * tabulated values to 9 digits), NaN and infinity handling, odd sizes and in-place use, and
 * Clip with bounds from params (opset 6 attributes) and from inputs (opset 11+).
 */
#include <float.h>
#include <math.h>

#include "test-util.h"

#include "kernel-tester.h"
#include "kernels/params.h"
#include "kernels/scalar/scalar.h"

static void run1(ops_kernel_fn fn, const float *x, float *y, int64_t n) {
  struct kt k;
  kt_init(&k);
  kt_in(&k, x, OPSCOPE_DTYPE_F32, KT_DIMS(n));
  kt_out(&k, y, OPSCOPE_DTYPE_F32, KT_DIMS(n));
  assert_int_equal(kt_run(&k, fn, NULL), OPS_KRESULT_OK);
}

/* erf from Abramowitz and Stegun table 7.1 (and its limits). */
static void test_erf_known_values(void **state) {
  (void)state;
  const float x[9] = {0, 0.1f, 0.5f, 1, -1, 2, 3, INFINITY, -INFINITY};
  const double want[9] = {
      0, 0.1124629160, 0.5204998778, 0.8427007929, -0.8427007929, 0.9953222650, 0.9999779095, 1,
      -1};
  float y[9];
  run1(ops_f32_erf_kernel__scalar, x, y, 9);
  for (int i = 0; i < 9; i++)
    OPS_ASSERT_NEAR(y[i], want[i], 1e-7);
}

static void test_against_libm(void **state) {
  (void)state;
  enum { N = 37 }; /* odd, and not a multiple of any vector width */
  float x[N], pos[N], y[N];
  kt_fill(x, N, 51);
  for (int i = 0; i < N; i++) {
    x[i] *= 4.0f;
    pos[i] = fabsf(x[i]) + 0.125f;
  }
  run1(ops_f32_sigmoid_kernel__scalar, x, y, N);
  for (int i = 0; i < N; i++)
    OPS_ASSERT_NEAR(y[i], 1.0 / (1.0 + exp(-(double)x[i])), 1e-7);
  run1(ops_f32_tanh_kernel__scalar, x, y, N);
  for (int i = 0; i < N; i++)
    OPS_ASSERT_NEAR(y[i], tanh((double)x[i]), 1e-7);
  run1(ops_f32_exp_kernel__scalar, x, y, N);
  for (int i = 0; i < N; i++)
    OPS_ASSERT_NEAR(y[i], exp((double)x[i]), 1e-6 * exp((double)x[i]));
  run1(ops_f32_sqrt_kernel__scalar, pos, y, N);
  for (int i = 0; i < N; i++)
    OPS_ASSERT_NEAR(y[i], sqrt((double)pos[i]), 1e-6);
  run1(ops_f32_log_kernel__scalar, pos, y, N);
  for (int i = 0; i < N; i++)
    OPS_ASSERT_NEAR(y[i], log((double)pos[i]), 1e-6);
  run1(ops_f32_reciprocal_kernel__scalar, pos, y, N);
  for (int i = 0; i < N; i++)
    OPS_ASSERT_NEAR(y[i], 1.0 / (double)pos[i], 1e-6 / (double)pos[i]);
  run1(ops_f32_neg_kernel__scalar, x, y, N);
  for (int i = 0; i < N; i++)
    OPS_ASSERT_NEAR(y[i], -x[i], 0);
  run1(ops_f32_abs_kernel__scalar, x, y, N);
  for (int i = 0; i < N; i++)
    OPS_ASSERT_NEAR(y[i], fabsf(x[i]), 0);
  run1(ops_f32_relu_kernel__scalar, x, y, N);
  for (int i = 0; i < N; i++)
    OPS_ASSERT_NEAR(y[i], x[i] > 0 ? x[i] : 0, 0);
}

static void test_special_values(void **state) {
  (void)state;
  const float x[4] = {NAN, INFINITY, -INFINITY, -0.0f};
  float y[4];
  run1(ops_f32_relu_kernel__scalar, x, y, 4);
  assert_true(isnan(y[0]));
  assert_true(isinf(y[1]));
  OPS_ASSERT_NEAR(y[2], 0, 0);
  run1(ops_f32_sigmoid_kernel__scalar, x, y, 4);
  assert_true(isnan(y[0]));
  OPS_ASSERT_NEAR(y[1], 1, 0);
  OPS_ASSERT_NEAR(y[2], 0, 0);
  OPS_ASSERT_NEAR(y[3], 0.5, 0);
  run1(ops_f32_reciprocal_kernel__scalar, x, y, 4);
  OPS_ASSERT_NEAR(y[1], 0, 0);
  assert_true(isinf(y[3]) && y[3] < 0); /* 1 / -0 */
  run1(ops_f32_sqrt_kernel__scalar, x + 2, y, 1);
  assert_true(isnan(y[0])); /* sqrt(-inf) */
  run1(ops_f32_log_kernel__scalar, x + 3, y, 1);
  assert_true(isinf(y[0]) && y[0] < 0); /* log(-0) */
}

/* The output may be the input's buffer. */
static void test_in_place(void **state) {
  (void)state;
  float x[3] = {-1, 0.5f, 2};
  run1(ops_f32_neg_kernel__scalar, x, x, 3);
  OPS_ASSERT_NEAR(x[0], 1, 0);
  OPS_ASSERT_NEAR(x[1], -0.5, 0);
  OPS_ASSERT_NEAR(x[2], -2, 0);
}

static void test_clip(void **state) {
  (void)state;
  const float x[5] = {-3, -0.5f, 0.25f, 7, NAN};
  float y[5];
  struct kt k;
  /* Opset 6: bounds from attributes, in params. */
  struct ops_clip_params p = {.min = -1, .max = 1};
  kt_init(&k);
  kt_in(&k, x, OPSCOPE_DTYPE_F32, KT_DIMS(5));
  kt_out(&k, y, OPSCOPE_DTYPE_F32, KT_DIMS(5));
  assert_int_equal(kt_run(&k, ops_f32_clip_kernel__scalar, &p), OPS_KRESULT_OK);
  OPS_ASSERT_NEAR(y[0], -1, 0);
  OPS_ASSERT_NEAR(y[1], -0.5, 0);
  OPS_ASSERT_NEAR(y[2], 0.25, 0);
  OPS_ASSERT_NEAR(y[3], 1, 0);
  assert_true(isnan(y[4]));

  /* Opset 11+: mobilenet's ReLU6 as Clip(x, 0, 6) with both bounds as inputs. */
  const float lo[1] = {0}, hi[1] = {6};
  struct ops_clip_params none = {.min = -INFINITY, .max = INFINITY};
  kt_init(&k);
  kt_in(&k, x, OPSCOPE_DTYPE_F32, KT_DIMS(5));
  kt_in(&k, lo, OPSCOPE_DTYPE_F32, KT_SCALAR);
  kt_in(&k, hi, OPSCOPE_DTYPE_F32, KT_SCALAR);
  kt_out(&k, y, OPSCOPE_DTYPE_F32, KT_DIMS(5));
  assert_int_equal(kt_run(&k, ops_f32_clip_kernel__scalar, &none), OPS_KRESULT_OK);
  OPS_ASSERT_NEAR(y[0], 0, 0);
  OPS_ASSERT_NEAR(y[2], 0.25, 0);
  OPS_ASSERT_NEAR(y[3], 6, 0);

  /* Only max given (min omitted: NULL input 1). */
  k.in[1] = NULL;
  k.in_dtype[1] = 0;
  assert_int_equal(kt_run(&k, ops_f32_clip_kernel__scalar, &none), OPS_KRESULT_OK);
  OPS_ASSERT_NEAR(y[0], -3, 0);
  OPS_ASSERT_NEAR(y[3], 6, 0);

  /* min > max: every value becomes max, as np.clip does. */
  const float lo2[1] = {5}, hi2[1] = {2};
  k.in[1] = lo2;
  k.in_dtype[1] = OPSCOPE_DTYPE_F32;
  k.in[2] = hi2;
  assert_int_equal(kt_run(&k, ops_f32_clip_kernel__scalar, &none), OPS_KRESULT_OK);
  for (int i = 0; i < 4; i++)
    OPS_ASSERT_NEAR(y[i], 2, 0);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_erf_known_values),
      cmocka_unit_test(test_against_libm),
      cmocka_unit_test(test_special_values),
      cmocka_unit_test(test_in_place),
      cmocka_unit_test(test_clip),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
