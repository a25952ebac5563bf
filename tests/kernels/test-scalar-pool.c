/*
 * Tests of kernels/scalar/f32-pool.c: the ONNX ceil_mode examples and count_include_pad by
 * hand, then MaxPool and AveragePool with pads, strides, dilations and ceil_mode in 1-D, 2-D
 * and 3-D against plain nested loops over a 3-D problem, and GlobalAveragePool.
 */
#include <math.h>
#include <stdbool.h>
#include <stdlib.h>

#include "test-util.h"

#include "kernel-tester.h"
#include "kernels/params.h"
#include "kernels/scalar/scalar.h"

struct pool_case {
  int spatial; /* the kernel sees the last `spatial` of the 3 dims */
  int64_t n, c;
  int64_t in[3], k[3], stride[3], dil[3], pb[3], pe[3];
  bool ceil_mode, include_pad;
};

/* Output size with ceil_mode's last window dropped when it starts past input + begin pad. */
static int64_t out_size(const struct pool_case *t, int s) {
  int64_t span = t->in[s] + t->pb[s] + t->pe[s] - ((t->k[s] - 1) * t->dil[s] + 1);
  int64_t o = span / t->stride[s] + 1;
  if (t->ceil_mode && span % t->stride[s] != 0) {
    o++;
    if ((o - 1) * t->stride[s] >= t->in[s] + t->pb[s]) o--;
  }
  return o;
}

static void ref_pool(const struct pool_case *t, bool average, const float *x, float *y) {
  int64_t od = out_size(t, 0), oh = out_size(t, 1), ow = out_size(t, 2);
  int64_t D = t->in[0], H = t->in[1], W = t->in[2];
  for (int64_t p = 0; p < t->n * t->c; p++)
    for (int64_t a = 0; a < od; a++)
      for (int64_t i = 0; i < oh; i++)
        for (int64_t j = 0; j < ow; j++) {
          double sum = 0, max = -INFINITY;
          int64_t inside = 0, padded = 0;
          for (int64_t ka = 0; ka < t->k[0]; ka++)
            for (int64_t ki = 0; ki < t->k[1]; ki++)
              for (int64_t kj = 0; kj < t->k[2]; kj++) {
                int64_t pa = a * t->stride[0] - t->pb[0] + ka * t->dil[0];
                int64_t pi = i * t->stride[1] - t->pb[1] + ki * t->dil[1];
                int64_t pj = j * t->stride[2] - t->pb[2] + kj * t->dil[2];
                bool in_pad = pa >= -t->pb[0] && pa < D + t->pe[0] && pi >= -t->pb[1] &&
                              pi < H + t->pe[1] && pj >= -t->pb[2] && pj < W + t->pe[2];
                if (in_pad) padded++;
                if (pa < 0 || pa >= D || pi < 0 || pi >= H || pj < 0 || pj >= W) continue;
                double v = x[((p * D + pa) * H + pi) * W + pj];
                sum += v;
                if (v > max) max = v;
                inside++;
              }
          int64_t count = t->include_pad ? padded : inside;
          y[((p * od + a) * oh + i) * ow + j] = (float)(average ? sum / (double)count : max);
        }
}

static void check_case(const struct pool_case *t, bool average) {
  int ns = t->spatial, first = 3 - ns;
  struct ops_kdims xd = {.rank = 2 + ns, .d = {t->n, t->c}};
  struct ops_kdims yd = {.rank = 2 + ns, .d = {t->n, t->c}};
  struct ops_pool_params p = {.spatial = ns, .count_include_pad = t->include_pad};
  for (int s = 0; s < ns; s++) {
    xd.d[2 + s] = t->in[first + s];
    yd.d[2 + s] = out_size(t, first + s);
    p.kernel[s] = t->k[first + s];
    p.strides[s] = t->stride[first + s];
    p.dilations[s] = t->dil[first + s];
    p.pads_begin[s] = t->pb[first + s];
    p.pads_end[s] = t->pe[first + s];
  }
  int64_t nx = t->n * t->c * t->in[0] * t->in[1] * t->in[2];
  int64_t ny = t->n * t->c * out_size(t, 0) * out_size(t, 1) * out_size(t, 2);
  float *x = malloc((size_t)nx * sizeof *x);
  float *y = malloc((size_t)ny * sizeof *y), *want = malloc((size_t)ny * sizeof *want);
  kt_fill(x, nx, 7);
  struct kt k;
  kt_init(&k);
  kt_in(&k, x, OPSCOPE_DTYPE_F32, xd);
  kt_out(&k, y, OPSCOPE_DTYPE_F32, yd);
  ops_kernel_fn fn =
      average ? ops_f32_average_pool_kernel__scalar : ops_f32_max_pool_kernel__scalar;
  assert_int_equal(kt_run(&k, fn, &p), OPS_KRESULT_OK);
  ref_pool(t, average, x, want);
  for (int64_t i = 0; i < ny; i++)
    OPS_ASSERT_NEAR(y[i], want[i], KT_TOL);
  free(x);
  free(y);
  free(want);
}

static const float x4x4[16] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16};

