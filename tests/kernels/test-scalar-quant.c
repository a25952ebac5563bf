/*
 * Tests of the quantization kernels (kernels/scalar/quant.c, quant-matmul.c, quant-conv.c) and of
 * the integer dtypes added to Add, Sub, Mul, Div, Pow (binary.c) and Clip (int-clip.c), on cases
 * the conformance data does not reach: round half to even on both signs, saturation, NaN,
 * per-axis and blocked scales, empty tensors, the all-zero input of DynamicQuantizeLinear,
 * per-row and per-column zero points with batch broadcasting, grouped and padded integer convs
 * against a plain loop, wrapping integer arithmetic, integer Pow's negative and float
 * exponents, and Clip with crossed bounds.
 */
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "test-util.h"

#include "kernel-tester.h"
#include "kernels/params.h"
#include "kernels/scalar/scalar.h"

static void test_quantize_rounding_and_saturation(void **state) {
  (void)state;
  const float x[9] = {0.5f, 1.5f, 2.5f, -0.5f, -1.5f, -2.5f, 300.0f, -300.0f, NAN};
  const float scale = 1.0f;
  const int8_t zp = 0;
  int8_t y[9];
  struct ops_quant_params p = {.axis = 0, .block = 9};
  struct kt k;
  kt_init(&k);
  kt_in(&k, x, OPSCOPE_DTYPE_F32, KT_DIMS(9));
  kt_in(&k, &scale, OPSCOPE_DTYPE_F32, KT_SCALAR);
  kt_in(&k, &zp, OPSCOPE_DTYPE_I8, KT_SCALAR);
  kt_out(&k, y, OPSCOPE_DTYPE_I8, KT_DIMS(9));
  assert_int_equal(kt_run(&k, ops_f32_quantize_linear_kernel__scalar, &p), OPS_KRESULT_OK);
  const int8_t want[9] = {0, 2, 2, 0, -2, -2, 127, -128, 0};
  assert_memory_equal(y, want, sizeof want);

  /* No zero point: u8 with zero point 0, so negatives saturate at 0; NaN gives the zero point. */
  uint8_t yu[9];
  kt_init(&k);
  kt_in(&k, x, OPSCOPE_DTYPE_F32, KT_DIMS(9));
  kt_in(&k, &scale, OPSCOPE_DTYPE_F32, KT_SCALAR);
  kt_out(&k, yu, OPSCOPE_DTYPE_U8, KT_DIMS(9));
  assert_int_equal(kt_run(&k, ops_f32_quantize_linear_kernel__scalar, &p), OPS_KRESULT_OK);
  const uint8_t want_u[9] = {0, 2, 2, 0, 0, 0, 255, 0, 0};
  assert_memory_equal(yu, want_u, sizeof want_u);
}

