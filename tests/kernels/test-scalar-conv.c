/*
 * Tests of kernels/scalar/f32-conv.c: the ONNX documentation examples by hand, then strides,
 * pads, dilations, groups, depthwise, 1-D and 3-D against an independent reference written as
 * plain nested loops over a 3-D problem (1-D and 2-D cases give the leading spatial dims size 1).
 */
#include <stdbool.h>
#include <stdlib.h>

#include "test-util.h"

#include "kernel-tester.h"
#include "kernels/params.h"
#include "kernels/scalar/scalar.h"

struct conv_case {
  int spatial; /* 1, 2 or 3: how many of the 3 dims below the kernel sees (the last ones) */
  int64_t n, c, m, group;
  int64_t in[3], k[3], stride[3], dil[3], pb[3], pe[3];
  bool bias;
};

static int64_t out_size(const struct conv_case *t, int s) {
  return (t->in[s] + t->pb[s] + t->pe[s] - ((t->k[s] - 1) * t->dil[s] + 1)) / t->stride[s] + 1;
}

static void ref_conv(const struct conv_case *t, const float *x, const float *w, const float *b,
                     float *y) {
  int64_t od = out_size(t, 0), oh = out_size(t, 1), ow = out_size(t, 2);
  int64_t cg = t->c / t->group, mg = t->m / t->group;
  int64_t D = t->in[0], H = t->in[1], W = t->in[2];
  for (int64_t n = 0; n < t->n; n++)
    for (int64_t m = 0; m < t->m; m++)
      for (int64_t a = 0; a < od; a++)
        for (int64_t i = 0; i < oh; i++)
          for (int64_t j = 0; j < ow; j++) {
            double acc = b ? b[m] : 0.0;
            for (int64_t c = 0; c < cg; c++)
              for (int64_t ka = 0; ka < t->k[0]; ka++)
                for (int64_t ki = 0; ki < t->k[1]; ki++)
                  for (int64_t kj = 0; kj < t->k[2]; kj++) {
                    int64_t pa = a * t->stride[0] - t->pb[0] + ka * t->dil[0];
                    int64_t pi = i * t->stride[1] - t->pb[1] + ki * t->dil[1];
                    int64_t pj = j * t->stride[2] - t->pb[2] + kj * t->dil[2];
                    if (pa < 0 || pa >= D || pi < 0 || pi >= H || pj < 0 || pj >= W) continue;
                    int64_t ch = (m / mg) * cg + c;
                    double xv = x[(((n * t->c + ch) * D + pa) * H + pi) * W + pj];
                    double wv = w[(((m * cg + c) * t->k[0] + ka) * t->k[1] + ki) * t->k[2] + kj];
                    acc += xv * wv;
                  }
            y[(((n * t->m + m) * od + a) * oh + i) * ow + j] = (float)acc;
          }
}

/* Runs the kernel on the case's last `spatial` dims and compares with ref_conv. */
static void check_case(const struct conv_case *t) {
  int ns = t->spatial, first = 3 - ns;
  struct ops_kdims xd = {.rank = 2 + ns, .d = {t->n, t->c}};
  struct ops_kdims wd = {.rank = 2 + ns, .d = {t->m, t->c / t->group}};
  struct ops_kdims yd = {.rank = 2 + ns, .d = {t->n, t->m}};
  struct ops_conv_params p = {.spatial = ns, .group = t->group};
  for (int s = 0; s < ns; s++) {
    xd.d[2 + s] = t->in[first + s];
    wd.d[2 + s] = t->k[first + s];
    yd.d[2 + s] = out_size(t, first + s);
    p.strides[s] = t->stride[first + s];
    p.dilations[s] = t->dil[first + s];
    p.pads_begin[s] = t->pb[first + s];
    p.pads_end[s] = t->pe[first + s];
  }
  int64_t nx = t->n * t->c * t->in[0] * t->in[1] * t->in[2];
  int64_t nw = t->m * (t->c / t->group) * t->k[0] * t->k[1] * t->k[2];
  int64_t ny = t->n * t->m * out_size(t, 0) * out_size(t, 1) * out_size(t, 2);
  float *x = malloc((size_t)nx * sizeof *x), *w = malloc((size_t)nw * sizeof *w);
  float *b = malloc((size_t)t->m * sizeof *b);
  float *y = malloc((size_t)ny * sizeof *y), *want = malloc((size_t)ny * sizeof *want);
  kt_fill(x, nx, 1);
  kt_fill(w, nw, 2);
  kt_fill(b, t->m, 3);

  struct kt k;
  kt_init(&k);
  kt_in(&k, x, OPSCOPE_DTYPE_F32, xd);
  kt_in(&k, w, OPSCOPE_DTYPE_F32, wd);
  if (t->bias) kt_in(&k, b, OPSCOPE_DTYPE_F32, KT_DIMS(t->m));
  kt_out(&k, y, OPSCOPE_DTYPE_F32, yd);
  assert_int_equal(kt_run(&k, ops_f32_conv_kernel__scalar, &p), OPS_KRESULT_OK);
  ref_conv(t, x, w, t->bias ? b : NULL, want);
  for (int64_t i = 0; i < ny; i++)
    OPS_ASSERT_NEAR(y[i], want[i], KT_TOL);
  free(x);
  free(w);
  free(b);
  free(y);
  free(want);
}

