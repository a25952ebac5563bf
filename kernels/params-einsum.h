/*
 * Parameters of the Einsum kernels (kernels/scalar/einsum.c), filled by
 * compiler/bind-scalar-einsum.c from the parsed equation (src/shape-infer-einsum.h).
 */
#ifndef OPSCOPE_KERNELS_PARAMS_EINSUM_H
#define OPSCOPE_KERNELS_PARAMS_EINSUM_H

#include <stdint.h>

#include "kernels/kernel.h"

/* Most operands and most distinct labels (letters, and one per dim the ellipsis covers) an
 * Einsum may have; the binder refuses more. */
#define OPS_EINSUM_MAX_INPUTS 8
#define OPS_EINSUM_MAX_LABELS 32

/* Einsum as one loop nest over its labels: labels [0, n_out) are the output's dims in order,
 * labels [n_out, n_labels) are summed over. Output element (l_0, ..., l_{n_out-1}) is the sum,
 * over every value of the summed labels, of the product of the inputs, input i read at
 * sum over labels l of index(l) * stride[i][l]. A label that appears on several dims of one
 * input (a diagonal, "ii") has the sum of their strides; one an input lacks, or broadcasts
 * (a size-1 ellipsis dim), has stride 0. */
struct ops_einsum_params {
  int n_inputs;
  int n_labels;
  int n_out;
  int64_t extent[OPS_EINSUM_MAX_LABELS];                        /* values each label takes */
  int64_t stride[OPS_EINSUM_MAX_INPUTS][OPS_EINSUM_MAX_LABELS]; /* elements of input i */
};

#endif /* OPSCOPE_KERNELS_PARAMS_EINSUM_H */
