/*
 * A small harness for calling whole-op kernels in tests: it holds the arrays an ops_kcall
 * points at, so a test states inputs, outputs and params in a few lines, plus deterministic
 * test data and the tolerance the scalar kernels are held to.
 *
 *   struct kt k;
 *   kt_init(&k);
 *   kt_in(&k, x, OPSCOPE_DTYPE_F32, KT_DIMS(1, 3, 5, 5));
 *   kt_out(&k, y, OPSCOPE_DTYPE_F32, KT_DIMS(1, 2, 3, 3));
 *   assert_int_equal(kt_run(&k, ops_f32_conv_kernel__scalar, &params), OPS_KRESULT_OK);
 *
 * The cmocka headers (test-util.h) come first: kt_check_on_pools asserts and fails with them.
 */
#ifndef OPSCOPE_TESTS_KERNELS_KERNEL_TESTER_H
#define OPSCOPE_TESTS_KERNELS_KERNEL_TESTER_H

#include <math.h>
#include <stdint.h>
#include <string.h>

#include "kernels/kernel.h"
#include "kernels/threads/pool.h"
#include "opscope.h"

/* The scalar kernels round once from a double computation, so against a double reference of
 * moderate magnitude (|y| < 100) they agree to a few f32 ulps. */
#define KT_TOL 1e-5

#define KT_MAX_IO 8

struct kt {
  const void *in[KT_MAX_IO];
  struct ops_kdims in_dims[KT_MAX_IO];
  int in_dtype[KT_MAX_IO];
  void *out[KT_MAX_IO];
  struct ops_kdims out_dims[KT_MAX_IO];
  int out_dtype[KT_MAX_IO];
  int n_in, n_out;
};

static inline struct ops_kdims kt_dims_of(int rank, const int64_t *d) {
  struct ops_kdims k = {.rank = rank};
  for (int i = 0; i < rank; i++)
    k.d[i] = d[i];
  return k;
}

/* KT_DIMS(2, 3) is the dims [2, 3]; KT_SCALAR is rank 0. */
#define KT_DIMS(...) \
  kt_dims_of((int)(sizeof((int64_t[]){__VA_ARGS__}) / sizeof(int64_t)), (int64_t[]){__VA_ARGS__})
#define KT_SCALAR ((struct ops_kdims){.rank = 0})

static inline void kt_init(struct kt *k) {
  memset(k, 0, sizeof *k);
}

/* Appends an input; `p` NULL with dtype 0 stands for an omitted optional input. */
static inline void kt_in(struct kt *k, const void *p, int dtype, struct ops_kdims dims) {
  k->in[k->n_in] = p;
  k->in_dtype[k->n_in] = dtype;
  k->in_dims[k->n_in++] = dims;
}

static inline void kt_out(struct kt *k, void *p, int dtype, struct ops_kdims dims) {
  k->out[k->n_out] = p;
  k->out_dtype[k->n_out] = dtype;
  k->out_dims[k->n_out++] = dims;
}

/* The call with its scratch and, for the threads unit, a pool (NULL: this thread alone). */
static inline enum ops_kresult kt_run_on(struct kt *k, ops_kernel_fn fn, const void *params,
                                         void *scratch, size_t scratch_bytes,
                                         struct ops_pool *pool) {
  struct ops_kcall call = {
      .n_in = k->n_in,
      .n_out = k->n_out,
      .in = k->in,
      .in_dims = k->in_dims,
      .in_dtype = k->in_dtype,
      .out = k->out,
      .out_dims = k->out_dims,
      .out_dtype = k->out_dtype,
      .params = params,
      .scratch = scratch,
      .scratch_bytes = scratch_bytes,
      .pool = pool,
  };
  return fn(&call);
}

static inline enum ops_kresult kt_run(struct kt *k, ops_kernel_fn fn, const void *params) {
  return kt_run_on(k, fn, params, NULL, 0, NULL);
}

/* Runs fn once on this thread and once on new pools of 2 and 3 threads, each time on an output
 * y of n floats first set to NaN (so an element no thread wrote shows), and checks every
 * element within tol[i] of want[i]; `what` names the case in a failure. */
static inline void kt_check_on_pools(const char *what, struct kt *k, ops_kernel_fn fn,
                                     const void *params, void *scratch, size_t scratch_bytes,
                                     float *y, const double *want, const double *tol, size_t n) {
  for (int threads = 1; threads <= 3; threads++) {
    struct ops_pool *pool = NULL;
    if (threads > 1) assert_int_equal(ops_pool_new(threads, 0, &pool, NULL, 0), OPS_OK);
    for (size_t i = 0; i < n; i++)
      y[i] = NAN;
    assert_int_equal(kt_run_on(k, fn, params, scratch, scratch_bytes, pool), OPS_KRESULT_OK);
    for (size_t i = 0; i < n; i++)
      if (!(fabs(y[i] - want[i]) <= tol[i]))
        fail_msg("%s, %d threads: Y[%zu] = %.9g, expected %.9g, tolerance %.3g", what, threads, i,
                 y[i], want[i], tol[i]);
    ops_pool_free(pool);
  }
}

/* Deterministic data in [-1, 1): a 32-bit LCG, so every run and machine sees the same values. */
static inline void kt_fill(float *p, int64_t n, uint32_t seed) {
  uint32_t s = seed * 2654435761u + 1u;
  for (int64_t i = 0; i < n; i++) {
    s = s * 1664525u + 1013904223u;
    p[i] = (float)((double)(s >> 8) / (double)(1u << 23) - 1.0);
  }
}

#endif /* OPSCOPE_TESTS_KERNELS_KERNEL_TESTER_H */
