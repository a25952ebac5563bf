/*
 * Tests of the data-movement kernels, which work for any dtype by element size: Transpose
 * (every perm of a 3-D tensor, on 1-, 2-, 4- and 8-byte elements), Concat on each axis, Gather
 * with negative and out-of-range indices, Slice with negative steps, the copy ops (Reshape ...
 * Dropout with its mask), Shape and Constant.
 */
#include <stdint.h>
#include <string.h>

#include "test-util.h"

#include "kernel-tester.h"
#include "kernels/params.h"
#include "kernels/scalar/scalar.h"

enum { D0 = 2, D1 = 3, D2 = 5, NE = D0 * D1 * D2 };

static void test_transpose_all_perms(void **state) {
  (void)state;
  static const int perms[6][3] = {{0, 1, 2}, {0, 2, 1}, {1, 0, 2}, {1, 2, 0}, {2, 0, 1}, {2, 1, 0}};
  const int64_t dims[3] = {D0, D1, D2};
  int32_t x[NE], y[NE];
  for (int i = 0; i < NE; i++)
    x[i] = i;
  for (int t = 0; t < 6; t++) {
    struct ops_transpose_params p;
    const int *pm = perms[t];
    for (int i = 0; i < 3; i++)
      p.perm[i] = pm[i];
    int64_t od[3] = {dims[pm[0]], dims[pm[1]], dims[pm[2]]};
    struct kt k;
    kt_init(&k);
    kt_in(&k, x, OPSCOPE_DTYPE_I32, KT_DIMS(D0, D1, D2));
    kt_out(&k, y, OPSCOPE_DTYPE_I32, KT_DIMS(od[0], od[1], od[2]));
    assert_int_equal(kt_run(&k, ops_any_transpose_kernel__scalar, &p), OPS_KRESULT_OK);
    for (int a = 0; a < od[0]; a++)
      for (int b = 0; b < od[1]; b++)
        for (int c = 0; c < od[2]; c++) {
          int in[3];
          in[pm[0]] = a, in[pm[1]] = b, in[pm[2]] = c;
          assert_int_equal(y[(a * od[1] + b) * od[2] + c], (in[0] * D1 + in[1]) * D2 + in[2]);
        }
  }
}

/* Element sizes 1, 2 and 8 through a 2-D transpose, and a rank-1 transpose that copies. */
static void test_transpose_element_sizes(void **state) {
  (void)state;
  struct ops_transpose_params p = {.perm = {1, 0}};
  const uint8_t b[6] = {1, 2, 3, 4, 5, 6};
  uint8_t by[6];
  const uint16_t h[6] = {1, 2, 3, 4, 5, 6};
  uint16_t hy[6];
  const double d[6] = {1, 2, 3, 4, 5, 6};
  double dy[6];
  const uint8_t want[6] = {1, 4, 2, 5, 3, 6};
  struct kt k;
  kt_init(&k);
  kt_in(&k, b, OPSCOPE_DTYPE_U8, KT_DIMS(2, 3));
  kt_out(&k, by, OPSCOPE_DTYPE_U8, KT_DIMS(3, 2));
  assert_int_equal(kt_run(&k, ops_any_transpose_kernel__scalar, &p), OPS_KRESULT_OK);
  kt_init(&k);
  kt_in(&k, h, OPSCOPE_DTYPE_F16, KT_DIMS(2, 3));
  kt_out(&k, hy, OPSCOPE_DTYPE_F16, KT_DIMS(3, 2));
  assert_int_equal(kt_run(&k, ops_any_transpose_kernel__scalar, &p), OPS_KRESULT_OK);
  kt_init(&k);
  kt_in(&k, d, OPSCOPE_DTYPE_F64, KT_DIMS(2, 3));
  kt_out(&k, dy, OPSCOPE_DTYPE_F64, KT_DIMS(3, 2));
  assert_int_equal(kt_run(&k, ops_any_transpose_kernel__scalar, &p), OPS_KRESULT_OK);
  for (int i = 0; i < 6; i++) {
    assert_int_equal(by[i], want[i]);
    assert_int_equal(hy[i], want[i]);
    OPS_ASSERT_NEAR(dy[i], want[i], 0);
  }
  struct ops_transpose_params id = {.perm = {0}};
  kt_init(&k);
  kt_in(&k, b, OPSCOPE_DTYPE_U8, KT_DIMS(6));
  kt_out(&k, by, OPSCOPE_DTYPE_U8, KT_DIMS(6));
  assert_int_equal(kt_run(&k, ops_any_transpose_kernel__scalar, &id), OPS_KRESULT_OK);
  assert_memory_equal(by, b, 6);
}

