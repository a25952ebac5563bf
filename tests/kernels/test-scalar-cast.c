/*
 * Tests of kernels/half.h and kernels/scalar/cast.c: f16 and bf16 conversions by bit pattern
 * (ties to even, subnormals, overflow, NaN, and an exhaustive round trip of every 16-bit
 * pattern), Cast between float and integer types with truncation and the documented
 * saturation and NaN rules, integer wrap, bool, and the cases where rounding twice would give
 * the wrong answer.
 */
#include <float.h>
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "test-util.h"

#include "kernel-tester.h"
#include "kernels/half.h"
#include "kernels/scalar/scalar.h"

static void test_f16_known_values(void **state) {
  (void)state;
  assert_int_equal(ops_f32_to_f16(1.0f), 0x3C00);
  assert_int_equal(ops_f32_to_f16(-2.0f), 0xC000);
  assert_int_equal(ops_f32_to_f16(65504.0f), 0x7BFF);
  assert_int_equal(ops_f32_to_f16(65519.0f), 0x7BFF);
  assert_int_equal(ops_f32_to_f16(65520.0f), 0x7C00); /* halfway to 2^16 rounds to inf */
  assert_int_equal(ops_f32_to_f16(INFINITY), 0x7C00);
  assert_int_equal(ops_f32_to_f16(-INFINITY), 0xFC00);
  assert_int_equal(ops_f32_to_f16(-0.0f), 0x8000);
  assert_int_equal(ops_f32_to_f16(0x1p-24f), 0x0001);        /* smallest subnormal */
  assert_int_equal(ops_f32_to_f16(0x1p-25f), 0x0000);        /* tie to even 0 */
  assert_int_equal(ops_f32_to_f16(0x1.8p-25f), 0x0001);      /* above the tie */
  assert_int_equal(ops_f32_to_f16(0x1.ffcp-15f), 0x0400);    /* tie, up into the normals */
  assert_int_equal(ops_f32_to_f16(1.0f + 0x1p-11f), 0x3C00); /* tie, even */
  assert_int_equal(ops_f32_to_f16(1.0f + 0x3p-11f), 0x3C02); /* tie, up to even */
  assert_int_equal(ops_f32_to_f16(0.1f), 0x2E66);
  uint16_t nan = ops_f32_to_f16(NAN);
  assert_true((nan & 0x7C00) == 0x7C00 && (nan & 0x03FF) != 0);
  OPS_ASSERT_NEAR(ops_f16_to_f32(0x3555), 0.333251953125, 0);
  OPS_ASSERT_NEAR(ops_f16_to_f32(0x0001), 0x1p-24, 0);
  OPS_ASSERT_NEAR(ops_f16_to_f32(0x03FF), 0x3FFp-24, 0);
  assert_true(isinf(ops_f16_to_f32(0xFC00)) && ops_f16_to_f32(0xFC00) < 0);
  assert_true(isnan(ops_f16_to_f32(0x7C01)));
}

static void test_bf16_known_values(void **state) {
  (void)state;
  assert_int_equal(ops_f32_to_bf16(1.0f), 0x3F80);
  assert_int_equal(ops_f32_to_bf16(3.0f), 0x4040);
  assert_int_equal(ops_f32_to_bf16(1.0f + 0x1p-8f), 0x3F80); /* tie, even */
  assert_int_equal(ops_f32_to_bf16(1.0f + 0x3p-8f), 0x3F82); /* tie, up to even */
  assert_int_equal(ops_f32_to_bf16(FLT_MAX), 0x7F80);        /* rounds to inf */
  assert_int_equal(ops_f32_to_bf16(-INFINITY), 0xFF80);
  uint16_t nan = ops_f32_to_bf16(NAN);
  assert_true((nan & 0x7F80) == 0x7F80 && (nan & 0x007F) != 0);
  /* A signalling NaN whose payload sits in the low half must not turn into infinity. */
  uint16_t snan = ops_f32_to_bf16(ops_f32_from_bits(0x7F800001u));
  assert_true((snan & 0x007F) != 0);
  OPS_ASSERT_NEAR(ops_bf16_to_f32(0xC0A0), -5.0, 0);
}

/* Every 16-bit pattern survives a trip through f32 (NaN stays NaN). */
static void test_exhaustive_round_trip(void **state) {
  (void)state;
  for (uint32_t h = 0; h <= 0xFFFF; h++) {
    float f = ops_f16_to_f32((uint16_t)h);
    if (isnan(f)) {
      assert_true(isnan(ops_f16_to_f32(ops_f32_to_f16(f))));
    } else if (ops_f32_to_f16(f) != h) {
      fail_msg("f16 0x%04x -> %.9g -> 0x%04x", (unsigned)h, f, ops_f32_to_f16(f));
    }
    float b = ops_bf16_to_f32((uint16_t)h);
    if (isnan(b)) {
      assert_true(isnan(ops_bf16_to_f32(ops_f32_to_bf16(b))));
    } else if (ops_f32_to_bf16(b) != h) {
      fail_msg("bf16 0x%04x -> %.9g -> 0x%04x", (unsigned)h, b, ops_f32_to_bf16(b));
    }
  }
}

