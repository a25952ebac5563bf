/*
 * Params of the simd unit's element-wise, Softmax and row-reduction kernels
 * (kernels/drivers/f32-elementwise.c), filled by compiler/bind-simd-elementwise.c. Everything a
 * run needs about the layout is computed at bind time, so the driver's loops do no index
 * arithmetic per element.
 */
#ifndef OPSCOPE_KERNELS_PARAMS_SIMD_ELEMENTWISE_H
#define OPSCOPE_KERNELS_PARAMS_SIMD_ELEMENTWISE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "kernels/kconfig.h"
#include "kernels/kernel.h"

enum ops_simd_ew_kind {
  OPS_SIMD_EW_BINARY,      /* y = a op b, numpy broadcasting */
  OPS_SIMD_EW_SQUARE,      /* Pow with exponent 2: y = a * a */
  OPS_SIMD_EW_UNARY,       /* y = f(x), including Pow with exponent 0.5 */
  OPS_SIMD_EW_SOFTMAX,     /* each row normalized */
  OPS_SIMD_EW_LOG_SOFTMAX, /* each row: x - max - log(sum(exp(x - max))) */
  OPS_SIMD_EW_REDUCE_SUM,  /* one output per row: its sum */
  OPS_SIMD_EW_REDUCE_MEAN, /* one output per row: its mean */
  OPS_SIMD_EW_LAYER_NORM,  /* each row: (x - mean) / sqrt(var + epsilon) * Scale + B */
  OPS_SIMD_EW_KIND_COUNT
};

/* The output as `rows` contiguous runs of `inner` elements (row r at y + r * inner). For
 * BINARY, the rows walk an odometer over the coalesced outer dims, outermost first, and each
 * operand advances by its stride (elements; 0 where it repeats) per step of a dim; within a
 * row, `mode` says which operand is contiguous and which is one repeated element. For every
 * other kind, row r of the input is at x + r * inner. */
struct ops_simd_ew_params {
  const struct ops_kconfig_vector *cfg;
  enum ops_simd_ew_kind kind;
  enum ops_vbinary_op bop;
  enum ops_vbinary_mode mode;
  enum ops_vunary_op uop;
  struct ops_f32_vunary_params up; /* Clip's lo and hi when its bounds are not inputs */
  size_t rows, inner;              /* elements */
  int outer_rank;                  /* 0..OPS_KMAX_RANK - 1 */
  int64_t outer[OPS_KMAX_RANK];    /* counts of the outer dims */
  int64_t a_step[OPS_KMAX_RANK];   /* elements a advances per step of each outer dim */
  int64_t b_step[OPS_KMAX_RANK];
  float epsilon; /* LayerNormalization */
};

#endif /* OPSCOPE_KERNELS_PARAMS_SIMD_ELEMENTWISE_H */
