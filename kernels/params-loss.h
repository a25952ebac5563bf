/*
 * Parameters of the loss kernels (kernels/scalar/f32-loss.c): NegativeLogLikelihoodLoss and
 * SoftmaxCrossEntropyLoss. Kept apart from kernels/params.h so this family can grow without
 * touching the shared list; the binder (compiler/bind-scalar-loss.c) fills them.
 */
#ifndef OPSCOPE_KERNELS_PARAMS_LOSS_H
#define OPSCOPE_KERNELS_PARAMS_LOSS_H

#include <stdbool.h>
#include <stdint.h>

/* The `reduction` attribute: per-element losses, their sum, or their weighted mean. */
enum ops_loss_reduction {
  OPS_LOSS_REDUCTION_NONE,
  OPS_LOSS_REDUCTION_SUM,
  OPS_LOSS_REDUCTION_MEAN,
  OPS_LOSS_REDUCTION_COUNT
};

/* Input [N, C, d1, ...], target [N, d1, ...], optional weight [C]. A target equal to
 * ignore_index (when has_ignore_index) contributes 0 to the loss and 0 to the mean's
 * denominator; any other target outside [0, C) is an index error at run time. */
struct ops_loss_params {
  enum ops_loss_reduction reduction;
  bool has_ignore_index;
  int64_t ignore_index;
};

#endif /* OPSCOPE_KERNELS_PARAMS_LOSS_H */
