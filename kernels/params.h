/*
 * Parameters of the whole-op kernels: one struct per op family that needs more than its dims.
 *
 * The binder (compiler/bind-scalar.c) fills these from a node's attributes and constant inputs,
 * after checking them, so a kernel only walks: every axis is already non-negative, every pad is
 * resolved per side, every default is applied. Ops that need nothing beyond their dims and
 * dtypes (the elementwise ops, MatMul, GlobalAveragePool, Cast, Reshape, Flatten, Squeeze,
 * Unsqueeze, Identity, Dropout) take no params (call->params is NULL).
 *
 * Spatial arrays of conv and pool are indexed by spatial dim: entry 0 is the first dim after
 * N and C. All counts and offsets are in elements, never bytes, unless a field says otherwise.
 */
#ifndef OPSCOPE_KERNELS_PARAMS_H
#define OPSCOPE_KERNELS_PARAMS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "kernels/act.h"
#include "kernels/kernel.h"

/* Spatial dims of a conv or pool: everything after N and C. */
#define OPS_KMAX_SPATIAL (OPS_KMAX_RANK - 2)

/* MaxPool and AveragePool. X [N, C, D...], Y [N, C, O...]. Output dims (and so ceil_mode) come
 * from Y's dims; a window may then hang past the padded input, and those taps are skipped. */
struct ops_pool_params {
  int spatial;                          /* number of spatial dims, 1..OPS_KMAX_SPATIAL */
  int64_t kernel[OPS_KMAX_SPATIAL];     /* window size in taps, >= 1 */
  int64_t strides[OPS_KMAX_SPATIAL];    /* elements between window starts, >= 1 */
  int64_t dilations[OPS_KMAX_SPATIAL];  /* elements between taps, >= 1 (1 for AveragePool) */
  int64_t pads_begin[OPS_KMAX_SPATIAL]; /* padding before each spatial dim, elements */
  int64_t pads_end[OPS_KMAX_SPATIAL];   /* padding after each spatial dim, elements */
  bool count_include_pad;               /* AveragePool: divide by the taps inside the padded
                                           input, not only those inside the input */
  bool storage_order_col;               /* MaxPool's Indices (output 1, when present): the
                                           flat index of each max counts the spatial dims
                                           column-major (storage_order 1), else row-major; N
                                           and C always count row-major in front */
};

/* Conv. X [N, C, D...], W [M, C / group, K...], optional B [M], Y [N, M, O...]. */
struct ops_conv_params {
  int spatial;                          /* number of spatial dims, 1..OPS_KMAX_SPATIAL */
  int64_t group;                        /* channel groups; divides C and M */
  int64_t strides[OPS_KMAX_SPATIAL];    /* elements between window starts, >= 1 */
  int64_t dilations[OPS_KMAX_SPATIAL];  /* elements between kernel taps, >= 1 */
  int64_t pads_begin[OPS_KMAX_SPATIAL]; /* implicit zeros before each spatial dim, elements */
  int64_t pads_end[OPS_KMAX_SPATIAL];   /* implicit zeros after each spatial dim, elements */
  struct ops_kact act;                  /* fused activation (kernels/act.h); none when zeroed */
  /* A MaxPool fused after the activation (struct ops_fused_pool in src/graph.h): the conv's
   * output, of dims `mid` [N, M, H, W], is pooled by `pool` into Y. pool.spatial 0: none. */
  struct ops_pool_params pool;
  struct ops_kdims mid;
};

/* Gemm: Y = alpha * A' * B' + beta * C, A' = transA ? A^T : A, B' likewise. C, when present,
 * is broadcast to [M, N] from its dims (rank 0, [N], [1, N], [M, 1] or [M, N]). */
struct ops_gemm_params {
  bool trans_a;
  bool trans_b;
  float alpha;
  float beta;
  struct ops_kact act; /* fused activation (kernels/act.h); none when zeroed */
};

/* Clip: the bounds used when inputs 1 (min) and 2 (max) are omitted. Opset 6 stores its
 * attributes here; opset 11 and later leave -INFINITY and +INFINITY and pass the inputs. */
struct ops_clip_params {
  float min;
  float max;
};

/* BatchNormalization in inference form: Y = (X - mean) / sqrt(var + epsilon) * scale + B,
 * with the channel at dim 1 (dim 0 for a 1-D X). */
struct ops_batchnorm_params {
  float epsilon;
};

/* Softmax over `axis` (non-negative, < rank). When coerce_2d is set (opset < 13), the input is
 * read as a matrix [prod(d[0:axis]), prod(d[axis:])] and each row is normalized as a whole. */
