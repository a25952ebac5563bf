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
 */
#ifndef OPSCOPE_TESTS_KERNELS_KERNEL_TESTER_H
#define OPSCOPE_TESTS_KERNELS_KERNEL_TESTER_H

#include <stdint.h>
#include <string.h>

#include "kernels/kernel.h"
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

static inline enum ops_kresult kt_run(struct kt *k, ops_kernel_fn fn, const void *params) {
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
  };
  return fn(&call);
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