/* X [2, 3, 5] split in two parts along each axis and concatenated back. */
static void test_concat_each_axis(void **state) {
  (void)state;
  const int64_t dims[3] = {D0, D1, D2};
  float x[NE], y[NE], part0[NE], part1[NE];
  kt_fill(x, NE, 91);
  for (int axis = 0; axis < 3; axis++) {
    int64_t cut = 1; /* part0 takes index 0 along the axis; part1 the rest */
    int64_t d0[3] = {D0, D1, D2}, d1[3] = {D0, D1, D2};
    d0[axis] = cut;
    d1[axis] = dims[axis] - cut;
    int n0 = 0, n1 = 0;
    for (int i = 0; i < NE; i++) {
      int idx[3] = {i / (D1 * D2), (i / D2) % D1, i % D2};
      if (idx[axis] < cut) {
        part0[n0++] = x[i];
      } else {
        part1[n1++] = x[i];
      }
    }
    struct ops_concat_params p = {.axis = axis};
    struct kt k;
    kt_init(&k);
    kt_in(&k, part0, OPSCOPE_DTYPE_F32, KT_DIMS(d0[0], d0[1], d0[2]));
    kt_in(&k, part1, OPSCOPE_DTYPE_F32, KT_DIMS(d1[0], d1[1], d1[2]));
    kt_out(&k, y, OPSCOPE_DTYPE_F32, KT_DIMS(D0, D1, D2));
    assert_int_equal(kt_run(&k, ops_any_concat_kernel__scalar, &p), OPS_KRESULT_OK);
    assert_memory_equal(y, x, sizeof x);
  }
}

/* Three parts, one of them empty, and i64 data. */
static void test_concat_empty_part(void **state) {
  (void)state;
  const int64_t a[2] = {1, 2}, b[1] = {0}, c[4] = {3, 4, 5, 6};
  int64_t y[6];
  struct ops_concat_params p = {.axis = 1};
  struct kt k;
  kt_init(&k);
  kt_in(&k, a, OPSCOPE_DTYPE_I64, KT_DIMS(2, 1));
  kt_in(&k, b, OPSCOPE_DTYPE_I64, KT_DIMS(2, 0));
  kt_in(&k, c, OPSCOPE_DTYPE_I64, KT_DIMS(2, 2));
  kt_out(&k, y, OPSCOPE_DTYPE_I64, KT_DIMS(2, 3));
  assert_int_equal(kt_run(&k, ops_any_concat_kernel__scalar, &p), OPS_KRESULT_OK);
  const int64_t want[6] = {1, 3, 4, 2, 5, 6};
  assert_memory_equal(y, want, sizeof want);
}

static void test_gather(void **state) {
  (void)state;
  /* data [3, 2]: rows 0..2; indices [[0, -1], [2, 1]] (i64) along axis 0 -> [2, 2, 2]. */
  const float data[6] = {1, 2, 3, 4, 5, 6};
  const int64_t idx[4] = {0, -1, 2, 1};
  float y[8];
  struct ops_gather_params p = {.axis = 0};
  struct kt k;
  kt_init(&k);
  kt_in(&k, data, OPSCOPE_DTYPE_F32, KT_DIMS(3, 2));
  kt_in(&k, idx, OPSCOPE_DTYPE_I64, KT_DIMS(2, 2));
  kt_out(&k, y, OPSCOPE_DTYPE_F32, KT_DIMS(2, 2, 2));
  assert_int_equal(kt_run(&k, ops_any_gather_kernel__scalar, &p), OPS_KRESULT_OK);
  const float want[8] = {1, 2, 5, 6, 5, 6, 3, 4};
  for (int i = 0; i < 8; i++)
    OPS_ASSERT_NEAR(y[i], want[i], 0);

  /* Axis 1 with i32 indices [1, -2] -> [3, 2]; then a scalar index -> [3]. */
  const int32_t idx32[2] = {1, -2};
  p.axis = 1;
  kt_init(&k);
  kt_in(&k, data, OPSCOPE_DTYPE_F32, KT_DIMS(3, 2));
  kt_in(&k, idx32, OPSCOPE_DTYPE_I32, KT_DIMS(2));
  kt_out(&k, y, OPSCOPE_DTYPE_F32, KT_DIMS(3, 2));
  assert_int_equal(kt_run(&k, ops_any_gather_kernel__scalar, &p), OPS_KRESULT_OK);
  const float want1[6] = {2, 1, 4, 3, 6, 5};
  for (int i = 0; i < 6; i++)
    OPS_ASSERT_NEAR(y[i], want1[i], 0);
  k.in_dims[1] = KT_SCALAR;
  k.out_dims[0] = KT_DIMS(3);
  assert_int_equal(kt_run(&k, ops_any_gather_kernel__scalar, &p), OPS_KRESULT_OK);
  OPS_ASSERT_NEAR(y[0], 2, 0);
  OPS_ASSERT_NEAR(y[2], 6, 0);
}

