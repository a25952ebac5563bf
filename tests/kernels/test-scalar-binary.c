/*
 * Tests of kernels/scalar/binary.c: every broadcasting form (same shape, scalar either side,
 * row, column, rank-extending, both sides at once) against a reference that maps each output
 * index to the inputs by division, for f32, f64, i32 and i64; integer wrap, truncating
 * division, division by zero; Pow with each exponent dtype.
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>

#include "test-util.h"

#include "kernel-tester.h"
#include "kernels/scalar/scalar.h"

/* Offset into `in` of output element `o` under numpy broadcasting. */
static int64_t bcast_offset(int64_t o, const struct ops_kdims *out, const struct ops_kdims *in) {
  int64_t off = 0, stride = 1;
  for (int i = out->rank - 1, j = in->rank - 1; i >= 0; i--, j--) {
    int64_t pos = o % out->d[i];
    o /= out->d[i];
    if (j < 0) continue;
    if (in->d[j] != 1) off += pos * stride;
    stride *= in->d[j];
  }
  return off;
}

static int64_t numel(const struct ops_kdims *d) {
  int64_t n = 1;
  for (int i = 0; i < d->rank; i++)
    n *= d->d[i];
  return n;
}

struct form {
  const char *name;
  struct ops_kdims a, b, y;
};

static struct form forms[8];

static void init_forms(void) {
  forms[0] = (struct form){"same shape", KT_DIMS(3, 5), KT_DIMS(3, 5), KT_DIMS(3, 5)};
  forms[1] = (struct form){"scalar right", KT_DIMS(3, 5), KT_SCALAR, KT_DIMS(3, 5)};
  forms[2] = (struct form){"scalar left", KT_SCALAR, KT_DIMS(4), KT_DIMS(4)};
  forms[3] = (struct form){"row", KT_DIMS(3, 5), KT_DIMS(5), KT_DIMS(3, 5)};
  forms[4] = (struct form){"column", KT_DIMS(3, 5), KT_DIMS(3, 1), KT_DIMS(3, 5)};
  forms[5] = (struct form){"rank-extending", KT_DIMS(5), KT_DIMS(2, 3, 5), KT_DIMS(2, 3, 5)};
  forms[6] = (struct form){"both sides", KT_DIMS(2, 1, 4), KT_DIMS(3, 1), KT_DIMS(2, 3, 4)};
  forms[7] = (struct form){"ones", KT_DIMS(1, 1), KT_DIMS(1), KT_DIMS(1, 1)};
}

enum bop { ADD, SUB, MUL, DIV };

static double apply(enum bop op, double a, double b) {
  switch (op) {
    case ADD:
      return a + b;
    case SUB:
      return a - b;
    case MUL:
      return a * b;
    default:
      return a / b;
  }
}

static void check_f32(enum bop op, ops_kernel_fn fn) {
  init_forms();
  for (size_t f = 0; f < sizeof forms / sizeof forms[0]; f++) {
    const struct form *t = &forms[f];
    int64_t na = numel(&t->a), nb = numel(&t->b), ny = numel(&t->y);
    float *a = malloc((size_t)na * sizeof *a), *b = malloc((size_t)nb * sizeof *b);
    float *y = malloc((size_t)ny * sizeof *y);
    kt_fill(a, na, 41);
    kt_fill(b, nb, 42);
    for (int64_t i = 0; i < nb; i++)
      b[i] += b[i] < 0 ? -0.5f : 0.5f; /* away from 0, for Div */
    struct kt k;
    kt_init(&k);
    kt_in(&k, a, OPSCOPE_DTYPE_F32, t->a);
    kt_in(&k, b, OPSCOPE_DTYPE_F32, t->b);
    kt_out(&k, y, OPSCOPE_DTYPE_F32, t->y);
    assert_int_equal(kt_run(&k, fn, NULL), OPS_KRESULT_OK);
    for (int64_t o = 0; o < ny; o++) {
      float want =
          (float)apply(op, a[bcast_offset(o, &t->y, &t->a)], b[bcast_offset(o, &t->y, &t->b)]);
      if (fabsf(y[o] - want) > KT_TOL) {
        fail_msg("%s: element %lld is %.9g, expected %.9g", t->name, (long long)o, y[o], want);
      }
    }
    free(a);
    free(b);
    free(y);
  }
}