/* Per axis (axis 1 of [2, 3]), blocked (block 2 on axis 1 of [2, 4]), i16 output, i32 input. */
static void test_quantize_axis_and_blocked(void **state) {
  (void)state;
  const float x[6] = {1, 2, 3, 4, 5, 6};
  const float scale[3] = {1, 2, 4};
  const uint8_t zp[3] = {10, 20, 30};
  uint8_t y[6];
  struct ops_quant_params p = {.axis = 1, .block = 1};
  struct kt k;
  kt_init(&k);
  kt_in(&k, x, OPSCOPE_DTYPE_F32, KT_DIMS(2, 3));
  kt_in(&k, scale, OPSCOPE_DTYPE_F32, KT_DIMS(3));
  kt_in(&k, zp, OPSCOPE_DTYPE_U8, KT_DIMS(3));
  kt_out(&k, y, OPSCOPE_DTYPE_U8, KT_DIMS(2, 3));
  assert_int_equal(kt_run(&k, ops_f32_quantize_linear_kernel__scalar, &p), OPS_KRESULT_OK);
  /* 2/2 = 1, 3/4 = 0.75 -> 1, 5/2 = 2.5 -> 2 (even), 6/4 = 1.5 -> 2 (even). */
  const uint8_t want[6] = {11, 21, 31, 14, 22, 32};
  assert_memory_equal(y, want, sizeof want);

  const int32_t xi[8] = {100, 200, 300, 400, -100, -200, -300, -400};
  const float bscale[4] = {100, 1000, 10, 1}; /* [2, 2]: row r, block b */
  const int16_t bzp[4] = {0, 1, 2, 3};
  int16_t yi[8];
  struct ops_quant_params pb = {.axis = 1, .block = 2, .blocked = true};
  kt_init(&k);
  kt_in(&k, xi, OPSCOPE_DTYPE_I32, KT_DIMS(2, 4));
  kt_in(&k, bscale, OPSCOPE_DTYPE_F32, KT_DIMS(2, 2));
  kt_in(&k, bzp, OPSCOPE_DTYPE_I16, KT_DIMS(2, 2));
  kt_out(&k, yi, OPSCOPE_DTYPE_I16, KT_DIMS(2, 4));
  assert_int_equal(kt_run(&k, ops_i32_quantize_linear_kernel__scalar, &pb), OPS_KRESULT_OK);
  const int16_t want_i[8] = {1, 2, 1, 1, -8, -18, -297, -397};
  assert_memory_equal(yi, want_i, sizeof want_i);
}

static void test_dequantize(void **state) {
  (void)state;
  const int8_t x[4] = {-128, -1, 0, 127};
  const float scale[2] = {0.5f, 2.0f};
  const int8_t zp[2] = {-1, 1};
  float y[4];
  struct ops_quant_params p = {.axis = 0, .block = 1};
  struct kt k;
  kt_init(&k);
  kt_in(&k, x, OPSCOPE_DTYPE_I8, KT_DIMS(2, 2));
  kt_in(&k, scale, OPSCOPE_DTYPE_F32, KT_DIMS(2));
  kt_in(&k, zp, OPSCOPE_DTYPE_I8, KT_DIMS(2));
  kt_out(&k, y, OPSCOPE_DTYPE_F32, KT_DIMS(2, 2));
  assert_int_equal(kt_run(&k, ops_i8_dequantize_linear_kernel__scalar, &p), OPS_KRESULT_OK);
  OPS_ASSERT_NEAR(y[0], -63.5, 0);
  OPS_ASSERT_NEAR(y[1], 0.0, 0);
  OPS_ASSERT_NEAR(y[2], -2.0, 0);
  OPS_ASSERT_NEAR(y[3], 252.0, 0);

  /* i32 data without a zero point, and an empty tensor (nothing read or written). */
  const int32_t xi[2] = {INT32_MIN, 7};
  const float s = 0.25f;
  struct ops_quant_params pt = {.axis = 0, .block = 2};
  kt_init(&k);
  kt_in(&k, xi, OPSCOPE_DTYPE_I32, KT_DIMS(2));
  kt_in(&k, &s, OPSCOPE_DTYPE_F32, KT_SCALAR);
  kt_out(&k, y, OPSCOPE_DTYPE_F32, KT_DIMS(2));
  assert_int_equal(kt_run(&k, ops_i32_dequantize_linear_kernel__scalar, &pt), OPS_KRESULT_OK);
  OPS_ASSERT_NEAR(y[0], -536870912.0, 0);
  OPS_ASSERT_NEAR(y[1], 1.75, 0);
  struct ops_quant_params pe = {.axis = 0, .block = 1};
  kt_init(&k);
  kt_in(&k, NULL, OPSCOPE_DTYPE_I32, KT_DIMS(0, 3));
  kt_in(&k, &s, OPSCOPE_DTYPE_F32, KT_SCALAR);
  kt_out(&k, NULL, OPSCOPE_DTYPE_F32, KT_DIMS(0, 3));
  assert_int_equal(kt_run(&k, ops_i32_dequantize_linear_kernel__scalar, &pe), OPS_KRESULT_OK);
}