/* ONNX test_maxpool_2d_ceil and test_averagepool_2d_ceil: 4x4, kernel 3, stride 2, ceil. */
static void test_doc_ceil_mode(void **state) {
  (void)state;
  float y[4];
  struct ops_pool_params p = {
      .spatial = 2, .kernel = {3, 3}, .strides = {2, 2}, .dilations = {1, 1}};
  struct kt k;
  kt_init(&k);
  kt_in(&k, x4x4, OPSCOPE_DTYPE_F32, KT_DIMS(1, 1, 4, 4));
  kt_out(&k, y, OPSCOPE_DTYPE_F32, KT_DIMS(1, 1, 2, 2));
  assert_int_equal(kt_run(&k, ops_f32_max_pool_kernel__scalar, &p), OPS_KRESULT_OK);
  static const float max_want[4] = {11, 12, 15, 16};
  for (int i = 0; i < 4; i++)
    OPS_ASSERT_NEAR(y[i], max_want[i], 0);
  assert_int_equal(kt_run(&k, ops_f32_average_pool_kernel__scalar, &p), OPS_KRESULT_OK);
  static const float avg_want[4] = {6, 7.5f, 12, 13.5f};
  for (int i = 0; i < 4; i++)
    OPS_ASSERT_NEAR(y[i], avg_want[i], 0);
}

/* 2x2 input, kernel 2, pads 1: count_include_pad divides by 4 everywhere, otherwise by the
 * taps inside the input. */
static void test_count_include_pad(void **state) {
  (void)state;
  const float x[4] = {1, 2, 3, 4};
  float y[9];
  struct ops_pool_params p = {.spatial = 2,
                              .kernel = {2, 2},
                              .strides = {1, 1},
                              .dilations = {1, 1},
                              .pads_begin = {1, 1},
                              .pads_end = {1, 1}};
  struct kt k;
  kt_init(&k);
  kt_in(&k, x, OPSCOPE_DTYPE_F32, KT_DIMS(1, 1, 2, 2));
  kt_out(&k, y, OPSCOPE_DTYPE_F32, KT_DIMS(1, 1, 3, 3));
  assert_int_equal(kt_run(&k, ops_f32_average_pool_kernel__scalar, &p), OPS_KRESULT_OK);
  static const float exclude[9] = {1, 1.5f, 2, 2, 2.5f, 3, 3, 3.5f, 4};
  for (int i = 0; i < 9; i++)
    OPS_ASSERT_NEAR(y[i], exclude[i], 0);
  p.count_include_pad = true;
  assert_int_equal(kt_run(&k, ops_f32_average_pool_kernel__scalar, &p), OPS_KRESULT_OK);
  static const float include[9] = {0.25f, 0.75f, 0.5f, 1, 2.5f, 1.5f, 0.75f, 1.75f, 1};
  for (int i = 0; i < 9; i++)
    OPS_ASSERT_NEAR(y[i], include[i], 0);
  /* MaxPool over the same windows ignores the padding. */
  assert_int_equal(kt_run(&k, ops_f32_max_pool_kernel__scalar, &p), OPS_KRESULT_OK);
  static const float max[9] = {1, 2, 2, 3, 4, 4, 3, 4, 4};
  for (int i = 0; i < 9; i++)
    OPS_ASSERT_NEAR(y[i], max[i], 0);
}

/* NaN propagates through MaxPool wherever it is in the window. */
static void test_max_nan(void **state) {
  (void)state;
  const float x[4] = {NAN, 1, 2, 3};
  float y[3];
  struct ops_pool_params p = {.spatial = 1, .kernel = {2}, .strides = {1}, .dilations = {1}};
  struct kt k;
  kt_init(&k);
  kt_in(&k, x, OPSCOPE_DTYPE_F32, KT_DIMS(1, 1, 4));
  kt_out(&k, y, OPSCOPE_DTYPE_F32, KT_DIMS(1, 1, 3));
  assert_int_equal(kt_run(&k, ops_f32_max_pool_kernel__scalar, &p), OPS_KRESULT_OK);
  assert_true(isnan(y[0]));
  OPS_ASSERT_NEAR(y[1], 2, 0);
  OPS_ASSERT_NEAR(y[2], 3, 0);
}

static void test_2d_against_reference(void **state) {
  (void)state;
  /* Pads, strides, dilations; then ceil_mode with a last window cut short, both divisors. */
  struct pool_case a = {.spatial = 2,
                        .n = 2,
                        .c = 3,
                        .in = {1, 8, 9},
                        .k = {1, 3, 2},
                        .stride = {1, 2, 1},
                        .dil = {1, 1, 2},
                        .pb = {0, 1, 0},
                        .pe = {0, 1, 1}};
  for (int avg = 0; avg < 2; avg++) {
    check_case(&a, avg);
    a.ceil_mode = true;
    check_case(&a, avg);
    a.include_pad = true;
    check_case(&a, avg);
    a.ceil_mode = a.include_pad = false;
  }
  /* squeezenet's MaxPool: kernel 3, stride 2, ceil_mode, odd input. */
  struct pool_case sq = {.spatial = 2,
                         .n = 1,
                         .c = 2,
                         .in = {1, 13, 13},
                         .k = {1, 3, 3},
                         .stride = {1, 2, 2},
                         .dil = {1, 1, 1},
                         .ceil_mode = true};
  check_case(&sq, false);
  check_case(&sq, true);
}

