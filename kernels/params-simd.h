/*
 * Params of the SIMD unit's whole-op kernels (kernels/drivers/f32-ops.c): what the binder
 * (compiler/bind-simd.c) resolved from the node, and the weights it packed once.
 */
#ifndef OPSCOPE_KERNELS_PARAMS_SIMD_H
#define OPSCOPE_KERNELS_PARAMS_SIMD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "kernels/kconfig.h"
#include "kernels/params-simd-pool.h"
#include "kernels/params.h"

/* Gemm and MatMul as batches of C[M, N] = op(A)[M, K] x B[K, N], then the epilogue: a
 * per-column bias and clamp inside the microkernel, or, when alpha != 1 or C is not a constant
 * vector, alpha * AB + beta * C (broadcast) in a pass after. */
struct ops_simd_gemm_params {
  const struct ops_kconfig_gemm *cfg;
  size_t M, N, K;
  int64_t batch;          /* output matrices (MatMul's broadcast batch); 1 for Gemm */
  const int64_t *a_index; /* per output matrix, the A matrix it reads; NULL: all read 0 */
  const int64_t *b_index; /* per output matrix, the B matrix it reads; NULL: all read 0 */
  bool trans_a;           /* Gemm: A is stored [K, M]; it is transposed into scratch */
  const float *packed_b;  /* B constant: every B matrix packed at bind time; else NULL */
  size_t packed_b_bytes;  /* one packed B matrix */
  size_t b_k_stride,
      b_n_stride;    /* element (k, n) of a B matrix at B[k * k_stride + n * n_stride] */
  const float *bias; /* per-column bias for the microkernel (beta * C), or NULL */
  bool post;         /* apply alpha and beta * C after the GEMM instead */
  float alpha, beta;
  int64_t c_rows, c_cols; /* C's dims as broadcast to [M, N] (1 or M; 1 or N) */
  struct ops_f32_minmax_params clamp;
  /* A fused activation the clamp cannot express (sigmoid, silu, hardswish): the driver applies
   * it in one pass over each output matrix after its GEMM; none when zeroed. */
  struct ops_kact post_act;
  /* Threads of the pool the kernel runs on (1 on the simd unit). A batched MatMul's scratch
   * holds one matrix's worth per thread, so each can take whole matrices of the batch. */
  int threads;
};

/* Conv as, per image and group, Y[Mg, P] = W[Mg, Kg] x cols[Kg, P] + bias, where cols is the
 * image's patches (im2col; X itself for a 1x1 stride-1 unpadded conv). */
struct ops_simd_conv_params {
  const struct ops_kconfig_gemm *cfg;
  struct ops_conv_params conv; /* strides, dilations, pads, group, spatial */
  size_t Mg, Kg, P;            /* output channels per group, patch length, output pixels */
  bool direct;                 /* 1x1, stride 1, no pad: X's channel planes are the columns */
  /* 2-D depthwise (one input and one output channel per group): the direct microkernel over a
   * zero-padded copy of each channel plane instead of columns and GEMM. */
  const struct ops_kconfig_dwconv *dw; /* NULL unless depthwise */
  /* A depthwise 3x3 this ISA can read unpadded (kernels/lists/f32-dwconv3x3.inc): no padded
   * plane then; NULL otherwise. */
  const struct ops_kconfig_dwconv3x3 *dw3x3;
  struct ops_dwconv_geom geom;
  size_t padded_h, padded_w; /* the padded plane, floats */
  struct ops_f32_minmax_params clamp;
  struct ops_kact post_act; /* as in struct ops_simd_gemm_params */
  /* Threads of the pool the kernel runs on (1 on the simd unit): depthwise gives each its own
   * padded plane. */
  int threads;
  /* Constant weights of a GEMM-path conv whose output plane is small next to its channels
   * (ops_f32_gemm_prefer_transposed): each group's W packed at bind time as the packed operand
   * of Y^T = cols^T W^T, in this params block at packed_w_offset bytes from its start, groups
   * packed_w_bytes apart (64-byte multiples); the columns are then packed in panels
   * ops_f32_gemm_row_panel_width(cfg) wide. An offset rather than a pointer, so the block stays
   * valid wherever it is copied (ahead-of-time emission relocates only the pointers it lists). 0:
   * not packed, Y = W cols with the columns in panels cfg->nr wide. */
  size_t packed_w_offset;
  size_t packed_w_bytes;
  /* A fused MaxPool (kernels/drivers/f32-conv-pool.c), pool.cfg non-NULL: `pool` lays out its
   * window over the conv's output plane, pool.ih x pool.iw = P pixels. The output is computed
   * in bands of band_rows pooled rows: each band's conv rows go through the GEMM into a
   * thread's band_slice bytes of scratch, whose pool is taken while they are in cache. */
  struct ops_simd_pool_params pool;
  size_t band_rows;
  size_t band_slice;
};

/* Scratch either kernel needs: packed B (and, for Conv, the columns; for Gemm with transA the
 * transposed A), 64-byte aligned parts. */
size_t ops_simd_gemm_scratch(const struct ops_simd_gemm_params *p);
size_t ops_simd_conv_scratch(const struct ops_simd_conv_params *p);

/* Width of a GEMM-path conv's column panels: the GEMM's nr for Y = W cols, its row-panel width
 * when the weights were packed for Y^T = cols^T W^T (the columns are then the row operand). */
size_t ops_simd_conv_panel_width(const struct ops_simd_conv_params *p);

#endif /* OPSCOPE_KERNELS_PARAMS_SIMD_H */