static void run_dynamic(const float *x, int64_t n, uint8_t *y, float *scale, uint8_t *zp) {
  struct kt k;
  kt_init(&k);
  kt_in(&k, x, OPSCOPE_DTYPE_F32, KT_DIMS(n));
  kt_out(&k, y, OPSCOPE_DTYPE_U8, KT_DIMS(n));
  kt_out(&k, scale, OPSCOPE_DTYPE_F32, KT_SCALAR);
  kt_out(&k, zp, OPSCOPE_DTYPE_U8, KT_SCALAR);
  assert_int_equal(kt_run(&k, ops_f32_dynamic_quantize_linear_kernel__scalar, NULL),
                   OPS_KRESULT_OK);
}

static void test_dynamic_quantize(void **state) {
  (void)state;
  /* All positive: the range still starts at 0, so zero point 0 and scale max / 255. */
  const float x[4] = {1.0f, 2.0f, 51.0f, NAN};
  uint8_t y[4], zp = 99;
  float scale = 0.0f;
  run_dynamic(x, 4, y, &scale, &zp);
  OPS_ASSERT_NEAR(scale, 0.2, 1e-7);
  assert_int_equal(zp, 0);
  const uint8_t want[4] = {5, 10, 255, 0};
  assert_memory_equal(y, want, sizeof want);
  /* All zeros: no range; scale 1/255 and everything at zero point 0. */
  const float zeros[3] = {0, 0, 0};
  run_dynamic(zeros, 3, y, &scale, &zp);
  OPS_ASSERT_NEAR(scale, 1.0 / 255.0, 1e-9);
  assert_int_equal(zp, 0);
  assert_int_equal(y[0] | y[1] | y[2], 0);
  /* All negative: zero point 255. */
  const float neg[2] = {-2.55f, -1.0f};
  run_dynamic(neg, 2, y, &scale, &zp);
  assert_int_equal(zp, 255);
  assert_int_equal(y[0], 0);
  assert_int_equal(y[1], 155);
  /* An infinite range: the scale is infinite, every value lands on zero point 0. */
  const float inf[2] = {-INFINITY, 1.0f};
  run_dynamic(inf, 2, y, &scale, &zp);
  assert_true(isinf(scale));
  assert_int_equal(zp, 0);
  assert_int_equal(y[0] | y[1], 0);
}

/* MatMulInteger of i8 [2, 1, 2, 3] by u8 [3, 2] with per-row and per-column zero points,
 * against a plain loop. */
static void test_matmul_integer(void **state) {
  (void)state;
  int8_t a[12];
  uint8_t b[6];
  for (int i = 0; i < 12; i++)
    a[i] = (int8_t)(i * 23 - 128);
  for (int i = 0; i < 6; i++)
    b[i] = (uint8_t)(i * 47 + 3);
  const int8_t azp[2] = {-3, 5};
  const uint8_t bzp[2] = {7, 200};
  int32_t y[8];
  struct kt k;
  kt_init(&k);
  kt_in(&k, a, OPSCOPE_DTYPE_I8, KT_DIMS(2, 1, 2, 3));
  kt_in(&k, b, OPSCOPE_DTYPE_U8, KT_DIMS(3, 2));
  kt_in(&k, azp, OPSCOPE_DTYPE_I8, KT_DIMS(2));
  kt_in(&k, bzp, OPSCOPE_DTYPE_U8, KT_DIMS(2));
  kt_out(&k, y, OPSCOPE_DTYPE_I32, KT_DIMS(2, 1, 2, 2));
  assert_int_equal(kt_run(&k, ops_i8_matmul_integer_kernel__scalar, NULL), OPS_KRESULT_OK);
  for (int bt = 0; bt < 2; bt++) {
    for (int m = 0; m < 2; m++) {
      for (int n = 0; n < 2; n++) {
        int32_t want = 0;
        for (int kk = 0; kk < 3; kk++)
          want += (a[bt * 6 + m * 3 + kk] - azp[m]) * (b[kk * 2 + n] - bzp[n]);
        assert_int_equal(y[bt * 4 + m * 2 + n], want);
      }
    }
  }
}

