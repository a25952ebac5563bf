/*
 * Einsum equations: parsing "bij,bjk->bik" (explicit output), "i,i" (implicit output) and
 * ellipses ("...ii->...i") against the operands' ranks into labels per dim. Shape inference
 * (src/shape-infer-einsum.c) and the scalar binder (compiler/bind-scalar-einsum.c) share it,
 * so the two can never read an equation differently.
 */
#ifndef OPSCOPE_SRC_SHAPE_INFER_EINSUM_H
#define OPSCOPE_SRC_SHAPE_INFER_EINSUM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "src/tensor.h"

/* Most operands, and most distinct labels (letters plus one per dim the ellipsis covers). */
#define OPS_EINSUM_EQ_MAX_INPUTS 8
#define OPS_EINSUM_EQ_MAX_LABELS 32

/* A parsed equation. Labels are numbered with the output's first, in output order: labels
 * [0, n_out) are the output dims, labels [n_out, n_labels) are summed over. */
struct ops_einsum_eq {
  int n_inputs;
  int n_labels;
  int n_out;
  int in_rank[OPS_EINSUM_EQ_MAX_INPUTS];
  int in_label[OPS_EINSUM_EQ_MAX_INPUTS][OPS_MAX_RANK]; /* label of each dim of each input */
  bool from_ellipsis[OPS_EINSUM_EQ_MAX_LABELS];         /* label stands for an ellipsis dim */
};

/* Parses `equation` for `n_inputs` operands of ranks `ranks` (each known, 0..OPS_MAX_RANK).
 * Spaces are ignored. On failure writes the reason (without the node name) to why[why_len] and
 * returns false. */
bool ops_einsum_parse(const char *equation, int n_inputs, const int *ranks,
                      struct ops_einsum_eq *eq, char *why, size_t why_len);

/* The extent of each label from the operands' shapes (known dims only; -1 where every dim
 * carrying the label is unknown). A letter must have one size everywhere; an ellipsis dim may
 * also be 1 where others are larger (numpy broadcasting). False with the reason on a clash. */
bool ops_einsum_extents(const struct ops_einsum_eq *eq, const struct ops_shape *const *shapes,
                        int64_t *extent, char *why, size_t why_len);

#endif /* OPSCOPE_SRC_SHAPE_INFER_EINSUM_H */
