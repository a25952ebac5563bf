/*
 * Parameters of the data-movement and fill kernels added for operator breadth (issue #3):
 * Pad, Split, Compress, ConstantOfShape, EyeLike, Trilu, CumSum, OneHot. Kept apart from
 * kernels/params.h so these ops can be added without touching the shared header; the rules are
 * the same: the binder (compiler/bind-scalar-shape-ops.c) resolves every attribute and constant
 * input, so the kernels only walk. Tile, Expand, Range and CastLike need nothing
 * beyond their dims, dtypes and inputs (call->params is NULL).
 */
#ifndef OPSCOPE_KERNELS_PARAMS_SHAPE_OPS_H
#define OPSCOPE_KERNELS_PARAMS_SHAPE_OPS_H

#include <stdbool.h>
#include <stdint.h>

#include "kernels/kernel.h"

/* Bytes of the largest element a kernel moves (f64, i64, u64). */
#define OPS_KMAX_ELEM 8

/* Pad modes (ONNX "constant", "reflect", "edge", "wrap"). */
enum ops_pad_mode {
  OPS_PAD_MODE_CONSTANT,
  OPS_PAD_MODE_REFLECT,
  OPS_PAD_MODE_EDGE,
  OPS_PAD_MODE_WRAP,
  OPS_PAD_MODE_COUNT
};

/* Pad: output element o on axis i reads input element o - begin[i]. A negative begin crops.
 * Where that index falls outside the input, constant mode writes the fill value and the other
 * modes map it back inside: reflect mirrors about the edge elements (repeatedly, as numpy.pad),
 * edge repeats the edge element, wrap takes it modulo the dim. The binder made sure a non-constant
 * mode never pads an empty axis. */
struct ops_pad_params {
  enum ops_pad_mode mode;
  int64_t begin[OPS_KMAX_RANK];       /* elements added before each axis; negative crops */
  bool value_from_input;              /* constant mode: the fill is input 2's one element */
  unsigned char value[OPS_KMAX_ELEM]; /* otherwise the fill, one element of X's dtype */
};

/* Split along `axis` (non-negative) into n outputs; output k takes sizes[k] elements of the
 * axis, after those of the outputs before it. An omitted output is skipped. The struct is
 * allocated with room for the sizes. */
struct ops_split_params {
  int axis;
  int n;
  int64_t sizes[]; /* elements along the axis per output */
};

/* Compress along `axis` (non-negative), or over the flattened input when `axis` is -1. The
 * kernel reads the bool condition (input 1) at run time and checks that it selects as many
 * elements as the output holds. */
struct ops_compress_params {
  int axis;
};

/* ConstantOfShape: every output element is `value` (one element of the output's dtype). */
struct ops_fill_params {
  unsigned char value[OPS_KMAX_ELEM];
};

/* EyeLike: a 2-D output of zeros with `one` on the diagonal column = row + k. */
struct ops_eye_like_params {
  int64_t k;                        /* diagonal offset, already clamped to [-rows, cols] */
  unsigned char one[OPS_KMAX_ELEM]; /* 1 in the output's dtype */
};

/* Trilu over the last two dims: element (i, j) is kept when j - i >= k (upper) or j - i <= k
 * (lower) and zeroed otherwise. */
struct ops_trilu_params {
  bool upper;
  int64_t k; /* already clamped to [-rows - 1, cols + 1] so j - i never overflows against it */
};

/* CumSum along `axis` (non-negative). exclusive leaves each element out of its own sum;
 * reverse sums from the end of the axis. */
struct ops_cumsum_params {
  int axis;
  bool exclusive;
  bool reverse;
};

/* OneHot: the output has the indices' dims with `depth` inserted at `axis` (non-negative, of
 * the output). out[a..., d, b...] is values[1] when index[a..., b...] (negative ones count from
 * depth, floats truncated toward zero) equals d, else values[0]. */
struct ops_one_hot_params {
  int axis;
  int64_t depth;
};

#endif /* OPSCOPE_KERNELS_PARAMS_SHAPE_OPS_H */