/* QLinearMatMul of a 1-D a by a 2-D b: requantized, rounded half to even and saturated. */
static void test_qlinear_matmul(void **state) {
  (void)state;
  const uint8_t a[2] = {10, 20}, b[6] = {1, 2, 3, 4, 5, 6};
  const float a_scale = 0.5f, b_scale = 0.5f, y_scale = 1.0f;
  const uint8_t zero = 0, y_zp = 100;
  uint8_t y[3];
  struct kt k;
  kt_init(&k);
  kt_in(&k, a, OPSCOPE_DTYPE_U8, KT_DIMS(2));
  kt_in(&k, &a_scale, OPSCOPE_DTYPE_F32, KT_SCALAR);
  kt_in(&k, &zero, OPSCOPE_DTYPE_U8, KT_SCALAR);
  kt_in(&k, b, OPSCOPE_DTYPE_U8, KT_DIMS(2, 3));
  kt_in(&k, &b_scale, OPSCOPE_DTYPE_F32, KT_SCALAR);
  kt_in(&k, &zero, OPSCOPE_DTYPE_U8, KT_SCALAR);
  kt_in(&k, &y_scale, OPSCOPE_DTYPE_F32, KT_SCALAR);
  kt_in(&k, &y_zp, OPSCOPE_DTYPE_U8, KT_SCALAR);
  kt_out(&k, y, OPSCOPE_DTYPE_U8, KT_DIMS(3));
  assert_int_equal(kt_run(&k, ops_u8_qlinear_matmul_kernel__scalar, NULL), OPS_KRESULT_OK);
  /* acc = 90, 120, 150; * 0.25 = 22.5 -> 22, 30, 37.5 -> 38; + 100. */
  const uint8_t want[3] = {122, 130, 138};
  assert_memory_equal(y, want, sizeof want);
}

/* ConvInteger, 2 groups, pads 1, stride 2, per-channel weight zero points, against a loop. */
static void test_conv_integer(void **state) {
  (void)state;
  uint8_t x[2 * 4 * 4];
  int8_t w[4 * 1 * 3 * 3];
  for (int i = 0; i < 32; i++)
    x[i] = (uint8_t)(i * 37 + 11);
  for (int i = 0; i < 36; i++)
    w[i] = (int8_t)(i * 19 - 90);
  const uint8_t x_zp = 128;
  const int8_t w_zp[4] = {0, -1, 2, 5};
  struct ops_conv_params p = {.spatial = 2, .group = 2};
  for (int s = 0; s < 2; s++) {
    p.strides[s] = 2;
    p.dilations[s] = 1;
    p.pads_begin[s] = p.pads_end[s] = 1;
  }
  int32_t y[4 * 2 * 2];
  struct kt k;
  kt_init(&k);
  kt_in(&k, x, OPSCOPE_DTYPE_U8, KT_DIMS(1, 2, 4, 4));
  kt_in(&k, w, OPSCOPE_DTYPE_I8, KT_DIMS(4, 1, 3, 3));
  kt_in(&k, &x_zp, OPSCOPE_DTYPE_U8, KT_SCALAR);
  kt_in(&k, w_zp, OPSCOPE_DTYPE_I8, KT_DIMS(4));
  kt_out(&k, y, OPSCOPE_DTYPE_I32, KT_DIMS(1, 4, 2, 2));
  assert_int_equal(kt_run(&k, ops_u8_conv_integer_kernel__scalar, &p), OPS_KRESULT_OK);
  for (int m = 0; m < 4; m++) {
    int c = m / 2; /* one input channel per group */
    for (int oh = 0; oh < 2; oh++) {
      for (int ow = 0; ow < 2; ow++) {
        int32_t want = 0;
        for (int kh = 0; kh < 3; kh++) {
          for (int kw = 0; kw < 3; kw++) {
            int ih = oh * 2 - 1 + kh, iw = ow * 2 - 1 + kw;
            if (ih < 0 || ih >= 4 || iw < 0 || iw >= 4) continue;
            want += (x[c * 16 + ih * 4 + iw] - x_zp) * (w[m * 9 + kh * 3 + kw] - w_zp[m]);
          }
        }
        assert_int_equal(y[m * 4 + oh * 2 + ow], want);
      }
    }
  }
}

