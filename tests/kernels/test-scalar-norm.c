/*
 * Tests of the normalizing kernels: f32-batchnorm.c (1-D to 4-D inputs), f32-softmax.c (each
 * axis, in the opset 13 and the opset < 13 "coerce to 2-D" semantics) and f32-reduce.c
 * (ReduceMean over each axis set, including none and all), against plain loops.
 */
#include <math.h>
#include <stdlib.h>

#include "test-util.h"

#include "kernel-tester.h"
#include "kernels/params.h"
#include "kernels/scalar/scalar.h"

static void check_batchnorm(struct ops_kdims xd) {
  int64_t n = 1;
  for (int i = 0; i < xd.rank; i++)
    n *= xd.d[i];
  int64_t batch = xd.rank >= 2 ? xd.d[0] : 1, ch = xd.rank >= 2 ? xd.d[1] : xd.d[0];
  int64_t plane = n / (batch * ch);
  float *x = malloc((size_t)n * sizeof *x), *y = malloc((size_t)n * sizeof *y);
  float scale[8], bias[8], mean[8], var[8];
  kt_fill(x, n, 61);
  kt_fill(scale, ch, 62);
  kt_fill(bias, ch, 63);
  kt_fill(mean, ch, 64);
  kt_fill(var, ch, 65);
  for (int c = 0; c < ch; c++)
    var[c] = fabsf(var[c]) + 0.1f;
  struct ops_batchnorm_params p = {.epsilon = 1e-3f};
  struct kt k;
  kt_init(&k);
  kt_in(&k, x, OPSCOPE_DTYPE_F32, xd);
  kt_in(&k, scale, OPSCOPE_DTYPE_F32, KT_DIMS(ch));
  kt_in(&k, bias, OPSCOPE_DTYPE_F32, KT_DIMS(ch));
  kt_in(&k, mean, OPSCOPE_DTYPE_F32, KT_DIMS(ch));
  kt_in(&k, var, OPSCOPE_DTYPE_F32, KT_DIMS(ch));
  kt_out(&k, y, OPSCOPE_DTYPE_F32, xd);
  assert_int_equal(kt_run(&k, ops_f32_batchnorm_kernel__scalar, &p), OPS_KRESULT_OK);
  for (int64_t i = 0; i < n; i++) {
    int64_t c = (i / plane) % ch;
    double want = ((double)x[i] - mean[c]) / sqrt((double)var[c] + 1e-3f) * scale[c] + bias[c];
    OPS_ASSERT_NEAR(y[i], want, KT_TOL);
  }
  free(x);
  free(y);
}

static void test_batchnorm(void **state) {
  (void)state;
  check_batchnorm(KT_DIMS(5));             /* [C] */
  check_batchnorm(KT_DIMS(3, 5));          /* [N, C] */
  check_batchnorm(KT_DIMS(2, 3, 7));       /* [N, C, L] */
  check_batchnorm(KT_DIMS(2, 3, 3, 5));    /* [N, C, H, W] */
  check_batchnorm(KT_DIMS(1, 1, 1, 1, 1)); /* sizes of 1 */
}

/* ONNX BatchNormalization example: x = [[[-1, 0, 1]], [[2, 3, 4]]] as [1, 2, 1, 3], scale
 * [1, 1.5], bias [0, 1], mean [0, 3], var [1, 1.5], epsilon 1e-5. */
static void test_batchnorm_doc_example(void **state) {
  (void)state;
  const float x[6] = {-1, 0, 1, 2, 3, 4}, scale[2] = {1, 1.5f}, bias[2] = {0, 1};
  const float mean[2] = {0, 3}, var[2] = {1, 1.5f};
  float y[6];
  struct ops_batchnorm_params p = {.epsilon = 1e-5f};
  struct kt k;
  kt_init(&k);
  kt_in(&k, x, OPSCOPE_DTYPE_F32, KT_DIMS(1, 2, 1, 3));
  kt_in(&k, scale, OPSCOPE_DTYPE_F32, KT_DIMS(2));
  kt_in(&k, bias, OPSCOPE_DTYPE_F32, KT_DIMS(2));
  kt_in(&k, mean, OPSCOPE_DTYPE_F32, KT_DIMS(2));
  kt_in(&k, var, OPSCOPE_DTYPE_F32, KT_DIMS(2));
  kt_out(&k, y, OPSCOPE_DTYPE_F32, KT_DIMS(1, 2, 1, 3));
  assert_int_equal(kt_run(&k, ops_f32_batchnorm_kernel__scalar, &p), OPS_KRESULT_OK);
  const double want[6] = {-0.999995, 0, 0.999995, -0.22474079, 1, 2.22474079};
  for (int i = 0; i < 6; i++)
    OPS_ASSERT_NEAR(y[i], want[i], 1e-6);
}

/* Softmax of X [2, 3, 4] along `axis`, both semantics, against a reference that gathers each
 * normalized group explicitly. */
