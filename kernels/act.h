/*
 * Activations fused into Conv and Gemm (compiler/pass-fuse.c folds them into the node; the
 * binders copy them into the kernel's params). A kernel applies ops_kact_apply to each output
 * element once it is final, so a fused Conv+Relu gives the bits of Conv then Relu.
 *
 * The kinds are numbered as enum ops_fused_act of src/graph.h; kernels do not include the IR,
 * so the binder converts (a static_assert there keeps the two lists in step).
 */
#ifndef OPSCOPE_KERNELS_ACT_H
#define OPSCOPE_KERNELS_ACT_H

#include <math.h>
#include <stddef.h>

enum ops_kact_kind {
  OPS_KACT_NONE = 0,
  OPS_KACT_RELU,
  OPS_KACT_CLIP,
  OPS_KACT_SIGMOID,
  OPS_KACT_SILU,
  OPS_KACT_HARDSWISH,
  OPS_KACT_GELU, /* exact Gelu, as the scalar Gelu kernel computes it */
  OPS_KACT_COUNT
};

/* A zeroed struct is "no activation", so params blocks filled by calloc need nothing more. */
struct ops_kact {
  enum ops_kact_kind kind;
  float min, max; /* CLIP bounds */
};

/* The activation of one element, written as the unfused ops' scalar kernels compute it. */
static inline float ops_kact_apply(const struct ops_kact *a, float x) {
  switch (a->kind) {
    case OPS_KACT_RELU:
      return x < 0.0f ? 0.0f : x; /* NaN stays NaN, as in the Relu kernel */
    case OPS_KACT_CLIP:
      if (x < a->min) x = a->min;
      return x > a->max ? a->max : x;
    case OPS_KACT_SIGMOID:
      return (float)(1.0 / (1.0 + exp(-(double)x)));
    case OPS_KACT_SILU:
      /* Sigmoid rounded to float first, then the Mul, as the two unfused ops do. */
      return x * (float)(1.0 / (1.0 + exp(-(double)x)));
    case OPS_KACT_HARDSWISH: {
      float t = (1.0f / 6.0f) * x + 0.5f;
      t = t < 0.0f ? 0.0f : (t > 1.0f ? 1.0f : t);
      return x * t;
    }
    case OPS_KACT_GELU: {
      double v = x;
      return (float)(0.5 * v * (1.0 + erf(v / sqrt(2.0))));
    }
    default:
      return x;
  }
}

/* Applies `a` to n contiguous floats in place. */
static inline void ops_kact_apply_n(const struct ops_kact *a, float *y, size_t n) {
  if (a->kind == OPS_KACT_NONE) return;
  for (size_t i = 0; i < n; i++)
    y[i] = ops_kact_apply(a, y[i]);
}

#endif /* OPSCOPE_KERNELS_ACT_H */
