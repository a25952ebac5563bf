/*
 * Tests of kernels/registry.c: the table generated from kernels/lists/scalar.inc has unique
 * names, lookups prefer an exact dtype and fall back to ANY, and unknown ops or units are not
 * found.
 */
#include <string.h>

#include "test-util.h"

#include "kernels/registry.h"
#include "opscope.h"

static void test_names_unique_and_complete(void **state) {
  (void)state;
  size_t n;
  const struct ops_kernel_entry *e = ops_registry_entries(&n);
  assert_true(n > 0);
  for (size_t i = 0; i < n; i++) {
    assert_non_null(e[i].fn);
    assert_non_null(e[i].op);
    /* Names follow STYLE.md §3: ops_<dtype>_<op>_kernel__<unit>. */
    assert_true(e[i].unit == OPSCOPE_UNIT_SCALAR || e[i].unit == OPSCOPE_UNIT_SIMD);
    OPS_ASSERT_CONTAINS(e[i].name,
                        e[i].unit == OPSCOPE_UNIT_SCALAR ? "_kernel__scalar" : "_kernel__simd");
    assert_int_equal(strncmp(e[i].name, "ops_", 4), 0);
    for (size_t j = i + 1; j < n; j++) {
      if (strcmp(e[i].name, e[j].name) == 0) fail_msg("kernel name %s appears twice", e[i].name);
      if (e[i].fn == e[j].fn) fail_msg("%s and %s share a function", e[i].name, e[j].name);
      if (strcmp(e[i].op, e[j].op) == 0 && e[i].dtype == e[j].dtype && e[i].unit == e[j].unit) {
        fail_msg("%s has two entries for dtype %d", e[i].op, e[i].dtype);
      }
    }
  }
}

/* Every op the real models use has a scalar kernel for f32 (or any dtype). */
static void test_model_ops_covered(void **state) {
  (void)state;
  static const char *const ops[] = {"Conv",
                                    "Gemm",
                                    "MatMul",
                                    "Add",
                                    "Sub",
                                    "Mul",
                                    "Div",
                                    "Pow",
                                    "Sqrt",
                                    "Erf",
                                    "Relu",
                                    "Clip",
                                    "Sigmoid",
                                    "Tanh",
                                    "MaxPool",
                                    "AveragePool",
                                    "GlobalAveragePool",
                                    "BatchNormalization",
                                    "Concat",
                                    "Reshape",
                                    "Flatten",
                                    "Transpose",
                                    "Softmax",
                                    "ReduceMean",
                                    "Shape",
                                    "Gather",
                                    "Slice",
                                    "Unsqueeze",
                                    "Squeeze",
                                    "Constant",
                                    "Cast",
                                    "Identity",
                                    "Dropout",
                                    "Exp",
                                    "Log",
                                    "Neg",
                                    "Abs",
                                    "Reciprocal"};
  for (size_t i = 0; i < sizeof ops / sizeof ops[0]; i++) {
    if (ops_registry_find(ops[i], OPSCOPE_UNIT_SCALAR, OPSCOPE_DTYPE_F32) == NULL) {
      fail_msg("no scalar f32 kernel for %s", ops[i]);
    }
    assert_true(ops_registry_has_op(ops[i], OPSCOPE_UNIT_SCALAR));
  }
}

static void test_find(void **state) {
  (void)state;
  const struct ops_kernel_entry *conv =
      ops_registry_find("Conv", OPSCOPE_UNIT_SCALAR, OPSCOPE_DTYPE_F32);
  assert_non_null(conv);
  assert_string_equal(conv->name, "ops_f32_conv_kernel__scalar");
  assert_string_equal(conv->op, "Conv");
  /* An exact dtype wins. */
  const struct ops_kernel_entry *add =
      ops_registry_find("Add", OPSCOPE_UNIT_SCALAR, OPSCOPE_DTYPE_I64);
  assert_non_null(add);
  assert_string_equal(add->name, "ops_i64_add_kernel__scalar");
  /* Not found: unknown op, unsupported dtype without an ANY entry, another unit, NULL. */
  assert_null(ops_registry_find("NonMaxSuppression", OPSCOPE_UNIT_SCALAR, OPSCOPE_DTYPE_F32));
  assert_false(ops_registry_has_op("NonMaxSuppression", OPSCOPE_UNIT_SCALAR));
  assert_null(ops_registry_find("Conv", OPSCOPE_UNIT_SCALAR, OPSCOPE_DTYPE_I64));
  assert_true(ops_registry_has_op("Conv", OPSCOPE_UNIT_SCALAR));
  /* The simd unit has its own list: f32 Conv, not f64 or int Conv; f32 Clip, not int Clip; and
   * no Sin. */
  const struct ops_kernel_entry *simd_conv =
      ops_registry_find("Conv", OPSCOPE_UNIT_SIMD, OPSCOPE_DTYPE_F32);
  assert_non_null(simd_conv);
  assert_string_equal(simd_conv->name, "ops_f32_conv_kernel__simd");
  assert_null(ops_registry_find("Conv", OPSCOPE_UNIT_SIMD, OPSCOPE_DTYPE_F64));
  assert_true(ops_registry_has_op("Conv", OPSCOPE_UNIT_SIMD));
  assert_true(ops_registry_has_op("Clip", OPSCOPE_UNIT_SIMD));
  assert_null(ops_registry_find("Clip", OPSCOPE_UNIT_SIMD, OPSCOPE_DTYPE_I32));
  assert_false(ops_registry_has_op("Sin", OPSCOPE_UNIT_SIMD));
  assert_null(ops_registry_find(NULL, OPSCOPE_UNIT_SCALAR, OPSCOPE_DTYPE_F32));
  assert_null(ops_registry_find("conv", OPSCOPE_UNIT_SCALAR, OPSCOPE_DTYPE_F32));
}

/* Dtype-agnostic kernels answer for every dtype. */
static void test_any_fallback(void **state) {
  (void)state;
  const int dtypes[] = {OPSCOPE_DTYPE_F32, OPSCOPE_DTYPE_I64, OPSCOPE_DTYPE_U8, OPSCOPE_DTYPE_F16,
                        OPSCOPE_DTYPE_BOOL};
  for (size_t i = 0; i < sizeof dtypes / sizeof dtypes[0]; i++) {
    const struct ops_kernel_entry *e =
        ops_registry_find("Transpose", OPSCOPE_UNIT_SCALAR, dtypes[i]);
    assert_non_null(e);
    assert_int_equal(e->dtype, OPS_KDTYPE_ANY);
    assert_string_equal(e->name, "ops_any_transpose_kernel__scalar");
    assert_non_null(ops_registry_find("Reshape", OPSCOPE_UNIT_SCALAR, dtypes[i]));
    assert_non_null(ops_registry_find("Gather", OPSCOPE_UNIT_SCALAR, dtypes[i]));
  }
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_names_unique_and_complete),
      cmocka_unit_test(test_model_ops_covered),
      cmocka_unit_test(test_find),
      cmocka_unit_test(test_any_fallback),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