static void check_softmax(int axis, bool coerce) {
  enum { D0 = 2, D1 = 3, D2 = 4, NE = D0 * D1 * D2 };
  float x[NE], y[NE];
  kt_fill(x, NE, 71);
  for (int i = 0; i < NE; i++)
    x[i] *= 5;
  struct ops_softmax_params p = {.axis = axis, .coerce_2d = coerce};
  struct kt k;
  kt_init(&k);
  kt_in(&k, x, OPSCOPE_DTYPE_F32, KT_DIMS(D0, D1, D2));
  kt_out(&k, y, OPSCOPE_DTYPE_F32, KT_DIMS(D0, D1, D2));
  assert_int_equal(kt_run(&k, ops_f32_softmax_kernel__scalar, &p), OPS_KRESULT_OK);
  for (int i = 0; i < NE; i++) {
    int idx[3] = {i / (D1 * D2), (i / D2) % D1, i % D2};
    /* Element j is in i's group when it agrees with i on the dims outside the group. */
    double sum = 0;
    for (int j = 0; j < NE; j++) {
      int jdx[3] = {j / (D1 * D2), (j / D2) % D1, j % D2};
      bool same = true;
      for (int d = 0; d < 3; d++) {
        bool in_group = coerce ? d >= axis : d == axis;
        if (!in_group && idx[d] != jdx[d]) same = false;
      }
      if (same) sum += exp((double)x[j]);
    }
    OPS_ASSERT_NEAR(y[i], exp((double)x[i]) / sum, 1e-6);
  }
}

static void test_softmax_axes(void **state) {
  (void)state;
  for (int axis = 0; axis < 3; axis++) {
    check_softmax(axis, false);
    check_softmax(axis, true);
  }
}

/* Large inputs do not overflow (the max is subtracted first); a row of one is 1. */
static void test_softmax_large_and_single(void **state) {
  (void)state;
  const float x[3] = {1000, 1001, 1002};
  float y[3];
  struct ops_softmax_params p = {.axis = 0};
  struct kt k;
  kt_init(&k);
  kt_in(&k, x, OPSCOPE_DTYPE_F32, KT_DIMS(3));
  kt_out(&k, y, OPSCOPE_DTYPE_F32, KT_DIMS(3));
  assert_int_equal(kt_run(&k, ops_f32_softmax_kernel__scalar, &p), OPS_KRESULT_OK);
  OPS_ASSERT_NEAR(y[0], 0.09003057, 1e-7);
  OPS_ASSERT_NEAR(y[1], 0.24472847, 1e-7);
  OPS_ASSERT_NEAR(y[2], 0.66524096, 1e-7);
  k.in_dims[0] = k.out_dims[0] = KT_DIMS(3, 1);
  p.axis = 1;
  assert_int_equal(kt_run(&k, ops_f32_softmax_kernel__scalar, &p), OPS_KRESULT_OK);
  for (int i = 0; i < 3; i++)
    OPS_ASSERT_NEAR(y[i], 1, 0);
}

/* ReduceMean of X [2, 3, 5] over the axes in `mask`, against explicit loops. */
static void check_reduce(uint32_t mask) {
  enum { D0 = 2, D1 = 3, D2 = 5 };
  float x[D0 * D1 * D2], y[D0 * D1 * D2];
  kt_fill(x, D0 * D1 * D2, 81);
  struct ops_reduce_params p = {.axes_mask = mask};
  int64_t od[3] = {mask & 1 ? 1 : D0, mask & 2 ? 1 : D1, mask & 4 ? 1 : D2};
  struct kt k;
  kt_init(&k);
  kt_in(&k, x, OPSCOPE_DTYPE_F32, KT_DIMS(D0, D1, D2));
  /* keepdims=1 dims; keepdims=0 would list the same elements in the same order. */
  kt_out(&k, y, OPSCOPE_DTYPE_F32, KT_DIMS(od[0], od[1], od[2]));
  assert_int_equal(kt_run(&k, ops_f32_reduce_mean_kernel__scalar, &p), OPS_KRESULT_OK);
  for (int a = 0; a < od[0]; a++)
    for (int b = 0; b < od[1]; b++)
      for (int c = 0; c < od[2]; c++) {
        double sum = 0;
        int count = 0;
        for (int i = 0; i < D0; i++)
          for (int j = 0; j < D1; j++)
            for (int l = 0; l < D2; l++) {
              if (!(mask & 1) && i != a) continue;
              if (!(mask & 2) && j != b) continue;
              if (!(mask & 4) && l != c) continue;
              sum += x[(i * D1 + j) * D2 + l];
              count++;
            }
        OPS_ASSERT_NEAR(y[(a * od[1] + b) * od[2] + c], sum / count, KT_TOL);
      }
}

static void test_reduce_mean_axis_sets(void **state) {
  (void)state;
  for (uint32_t mask = 0; mask < 8; mask++)
    check_reduce(mask);
}

/* By hand: [[1, 2], [3, 5]] -> mean over axis 1 = [1.5, 4], over both = 2.75. */
static void test_reduce_mean_by_hand(void **state) {
  (void)state;
  const float x[4] = {1, 2, 3, 5};
  float y[2];
  struct ops_reduce_params p = {.axes_mask = 2};
  struct kt k;
  kt_init(&k);
  kt_in(&k, x, OPSCOPE_DTYPE_F32, KT_DIMS(2, 2));
  kt_out(&k, y, OPSCOPE_DTYPE_F32, KT_DIMS(2)); /* keepdims 0 */
  assert_int_equal(kt_run(&k, ops_f32_reduce_mean_kernel__scalar, &p), OPS_KRESULT_OK);
  OPS_ASSERT_NEAR(y[0], 1.5, 0);
  OPS_ASSERT_NEAR(y[1], 4, 0);
  p.axes_mask = 3;
  k.out_dims[0] = KT_SCALAR;
  assert_int_equal(kt_run(&k, ops_f32_reduce_mean_kernel__scalar, &p), OPS_KRESULT_OK);
  OPS_ASSERT_NEAR(y[0], 2.75, 0);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_batchnorm),
      cmocka_unit_test(test_batchnorm_doc_example),
      cmocka_unit_test(test_softmax_axes),
      cmocka_unit_test(test_softmax_large_and_single),
      cmocka_unit_test(test_reduce_mean_axis_sets),
      cmocka_unit_test(test_reduce_mean_by_hand),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
