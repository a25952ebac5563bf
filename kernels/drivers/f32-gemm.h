/*
 * The f32 GEMM op driver: C[M x N] = clamp(A[M x K] * B[K x N] + bias), the core of Conv (as
 * im2col or 1x1), Gemm and MatMul on the simd and threads units.
 *
 * B is packed once, at compile time for weights, into the panels of the chosen microkernel
 * (kernels/gemm.h), and the driver tiles M and N into register tiles, blocks K by the config's
 * kc, and gives each thread of a run its share of the tiles. It never allocates.
 *
 *   const struct ops_kconfig_gemm *cfg = ops_kconfig_f32_gemm();
 *   size_t bytes;
 *   ops_f32_gemm_packed_b_size(cfg->nr, N, K, &bytes);        // checked; allocate bytes
 *   ops_f32_gemm_pack_b(cfg->nr, N, K, B, N, 1, packed);      // B row-major [K x N]
 *   ops_f32_gemm_run(cfg, M, N, K, A, K, packed, C, N, &params, NULL);
 */
#ifndef OPSCOPE_KERNELS_DRIVERS_F32_GEMM_H
#define OPSCOPE_KERNELS_DRIVERS_F32_GEMM_H

#include <stdbool.h>
#include <stddef.h>

#include "kernels/gemm.h"
#include "kernels/kconfig.h"
#include "kernels/threads/pool.h"

/* The fused epilogue of a GEMM node. */
struct ops_f32_gemm_params {
  const float *bias;                   /* N floats, one per column, added to every row, or NULL */
  struct ops_f32_minmax_params minmax; /* clamp: {0, +INFINITY} for Relu, {lo, hi} for Clip,
                                          {-INFINITY, +INFINITY} for none */
  const float *row_bias; /* M floats, one per row, added to every column (a Conv's bias per
                            output channel), or NULL; ops_f32_gemm_run takes bias or row_bias,
                            not both */
};

/* Bytes of B packed for panels nr wide: ceil(N / nr) * nr * K floats. False when that
 * overflows size_t (N and K come from model files). */
bool ops_f32_gemm_packed_b_size(size_t nr, size_t N, size_t K, size_t *bytes);

/* Packs B into nr-wide panels (layout in kernels/gemm.h), zero-filling columns past N.
 * Element (k, n) of B is read at B[k * k_stride + n * n_stride] (elements), so a row-major
 * [K x N] B has (N or ldb, 1) and a transposed one, such as Gemm's transB or Conv weights
 * [out_channels x in_channels*kh*kw], has (1, ldb). `packed` holds
 * ops_f32_gemm_packed_b_size() bytes, any alignment. */
void ops_f32_gemm_pack_b(size_t nr, size_t N, size_t K, const float *B, size_t k_stride,
                         size_t n_stride, float *packed);

/* C = clamp(A * B + bias) with the microkernel of `cfg`.
 *   M, N, K       sizes in elements; any may be 0 (K 0 gives clamp(bias), or clamp(0))
 *   A, lda        A row-major, rows lda >= K elements apart
 *   packed_b      B packed for cfg->nr by ops_f32_gemm_pack_b with the same N and K
 *   C, ldc        C row-major, rows ldc >= N elements apart; must not overlap A or B
 *   params        bias (per column or per row) and clamp, or NULL for neither; both biases
 *                 given is a caller's mistake and the row bias is ignored
 *   task          the thread's share of a pool run (tiles split by ith/nth, each thread
 *                 writing its own tiles, so no barrier is needed), or NULL to do all of it
 * Every thread of a run calls it with the same arguments but its own task. */
void ops_f32_gemm_run(const struct ops_kconfig_gemm *cfg, size_t M, size_t N, size_t K,
                      const float *A, size_t lda, const float *packed_b, float *C, size_t ldc,
                      const struct ops_f32_gemm_params *params, const struct ops_task *task);

/* ops_f32_gemm_run's panels [j0, j1) of B (columns j0 * nr up to j1 * nr), all of M, on this
 * thread: for a caller that packs B a few panels at a time and computes them while they are in
 * cache (the Conv driver). K > 0; nothing for an empty range. */
void ops_f32_gemm_run_panels(const struct ops_kconfig_gemm *cfg, size_t M, size_t N, size_t K,
                             const float *A, size_t lda, const float *packed_b, float *C,
                             size_t ldc, const struct ops_f32_gemm_params *params, size_t j0,
                             size_t j1);