static void check_f64(enum bop op, ops_kernel_fn fn) {
  init_forms();
  for (size_t f = 0; f < sizeof forms / sizeof forms[0]; f++) {
    const struct form *t = &forms[f];
    int64_t na = numel(&t->a), nb = numel(&t->b), ny = numel(&t->y);
    double *a = malloc((size_t)na * sizeof *a), *b = malloc((size_t)nb * sizeof *b);
    double *y = malloc((size_t)ny * sizeof *y);
    for (int64_t i = 0; i < na; i++)
      a[i] = 0.25 * (double)(i + 1);
    for (int64_t i = 0; i < nb; i++)
      b[i] = 1.5 + (double)i;
    struct kt k;
    kt_init(&k);
    kt_in(&k, a, OPSCOPE_DTYPE_F64, t->a);
    kt_in(&k, b, OPSCOPE_DTYPE_F64, t->b);
    kt_out(&k, y, OPSCOPE_DTYPE_F64, t->y);
    assert_int_equal(kt_run(&k, fn, NULL), OPS_KRESULT_OK);
    for (int64_t o = 0; o < ny; o++) {
      double want = apply(op, a[bcast_offset(o, &t->y, &t->a)], b[bcast_offset(o, &t->y, &t->b)]);
      OPS_ASSERT_NEAR(y[o], want, 0);
    }
    free(a);
    free(b);
    free(y);
  }
}

static void test_f32_forms(void **state) {
  (void)state;
  check_f32(ADD, ops_f32_add_kernel__scalar);
  check_f32(SUB, ops_f32_sub_kernel__scalar);
  check_f32(MUL, ops_f32_mul_kernel__scalar);
  check_f32(DIV, ops_f32_div_kernel__scalar);
}

static void test_f64_forms(void **state) {
  (void)state;
  check_f64(ADD, ops_f64_add_kernel__scalar);
  check_f64(SUB, ops_f64_sub_kernel__scalar);
  check_f64(MUL, ops_f64_mul_kernel__scalar);
  check_f64(DIV, ops_f64_div_kernel__scalar);
}

/* i64 and i32 over the "both sides" form with exact integer expectations. */
static void test_i64_forms(void **state) {
  (void)state;
  int64_t a[8], b[3], y[24];
  for (int i = 0; i < 8; i++)
    a[i] = 10 * i - 35;
  b[0] = 3, b[1] = -4, b[2] = 7;
  ops_kernel_fn fns[4] = {ops_i64_add_kernel__scalar, ops_i64_sub_kernel__scalar,
                          ops_i64_mul_kernel__scalar, ops_i64_div_kernel__scalar};
  struct ops_kdims ad = KT_DIMS(2, 1, 4), bd = KT_DIMS(3, 1), yd = KT_DIMS(2, 3, 4);
  for (int op = 0; op < 4; op++) {
    struct kt k;
    kt_init(&k);
    kt_in(&k, a, OPSCOPE_DTYPE_I64, ad);
    kt_in(&k, b, OPSCOPE_DTYPE_I64, bd);
    kt_out(&k, y, OPSCOPE_DTYPE_I64, yd);
    assert_int_equal(kt_run(&k, fns[op], NULL), OPS_KRESULT_OK);
    for (int o = 0; o < 24; o++) {
      int64_t x0 = a[bcast_offset(o, &yd, &ad)], x1 = b[bcast_offset(o, &yd, &bd)];
      int64_t want = op == ADD ? x0 + x1 : op == SUB ? x0 - x1 : op == MUL ? x0 * x1 : x0 / x1;
      assert_int_equal(y[o], want);
    }
  }
  /* The same for i32. */
  int32_t a32[8], b32[3], y32[24];
  for (int i = 0; i < 8; i++)
    a32[i] = (int32_t)a[i];
  for (int i = 0; i < 3; i++)
    b32[i] = (int32_t)b[i];
  ops_kernel_fn fns32[4] = {ops_i32_add_kernel__scalar, ops_i32_sub_kernel__scalar,
                            ops_i32_mul_kernel__scalar, ops_i32_div_kernel__scalar};
  for (int op = 0; op < 4; op++) {
    struct kt k;
    kt_init(&k);
    kt_in(&k, a32, OPSCOPE_DTYPE_I32, ad);
    kt_in(&k, b32, OPSCOPE_DTYPE_I32, bd);
    kt_out(&k, y32, OPSCOPE_DTYPE_I32, yd);
    assert_int_equal(kt_run(&k, fns32[op], NULL), OPS_KRESULT_OK);
    for (int o = 0; o < 24; o++) {
      int32_t x0 = a32[bcast_offset(o, &yd, &ad)], x1 = b32[bcast_offset(o, &yd, &bd)];
      int32_t want = op == ADD ? x0 + x1 : op == SUB ? x0 - x1 : op == MUL ? x0 * x1 : x0 / x1;
      assert_int_equal(y32[o], want);
    }
  }
}

