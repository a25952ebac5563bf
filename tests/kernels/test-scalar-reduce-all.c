/*
 * Tests of the reductions and normalizations beyond ReduceMean and Softmax: every Reduce* kernel
 * (f32 over every axis set of a 3-D input, f64 for ReduceLogSumExp's stability), ArgMax and
 * ArgMin with ties, LogSoftmax and Hardmax in both opset semantics, LayerNormalization with its
 * statistics outputs, InstanceNormalization, MeanVarianceNormalization and LRN.
 *
 * The references scatter: they walk the input once and add each element into the output
 * element it belongs to, the opposite direction of the kernels' gather walk.
 */
#include <math.h>
#include <stdlib.h>

#include "test-util.h"

#include "kernel-tester.h"
#include "kernels/params.h"
#include "kernels/scalar/scalar.h"

enum kind { SUM, MEAN, PROD, MAX, MIN, L1, L2, LOG_SUM, LOG_SUM_EXP, SUM_SQUARE, KIND_COUNT };

static const ops_kernel_fn f32_fns[KIND_COUNT] = {
    ops_f32_reduce_sum_kernel__scalar,         ops_f32_reduce_mean_kernel__scalar,
    ops_f32_reduce_prod_kernel__scalar,        ops_f32_reduce_max_kernel__scalar,
    ops_f32_reduce_min_kernel__scalar,         ops_f32_reduce_l1_kernel__scalar,
    ops_f32_reduce_l2_kernel__scalar,          ops_f32_reduce_log_sum_kernel__scalar,
    ops_f32_reduce_log_sum_exp_kernel__scalar, ops_f32_reduce_sum_square_kernel__scalar,
};

/* Output index of input element e of dims d[3] when the dims in `mask` are reduced. */
static int64_t out_index(const int64_t *d, uint32_t mask, int64_t e) {
  int64_t at = 0, stride = 1;
  for (int j = 2; j >= 0; j--) {
    int64_t pos = e % d[j];
    e /= d[j];
    if (mask & (1u << j)) continue;
    at += pos * stride;
    stride *= d[j];
  }
  return at;
}

static void check_reduce(enum kind kind, uint32_t mask) {
  const int64_t d[3] = {3, 4, 5};
  float x[60], y[60];
  double acc[60], count[60];
  kt_fill(x, 60, 71 + (uint32_t)kind);
  /* Positive data for the logs and a product of moderate size. */
  for (int i = 0; i < 60; i++) {
    if (kind == LOG_SUM || kind == PROD) x[i] = 0.5f + fabsf(x[i]);
  }
  struct ops_kdims od = {.rank = 3};
  int64_t n_out = 1;
  for (int j = 0; j < 3; j++) {
    od.d[j] = (mask & (1u << j)) ? 1 : d[j];
    n_out *= od.d[j];
  }
  for (int64_t o = 0; o < n_out; o++) {
    acc[o] = kind == PROD ? 1.0 : kind == MAX ? -INFINITY : kind == MIN ? INFINITY : 0.0;
    count[o] = 0;
  }
  for (int64_t e = 0; e < 60; e++) {
    int64_t o = out_index(d, mask, e);
    double v = x[e];
    count[o] += 1;
    switch (kind) {
      case PROD:
        acc[o] *= v;
        break;
      case MAX:
        acc[o] = fmax(acc[o], v);
        break;
      case MIN:
        acc[o] = fmin(acc[o], v);
        break;
      case L1:
        acc[o] += fabs(v);
        break;
      case L2:
      case SUM_SQUARE:
        acc[o] += v * v;
        break;
      case LOG_SUM_EXP:
        acc[o] += exp(v);
        break;
      default:
        acc[o] += v;
        break;
    }
  }
  struct ops_reduce_params p = {.axes_mask = mask};
  struct kt k;
  kt_init(&k);
  kt_in(&k, x, OPSCOPE_DTYPE_F32, KT_DIMS(3, 4, 5));
  kt_out(&k, y, OPSCOPE_DTYPE_F32, od);
  assert_int_equal(kt_run(&k, f32_fns[kind], &p), OPS_KRESULT_OK);
  for (int64_t o = 0; o < n_out; o++) {
    double want = acc[o];
    if (kind == MEAN) want /= count[o];
    if (kind == L2) want = sqrt(want);
    if (kind == LOG_SUM || kind == LOG_SUM_EXP) want = log(want);
    OPS_ASSERT_NEAR(y[o], want, KT_TOL * (1 + fabs(want)));
  }
}