#define ONES3 \
  { 1, 1, 1 }
#define ZEROS3 \
  { 0, 0, 0 }

/* ONNX Conv documentation: 5x5 arange input, 3x3 ones kernel, with and without pads 1. */
static void test_doc_example(void **state) {
  (void)state;
  float x[25], w[9], y[25];
  for (int i = 0; i < 25; i++)
    x[i] = (float)i;
  for (int i = 0; i < 9; i++)
    w[i] = 1.0f;
  static const float padded[25] = {12,  21, 27, 33,  24,  33,  54,  63, 72,  51,  63,  99, 108,
                                   117, 81, 93, 144, 153, 162, 111, 72, 111, 117, 123, 84};
  static const float unpadded[9] = {54, 63, 72, 99, 108, 117, 144, 153, 162};
  struct ops_conv_params p = {.spatial = 2,
                              .group = 1,
                              .strides = {1, 1},
                              .dilations = {1, 1},
                              .pads_begin = {1, 1},
                              .pads_end = {1, 1}};
  struct kt k;
  kt_init(&k);
  kt_in(&k, x, OPSCOPE_DTYPE_F32, KT_DIMS(1, 1, 5, 5));
  kt_in(&k, w, OPSCOPE_DTYPE_F32, KT_DIMS(1, 1, 3, 3));
  kt_out(&k, y, OPSCOPE_DTYPE_F32, KT_DIMS(1, 1, 5, 5));
  assert_int_equal(kt_run(&k, ops_f32_conv_kernel__scalar, &p), OPS_KRESULT_OK);
  for (int i = 0; i < 25; i++)
    OPS_ASSERT_NEAR(y[i], padded[i], 0);

  p.pads_begin[0] = p.pads_begin[1] = p.pads_end[0] = p.pads_end[1] = 0;
  k.out_dims[0] = KT_DIMS(1, 1, 3, 3);
  assert_int_equal(kt_run(&k, ops_f32_conv_kernel__scalar, &p), OPS_KRESULT_OK);
  for (int i = 0; i < 9; i++)
    OPS_ASSERT_NEAR(y[i], unpadded[i], 0);
}

/* ONNX test_conv_with_strides_and_asymmetric_padding: 7x5 arange, strides 2, pads 1,0,1,0. */
static void test_doc_strides_asymmetric(void **state) {
  (void)state;
  float x[35], w[9], y[8];
  for (int i = 0; i < 35; i++)
    x[i] = (float)i;
  for (int i = 0; i < 9; i++)
    w[i] = 1.0f;
  static const float want[8] = {21, 33, 99, 117, 189, 207, 171, 183};
  struct ops_conv_params p = {.spatial = 2,
                              .group = 1,
                              .strides = {2, 2},
                              .dilations = {1, 1},
                              .pads_begin = {1, 0},
                              .pads_end = {1, 0}};
  struct kt k;
  kt_init(&k);
  kt_in(&k, x, OPSCOPE_DTYPE_F32, KT_DIMS(1, 1, 7, 5));
  kt_in(&k, w, OPSCOPE_DTYPE_F32, KT_DIMS(1, 1, 3, 3));
  kt_out(&k, y, OPSCOPE_DTYPE_F32, KT_DIMS(1, 1, 4, 2));
  assert_int_equal(kt_run(&k, ops_f32_conv_kernel__scalar, &p), OPS_KRESULT_OK);
  for (int i = 0; i < 8; i++)
    OPS_ASSERT_NEAR(y[i], want[i], 0);
}

/* A bias is added once per output, and an omitted bias (NULL input) adds nothing. */
static void test_bias_and_omitted_bias(void **state) {
  (void)state;
  float x[2] = {1, 2}, w[2] = {1, -1}, b[2] = {10, 20}, y[4];
  struct ops_conv_params p = {.spatial = 1, .group = 1, .strides = {1}, .dilations = {1}};
  struct kt k;
  kt_init(&k);
  kt_in(&k, x, OPSCOPE_DTYPE_F32, KT_DIMS(1, 1, 2));
  kt_in(&k, w, OPSCOPE_DTYPE_F32, KT_DIMS(2, 1, 1));
  kt_in(&k, b, OPSCOPE_DTYPE_F32, KT_DIMS(2));
  kt_out(&k, y, OPSCOPE_DTYPE_F32, KT_DIMS(1, 2, 2));
  assert_int_equal(kt_run(&k, ops_f32_conv_kernel__scalar, &p), OPS_KRESULT_OK);
  OPS_ASSERT_NEAR(y[0], 11, 0);
  OPS_ASSERT_NEAR(y[1], 12, 0);
  OPS_ASSERT_NEAR(y[2], 19, 0);
  OPS_ASSERT_NEAR(y[3], 18, 0);
  k.in[2] = NULL;
  k.in_dtype[2] = 0;
  k.in_dims[2] = KT_SCALAR;
  assert_int_equal(kt_run(&k, ops_f32_conv_kernel__scalar, &p), OPS_KRESULT_OK);
  OPS_ASSERT_NEAR(y[0], 1, 0);
  OPS_ASSERT_NEAR(y[3], -2, 0);
}