struct ops_softmax_params {
  int axis;
  bool coerce_2d;
};

/* ReduceMean: bit i of axes_mask set means dim i of the input is averaged away. A mask of 0 is
 * the identity (noop_with_empty_axes). keepdims only changes the output dims, not the order of
 * the output elements, so the kernel does not need it. */
struct ops_reduce_params {
  uint32_t axes_mask;
};

/* Transpose: output dim i is input dim perm[i]. */
struct ops_transpose_params {
  int perm[OPS_KMAX_RANK];
};

/* Concat along `axis` (non-negative). */
struct ops_concat_params {
  int axis;
};

/* Gather along `axis` (non-negative, of the data input). */
struct ops_gather_params {
  int axis;
};

/* Slice: output element (i0, i1, ...) reads input element (start[0] + i0 * step[0], ...).
 * Every axis has an entry: unsliced axes have start 0 and step 1. The output dims give the
 * count per axis; the binder checked that every read index stays inside the input. */
struct ops_slice_params {
  int64_t start[OPS_KMAX_RANK]; /* first input index read on each axis, elements */
  int64_t step[OPS_KMAX_RANK];  /* input elements between reads; negative walks backwards */
};

/* Shape (opset 15 form): output = input dims [start, end), both already clamped to [0, rank]. */
struct ops_shape_params {
  int start;
  int end;
};

/* Constant: the value's `nbytes` bytes, row-major, copied into output 0 at each run. The struct
 * is allocated with room for the bytes after it. */
struct ops_constant_params {
  size_t nbytes; /* bytes of value */
  unsigned char value[];
};

/* The f32 activations with attributes (LeakyRelu, Elu, Selu, Celu, HardSigmoid, HardSwish,
 * ThresholdedRelu, Shrink, Gelu), each with the spec's defaults applied by the binder:
 *   LeakyRelu, Elu, Celu, ThresholdedRelu: alpha;  Selu: alpha, gamma;
 *   HardSigmoid: alpha, beta (HardSwish uses alpha 1/6, beta 0.5);
 *   Shrink: alpha is lambd, beta is bias;  Gelu: tanh_approx for approximate="tanh". */
struct ops_activation_params {
  float alpha;
  float beta;
  float gamma;
  bool tanh_approx;
};

/* Mod: fmod set gives C's fmod (the sign of the dividend); clear, an integer remainder takes the
 * sign of the divisor (Python's %). Float inputs always have fmod set (the binder checks). */
struct ops_mod_params {
  bool fmod;
};

/* BitShift: left (direction="LEFT") or right. Shifts by the bit width or more give 0. */
struct ops_bitshift_params {
  bool left;
};

/* IsInf: which infinities count. */
struct ops_isinf_params {
  bool detect_positive;
  bool detect_negative;
};

/* ArgMax and ArgMin along `axis` (non-negative); the output holds i64 indices along it. Ties
 * give the first index, or the last with select_last. */
struct ops_argreduce_params {
  int axis;
  bool select_last;
};

/* LayerNormalization: each vector of the dims from `axis` (non-negative) on is normalized as a
 * whole; Scale and the optional B broadcast to those dims. InstanceNormalization uses only
 * epsilon (it normalizes each [n, c] plane). */
struct ops_norm_params {
  int axis;
  float epsilon;
};

/* LRN across channels (dim 1): y = x / (bias + alpha / size * sum of x^2 over the `size`
 * channels around c, from c - (size - 1) / 2 to c + size / 2) ^ beta. */
struct ops_lrn_params {
  int64_t size;
  float alpha;
  float beta;
  float bias;
};

/* QuantizeLinear and DequantizeLinear (kernels/scalar/quant.c): which scale and zero-point entry
 * each element of X uses. X is viewed as [outer, len, inner] around `axis`; element (o, a, i)
 * uses entry a / block, or with `blocked` entry (o * ceil(len / block) + a / block) * inner + i.
 *   per tensor: axis 0, block = max(len, 1)  (every element uses entry 0)
 *   per axis:   block 1                       (one entry per index of the axis)
 *   blocked:    opset 21's block_size, blocked set (scale has X's rank). */
struct ops_quant_params {
  int axis;      /* non-negative, < rank (0 for a rank-0 X) */
  int64_t block; /* indices of the axis sharing one entry, >= 1 */
  bool blocked;
};

#endif /* OPSCOPE_KERNELS_PARAMS_H */