/* QLinearConv 1x1 with a bias and a per-channel scale, into i8. It has 9 inputs, one more than
 * kernel-tester.h holds, so the call is built here. */
static void test_qlinear_conv(void **state) {
  (void)state;
  const int8_t x[2] = {10, -10}, w[2] = {3, 4}, zero = 0, y_zp = -5;
  const float x_scale = 1.0f, w_scale[2] = {0.5f, 100.0f}, y_scale = 1.0f;
  const int32_t bias[2] = {1, -1};
  int8_t y[4];
  struct ops_conv_params p = {.spatial = 1, .group = 1, .strides = {1}, .dilations = {1}};
  const void *in[9] = {x, &x_scale, &zero, w, w_scale, &zero, &y_scale, &y_zp, bias};
  const struct ops_kdims in_dims[9] = {KT_DIMS(1, 1, 2), KT_SCALAR,  KT_SCALAR,
                                       KT_DIMS(2, 1, 1), KT_DIMS(2), KT_SCALAR,
                                       KT_SCALAR,        KT_SCALAR,  KT_DIMS(2)};
  const int i8 = OPSCOPE_DTYPE_I8, f32 = OPSCOPE_DTYPE_F32;
  const int in_dtype[9] = {i8, f32, i8, i8, f32, i8, f32, i8, OPSCOPE_DTYPE_I32};
  void *out[1] = {y};
  const struct ops_kdims out_dims[1] = {KT_DIMS(1, 2, 2)};
  const int out_dtype[1] = {i8};
  struct ops_kcall call = {
      .n_in = 9,
      .n_out = 1,
      .in = in,
      .in_dims = in_dims,
      .in_dtype = in_dtype,
      .out = out,
      .out_dims = out_dims,
      .out_dtype = out_dtype,
      .params = &p,
  };
  assert_int_equal(ops_i8_qlinear_conv_kernel__scalar(&call), OPS_KRESULT_OK);
  /* m 0: (30 + 1) * 0.5 = 15.5 -> 16, (-30 + 1) * 0.5 = -14.5 -> -14; m 1 saturates. */
  const int8_t want[4] = {11, -19, 127, -128};
  assert_memory_equal(y, want, sizeof want);
}