static void test_2d_stride_pad_dilation(void **state) {
  (void)state;
  struct conv_case t = {.spatial = 2,
                        .n = 2,
                        .c = 3,
                        .m = 4,
                        .group = 1,
                        .in = {1, 7, 6},
                        .k = {1, 3, 2},
                        .stride = {1, 2, 1},
                        .dil = {1, 1, 2},
                        .pb = {0, 1, 0},
                        .pe = {0, 2, 1},
                        .bias = true};
  check_case(&t);
}

static void test_2d_groups(void **state) {
  (void)state;
  struct conv_case t = {.spatial = 2,
                        .n = 1,
                        .c = 4,
                        .m = 6,
                        .group = 2,
                        .in = {1, 5, 5},
                        .k = {1, 3, 3},
                        .stride = ONES3,
                        .dil = ONES3,
                        .pb = {0, 1, 1},
                        .pe = {0, 1, 1},
                        .bias = true};
  check_case(&t);
}

static void test_2d_depthwise(void **state) {
  (void)state;
  struct conv_case t = {.spatial = 2,
                        .n = 1,
                        .c = 3,
                        .m = 3,
                        .group = 3,
                        .in = {1, 9, 7},
                        .k = {1, 3, 3},
                        .stride = {1, 2, 2},
                        .dil = ONES3,
                        .pb = {0, 1, 1},
                        .pe = {0, 1, 1},
                        .bias = false};
  check_case(&t);
  /* Depthwise with a channel multiplier of 2. */
  struct conv_case t2 = {.spatial = 2,
                         .n = 2,
                         .c = 3,
                         .m = 6,
                         .group = 3,
                         .in = {1, 4, 5},
                         .k = {1, 2, 3},
                         .stride = ONES3,
                         .dil = {1, 2, 1},
                         .pb = ZEROS3,
                         .pe = {0, 0, 1},
                         .bias = true};
  check_case(&t2);
}

static void test_1d(void **state) {
  (void)state;
  struct conv_case t = {.spatial = 1,
                        .n = 1,
                        .c = 2,
                        .m = 3,
                        .group = 1,
                        .in = {1, 1, 9},
                        .k = {1, 1, 3},
                        .stride = {1, 1, 2},
                        .dil = {1, 1, 2},
                        .pb = {0, 0, 2},
                        .pe = {0, 0, 1},
                        .bias = true};
  check_case(&t);
}

static void test_3d(void **state) {
  (void)state;
  struct conv_case t = {.spatial = 3,
                        .n = 1,
                        .c = 2,
                        .m = 2,
                        .group = 1,
                        .in = {4, 5, 3},
                        .k = {2, 3, 2},
                        .stride = {1, 2, 1},
                        .dil = {1, 1, 2},
                        .pb = {1, 1, 0},
                        .pe = {0, 1, 1},
                        .bias = true};
  check_case(&t);
  struct conv_case g = {.spatial = 3,
                        .n = 2,
                        .c = 4,
                        .m = 2,
                        .group = 2,
                        .in = {3, 3, 3},
                        .k = {3, 3, 3},
                        .stride = {2, 2, 2},
                        .dil = ONES3,
                        .pb = ONES3,
                        .pe = ONES3,
                        .bias = false};
  check_case(&g);
}

/* Sizes of 1 everywhere, and a kernel larger than the input made to fit by padding. */
static void test_sizes_of_one(void **state) {
  (void)state;
  struct conv_case t = {.spatial = 2,
                        .n = 1,
                        .c = 1,
                        .m = 1,
                        .group = 1,
                        .in = ONES3,
                        .k = ONES3,
                        .stride = ONES3,
                        .dil = ONES3,
                        .pb = ZEROS3,
                        .pe = ZEROS3,
                        .bias = true};
  check_case(&t);
  struct conv_case big = {.spatial = 2,
                          .n = 1,
                          .c = 1,
                          .m = 1,
                          .group = 1,
                          .in = {1, 1, 2},
                          .k = {1, 3, 3},
                          .stride = ONES3,
                          .dil = ONES3,
                          .pb = {0, 1, 1},
                          .pe = {0, 1, 1},
                          .bias = false};
  check_case(&big);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_doc_example),
      cmocka_unit_test(test_doc_strides_asymmetric),
      cmocka_unit_test(test_bias_and_omitted_bias),
      cmocka_unit_test(test_2d_stride_pad_dilation),
      cmocka_unit_test(test_2d_groups),
      cmocka_unit_test(test_2d_depthwise),
      cmocka_unit_test(test_1d),
      cmocka_unit_test(test_3d),
      cmocka_unit_test(test_sizes_of_one),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