static void test_reduce_every_kind_and_axis_set(void **state) {
  (void)state;
  for (int kind = 0; kind < KIND_COUNT; kind++) {
    for (uint32_t mask = 1; mask < 8; mask++)
      check_reduce((enum kind)kind, mask);
  }
}

/* A mask of 0 (noop_with_empty_axes) reduces each element alone. */
static void test_reduce_empty_mask(void **state) {
  (void)state;
  const float x[4] = {-2, 0.5f, 3, -0.25f};
  float y[4];
  struct ops_reduce_params p = {.axes_mask = 0};
  struct kt k;
  kt_init(&k);
  kt_in(&k, x, OPSCOPE_DTYPE_F32, KT_DIMS(2, 2));
  kt_out(&k, y, OPSCOPE_DTYPE_F32, KT_DIMS(2, 2));
  assert_int_equal(kt_run(&k, ops_f32_reduce_sum_kernel__scalar, &p), OPS_KRESULT_OK);
  for (int i = 0; i < 4; i++)
    OPS_ASSERT_NEAR(y[i], x[i], 0);
  assert_int_equal(kt_run(&k, ops_f32_reduce_sum_square_kernel__scalar, &p), OPS_KRESULT_OK);
  for (int i = 0; i < 4; i++)
    OPS_ASSERT_NEAR(y[i], x[i] * x[i], 0);
}

/* f64 LogSumExp of values far past exp's range: the maximum is taken out first. */
static void test_reduce_log_sum_exp_f64_large(void **state) {
  (void)state;
  const double x[4] = {1000, 1000, -INFINITY, 5e3};
  double y[2];
  struct ops_reduce_params p = {.axes_mask = 2};
  struct kt k;
  kt_init(&k);
  kt_in(&k, x, OPSCOPE_DTYPE_F64, KT_DIMS(2, 2));
  kt_out(&k, y, OPSCOPE_DTYPE_F64, KT_DIMS(2));
  assert_int_equal(kt_run(&k, ops_f64_reduce_log_sum_exp_kernel__scalar, &p), OPS_KRESULT_OK);
  OPS_ASSERT_NEAR(y[0], 1000 + log(2.0), 1e-9);
  OPS_ASSERT_NEAR(y[1], 5e3, 1e-9);
  /* f64 ReduceMax and ReduceProd share the walker. */
  assert_int_equal(kt_run(&k, ops_f64_reduce_max_kernel__scalar, &p), OPS_KRESULT_OK);
  OPS_ASSERT_NEAR(y[0], 1000, 0);
  OPS_ASSERT_NEAR(y[1], 5e3, 0);
}

static void test_reduce_max_nan(void **state) {
  (void)state;
  const float x[3] = {1, NAN, 2};
  float y[1];
  struct ops_reduce_params p = {.axes_mask = 1};
  struct kt k;
  kt_init(&k);
  kt_in(&k, x, OPSCOPE_DTYPE_F32, KT_DIMS(3));
  kt_out(&k, y, OPSCOPE_DTYPE_F32, KT_SCALAR);
  assert_int_equal(kt_run(&k, ops_f32_reduce_max_kernel__scalar, &p), OPS_KRESULT_OK);
  assert_true(isnan(y[0]));
}