/* u8, u16 and i8 arithmetic wraps; Div truncates and refuses a zero divisor. */
static void test_int_arith(void **state) {
  (void)state;
  const uint8_t a[4] = {200, 5, 16, 7}, b[4] = {100, 10, 16, 2};
  uint8_t y[4];
  struct kt k;
  kt_init(&k);
  kt_in(&k, a, OPSCOPE_DTYPE_U8, KT_DIMS(4));
  kt_in(&k, b, OPSCOPE_DTYPE_U8, KT_DIMS(4));
  kt_out(&k, y, OPSCOPE_DTYPE_U8, KT_DIMS(4));
  assert_int_equal(kt_run(&k, ops_u8_add_kernel__scalar, NULL), OPS_KRESULT_OK);
  assert_int_equal(y[0], 44);
  assert_int_equal(kt_run(&k, ops_u8_sub_kernel__scalar, NULL), OPS_KRESULT_OK);
  assert_int_equal(y[1], 251);
  assert_int_equal(kt_run(&k, ops_u8_mul_kernel__scalar, NULL), OPS_KRESULT_OK);
  assert_int_equal(y[2], 0);
  assert_int_equal(kt_run(&k, ops_u8_div_kernel__scalar, NULL), OPS_KRESULT_OK);
  assert_int_equal(y[3], 3);
  const uint8_t zero[1] = {0};
  k.in[1] = zero;
  k.in_dims[1] = KT_DIMS(1); /* broadcast: every divisor is 0 */
  assert_int_equal(kt_run(&k, ops_u8_div_kernel__scalar, NULL), OPS_KRESULT_BAD_VALUE);

  const uint16_t c[1] = {65535};
  uint16_t yc[1];
  kt_init(&k);
  kt_in(&k, c, OPSCOPE_DTYPE_U16, KT_DIMS(1));
  kt_in(&k, c, OPSCOPE_DTYPE_U16, KT_DIMS(1));
  kt_out(&k, yc, OPSCOPE_DTYPE_U16, KT_DIMS(1));
  assert_int_equal(kt_run(&k, ops_u16_mul_kernel__scalar, NULL), OPS_KRESULT_OK);
  assert_int_equal(yc[0], 1);

  const int8_t d[1] = {-128}, e[1] = {-1};
  int8_t yd[1];
  kt_init(&k);
  kt_in(&k, d, OPSCOPE_DTYPE_I8, KT_DIMS(1));
  kt_in(&k, e, OPSCOPE_DTYPE_I8, KT_DIMS(1));
  kt_out(&k, yd, OPSCOPE_DTYPE_I8, KT_DIMS(1));
  assert_int_equal(kt_run(&k, ops_i8_div_kernel__scalar, NULL), OPS_KRESULT_OK);
  assert_int_equal(yd[0], -128);
}

static void test_int_pow(void **state) {
  (void)state;
  const int32_t base[6] = {2, 1, -1, 3, -2, 5};
  const int64_t e[6] = {-1, -5, -3, 40, 3, 0};
  int32_t y[6];
  struct kt k;
  kt_init(&k);
  kt_in(&k, base, OPSCOPE_DTYPE_I32, KT_DIMS(6));
  kt_in(&k, e, OPSCOPE_DTYPE_I64, KT_DIMS(6));
  kt_out(&k, y, OPSCOPE_DTYPE_I32, KT_DIMS(6));
  assert_int_equal(kt_run(&k, ops_i32_pow_kernel__scalar, NULL), OPS_KRESULT_OK);
  uint32_t wrap = 1;
  for (int i = 0; i < 40; i++)
    wrap *= 3u;
  const int32_t want[6] = {0, 1, -1, (int32_t)wrap, -8, 1};
  assert_memory_equal(y, want, sizeof want);
  /* 0 to a negative power has no value. */
  const int32_t zero_base[1] = {0};
  k.in[0] = zero_base;
  k.in_dims[0] = KT_DIMS(1);
  assert_int_equal(kt_run(&k, ops_i32_pow_kernel__scalar, NULL), OPS_KRESULT_BAD_VALUE);

  /* Float exponents: truncated, NaN to 0, overflow saturates. u64 exponents above INT64_MAX. */
  const int64_t b64[4] = {2, -8, 10, -1};
  const float f[4] = {0.5f, 1.0f / 3.0f, 20.0f, 2.5f};
  int64_t y64[4];
  kt_init(&k);
  kt_in(&k, b64, OPSCOPE_DTYPE_I64, KT_DIMS(4));
  kt_in(&k, f, OPSCOPE_DTYPE_F32, KT_DIMS(4));
  kt_out(&k, y64, OPSCOPE_DTYPE_I64, KT_DIMS(4));
  assert_int_equal(kt_run(&k, ops_i64_pow_kernel__scalar, NULL), OPS_KRESULT_OK);
  assert_true(y64[0] == 1 && y64[1] == 0 && y64[2] == INT64_MAX && y64[3] == 0);
  const uint64_t u[2] = {UINT64_MAX, UINT64_MAX - 1};
  const int64_t minus_one[2] = {-1, -1};
  kt_init(&k);
  kt_in(&k, minus_one, OPSCOPE_DTYPE_I64, KT_DIMS(2));
  kt_in(&k, u, OPSCOPE_DTYPE_U64, KT_DIMS(2));
  kt_out(&k, y64, OPSCOPE_DTYPE_I64, KT_DIMS(2));
  assert_int_equal(kt_run(&k, ops_i64_pow_kernel__scalar, NULL), OPS_KRESULT_OK);
  assert_true(y64[0] == -1 && y64[1] == 1);

  /* A float base with a u32 exponent. */
  const float fb[2] = {-2.0f, 0.5f};
  const uint32_t ue[2] = {3, 2};
  float fy[2];
  kt_init(&k);
  kt_in(&k, fb, OPSCOPE_DTYPE_F32, KT_DIMS(2));
  kt_in(&k, ue, OPSCOPE_DTYPE_U32, KT_DIMS(2));
  kt_out(&k, fy, OPSCOPE_DTYPE_F32, KT_DIMS(2));
  assert_int_equal(kt_run(&k, ops_f32_pow_kernel__scalar, NULL), OPS_KRESULT_OK);
  OPS_ASSERT_NEAR(fy[0], -8.0, 0);
  OPS_ASSERT_NEAR(fy[1], 0.25, 0);
}