/* Casts n elements from `x` (dtype `from`) into `y` (dtype `to`). */
static void cast(const void *x, int from, void *y, int to, int64_t n) {
  struct kt k;
  kt_init(&k);
  kt_in(&k, x, from, KT_DIMS(n));
  kt_out(&k, y, to, KT_DIMS(n));
  assert_int_equal(kt_run(&k, ops_any_cast_kernel__scalar, NULL), OPS_KRESULT_OK);
}

static void test_float_to_int(void **state) {
  (void)state;
  const float x[8] = {2.7f, -2.7f, NAN, 1e10f, -1e10f, INFINITY, -INFINITY, -0.5f};
  int32_t i32[8];
  cast(x, OPSCOPE_DTYPE_F32, i32, OPSCOPE_DTYPE_I32, 8);
  const int32_t want32[8] = {2, -2, 0, INT32_MAX, INT32_MIN, INT32_MAX, INT32_MIN, 0};
  for (int i = 0; i < 8; i++)
    assert_int_equal(i32[i], want32[i]);
  uint8_t u8[8];
  cast(x, OPSCOPE_DTYPE_F32, u8, OPSCOPE_DTYPE_U8, 8);
  const uint8_t want8[8] = {2, 0, 0, 255, 0, 255, 0, 0};
  for (int i = 0; i < 8; i++)
    assert_int_equal(u8[i], want8[i]);
  const double big[4] = {1e30, -1e30, 9.3e18, 0x1p63};
  int64_t i64[4];
  cast(big, OPSCOPE_DTYPE_F64, i64, OPSCOPE_DTYPE_I64, 4);
  assert_true(i64[0] == INT64_MAX && i64[1] == INT64_MIN && i64[2] == INT64_MAX &&
              i64[3] == INT64_MAX);
  uint64_t u64[4];
  cast(big, OPSCOPE_DTYPE_F64, u64, OPSCOPE_DTYPE_U64, 4);
  assert_true(u64[0] == UINT64_MAX && u64[1] == 0 && u64[2] == UINT64_C(9300000000000000000) &&
              u64[3] == (UINT64_C(1) << 63));
  /* Every int8 through f16 and back is exact. */
  int8_t all[256], back[256];
  uint16_t h[256];
  for (int i = 0; i < 256; i++)
    all[i] = (int8_t)(i - 128);
  cast(all, OPSCOPE_DTYPE_I8, h, OPSCOPE_DTYPE_F16, 256);
  cast(h, OPSCOPE_DTYPE_F16, back, OPSCOPE_DTYPE_I8, 256);
  assert_memory_equal(all, back, sizeof all);
}

static void test_int_to_int_wraps(void **state) {
  (void)state;
  const int64_t x[3] = {300, -1, INT64_MIN};
  uint8_t u8[3];
  cast(x, OPSCOPE_DTYPE_I64, u8, OPSCOPE_DTYPE_U8, 3);
  assert_int_equal(u8[0], 44);
  assert_int_equal(u8[1], 255);
  assert_int_equal(u8[2], 0);
  uint16_t u16[3];
  cast(x, OPSCOPE_DTYPE_I64, u16, OPSCOPE_DTYPE_U16, 3);
  assert_int_equal(u16[1], 65535);
  const uint64_t umax[1] = {UINT64_MAX};
  int8_t i8[1];
  cast(umax, OPSCOPE_DTYPE_U64, i8, OPSCOPE_DTYPE_I8, 1);
  assert_int_equal(i8[0], -1);
  int32_t i32[1];
  const uint32_t u32[1] = {0x80000000u};
  cast(u32, OPSCOPE_DTYPE_U32, i32, OPSCOPE_DTYPE_I32, 1);
  assert_int_equal(i32[0], INT32_MIN);
}

static void test_bool(void **state) {
  (void)state;
  const float x[4] = {0.0f, -0.0f, 0.5f, NAN};
  uint8_t b[4];
  cast(x, OPSCOPE_DTYPE_F32, b, OPSCOPE_DTYPE_BOOL, 4);
  assert_int_equal(b[0], 0);
  assert_int_equal(b[1], 0);
  assert_int_equal(b[2], 1);
  assert_int_equal(b[3], 1);
  const uint8_t bools[3] = {0, 1, 2}; /* 2 is not a valid bool byte, but reads as true */
  float f[3];
  cast(bools, OPSCOPE_DTYPE_BOOL, f, OPSCOPE_DTYPE_F32, 3);
  OPS_ASSERT_NEAR(f[0], 0, 0);
  OPS_ASSERT_NEAR(f[1], 1, 0);
  OPS_ASSERT_NEAR(f[2], 1, 0);
  const int64_t ints[2] = {0, -7};
  cast(ints, OPSCOPE_DTYPE_I64, b, OPSCOPE_DTYPE_BOOL, 2);
  assert_int_equal(b[0], 0);
  assert_int_equal(b[1], 1);
}

