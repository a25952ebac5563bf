/*
 * The f32 vector microkernel family (kernels/lists/f32-vector.inc): element-wise binary and
 * unary ops over contiguous runs, and the row reductions Softmax and ReduceSum/Mean need. The
 * drivers (kernels/drivers/f32-elementwise.c) handle shapes, broadcasting and threads and call
 * these on contiguous runs only.
 *
 * Accuracy: every op except exp, sigmoid and tanh is exact and matches the scalar reference
 * kernels bit for bit (kernels/scalar/). Exp, sigmoid, tanh, erf and gelu are approximations; their
 * bounds are stated in kernels/simd/f32-vector-impl.h and checked by
 * tests/kernels/test-f32-vector.c.
 */
#ifndef OPSCOPE_KERNELS_VECTOR_H
#define OPSCOPE_KERNELS_VECTOR_H

#include <stddef.h>
#include <stdint.h>

#include "kernels/cpu.h"

/* Binary ops. MAX and MIN follow the scalar kernels (numpy's maximum and minimum): a NaN in a
 * wins, then a NaN in b; ties give b. */
enum ops_vbinary_op {
  OPS_VBINARY_ADD,
  OPS_VBINARY_SUB,
  OPS_VBINARY_MUL,
  OPS_VBINARY_DIV,
  OPS_VBINARY_MAX,
  OPS_VBINARY_MIN,
  OPS_VBINARY_COUNT
};

/* Which operand is a run and which one broadcast element. */
enum ops_vbinary_mode {
  OPS_VBINARY_VV, /* y[i] = a[i] op b[i] */
  OPS_VBINARY_VS, /* y[i] = a[i] op b[0] */
  OPS_VBINARY_SV, /* y[i] = a[0] op b[i] */
  OPS_VBINARY_MODE_COUNT
};

/* y[0..n) from a and b as `mode` says. y may equal a or b (in place); no other overlap. */
typedef void (*ops_f32_vbinary_ukernel_fn)(enum ops_vbinary_op op, enum ops_vbinary_mode mode,
                                           size_t n, const float *a, const float *b, float *y);

/* Unary ops, each with the scalar kernel's formula:
 *   RELU x < 0 ? 0 : x;  LEAKY_RELU x < 0 ? alpha * x : x;  CLIP min(max(x, lo), hi) as
 *   "x < lo ? lo : x" then "v > hi ? hi : v" (NaN passes);  NEG -x;  ABS |x|;  SQRT sqrt(x);
 *   POW_HALF pow(x, 0.5) (sqrt, but +0 for -0 and +inf for -inf);  EXP e^x;  SIGMOID
 *   1 / (1 + e^-x);  TANH tanh(x);  HARD_SIGMOID clamp(alpha * x + beta, 0, 1) (no FMA, as the
 *   scalar kernel rounds the product);  HARD_SWISH x * HARD_SIGMOID(x);  ERF erf(x);  GELU x
 * Phi(x);  GELU_TANH Gelu with approximate="tanh". */
enum ops_vunary_op {
  OPS_VUNARY_RELU,
  OPS_VUNARY_LEAKY_RELU,
  OPS_VUNARY_CLIP,
  OPS_VUNARY_NEG,
  OPS_VUNARY_ABS,
  OPS_VUNARY_SQRT,
  OPS_VUNARY_POW_HALF,
  OPS_VUNARY_EXP,
  OPS_VUNARY_SIGMOID,
  OPS_VUNARY_TANH,
  OPS_VUNARY_HARD_SIGMOID,
  OPS_VUNARY_HARD_SWISH,
  OPS_VUNARY_ERF,
  OPS_VUNARY_GELU,
  OPS_VUNARY_GELU_TANH,
  OPS_VUNARY_COUNT
};

/* The constants of a unary op: alpha and beta (LeakyRelu, HardSigmoid, HardSwish), lo and hi
 * (Clip). Unused fields are ignored. */
struct ops_f32_vunary_params {
  float alpha, beta;
  float lo, hi;
};

/* y[0..n) = f(x[0..n)); y may equal x. */
typedef void (*ops_f32_vunary_ukernel_fn)(enum ops_vunary_op op, size_t n, const float *x, float *y,
                                          const struct ops_f32_vunary_params *p);

/* The sum of x[0..n) (0 for n == 0), accumulated in lanes, then across them. */
typedef float (*ops_f32_rsum_ukernel_fn)(size_t n, const float *x);

/* The maximum of x[0..n) (-inf for n == 0). NaNs are skipped (an all-NaN run gives -inf), as
 * in the scalar Softmax's running "x > max" test. */
typedef float (*ops_f32_rmax_ukernel_fn)(size_t n, const float *x);

/* y[i] = e^(x[i] - max) for i in [0, n), the difference rounded to float first, returning the
 * sum of the y (Softmax's middle pass). y may equal x. */
typedef float (*ops_f32_raddexp_ukernel_fn)(size_t n, const float *x, float max, float *y);

#define OPS_UKERNEL(isa_flags, vbinary, vunary, rsum, rmax, raddexp, lanes)                  \
  void vbinary(enum ops_vbinary_op op, enum ops_vbinary_mode mode, size_t n, const float *a, \
               const float *b, float *y);                                                    \
  void vunary(enum ops_vunary_op op, size_t n, const float *x, float *y,                     \
              const struct ops_f32_vunary_params *p);                                        \
  float rsum(size_t n, const float *x);                                                      \
  float rmax(size_t n, const float *x);                                                      \
  float raddexp(size_t n, const float *x, float max, float *y);
#include "kernels/lists/f32-vector.inc"
#undef OPS_UKERNEL

#endif /* OPSCOPE_KERNELS_VECTOR_H */
