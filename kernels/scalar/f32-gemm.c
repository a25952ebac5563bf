/*
 * Gemm (f32) and MatMul (f32, i32, i64).
 *
 * Gemm: Y[M, N] = alpha * A' B' + beta * C, with A' = A^T when trans_a (A is [K, M]) and
 * B' = B^T when trans_b (B is [N, K]). C is optional and broadcast one way to [M, N] from its
 * own dims: rank 0, [N], [1, N], [M, 1] or [M, N]. When beta is 0, C is not read at all (BLAS
 * and ONNX Runtime do the same), so a C holding NaN or Inf does not poison the result.
 *
 * MatMul follows numpy.matmul: a 1-D A is a row [1, K] and a 1-D B a column [K, 1] (the added
 * dim is dropped from Y, which changes no element's position), and the batch dims in front of
 * the last two broadcast against each other. Integer MatMul wraps modulo 2^n, as numpy does.
 */
#include <stdint.h>

#include "kernels/params.h"
#include "kernels/scalar/scalar-impl.h"
#include "kernels/scalar/scalar.h"

enum ops_kresult ops_f32_gemm_kernel__scalar(const struct ops_kcall *call) {
  const struct ops_gemm_params *p = call->params;
  const struct ops_kdims *ad = &call->in_dims[0];
  const struct ops_kdims *bd = &call->in_dims[1];
  const float *a = call->in[0];
  const float *b = call->in[1];
  const float *c = (call->n_in > 2 && p->beta != 0.0f) ? call->in[2] : NULL;
  float *y = call->out[0];

  int64_t m = p->trans_a ? ad->d[1] : ad->d[0];
  int64_t k_len = p->trans_a ? ad->d[0] : ad->d[1];
  int64_t n = p->trans_b ? bd->d[0] : bd->d[1];
  /* Element (i, k) of A' and (k, j) of B', in elements from the start of A and B. */
  int64_t a_row = p->trans_a ? 1 : ad->d[1], a_col = p->trans_a ? ad->d[1] : 1;
  int64_t b_row = p->trans_b ? 1 : bd->d[1], b_col = p->trans_b ? bd->d[1] : 1;

  /* C's strides over [M, N]: 0 along a dim it repeats. */
  int64_t c_row = 0, c_col = 0;
  if (c != NULL) {
    const struct ops_kdims *cd = &call->in_dims[2];
    int64_t c_rows = cd->rank == 2 ? cd->d[0] : 1;
    int64_t c_cols = cd->rank >= 1 ? cd->d[cd->rank - 1] : 1;
    c_row = c_rows == 1 ? 0 : c_cols;
    c_col = c_cols == 1 ? 0 : 1;
  }

  for (int64_t i = 0; i < m; i++) {
    for (int64_t j = 0; j < n; j++) {
      double acc = 0.0;
      for (int64_t k = 0; k < k_len; k++)
        acc += (double)a[i * a_row + k * a_col] * (double)b[k * b_row + j * b_col];
      double v = (double)p->alpha * acc;
      if (c != NULL) v += (double)p->beta * (double)c[i * c_row + j * c_col];
      y[i * n + j] = ops_kact_apply(&p->act, (float)v);
    }
  }
  return OPS_KRESULT_OK;
}

/* One [M, K] x [K, N] product of the batch; a, b and y point at its first element. */
typedef void (*matmul_fn)(const void *a, const void *b, void *y, int64_t m, int64_t k_len,
                          int64_t n);

static void matmul_f32(const void *va, const void *vb, void *vy, int64_t m, int64_t k_len,
                       int64_t n) {
  const float *a = va;
  const float *b = vb;
  float *y = vy;
  for (int64_t i = 0; i < m; i++) {
    for (int64_t j = 0; j < n; j++) {
      double acc = 0.0;
      for (int64_t k = 0; k < k_len; k++)
        acc += (double)a[i * k_len + k] * (double)b[k * n + j];
      y[i * n + j] = (float)acc;
    }
  }
}