/* Float round trips through every float type keep values each can hold, and NaN and Inf. */
static void test_float_round_trips(void **state) {
  (void)state;
  const float x[6] = {1.5f, -0.25f, 1024.0f, INFINITY, -INFINITY, NAN};
  int types[3] = {OPSCOPE_DTYPE_F16, OPSCOPE_DTYPE_BF16, OPSCOPE_DTYPE_F64};
  for (int t = 0; t < 3; t++) {
    double mid[6];
    float back[6];
    cast(x, OPSCOPE_DTYPE_F32, mid, types[t], 6);
    cast(mid, types[t], back, OPSCOPE_DTYPE_F32, 6);
    for (int i = 0; i < 5; i++) {
      /* == rather than OPS_ASSERT_NEAR, whose difference is NaN for infinities. */
      if (!(back[i] == x[i])) fail_msg("dtype %d: %.9g came back as %.9g", types[t], x[i], back[i]);
    }
    assert_true(isnan(back[5]));
  }
  /* f32 -> f16 rounds: 0.1 becomes 0.0999755859375. */
  const float tenth[1] = {0.1f};
  uint16_t h[1];
  float f[1];
  cast(tenth, OPSCOPE_DTYPE_F32, h, OPSCOPE_DTYPE_F16, 1);
  cast(h, OPSCOPE_DTYPE_F16, f, OPSCOPE_DTYPE_F32, 1);
  OPS_ASSERT_NEAR(f[0], 0.0999755859375, 0);
}

/* Values where rounding first to f32 (to nearest) and then to 16 bits lands on a tie and goes
 * the wrong way; the kernel rounds once. */
static void test_no_double_rounding(void **state) {
  (void)state;
  const double d[1] = {1.0 + 0x1p-11 + 0x1p-40};
  uint16_t h[1];
  cast(d, OPSCOPE_DTYPE_F64, h, OPSCOPE_DTYPE_F16, 1);
  assert_int_equal(h[0], 0x3C01);
  const int64_t i[1] = {(INT64_C(1) << 62) + (INT64_C(1) << 54) + 1};
  uint16_t b[1];
  cast(i, OPSCOPE_DTYPE_I64, b, OPSCOPE_DTYPE_BF16, 1);
  assert_int_equal(b[0], 0x5E81);
  /* Integers beyond f16's range become infinity. */
  const int32_t big[2] = {70000, -65520};
  uint16_t hb[2];
  cast(big, OPSCOPE_DTYPE_I32, hb, OPSCOPE_DTYPE_F16, 2);
  assert_int_equal(hb[0], 0x7C00);
  assert_int_equal(hb[1], 0xFC00);
  /* A double beyond the largest f32 is infinite in f32 and bf16. */
  const double huge[1] = {1e300};
  float f[1];
  cast(huge, OPSCOPE_DTYPE_F64, f, OPSCOPE_DTYPE_F32, 1);
  assert_true(isinf(f[0]));
  cast(huge, OPSCOPE_DTYPE_F64, b, OPSCOPE_DTYPE_BF16, 1);
  assert_int_equal(b[0], 0x7F80);
}

static void test_int_to_float(void **state) {
  (void)state;
  const int64_t x[3] = {(INT64_C(1) << 24) + 1, -3, INT64_MIN};
  float f[3];
  cast(x, OPSCOPE_DTYPE_I64, f, OPSCOPE_DTYPE_F32, 3);
  OPS_ASSERT_NEAR(f[0], 16777216.0, 0); /* ties to even */
  OPS_ASSERT_NEAR(f[1], -3, 0);
  OPS_ASSERT_NEAR(f[2], -0x1p63, 0);
  const uint64_t u[1] = {UINT64_MAX};
  double d[1];
  cast(u, OPSCOPE_DTYPE_U64, d, OPSCOPE_DTYPE_F64, 1);
  OPS_ASSERT_NEAR(d[0], 0x1p64, 0);
}

/* Same dtype on both sides copies the bytes. */
static void test_same_dtype(void **state) {
  (void)state;
  const int16_t x[3] = {1, -2, 3};
  int16_t y[3];
  cast(x, OPSCOPE_DTYPE_I16, y, OPSCOPE_DTYPE_I16, 3);
  assert_memory_equal(x, y, sizeof x);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_f16_known_values),      cmocka_unit_test(test_bf16_known_values),
      cmocka_unit_test(test_exhaustive_round_trip), cmocka_unit_test(test_float_to_int),
      cmocka_unit_test(test_int_to_int_wraps),      cmocka_unit_test(test_bool),
      cmocka_unit_test(test_float_round_trips),     cmocka_unit_test(test_no_double_rounding),
      cmocka_unit_test(test_int_to_float),          cmocka_unit_test(test_same_dtype),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