/* ops_f32_gemm_run on a row-major B read in place (row k at B + k * ldb, ldb >= N), with no
 * packing: the microkernel steps down B's rows ldb apart. It suits a B that few row tiles
 * read, such as the input planes of a 1x1 convolution with few output channels, where packing
 * would copy B once to save less than that on the loads of the GEMM. */
void ops_f32_gemm_run_rows(const struct ops_kconfig_gemm *cfg, size_t M, size_t N, size_t K,
                           const float *A, size_t lda, const float *B, size_t ldb, float *C,
                           size_t ldc, const struct ops_f32_gemm_params *params,
                           const struct ops_task *task);

/* Whether ops_f32_gemm_run_transposed suits an M x N x K product better than ops_f32_gemm_run:
 * true when vectors along M fill the register tiles enough better than vectors along N to pay
 * for transposing C back, as in CNN layers whose pixel counts are multiples of 7 and channel
 * counts multiples of 32 (ResNet-18's 512x49x4608: 49 pixels fill 49 of 64 lanes). */
bool ops_f32_gemm_prefer_transposed(const struct ops_kconfig_gemm *cfg, size_t M, size_t N,
                                    size_t K);

/* The GEMM variant a Conv's product W[mg, kg] x cols[kg, pix] binds, and in *transposed its
 * orientation: transposed where ops_f32_gemm_prefer_transposed picks it for the process's
 * variant and the weights are constant (they are packed at bind time); then the sibling of
 * ops_kconfig_f32_gemm_for_rows for the rows the tiles run down, mg or, transposed, pix. The
 * SIMD binder and the plan's microkernel name both ask here, so they agree. */
const struct ops_kconfig_gemm *ops_f32_conv_gemm_config(size_t mg, size_t pix, size_t kg,
                                                        bool const_weights, bool *transposed);

/* Width of the panels ops_f32_gemm_run_transposed reads its row operand from: a multiple of
 * cfg->mr, about 32 floats (28 for 7x32). */
size_t ops_f32_gemm_row_panel_width(const struct ops_kconfig_gemm *cfg);

/* Bytes of the C^T scratch ops_f32_gemm_run_transposed needs: M * N floats. False on
 * overflow. */
bool ops_f32_gemm_transposed_scratch_size(size_t M, size_t N, size_t *bytes);

/* C = clamp(A * B + row_bias + bias) computed as C^T = B^T * A^T, with the vectors along M:
 *   packed_a      A as the packed operand: ops_f32_gemm_pack_b(cfg->nr, M, K, A, 1, lda)
 *   packed_rows   B as the row operand, in panels ops_f32_gemm_row_panel_width(cfg) = W wide:
 *                 ops_f32_gemm_pack_b(W, N, K, B, ldb, 1)
 *   params        as for ops_f32_gemm_run, except that bias and row_bias may both be given;
 *                 the row bias is free here, since it is the microkernel's bias of C^T
 *   ct            scratch of ops_f32_gemm_transposed_scratch_size(M, N) bytes, any alignment
 * and the rest as ops_f32_gemm_run (task: this thread's share, no barrier). */
void ops_f32_gemm_run_transposed(const struct ops_kconfig_gemm *cfg, size_t M, size_t N, size_t K,
                                 const float *packed_a, const float *packed_rows, float *C,
                                 size_t ldc, const struct ops_f32_gemm_params *params, float *ct,
                                 const struct ops_task *task);

/* Whether ops_f32_gemm_run_transposed splits an M x N product by rows of C^T (columns of C):
 * when it has more row tiles than panels of A. Each thread then reads only the row panels of
 * its share, so a caller can pack them itself (ops_f32_gemm_run_transposed_rows). */
bool ops_f32_gemm_transposed_by_rows(const struct ops_kconfig_gemm *cfg, size_t M, size_t N);

/* ops_f32_gemm_run_transposed's rows [r0, r1) of C^T (columns of C), r0 a multiple of the row
 * panel width, all of M, on this thread. K > 0; nothing for an empty range. */
void ops_f32_gemm_run_transposed_rows(const struct ops_kconfig_gemm *cfg, size_t M, size_t N,
                                      size_t K, const float *packed_a, const float *packed_rows,
                                      float *C, size_t ldc,
                                      const struct ops_f32_gemm_params *params, float *ct,
                                      size_t r0, size_t r1);

#endif /* OPSCOPE_KERNELS_DRIVERS_F32_GEMM_H */