static void matmul_i32(const void *va, const void *vb, void *vy, int64_t m, int64_t k_len,
                       int64_t n) {
  const int32_t *a = va;
  const int32_t *b = vb;
  int32_t *y = vy;
  for (int64_t i = 0; i < m; i++) {
    for (int64_t j = 0; j < n; j++) {
      uint32_t acc = 0;
      for (int64_t k = 0; k < k_len; k++)
        acc += (uint32_t)a[i * k_len + k] * (uint32_t)b[k * n + j];
      y[i * n + j] = (int32_t)acc;
    }
  }
}

static void matmul_i64(const void *va, const void *vb, void *vy, int64_t m, int64_t k_len,
                       int64_t n) {
  const int64_t *a = va;
  const int64_t *b = vb;
  int64_t *y = vy;
  for (int64_t i = 0; i < m; i++) {
    for (int64_t j = 0; j < n; j++) {
      uint64_t acc = 0;
      for (int64_t k = 0; k < k_len; k++)
        acc += (uint64_t)a[i * k_len + k] * (uint64_t)b[k * n + j];
      y[i * n + j] = (int64_t)acc;
    }
  }
}

/* The batch dims of a MatMul operand: every dim but the last two (none for rank <= 2). */
static struct ops_kdims batch_dims(const struct ops_kdims *d) {
  struct ops_kdims b = {.rank = d->rank > 2 ? d->rank - 2 : 0};
  for (int i = 0; i < b.rank; i++)
    b.d[i] = d->d[i];
  return b;
}

static enum ops_kresult matmul_run(const struct ops_kcall *call, matmul_fn mm) {
  const struct ops_kdims *ad = &call->in_dims[0];
  const struct ops_kdims *bd = &call->in_dims[1];
  const unsigned char *a = call->in[0];
  const unsigned char *b = call->in[1];
  unsigned char *y = call->out[0];
  int64_t esize = (int64_t)ops_kdtype_size(call->out_dtype[0]);
  /* A batch of empty products would still be walked; an empty Y has nothing to write. */
  if (ops_kdims_numel(&call->out_dims[0]) == 0) return OPS_KRESULT_OK;

  int64_t m = ad->rank == 1 ? 1 : ad->d[ad->rank - 2];
  int64_t k_len = ad->d[ad->rank - 1];
  int64_t n = bd->rank == 1 ? 1 : bd->d[bd->rank - 1];

  struct ops_kdims a_batch = batch_dims(ad), b_batch = batch_dims(bd);
  struct ops_kdims y_batch = {.rank = a_batch.rank > b_batch.rank ? a_batch.rank : b_batch.rank};
  for (int i = 0; i < y_batch.rank; i++) {
    int ia = i - (y_batch.rank - a_batch.rank), ib = i - (y_batch.rank - b_batch.rank);
    int64_t da = ia >= 0 ? a_batch.d[ia] : 1, db = ib >= 0 ? b_batch.d[ib] : 1;
    y_batch.d[i] = da == 1 ? db : da;
  }
  int64_t sa[OPS_KMAX_RANK], sb[OPS_KMAX_RANK];
  ops_kbcast_strides(&a_batch, &y_batch, sa);
  ops_kbcast_strides(&b_batch, &y_batch, sb);

  int64_t count = ops_kdims_numel(&y_batch);
  for (int64_t t = 0; t < count; t++) {
    /* Matrices, not elements, are the unit of the batch strides. */
    int64_t rest = t, ia = 0, ib = 0;
    for (int i = y_batch.rank - 1; i >= 0; i--) {
      int64_t pos = rest % y_batch.d[i];
      rest /= y_batch.d[i];
      ia += pos * sa[i];
      ib += pos * sb[i];
    }
    mm(a + ia * m * k_len * esize, b + ib * k_len * n * esize, y + t * m * n * esize, m, k_len, n);
  }
  return OPS_KRESULT_OK;
}

enum ops_kresult ops_f32_matmul_kernel__scalar(const struct ops_kcall *call) {
  return matmul_run(call, matmul_f32);
}

enum ops_kresult ops_i32_matmul_kernel__scalar(const struct ops_kcall *call) {
  return matmul_run(call, matmul_i32);
}

enum ops_kresult ops_i64_matmul_kernel__scalar(const struct ops_kcall *call) {
  return matmul_run(call, matmul_i64);
}