/* Wrap-around, truncation toward zero, INT_MIN / -1, and division by zero. */
static void test_integer_edges(void **state) {
  (void)state;
  const int32_t a[4] = {INT32_MAX, -7, INT32_MIN, 7}, b[4] = {1, 2, -1, -2};
  int32_t y[4];
  struct kt k;
  kt_init(&k);
  kt_in(&k, a, OPSCOPE_DTYPE_I32, KT_DIMS(4));
  kt_in(&k, b, OPSCOPE_DTYPE_I32, KT_DIMS(4));
  kt_out(&k, y, OPSCOPE_DTYPE_I32, KT_DIMS(4));
  assert_int_equal(kt_run(&k, ops_i32_add_kernel__scalar, NULL), OPS_KRESULT_OK);
  assert_int_equal(y[0], INT32_MIN);
  assert_int_equal(kt_run(&k, ops_i32_mul_kernel__scalar, NULL), OPS_KRESULT_OK);
  assert_int_equal(y[2], INT32_MIN); /* INT32_MIN * -1 wraps */
  assert_int_equal(kt_run(&k, ops_i32_div_kernel__scalar, NULL), OPS_KRESULT_OK);
  assert_int_equal(y[1], -3); /* -7 / 2 truncates toward zero */
  assert_int_equal(y[2], INT32_MIN);
  assert_int_equal(y[3], -3);

  const int64_t zero[1] = {0}, num[2] = {5, 6};
  int64_t q[2];
  kt_init(&k);
  kt_in(&k, num, OPSCOPE_DTYPE_I64, KT_DIMS(2));
  kt_in(&k, zero, OPSCOPE_DTYPE_I64, KT_SCALAR);
  kt_out(&k, q, OPSCOPE_DTYPE_I64, KT_DIMS(2));
  assert_int_equal(kt_run(&k, ops_i64_div_kernel__scalar, NULL), OPS_KRESULT_BAD_VALUE);
  const int32_t zero32[1] = {0}, num32[1] = {1};
  int32_t q32[1];
  kt_init(&k);
  kt_in(&k, num32, OPSCOPE_DTYPE_I32, KT_DIMS(1));
  kt_in(&k, zero32, OPSCOPE_DTYPE_I32, KT_DIMS(1));
  kt_out(&k, q32, OPSCOPE_DTYPE_I32, KT_DIMS(1));
  assert_int_equal(kt_run(&k, ops_i32_div_kernel__scalar, NULL), OPS_KRESULT_BAD_VALUE);
  /* f32 division by zero is IEEE: infinity, not an error. */
  const float one[1] = {1}, fzero[1] = {0};
  float inf[1];
  kt_init(&k);
  kt_in(&k, one, OPSCOPE_DTYPE_F32, KT_DIMS(1));
  kt_in(&k, fzero, OPSCOPE_DTYPE_F32, KT_DIMS(1));
  kt_out(&k, inf, OPSCOPE_DTYPE_F32, KT_DIMS(1));
  assert_int_equal(kt_run(&k, ops_f32_div_kernel__scalar, NULL), OPS_KRESULT_OK);
  assert_true(isinf(inf[0]) && inf[0] > 0);
}

