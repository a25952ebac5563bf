/*
 * Tests of kernels/scalar/f32-gemm.c: Gemm with every transA/transB pair, alpha and beta, and
 * every C broadcast form; MatMul with 1-D operands, batch broadcasting both ways, and integer
 * dtypes. References are plain loops over explicitly transposed/broadcast indices.
 */
#include <math.h>
#include <stdint.h>

#include "test-util.h"

#include "kernel-tester.h"
#include "kernels/params.h"
#include "kernels/scalar/scalar.h"

enum { M = 3, K = 5, N = 7 };

/* C forms: none, scalar, [N], [1, N], [M, 1], [M, N]. `c_at` reads C at (i, j). */
enum c_form { C_NONE, C_SCALAR, C_N, C_1N, C_M1, C_MN, C_FORMS };

static double c_at(enum c_form f, const float *c, int i, int j) {
  switch (f) {
    case C_SCALAR:
      return c[0];
    case C_N:
    case C_1N:
      return c[j];
    case C_M1:
      return c[i];
    case C_MN:
      return c[i * N + j];
    default:
      return 0;
  }
}

static struct ops_kdims c_dims(enum c_form f) {
  switch (f) {
    case C_SCALAR:
      return KT_SCALAR;
    case C_N:
      return KT_DIMS(N);
    case C_1N:
      return KT_DIMS(1, N);
    case C_M1:
      return KT_DIMS(M, 1);
    default:
      return KT_DIMS(M, N);
  }
}

static void check_gemm(bool ta, bool tb, float alpha, float beta, enum c_form f) {
  float a[M * K], b[K * N], c[M * N], y[M * N];
  kt_fill(a, M * K, 21);
  kt_fill(b, K * N, 22);
  kt_fill(c, M * N, 23);
  struct ops_gemm_params p = {.trans_a = ta, .trans_b = tb, .alpha = alpha, .beta = beta};
  struct kt k;
  kt_init(&k);
  kt_in(&k, a, OPSCOPE_DTYPE_F32, ta ? KT_DIMS(K, M) : KT_DIMS(M, K));
  kt_in(&k, b, OPSCOPE_DTYPE_F32, tb ? KT_DIMS(N, K) : KT_DIMS(K, N));
  if (f != C_NONE) kt_in(&k, c, OPSCOPE_DTYPE_F32, c_dims(f));
  kt_out(&k, y, OPSCOPE_DTYPE_F32, KT_DIMS(M, N));
  assert_int_equal(kt_run(&k, ops_f32_gemm_kernel__scalar, &p), OPS_KRESULT_OK);
  for (int i = 0; i < M; i++) {
    for (int j = 0; j < N; j++) {
      double acc = 0;
      for (int kk = 0; kk < K; kk++) {
        double av = ta ? a[kk * M + i] : a[i * K + kk];
        double bv = tb ? b[j * K + kk] : b[kk * N + j];
        acc += av * bv;
      }
      double want = alpha * acc + beta * c_at(f, c, i, j);
      OPS_ASSERT_NEAR(y[i * N + j], want, KT_TOL);
    }
  }
}

static void test_gemm_all_forms(void **state) {
  (void)state;
  for (int ta = 0; ta < 2; ta++)
    for (int tb = 0; tb < 2; tb++)
      for (int f = 0; f < C_FORMS; f++) {
        check_gemm(ta, tb, 1.0f, 1.0f, (enum c_form)f);
        check_gemm(ta, tb, 0.5f, -2.0f, (enum c_form)f);
      }
}

/* Hand-computed: [[1, 2], [3, 4]] x [[5, 6], [7, 8]] = [[19, 22], [43, 50]]; with alpha 2,
 * beta 0.5 and C = [10, 20] (a row): [[43, 54], [91, 110]]. */
