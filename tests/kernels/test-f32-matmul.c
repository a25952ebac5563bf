/*
 * The simd and threads units' MatMul (compiler/bind-simd.c with kernels/drivers/f32-ops.c) on
 * batches: bound for a pool of 3 and run on this thread and on pools of 2 and 3, so both ways
 * of splitting a batch run (whole matrices per thread, each packing its own B in its own part
 * of the scratch, when there are at least two matrices per thread; the tile grid of one matrix
 * at a time otherwise). Cases: B per matrix and not constant, a constant B broadcast over a
 * rank-4 A, one A broadcast over a batch of B, and empty K, N and M (K = 0 binds no scratch,
 * and the kernel gets a NULL one, as from the executor). Each output is compared with a sum in
 * double within (K + 2) * FLT_EPSILON times the sum of its products' magnitudes.
 */
#include <float.h>
#include <math.h>
#include <stdlib.h>

#include "test-util.h"

#include "compiler/bind.h"
#include "compiler/exec.h"
#include "graph-builder.h"
#include "kernel-tester.h"
#include "kernels/params-simd.h"
#include "kernels/threads/pool.h"
#include "src/graph.h"

struct matmul_case {
  const char *what;
  int64_t a_batch, b_batch; /* A [a_batch, M, K], B [b_batch, K, N]; 1 broadcasts */
  int64_t M, K, N;
  bool b_const;
};

static void run_case(const struct matmul_case *t) {
  const int64_t batch = t->a_batch > t->b_batch ? t->a_batch : t->b_batch;
  const size_t na = (size_t)(t->a_batch * t->M * t->K), nb = (size_t)(t->b_batch * t->K * t->N);
  const size_t ny = (size_t)(batch * t->M * t->N);
  /* One element more than each needs, so that empty matrices are still allocations. */
  float *a = malloc((na + 1) * sizeof *a), *b = malloc((nb + 1) * sizeof *b);
  float *y = malloc((ny + 1) * sizeof *y);
  double *want = malloc((ny + 1) * sizeof *want), *tol = malloc((ny + 1) * sizeof *tol);
  assert_true(a && b && y && want && tol);
  kt_fill(a, (int64_t)na, 1);
  kt_fill(b, (int64_t)nb, 2);
  for (int64_t i = 0; i < batch; i++) {
    const float *ai = a + (t->a_batch > 1 ? i : 0) * t->M * t->K;
    const float *bi = b + (t->b_batch > 1 ? i : 0) * t->K * t->N;
    for (int64_t m = 0; m < t->M; m++)
      for (int64_t n = 0; n < t->N; n++) {
        double sum = 0.0, mag = 0.0;
        for (int64_t k = 0; k < t->K; k++) {
          double p = (double)ai[m * t->K + k] * bi[k * t->N + n];
          sum += p;
          mag += fabs(p);
        }
        size_t at = (size_t)((i * t->M + m) * t->N + n);
        want[at] = sum;
        tol[at] = (double)(t->K + 2) * FLT_EPSILON * mag + FLT_MIN;
      }
  }

  struct ops_graph *g = ops_graph_new();
  assert_non_null(g);
  int ai = tensor(g, "A", OPS_DTYPE_F32, DIMS(t->a_batch, t->M, t->K), NULL, 0);
  int bi = tensor(g, "B", OPS_DTYPE_F32, DIMS(t->b_batch, t->K, t->N), t->b_const ? b : NULL,
                  nb * sizeof *b);
  int yi = tensor(g, "Y", OPS_DTYPE_F32, DIMS(batch, t->M, t->N), NULL, 0);
  struct ops_node *nd = node(g, "mm", "MatMul", IO(ai, bi), IO(yi));
  struct ops_binding bd;
  struct ops_diag d;
  ops_diag_init(&d, "m.onnx");
  ops_exec_set_pool_threads(3);
  if (ops_bind_simd(g, nd, OPSCOPE_UNIT_THREADS, &bd, &d) != OPS_OK)
    fail_msg("%s: bind failed: %s", t->what, d.msg);
  const struct ops_simd_gemm_params *p = bd.params;
  assert_int_equal(p->batch, batch);
  assert_int_equal(p->threads, 3);

  void *scratch = NULL;
  assert_int_equal(posix_memalign(&scratch, 64, bd.scratch_bytes + 64), 0);
  struct kt k;
  kt_init(&k);
  kt_in(&k, a, OPSCOPE_DTYPE_F32, KT_DIMS(t->a_batch, t->M, t->K));
  kt_in(&k, b, OPSCOPE_DTYPE_F32, KT_DIMS(t->b_batch, t->K, t->N));
  kt_out(&k, y, OPSCOPE_DTYPE_F32, KT_DIMS(batch, t->M, t->N));
  /* As the executor does: no scratch pointer at all when the op needs none (K = 0). */
  kt_check_on_pools(t->what, &k, bd.kernel->fn, bd.params, bd.scratch_bytes ? scratch : NULL,
                    bd.scratch_bytes, y, want, tol, ny);
  free(scratch);
  ops_binding_done(&bd);
  ops_graph_free(g);
  free(a);
  free(b);
  free(y);
  free(want);
  free(tol);
}

static const struct matmul_case cases[] = {
    {"batch 6, B per matrix, not constant", 6, 6, 5, 17, 9, false},
    {"batch 7, B per matrix, constant", 7, 7, 13, 40, 33, true},
    {"batch 6, one constant B", 6, 1, 9, 33, 20, true},
    {"batch 5, one A (whole matrices on 2 threads, tiles on 3)", 1, 5, 16, 8, 40, false},
    {"batch 2, tiles of one matrix at a time", 2, 2, 30, 64, 70, false},
    {"K = 0: zeros, with no scratch", 2, 2, 3, 0, 5, false},
    {"K = 0 over a batch of 6 (whole matrices)", 6, 6, 3, 0, 5, false},
    {"N = 0: nothing to write", 2, 2, 3, 4, 0, false},
    {"M = 0: nothing to write", 6, 6, 0, 4, 3, true},
};

static void test_case(void **state) {
  run_case(*state);
}

int main(void) {
  struct CMUnitTest tests[sizeof cases / sizeof cases[0]];
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    tests[i] = (struct CMUnitTest)cmocka_unit_test_prestate(test_case, (void *)&cases[i]);
    tests[i].name = cases[i].what;
  }
  return _cmocka_run_group_tests("test-f32-matmul", tests, sizeof cases / sizeof cases[0], NULL,
                                 NULL);
}