static void test_1d_and_3d(void **state) {
  (void)state;
  struct pool_case one = {.spatial = 1,
                          .n = 1,
                          .c = 2,
                          .in = {1, 1, 11},
                          .k = {1, 1, 4},
                          .stride = {1, 1, 3},
                          .dil = {1, 1, 1},
                          .pb = {0, 0, 2},
                          .pe = {0, 0, 1},
                          .ceil_mode = true,
                          .include_pad = true};
  check_case(&one, true);
  check_case(&one, false);
  struct pool_case three = {.spatial = 3,
                            .n = 1,
                            .c = 1,
                            .in = {5, 4, 3},
                            .k = {2, 2, 3},
                            .stride = {2, 1, 1},
                            .dil = {1, 2, 1},
                            .pb = {1, 0, 1},
                            .pe = {0, 1, 1}};
  check_case(&three, true);
  check_case(&three, false);
}

/* A kernel of 2^30 taps over one input element: each window visits only the taps that land
 * in the input, so this runs instantly. Window 0 spans [1 - 2^30, 0], window 1 starts 2^29
 * later; both see only x[0]. */
static void test_huge_window(void **state) {
  (void)state;
  const int64_t big = INT64_C(1) << 30;
  const float x[1] = {-2.5f};
  float y[2];
  struct ops_pool_params p = {.spatial = 1,
                              .kernel = {big},
                              .strides = {big / 2},
                              .dilations = {1},
                              .pads_begin = {big - 1},
                              .pads_end = {big / 2}};
  struct kt k;
  kt_init(&k);
  kt_in(&k, x, OPSCOPE_DTYPE_F32, KT_DIMS(1, 1, 1));
  kt_out(&k, y, OPSCOPE_DTYPE_F32, KT_DIMS(1, 1, 2));
  assert_int_equal(kt_run(&k, ops_f32_max_pool_kernel__scalar, &p), OPS_KRESULT_OK);
  for (int i = 0; i < 2; i++)
    OPS_ASSERT_NEAR(y[i], -2.5, 0);
  assert_int_equal(kt_run(&k, ops_f32_average_pool_kernel__scalar, &p), OPS_KRESULT_OK);
  for (int i = 0; i < 2; i++)
    OPS_ASSERT_NEAR(y[i], -2.5, 0);
  /* Counting the padding, all 2^30 taps of window 0 are inside [1 - 2^30, 1 + 2^29). */
  p.count_include_pad = true;
  assert_int_equal(kt_run(&k, ops_f32_average_pool_kernel__scalar, &p), OPS_KRESULT_OK);
  OPS_ASSERT_NEAR(y[0], -2.5 / (double)big, 1e-15);
}

static void test_sizes_of_one(void **state) {
  (void)state;
  struct pool_case t = {.spatial = 2,
                        .n = 1,
                        .c = 1,
                        .in = {1, 1, 1},
                        .k = {1, 1, 1},
                        .stride = {1, 1, 1},
                        .dil = {1, 1, 1}};
  check_case(&t, true);
  check_case(&t, false);
}

static void test_global_average_pool(void **state) {
  (void)state;
  float x[2 * 3 * 5 * 3], y[6];
  kt_fill(x, 90, 11);
  struct kt k;
  kt_init(&k);
  kt_in(&k, x, OPSCOPE_DTYPE_F32, KT_DIMS(2, 3, 5, 3));
  kt_out(&k, y, OPSCOPE_DTYPE_F32, KT_DIMS(2, 3, 1, 1));
  assert_int_equal(kt_run(&k, ops_f32_global_average_pool_kernel__scalar, NULL), OPS_KRESULT_OK);
  for (int c = 0; c < 6; c++) {
    double sum = 0;
    for (int i = 0; i < 15; i++)
      sum += x[c * 15 + i];
    OPS_ASSERT_NEAR(y[c], sum / 15, KT_TOL);
  }
  /* 1-D spatial, one position: the mean is the value. */
  const float v[2] = {3.5f, -2};
  kt_init(&k);
  kt_in(&k, v, OPSCOPE_DTYPE_F32, KT_DIMS(1, 2, 1));
  kt_out(&k, y, OPSCOPE_DTYPE_F32, KT_DIMS(1, 2, 1));
  assert_int_equal(kt_run(&k, ops_f32_global_average_pool_kernel__scalar, NULL), OPS_KRESULT_OK);
  OPS_ASSERT_NEAR(y[0], 3.5, 0);
  OPS_ASSERT_NEAR(y[1], -2, 0);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_doc_ceil_mode), cmocka_unit_test(test_count_include_pad),
      cmocka_unit_test(test_max_nan),       cmocka_unit_test(test_2d_against_reference),
      cmocka_unit_test(test_1d_and_3d),     cmocka_unit_test(test_huge_window),
      cmocka_unit_test(test_sizes_of_one),  cmocka_unit_test(test_global_average_pool),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