static void test_gemm_by_hand(void **state) {
  (void)state;
  const float a[4] = {1, 2, 3, 4}, b[4] = {5, 6, 7, 8}, c[2] = {10, 20};
  float y[4];
  struct ops_gemm_params p = {.alpha = 2, .beta = 0.5f};
  struct kt k;
  kt_init(&k);
  kt_in(&k, a, OPSCOPE_DTYPE_F32, KT_DIMS(2, 2));
  kt_in(&k, b, OPSCOPE_DTYPE_F32, KT_DIMS(2, 2));
  kt_in(&k, c, OPSCOPE_DTYPE_F32, KT_DIMS(2));
  kt_out(&k, y, OPSCOPE_DTYPE_F32, KT_DIMS(2, 2));
  assert_int_equal(kt_run(&k, ops_f32_gemm_kernel__scalar, &p), OPS_KRESULT_OK);
  OPS_ASSERT_NEAR(y[0], 43, 0);
  OPS_ASSERT_NEAR(y[1], 54, 0);
  OPS_ASSERT_NEAR(y[2], 91, 0);
  OPS_ASSERT_NEAR(y[3], 110, 0);
}

/* beta 0 never reads C, so NaN in C does not reach Y. */
static void test_gemm_beta_zero_ignores_c(void **state) {
  (void)state;
  const float a[1] = {2}, b[1] = {3}, c[1] = {NAN};
  float y[1];
  struct ops_gemm_params p = {.alpha = 1, .beta = 0};
  struct kt k;
  kt_init(&k);
  kt_in(&k, a, OPSCOPE_DTYPE_F32, KT_DIMS(1, 1));
  kt_in(&k, b, OPSCOPE_DTYPE_F32, KT_DIMS(1, 1));
  kt_in(&k, c, OPSCOPE_DTYPE_F32, KT_SCALAR);
  kt_out(&k, y, OPSCOPE_DTYPE_F32, KT_DIMS(1, 1));
  assert_int_equal(kt_run(&k, ops_f32_gemm_kernel__scalar, &p), OPS_KRESULT_OK);
  OPS_ASSERT_NEAR(y[0], 6, 0);
}

/* Runs f32 MatMul; callers check Y. */
static void run_matmul(const float *a, struct ops_kdims ad, const float *b, struct ops_kdims bd,
                       float *y, struct ops_kdims yd) {
  struct kt k;
  kt_init(&k);
  kt_in(&k, a, OPSCOPE_DTYPE_F32, ad);
  kt_in(&k, b, OPSCOPE_DTYPE_F32, bd);
  kt_out(&k, y, OPSCOPE_DTYPE_F32, yd);
  assert_int_equal(kt_run(&k, ops_f32_matmul_kernel__scalar, NULL), OPS_KRESULT_OK);
}

static void test_matmul_1d(void **state) {
  (void)state;
  const float a[3] = {1, 2, 3}, b[3] = {4, 5, 6};
  float y[4];
  /* [3] x [3] -> scalar dot product. */
  run_matmul(a, KT_DIMS(3), b, KT_DIMS(3), y, KT_SCALAR);
  OPS_ASSERT_NEAR(y[0], 32, 0);
  /* [3] x [3, 2]: row vector times matrix -> [2]. */
  const float m32[6] = {1, 2, 3, 4, 5, 6};
  run_matmul(a, KT_DIMS(3), m32, KT_DIMS(3, 2), y, KT_DIMS(2));
  OPS_ASSERT_NEAR(y[0], 22, 0);
  OPS_ASSERT_NEAR(y[1], 28, 0);
  /* [2, 3] x [3]: matrix times column vector -> [2]. */
  run_matmul(m32, KT_DIMS(2, 3), a, KT_DIMS(3), y, KT_DIMS(2));
  OPS_ASSERT_NEAR(y[0], 14, 0);
  OPS_ASSERT_NEAR(y[1], 32, 0);
  /* [3] x [2, 3, 2]: the vector meets a batch of matrices -> [2, 2]. */
  const float b232[12] = {1, 2, 3, 4, 5, 6, 1, 0, 0, 1, 1, 1};
  run_matmul(a, KT_DIMS(3), b232, KT_DIMS(2, 3, 2), y, KT_DIMS(2, 2));
  OPS_ASSERT_NEAR(y[0], 22, 0);
  OPS_ASSERT_NEAR(y[1], 28, 0);
  OPS_ASSERT_NEAR(y[2], 4, 0);
  OPS_ASSERT_NEAR(y[3], 5, 0);
}