static void test_int_clip(void **state) {
  (void)state;
  const int8_t x[4] = {-128, -5, 5, 127};
  const int8_t lo = -10, hi = 3, crossed_lo = 50;
  int8_t y[4];
  struct kt k;
  kt_init(&k);
  kt_in(&k, x, OPSCOPE_DTYPE_I8, KT_DIMS(4));
  kt_in(&k, &lo, OPSCOPE_DTYPE_I8, KT_SCALAR);
  kt_in(&k, &hi, OPSCOPE_DTYPE_I8, KT_SCALAR);
  kt_out(&k, y, OPSCOPE_DTYPE_I8, KT_DIMS(4));
  assert_int_equal(kt_run(&k, ops_i8_clip_kernel__scalar, NULL), OPS_KRESULT_OK);
  const int8_t want[4] = {-10, -5, 3, 3};
  assert_memory_equal(y, want, sizeof want);
  /* lo > hi gives hi everywhere; no bounds is the identity. */
  k.in[1] = &crossed_lo;
  assert_int_equal(kt_run(&k, ops_i8_clip_kernel__scalar, NULL), OPS_KRESULT_OK);
  const int8_t want_hi[4] = {3, 3, 3, 3};
  assert_memory_equal(y, want_hi, sizeof want_hi);
  k.in[1] = k.in[2] = NULL;
  assert_int_equal(kt_run(&k, ops_i8_clip_kernel__scalar, NULL), OPS_KRESULT_OK);
  assert_memory_equal(y, x, sizeof y);
  const uint64_t ux[2] = {0, UINT64_MAX}, ulo = 7;
  uint64_t uy[2];
  kt_init(&k);
  kt_in(&k, ux, OPSCOPE_DTYPE_U64, KT_DIMS(2));
  kt_in(&k, &ulo, OPSCOPE_DTYPE_U64, KT_SCALAR);
  kt_out(&k, uy, OPSCOPE_DTYPE_U64, KT_DIMS(2));
  assert_int_equal(kt_run(&k, ops_u64_clip_kernel__scalar, NULL), OPS_KRESULT_OK);
  assert_true(uy[0] == 7 && uy[1] == UINT64_MAX);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_quantize_rounding_and_saturation),
      cmocka_unit_test(test_quantize_axis_and_blocked),
      cmocka_unit_test(test_dequantize),
      cmocka_unit_test(test_dynamic_quantize),
      cmocka_unit_test(test_matmul_integer),
      cmocka_unit_test(test_qlinear_matmul),
      cmocka_unit_test(test_conv_integer),
      cmocka_unit_test(test_qlinear_conv),
      cmocka_unit_test(test_int_arith),
      cmocka_unit_test(test_int_pow),
      cmocka_unit_test(test_int_clip),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