/* [[2, 5, 5], [1, 1, 0]] along each axis, first and last ties. */
static void test_arg_max_min(void **state) {
  (void)state;
  const float x[6] = {2, 5, 5, 1, 1, 0};
  int64_t y[3];
  struct ops_argreduce_params p = {.axis = 1};
  struct kt k;
  kt_init(&k);
  kt_in(&k, x, OPSCOPE_DTYPE_F32, KT_DIMS(2, 3));
  kt_out(&k, y, OPSCOPE_DTYPE_I64, KT_DIMS(2, 1));
  assert_int_equal(kt_run(&k, ops_f32_arg_max_kernel__scalar, &p), OPS_KRESULT_OK);
  assert_int_equal(y[0], 1);
  assert_int_equal(y[1], 0);
  p.select_last = true;
  assert_int_equal(kt_run(&k, ops_f32_arg_max_kernel__scalar, &p), OPS_KRESULT_OK);
  assert_int_equal(y[0], 2);
  assert_int_equal(y[1], 1);
  assert_int_equal(kt_run(&k, ops_f32_arg_min_kernel__scalar, &p), OPS_KRESULT_OK);
  assert_int_equal(y[0], 0);
  assert_int_equal(y[1], 2);
  p.axis = 0;
  p.select_last = false;
  k.out_dims[0] = KT_DIMS(3);
  assert_int_equal(kt_run(&k, ops_f32_arg_min_kernel__scalar, &p), OPS_KRESULT_OK);
  assert_int_equal(y[0], 1);
  assert_int_equal(y[1], 1);
  assert_int_equal(y[2], 1);
}

/* LogSoftmax against log(softmax) and Hardmax against the first maximum, for each axis of a
 * [2, 3, 4] input in both semantics. */
static void check_log_softmax_hardmax(int axis, bool coerce) {
  float x[24], ls[24], sm[24], hm[24];
  kt_fill(x, 24, 81 + (uint32_t)axis);
  x[5] = x[6] = 3.0f; /* a tie, which Hardmax gives to the first */
  struct ops_softmax_params p = {.axis = axis, .coerce_2d = coerce};
  struct kt k;
  kt_init(&k);
  kt_in(&k, x, OPSCOPE_DTYPE_F32, KT_DIMS(2, 3, 4));
  kt_out(&k, ls, OPSCOPE_DTYPE_F32, KT_DIMS(2, 3, 4));
  assert_int_equal(kt_run(&k, ops_f32_log_softmax_kernel__scalar, &p), OPS_KRESULT_OK);
  k.out[0] = sm;
  assert_int_equal(kt_run(&k, ops_f32_softmax_kernel__scalar, &p), OPS_KRESULT_OK);
  for (int i = 0; i < 24; i++)
    OPS_ASSERT_NEAR(ls[i], log((double)sm[i]), 1e-5);
  k.out[0] = hm;
  assert_int_equal(kt_run(&k, ops_f32_hardmax_kernel__scalar, &p), OPS_KRESULT_OK);
  const int64_t d[3] = {2, 3, 4};
  int64_t outer = 1, len = 1, inner = 1;
  for (int j = 0; j < axis; j++)
    outer *= d[j];
  for (int j = axis; j < 3; j++) {
    if (coerce || j == axis) {
      len *= d[j];
    } else {
      inner *= d[j];
    }
  }
  for (int64_t o = 0; o < outer; o++) {
    for (int64_t i = 0; i < inner; i++) {
      int64_t best = 0;
      for (int64_t t = 1; t < len; t++) {
        if (x[(o * len + t) * inner + i] > x[(o * len + best) * inner + i]) best = t;
      }
      for (int64_t t = 0; t < len; t++)
        OPS_ASSERT_NEAR(hm[(o * len + t) * inner + i], t == best ? 1 : 0, 0);
    }
  }
}

static void test_log_softmax_hardmax(void **state) {
  (void)state;
  for (int axis = 0; axis < 3; axis++) {
    check_log_softmax_hardmax(axis, false);
    check_log_softmax_hardmax(axis, true);
  }
}

static void test_log_softmax_large(void **state) {
  (void)state;
  const float x[3] = {1000, 1001, 1002};
  float y[3];
  struct ops_softmax_params p = {.axis = 0};
  struct kt k;
  kt_init(&k);
  kt_in(&k, x, OPSCOPE_DTYPE_F32, KT_DIMS(3));
  kt_out(&k, y, OPSCOPE_DTYPE_F32, KT_DIMS(3));
  assert_int_equal(kt_run(&k, ops_f32_log_softmax_kernel__scalar, &p), OPS_KRESULT_OK);
  OPS_ASSERT_NEAR(y[0], -2.40760596, 1e-6);
  OPS_ASSERT_NEAR(y[1], -1.40760596, 1e-6);
  OPS_ASSERT_NEAR(y[2], -0.40760596, 1e-6);
}