/* A [2, 1, 3, 4] x B [3, 4, 5] -> [2, 3, 3, 5]: A repeats along dim 1, B along dim 0. */
static void test_matmul_batch_broadcast(void **state) {
  (void)state;
  enum { BM = 3, BK = 4, BN = 5 };
  float a[2 * BM * BK], b[3 * BK * BN], y[2 * 3 * BM * BN];
  kt_fill(a, 2 * BM * BK, 31);
  kt_fill(b, 3 * BK * BN, 32);
  run_matmul(a, KT_DIMS(2, 1, BM, BK), b, KT_DIMS(3, BK, BN), y, KT_DIMS(2, 3, BM, BN));
  for (int i0 = 0; i0 < 2; i0++)
    for (int i1 = 0; i1 < 3; i1++)
      for (int i = 0; i < BM; i++)
        for (int j = 0; j < BN; j++) {
          double acc = 0;
          for (int kk = 0; kk < BK; kk++)
            acc += (double)a[(i0 * BM + i) * BK + kk] * b[(i1 * BK + kk) * BN + j];
          OPS_ASSERT_NEAR(y[((i0 * 3 + i1) * BM + i) * BN + j], acc, KT_TOL);
        }
  /* Same batch on both sides, odd sizes and sizes of 1: [1, 1, 1] x [1, 1, 1]. */
  const float one_a[1] = {3}, one_b[1] = {-2};
  run_matmul(one_a, KT_DIMS(1, 1, 1), one_b, KT_DIMS(1, 1, 1), y, KT_DIMS(1, 1, 1));
  OPS_ASSERT_NEAR(y[0], -6, 0);
}

/* Integer MatMul is exact, and wraps instead of overflowing. */
static void test_matmul_integers(void **state) {
  (void)state;
  const int32_t a[4] = {1, 2, 3, 4}, b[4] = {5, 6, 7, 8};
  int32_t y[4];
  struct kt k;
  kt_init(&k);
  kt_in(&k, a, OPSCOPE_DTYPE_I32, KT_DIMS(2, 2));
  kt_in(&k, b, OPSCOPE_DTYPE_I32, KT_DIMS(2, 2));
  kt_out(&k, y, OPSCOPE_DTYPE_I32, KT_DIMS(2, 2));
  assert_int_equal(kt_run(&k, ops_i32_matmul_kernel__scalar, NULL), OPS_KRESULT_OK);
  assert_int_equal(y[0], 19);
  assert_int_equal(y[1], 22);
  assert_int_equal(y[2], 43);
  assert_int_equal(y[3], 50);

  const int64_t big[2] = {INT64_MAX, 2}, two[2] = {2, 1};
  int64_t y64[1];
  kt_init(&k);
  kt_in(&k, big, OPSCOPE_DTYPE_I64, KT_DIMS(2));
  kt_in(&k, two, OPSCOPE_DTYPE_I64, KT_DIMS(2));
  kt_out(&k, y64, OPSCOPE_DTYPE_I64, KT_SCALAR);
  assert_int_equal(kt_run(&k, ops_i64_matmul_kernel__scalar, NULL), OPS_KRESULT_OK);
  /* INT64_MAX * 2 wraps to -2; plus 2 gives 0. */
  assert_int_equal(y64[0], 0);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_gemm_all_forms),           cmocka_unit_test(test_gemm_by_hand),
      cmocka_unit_test(test_gemm_beta_zero_ignores_c), cmocka_unit_test(test_matmul_1d),
      cmocka_unit_test(test_matmul_batch_broadcast),   cmocka_unit_test(test_matmul_integers),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