/* An index outside [-len, len) is an error, and nothing is written. */
static void test_gather_out_of_range(void **state) {
  (void)state;
  const int64_t data[3] = {10, 20, 30};
  const int64_t bad_hi[2] = {0, 3}, bad_lo[1] = {-4}, edge[2] = {2, -3};
  int64_t y[2] = {-1, -1};
  struct ops_gather_params p = {.axis = 0};
  struct kt k;
  kt_init(&k);
  kt_in(&k, data, OPSCOPE_DTYPE_I64, KT_DIMS(3));
  kt_in(&k, bad_hi, OPSCOPE_DTYPE_I64, KT_DIMS(2));
  kt_out(&k, y, OPSCOPE_DTYPE_I64, KT_DIMS(2));
  assert_int_equal(kt_run(&k, ops_any_gather_kernel__scalar, &p), OPS_KRESULT_INDEX_OUT_OF_RANGE);
  assert_int_equal(y[0], -1);
  k.in[1] = bad_lo;
  k.in_dims[1] = KT_DIMS(1);
  k.out_dims[0] = KT_DIMS(1);
  assert_int_equal(kt_run(&k, ops_any_gather_kernel__scalar, &p), OPS_KRESULT_INDEX_OUT_OF_RANGE);
  k.in[1] = edge;
  k.in_dims[1] = KT_DIMS(2);
  k.out_dims[0] = KT_DIMS(2);
  assert_int_equal(kt_run(&k, ops_any_gather_kernel__scalar, &p), OPS_KRESULT_OK);
  assert_int_equal(y[0], 30);
  assert_int_equal(y[1], 10);
}

static void test_slice(void **state) {
  (void)state;
  /* X [3, 5] = 0..14. Rows 2, 0 (start 2, step -2); columns 4, 3, 2, 1, 0 (step -1). */
  int16_t x[15], y[15];
  for (int i = 0; i < 15; i++)
    x[i] = (int16_t)i;
  struct ops_slice_params p = {.start = {2, 4}, .step = {-2, -1}};
  struct kt k;
  kt_init(&k);
  kt_in(&k, x, OPSCOPE_DTYPE_I16, KT_DIMS(3, 5));
  kt_out(&k, y, OPSCOPE_DTYPE_I16, KT_DIMS(2, 5));
  assert_int_equal(kt_run(&k, ops_any_slice_kernel__scalar, &p), OPS_KRESULT_OK);
  const int16_t want[10] = {14, 13, 12, 11, 10, 4, 3, 2, 1, 0};
  assert_memory_equal(y, want, sizeof want);

  /* Row 1 only, columns 1 and 3 (step 2). */
  struct ops_slice_params q = {.start = {1, 1}, .step = {1, 2}};
  k.out_dims[0] = KT_DIMS(1, 2);
  assert_int_equal(kt_run(&k, ops_any_slice_kernel__scalar, &q), OPS_KRESULT_OK);
  assert_int_equal(y[0], 6);
  assert_int_equal(y[1], 8);

  /* An empty result writes nothing. */
  k.out_dims[0] = KT_DIMS(0, 5);
  assert_int_equal(kt_run(&k, ops_any_slice_kernel__scalar, &q), OPS_KRESULT_OK);
}