/* LayerNormalization of [2, 3, 4] from axis 1, Scale [4] broadcast over [3, 4], B [3, 4]. */
static void test_layer_norm(void **state) {
  (void)state;
  float x[24], scale[4], bias[12], y[24], mean[2], inv[2];
  kt_fill(x, 24, 91);
  kt_fill(scale, 4, 92);
  kt_fill(bias, 12, 93);
  for (int i = 0; i < 12; i++)
    x[i] += 100.0f; /* a large offset must not spoil the variance */
  struct ops_norm_params p = {.axis = 1, .epsilon = 1e-3f};
  struct kt k;
  kt_init(&k);
  kt_in(&k, x, OPSCOPE_DTYPE_F32, KT_DIMS(2, 3, 4));
  kt_in(&k, scale, OPSCOPE_DTYPE_F32, KT_DIMS(4));
  kt_in(&k, bias, OPSCOPE_DTYPE_F32, KT_DIMS(3, 4));
  kt_out(&k, y, OPSCOPE_DTYPE_F32, KT_DIMS(2, 3, 4));
  kt_out(&k, mean, OPSCOPE_DTYPE_F32, KT_DIMS(2, 1, 1));
  kt_out(&k, inv, OPSCOPE_DTYPE_F32, KT_DIMS(2, 1, 1));
  assert_int_equal(kt_run(&k, ops_f32_layer_normalization_kernel__scalar, &p), OPS_KRESULT_OK);
  for (int o = 0; o < 2; o++) {
    double m = 0, v = 0;
    for (int i = 0; i < 12; i++)
      m += x[o * 12 + i] / 12.0;
    for (int i = 0; i < 12; i++)
      v += (x[o * 12 + i] - m) * (x[o * 12 + i] - m) / 12.0;
    double iv = 1.0 / sqrt(v + 1e-3f);
    OPS_ASSERT_NEAR(mean[o], m, 1e-4);
    OPS_ASSERT_NEAR(inv[o], iv, 1e-4);
    for (int i = 0; i < 12; i++) {
      double want = (x[o * 12 + i] - m) * iv * scale[i % 4] + bias[i];
      OPS_ASSERT_NEAR(y[o * 12 + i], want, 1e-4);
    }
  }
  /* Without B and without the statistics outputs. */
  k.in[2] = NULL;
  k.in_dtype[2] = 0;
  k.out[1] = k.out[2] = NULL;
  assert_int_equal(kt_run(&k, ops_f32_layer_normalization_kernel__scalar, &p), OPS_KRESULT_OK);
  double m = 0, v = 0;
  for (int i = 12; i < 24; i++)
    m += x[i] / 12.0;
  for (int i = 12; i < 24; i++)
    v += (x[i] - m) * (x[i] - m) / 12.0;
  OPS_ASSERT_NEAR(y[13], (x[13] - m) / sqrt(v + 1e-3f) * scale[1], 1e-5);
}

static void test_instance_norm(void **state) {
  (void)state;
  float x[2 * 3 * 5], y[30];
  const float scale[3] = {1, -2, 0.5f}, bias[3] = {0, 1, -1};
  kt_fill(x, 30, 101);
  struct ops_norm_params p = {.axis = 2, .epsilon = 1e-2f};
  struct kt k;
  kt_init(&k);
  kt_in(&k, x, OPSCOPE_DTYPE_F32, KT_DIMS(2, 3, 5));
  kt_in(&k, scale, OPSCOPE_DTYPE_F32, KT_DIMS(3));
  kt_in(&k, bias, OPSCOPE_DTYPE_F32, KT_DIMS(3));
  kt_out(&k, y, OPSCOPE_DTYPE_F32, KT_DIMS(2, 3, 5));
  assert_int_equal(kt_run(&k, ops_f32_instance_normalization_kernel__scalar, &p), OPS_KRESULT_OK);
  for (int nc = 0; nc < 6; nc++) {
    double m = 0, v = 0;
    for (int i = 0; i < 5; i++)
      m += x[nc * 5 + i] / 5.0;
    for (int i = 0; i < 5; i++)
      v += (x[nc * 5 + i] - m) * (x[nc * 5 + i] - m) / 5.0;
    for (int i = 0; i < 5; i++) {
      double want = (x[nc * 5 + i] - m) / sqrt(v + 1e-2f) * scale[nc % 3] + bias[nc % 3];
      OPS_ASSERT_NEAR(y[nc * 5 + i], want, 1e-5);
    }
  }
}

