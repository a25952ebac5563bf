/*
 * The SIMD unit's whole-op kernels for f32 Gemm and MatMul, built on the GEMM driver
 * (kernels/drivers/f32-gemm.c); Conv has its own driver, f32-conv.c. They see only pointers,
 * dims and the params the binder resolved (kernels/params-simd.h); on the threads unit
 * (call->pool set) the GEMM's tile grid is split over the pool, while the short serial phases
 * (transposing A, packing B) run on the calling thread; a batch with at least two matrices per
 * thread is split by whole matrices instead, each thread packing its own.
 */
#include <math.h>
#include <stdbool.h>
#include <string.h>

#include "kernels/drivers/f32-gemm.h"
#include "kernels/drivers/post-act.h"
#include "kernels/params-simd.h"
#include "kernels/simd-ops.h"
#include "kernels/threads/pool.h"

#define ALIGN 64

static size_t align_up(size_t n) {
  return (n + ALIGN - 1) / ALIGN * ALIGN;
}

static size_t packed_bytes(const struct ops_kconfig_gemm *cfg, size_t N, size_t K) {
  size_t bytes = 0;
  ops_f32_gemm_packed_b_size(cfg->nr, N, K, &bytes);
  return align_up(bytes);
}

/* Scratch for one output matrix: packed B unless B was packed at bind time, then A^T. */
static size_t matrix_scratch(const struct ops_simd_gemm_params *p) {
  size_t bytes = p->packed_b != NULL ? 0 : packed_bytes(p->cfg, p->N, p->K);
  if (p->trans_a) bytes += align_up(p->M * p->K * sizeof(float));
  return bytes;
}

/* Whether the threads take whole matrices of a batch, each in its own scratch. */
static bool by_matrix(const struct ops_simd_gemm_params *p) {
  return p->threads > 1 && p->batch >= 2 * (int64_t)p->threads;
}

size_t ops_simd_gemm_scratch(const struct ops_simd_gemm_params *p) {
  return matrix_scratch(p) * (by_matrix(p) ? (size_t)p->threads : 1);
}

/* One GEMM, on the calling thread or split over the pool. */
struct gemm_job {
  const struct ops_kconfig_gemm *cfg;
  size_t M, N, K, lda, ldc;
  const float *A;
  const float *packed;
  float *C;
  const struct ops_f32_gemm_params *params;
};

static void gemm_task(const struct ops_task *task, void *ctx) {
  const struct gemm_job *j = ctx;
  ops_f32_gemm_run(j->cfg, j->M, j->N, j->K, j->A, j->lda, j->packed, j->C, j->ldc, j->params,
                   task);
}

static void run_gemm(struct ops_pool *pool, const struct gemm_job *job) {
  if (pool == NULL || ops_pool_run(pool, gemm_task, (void *)job) != OPS_OK) {
    gemm_task(NULL, (void *)job);
  }
}

/* ---- Gemm, MatMul ---- */

/* The whole kernel call, for the matrices of a batch. */
struct batch_job {
  const struct ops_simd_gemm_params *p;
  const float *A, *B, *Cin;
  float *Y;
  unsigned char *scratch; /* matrix_scratch(p) bytes per thread when by_matrix(p) */
};

/* Output matrix b with `scratch` (matrix_scratch(p) bytes): A transposed and B packed there
 * when needed, the GEMM (split over `pool` when given), then what the epilogue left. */