static void test_copy_ops(void **state) {
  (void)state;
  const float x[6] = {1, 2, 3, 4, 5, 6};
  float y[6];
  ops_kernel_fn fns[6] = {ops_any_reshape_kernel__scalar,  ops_any_flatten_kernel__scalar,
                          ops_any_squeeze_kernel__scalar,  ops_any_unsqueeze_kernel__scalar,
                          ops_any_identity_kernel__scalar, ops_any_dropout_kernel__scalar};
  for (int f = 0; f < 6; f++) {
    memset(y, 0, sizeof y);
    struct kt k;
    kt_init(&k);
    kt_in(&k, x, OPSCOPE_DTYPE_F32, KT_DIMS(2, 3));
    kt_out(&k, y, OPSCOPE_DTYPE_F32, KT_DIMS(3, 1, 2));
    assert_int_equal(kt_run(&k, fns[f], NULL), OPS_KRESULT_OK);
    assert_memory_equal(y, x, sizeof x);
  }
  /* Dropout's mask output is all true in inference. */
  uint8_t mask[6] = {0};
  struct kt k;
  kt_init(&k);
  kt_in(&k, x, OPSCOPE_DTYPE_F32, KT_DIMS(6));
  kt_out(&k, y, OPSCOPE_DTYPE_F32, KT_DIMS(6));
  kt_out(&k, mask, OPSCOPE_DTYPE_BOOL, KT_DIMS(6));
  assert_int_equal(kt_run(&k, ops_any_dropout_kernel__scalar, NULL), OPS_KRESULT_OK);
  for (int i = 0; i < 6; i++)
    assert_int_equal(mask[i], 1);
  /* Before opset 10 the mask has the data's dtype: 1.0f, not a byte pattern. */
  float fmask[6] = {0};
  k.out[1] = fmask;
  k.out_dtype[1] = OPSCOPE_DTYPE_F32;
  assert_int_equal(kt_run(&k, ops_any_dropout_kernel__scalar, NULL), OPS_KRESULT_OK);
  for (int i = 0; i < 6; i++)
    OPS_ASSERT_NEAR(fmask[i], 1, 0);
  int64_t imask[6] = {0};
  k.out[1] = imask;
  k.out_dtype[1] = OPSCOPE_DTYPE_I64;
  assert_int_equal(kt_run(&k, ops_any_dropout_kernel__scalar, NULL), OPS_KRESULT_OK);
  for (int i = 0; i < 6; i++)
    assert_int_equal(imask[i], 1);
}

static void test_shape(void **state) {
  (void)state;
  const float x[1] = {0}; /* never read */
  int64_t y[4];
  struct ops_shape_params p = {.start = 0, .end = 4};
  struct kt k;
  kt_init(&k);
  kt_in(&k, x, OPSCOPE_DTYPE_F32, KT_DIMS(2, 3, 5, 7));
  kt_out(&k, y, OPSCOPE_DTYPE_I64, KT_DIMS(4));
  assert_int_equal(kt_run(&k, ops_any_shape_kernel__scalar, &p), OPS_KRESULT_OK);
  const int64_t all[4] = {2, 3, 5, 7};
  assert_memory_equal(y, all, sizeof all);
  struct ops_shape_params mid = {.start = 1, .end = 3};
  k.out_dims[0] = KT_DIMS(2);
  assert_int_equal(kt_run(&k, ops_any_shape_kernel__scalar, &mid), OPS_KRESULT_OK);
  assert_int_equal(y[0], 3);
  assert_int_equal(y[1], 5);
}

static void test_constant(void **state) {
  (void)state;
  union {
    struct ops_constant_params p;
    unsigned char bytes[sizeof(struct ops_constant_params) + 8];
  } u;
  const int64_t v = -42;
  u.p.nbytes = sizeof v;
  memcpy(u.p.value, &v, sizeof v);
  int64_t y = 0;
  struct kt k;
  kt_init(&k);
  kt_out(&k, &y, OPSCOPE_DTYPE_I64, KT_SCALAR);
  assert_int_equal(kt_run(&k, ops_any_constant_kernel__scalar, &u.p), OPS_KRESULT_OK);
  assert_int_equal(y, -42);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_transpose_all_perms),
      cmocka_unit_test(test_transpose_element_sizes),
      cmocka_unit_test(test_concat_each_axis),
      cmocka_unit_test(test_concat_empty_part),
      cmocka_unit_test(test_gather),
      cmocka_unit_test(test_gather_out_of_range),
      cmocka_unit_test(test_slice),
      cmocka_unit_test(test_copy_ops),
      cmocka_unit_test(test_shape),
      cmocka_unit_test(test_constant),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
