/*
 * The f32 GEMM microkernel family: the calling convention, the packed-B layout and the
 * prototypes of every variant in kernels/lists/f32-gemm.inc.
 *
 * A microkernel computes one register tile C[mr x nc] (+)= A[mr x kc] * B[kc x nc] for one
 * block of K and sees only sizes, pointers, strides and a params struct (STYLE.md §1). The op
 * driver (kernels/drivers/f32-gemm.h) tiles M, N and K around it and is what callers use;
 * microkernels are reached only through a kernel config (kernels/kconfig.h).
 *
 * Packed B. B [K x N] is stored as ceil(N / NR) panels of NR columns; panel j holds rows
 * k = 0..K-1 of columns j*NR .. j*NR+NR-1, NR floats per row, columns past N zero. A block of
 * K starting at k0 is therefore the contiguous run of kc * NR floats at panel + k0 * NR, and
 * each K step reads NR contiguous floats.
 *
 * The epilogue. The first K block starts from the bias (or zero) and later blocks add to C;
 * the last block clamps to [min, max], which is how Relu (min 0) and Clip fuse into the GEMM.
 */
#ifndef OPSCOPE_KERNELS_GEMM_H
#define OPSCOPE_KERNELS_GEMM_H

#include <stddef.h>

#include "kernels/cpu.h"

/* Output clamp of the fused epilogue: -INFINITY and +INFINITY clamp nothing. */
struct ops_f32_minmax_params {
  float min;
  float max;
};

/* Microkernel flags. */
enum ops_f32_gemm_flags {
  OPS_F32_GEMM_LOAD_C = 1u << 0,   /* start from C's values (K blocks after the first), ignoring
                                      the bias */
  OPS_F32_GEMM_CLAMP = 1u << 1,    /* clamp the result to [min, max] (the last K block) */
  OPS_F32_GEMM_PACKED_A = 1u << 2, /* A is read from a packed panel, element (i, k) at
                                      a[k * a_stride + i] (a_stride >= mr): the layout
                                      ops_f32_gemm_pack_b writes for panels a_stride wide, which
                                      the driver's transposed product reads its rows from */
  OPS_F32_GEMM_ROW_BIAS = 1u << 3, /* bias holds one float per row (mr of them), added to every
                                      column of its row: a convolution's per-channel bias when
                                      the channels are C's rows */
};

/*
 * One tile: for i < mr, j < nc,
 *   C[i][j] = clamp(init[i][j] + sum_{k < kc} A[i][k] * W[k][j])
 * where init is C[i][j] with OPS_F32_GEMM_LOAD_C, else bias[j] (bias[i] with
 * OPS_F32_GEMM_ROW_BIAS; 0 when bias is NULL), and the clamp applies with OPS_F32_GEMM_CLAMP.
 *   mr        rows, 1..MR
 *   nc        columns, 1..NR
 *   kc        K steps, >= 1
 *   a         A's first row; row i at a + i * a_stride (elements); any alignment. With
 *             OPS_F32_GEMM_PACKED_A, column k at a + k * a_stride instead, rows contiguous.
 *   w         the B block: kc rows, row k at w + k * w_stride (elements). w_stride is NR for a
 *             packed panel; a row-major B is read in place with w_stride its row length. Only
 *             the first nc floats of a row are read, so a tile at B's right edge never reads
 *             past the row.
 *   bias      nc floats for this tile's columns (mr for its rows with OPS_F32_GEMM_ROW_BIAS),
 *             or NULL
 *   c         C's first row; row i at c + i * c_stride (elements); any alignment. Only the
 *             mr x nc elements are read or written.
 *   params    the clamp, read with OPS_F32_GEMM_CLAMP
 */
typedef void (*ops_f32_gemm_ukernel_fn)(size_t mr, size_t nc, size_t kc, const float *a,
                                        size_t a_stride, const float *w, size_t w_stride,
                                        const float *bias, float *c, size_t c_stride,
                                        unsigned flags, const struct ops_f32_minmax_params *params);

#define OPS_UKERNEL(isa_flags, fn, mr, nr, unroll, params_type)                              \
  void fn(size_t mr_, size_t nc, size_t kc, const float *a, size_t a_stride, const float *w, \
          size_t w_stride, const float *bias, float *c, size_t c_stride, unsigned flags,     \
          const params_type *params);
#include "kernels/lists/f32-gemm.inc"
#undef OPS_UKERNEL

#endif /* OPSCOPE_KERNELS_GEMM_H */