static void one_matrix(const struct batch_job *j, int64_t b, unsigned char *scratch,
                       struct ops_pool *pool) {
  const struct ops_simd_gemm_params *p = j->p;
  float *packed = NULL;
  size_t a_t_at = 0;
  if (p->packed_b == NULL) {
    packed = (float *)scratch;
    a_t_at = packed_bytes(p->cfg, p->N, p->K);
  }
  float *a_t = p->trans_a ? (float *)ops_kscratch_at(scratch, a_t_at) : NULL;
  size_t a_elems = p->M * p->K, b_elems = p->K * p->N;
  struct ops_f32_gemm_params gp = {p->post ? NULL : p->bias, p->clamp, NULL};
  if (p->post) gp.minmax = (struct ops_f32_minmax_params){-INFINITY, INFINITY};
  int64_t ai = p->a_index ? p->a_index[b] : 0, bi = p->b_index ? p->b_index[b] : 0;
  const float *a = j->A + (size_t)ai * a_elems;
  if (a_t != NULL) {
    /* A is [K, M]: its transpose, row-major [M, K], is what the microkernel reads. */
    for (size_t k = 0; k < p->K; k++)
      for (size_t m = 0; m < p->M; m++)
        a_t[m * p->K + k] = a[k * p->M + m];
    a = a_t;
  }
  const float *pb;
  if (p->packed_b != NULL) {
    pb = (const float *)((const unsigned char *)p->packed_b + (size_t)bi * p->packed_b_bytes);
  } else {
    ops_f32_gemm_pack_b(p->cfg->nr, p->N, p->K, j->B + (size_t)bi * b_elems, p->b_k_stride,
                        p->b_n_stride, packed);
    pb = packed;
  }
  float *y = j->Y + (size_t)b * p->M * p->N;
  struct gemm_job job = {p->cfg, p->M, p->N, p->K, p->K, p->N, a, pb, y, &gp};
  run_gemm(pool, &job);
  if (!p->post) {
    ops_f32_post_act(&p->post_act, y, p->M * p->N);
    return;
  }
  /* Y = alpha * AB + beta * C, C broadcast from [c_rows, c_cols], then the clamp. */
  for (size_t m = 0; m < p->M; m++) {
    for (size_t n = 0; n < p->N; n++) {
      float v = p->alpha * y[m * p->N + n];
      if (j->Cin != NULL && p->c_rows > 0) {
        size_t cm = p->c_rows == 1 ? 0 : m, cn = p->c_cols == 1 ? 0 : n;
        v += p->beta * j->Cin[cm * (size_t)p->c_cols + cn];
      }
      v = v < p->clamp.min ? p->clamp.min : v;
      y[m * p->N + n] = ops_kact_apply(&p->post_act, v > p->clamp.max ? p->clamp.max : v);
    }
  }
}

/* Whole matrices per thread, each thread in its own part of the scratch. */
static void batch_task(const struct ops_task *task, void *ctx) {
  const struct batch_job *j = ctx;
  const size_t ith = task != NULL ? (size_t)task->ith : 0;
  struct ops_share share;
  ops_share_init(&share, task, (size_t)j->p->batch, 1);
  for (size_t b0, b1; ops_share_next(&share, &b0, &b1);)
    for (size_t b = b0; b < b1; b++)
      one_matrix(j, (int64_t)b, ops_kscratch_at(j->scratch, ith * matrix_scratch(j->p)), NULL);
}

enum ops_kresult ops_f32_gemm_kernel__simd(const struct ops_kcall *call) {
  const struct ops_simd_gemm_params *p = call->params;
  /* An empty output has nothing to compute (and its inputs may have no storage at all). */
  if (p->M == 0 || p->N == 0) return OPS_KRESULT_OK;
  struct batch_job j = {p,
                        call->in[0],
                        call->in[1],
                        call->n_in > 2 ? call->in[2] : NULL,
                        call->out[0],
                        call->scratch};
  /* A batch of small matrices (attention's heads) costs a pool run, a serial packing of B and a
   * thin split per matrix; with at least two matrices per thread each thread takes whole
   * matrices in one run instead (tiny_bert: 150 pool runs per inference before). */
  if (call->pool != NULL && by_matrix(p) && ops_pool_threads(call->pool) <= p->threads &&
      ops_pool_run(call->pool, batch_task, &j) == OPS_OK) {
    return OPS_KRESULT_OK;
  }
  for (int64_t b = 0; b < p->batch; b++)
    one_matrix(&j, b, call->scratch, call->pool);
  return OPS_KRESULT_OK;
}

/* MatMul is the batched form of the same computation; its binder fills the batch maps. */
enum ops_kresult ops_f32_matmul_kernel__simd(const struct ops_kcall *call) {
  return ops_f32_gemm_kernel__simd(call);
}