/* An empty output runs nothing. */
static void test_empty(void **state) {
  (void)state;
  const float a[1] = {1};
  struct kt k;
  kt_init(&k);
  kt_in(&k, a, OPSCOPE_DTYPE_F32, KT_DIMS(0, 3));
  kt_in(&k, a, OPSCOPE_DTYPE_F32, KT_DIMS(1));
  kt_out(&k, NULL, OPSCOPE_DTYPE_F32, KT_DIMS(0, 3));
  assert_int_equal(kt_run(&k, ops_f32_add_kernel__scalar, NULL), OPS_KRESULT_OK);
}

static void test_pow(void **state) {
  (void)state;
  const float base[4] = {2, -2, 9, 0.5f};
  float y[4];
  struct kt k;

  const float fexp[4] = {3, 3, 0.5f, -1};
  kt_init(&k);
  kt_in(&k, base, OPSCOPE_DTYPE_F32, KT_DIMS(4));
  kt_in(&k, fexp, OPSCOPE_DTYPE_F32, KT_DIMS(4));
  kt_out(&k, y, OPSCOPE_DTYPE_F32, KT_DIMS(4));
  assert_int_equal(kt_run(&k, ops_f32_pow_kernel__scalar, NULL), OPS_KRESULT_OK);
  OPS_ASSERT_NEAR(y[0], 8, 0);
  OPS_ASSERT_NEAR(y[1], -8, 0);
  OPS_ASSERT_NEAR(y[2], 3, 0);
  OPS_ASSERT_NEAR(y[3], 2, 0);

  /* An i64 exponent broadcast as a scalar, as tiny_bert's x^2 (there f32) does. */
  const int64_t two[1] = {2};
  kt_init(&k);
  kt_in(&k, base, OPSCOPE_DTYPE_F32, KT_DIMS(4));
  kt_in(&k, two, OPSCOPE_DTYPE_I64, KT_SCALAR);
  kt_out(&k, y, OPSCOPE_DTYPE_F32, KT_DIMS(4));
  assert_int_equal(kt_run(&k, ops_f32_pow_kernel__scalar, NULL), OPS_KRESULT_OK);
  OPS_ASSERT_NEAR(y[0], 4, 0);
  OPS_ASSERT_NEAR(y[1], 4, 0);
  OPS_ASSERT_NEAR(y[2], 81, 0);
  OPS_ASSERT_NEAR(y[3], 0.25, 0);

  const int32_t iexp[2] = {-1, 5};
  kt_init(&k);
  kt_in(&k, base, OPSCOPE_DTYPE_F32, KT_DIMS(2, 1));
  kt_in(&k, iexp, OPSCOPE_DTYPE_I32, KT_DIMS(2));
  kt_out(&k, y, OPSCOPE_DTYPE_F32, KT_DIMS(2, 2));
  assert_int_equal(kt_run(&k, ops_f32_pow_kernel__scalar, NULL), OPS_KRESULT_OK);
  OPS_ASSERT_NEAR(y[0], 0.5, 0);
  OPS_ASSERT_NEAR(y[1], 32, 0);
  OPS_ASSERT_NEAR(y[2], -0.5, 0);
  OPS_ASSERT_NEAR(y[3], -32, 0);

  const double dbase[2] = {1.5, -3}, dexp[1] = {2};
  double dy[2];
  kt_init(&k);
  kt_in(&k, dbase, OPSCOPE_DTYPE_F64, KT_DIMS(2));
  kt_in(&k, dexp, OPSCOPE_DTYPE_F64, KT_DIMS(1));
  kt_out(&k, dy, OPSCOPE_DTYPE_F64, KT_DIMS(2));
  assert_int_equal(kt_run(&k, ops_f64_pow_kernel__scalar, NULL), OPS_KRESULT_OK);
  OPS_ASSERT_NEAR(dy[0], 2.25, 0);
  OPS_ASSERT_NEAR(dy[1], 9, 0);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_f32_forms), cmocka_unit_test(test_f64_forms),
      cmocka_unit_test(test_i64_forms), cmocka_unit_test(test_integer_edges),
      cmocka_unit_test(test_empty),     cmocka_unit_test(test_pow),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