/* MVN over axes {0, 2} of [2, 3, 4]: each channel's 8 values get mean 0 and variance ~1. */
static void test_mvn(void **state) {
  (void)state;
  float x[24], y[24];
  kt_fill(x, 24, 111);
  struct ops_reduce_params p = {.axes_mask = 5};
  struct kt k;
  kt_init(&k);
  kt_in(&k, x, OPSCOPE_DTYPE_F32, KT_DIMS(2, 3, 4));
  kt_out(&k, y, OPSCOPE_DTYPE_F32, KT_DIMS(2, 3, 4));
  assert_int_equal(kt_run(&k, ops_f32_mean_variance_normalization_kernel__scalar, &p),
                   OPS_KRESULT_OK);
  for (int c = 0; c < 3; c++) {
    double m = 0, v = 0;
    for (int n = 0; n < 2; n++) {
      for (int i = 0; i < 4; i++)
        m += y[(n * 3 + c) * 4 + i] / 8.0;
    }
    for (int n = 0; n < 2; n++) {
      for (int i = 0; i < 4; i++)
        v += (y[(n * 3 + c) * 4 + i] - m) * (y[(n * 3 + c) * 4 + i] - m) / 8.0;
    }
    OPS_ASSERT_NEAR(m, 0, 1e-6);
    OPS_ASSERT_NEAR(v, 1, 1e-5);
  }
}

/* LRN with size 3 over 4 channels: channel c sees c - 1 .. c + 1, clipped at the edges. */
static void test_lrn(void **state) {
  (void)state;
  float x[1 * 4 * 2], y[8];
  kt_fill(x, 8, 121);
  struct ops_lrn_params p = {.size = 3, .alpha = 0.3f, .beta = 0.75f, .bias = 2.0f};
  struct kt k;
  kt_init(&k);
  kt_in(&k, x, OPSCOPE_DTYPE_F32, KT_DIMS(1, 4, 2));
  kt_out(&k, y, OPSCOPE_DTYPE_F32, KT_DIMS(1, 4, 2));
  assert_int_equal(kt_run(&k, ops_f32_lrn_kernel__scalar, &p), OPS_KRESULT_OK);
  for (int c = 0; c < 4; c++) {
    for (int i = 0; i < 2; i++) {
      double sq = 0;
      for (int j = c - 1; j <= c + 1; j++) {
        if (j >= 0 && j < 4) sq += (double)x[j * 2 + i] * x[j * 2 + i];
      }
      double want = x[c * 2 + i] / pow(2.0 + 0.3f / 3 * sq, 0.75f);
      OPS_ASSERT_NEAR(y[c * 2 + i], want, 1e-6);
    }
  }
  /* An even size reaches one channel further up than down: size 2 is c .. c + 1. */
  p.size = 2;
  assert_int_equal(kt_run(&k, ops_f32_lrn_kernel__scalar, &p), OPS_KRESULT_OK);
  double sq = (double)x[6] * x[6];
  OPS_ASSERT_NEAR(y[6], x[6] / pow(2.0 + 0.3f / 2 * sq, 0.75f), 1e-6);
  sq = (double)x[0] * x[0] + (double)x[2] * x[2];
  OPS_ASSERT_NEAR(y[0], x[0] / pow(2.0 + 0.3f / 2 * sq, 0.75f), 1e-6);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_reduce_every_kind_and_axis_set),
      cmocka_unit_test(test_reduce_empty_mask),
      cmocka_unit_test(test_reduce_log_sum_exp_f64_large),
      cmocka_unit_test(test_reduce_max_nan),
      cmocka_unit_test(test_arg_max_min),
      cmocka_unit_test(test_log_softmax_hardmax),
      cmocka_unit_test(test_log_softmax_large),
      cmocka_unit_test(test_layer_norm),
      cmocka_unit_test(test_instance_norm),
      cmocka_unit_test(test_mvn),
      cmocka_unit_test(test_lrn),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
