/*
 * GatherElements and GatherND of any data dtype, by element size, with i32 or i64 indices.
 *
 *   GatherElements: Y[i0, .., ir] = X[i0, .., idx[i0, .., ir], .., ir]  (idx replaces the index
 *                   on params.axis; Y has the dims of idx).
 *   GatherND:       for each batch b (the first batch_dims dims, shared by X and idx) and each
 *                   tuple t of idx's remaining dims but the last, Y[b, t, ...] is the slice
 *                   X[b, idx[b, t, 0], .., idx[b, t, depth - 1], ...].
 *
 * A negative index counts from the end of its axis. Indices are data, so they are the one
 * thing these kernels check: every index is validated before anything is written, and one
 * outside [-len, len) returns OPS_KRESULT_INDEX_OUT_OF_RANGE with Y untouched. The binder
 * checked everything else (ranks, extents, the output dims).
 */
#include <stdint.h>
#include <string.h>

#include "kernels/params-index.h"
#include "kernels/scalar/scalar-impl.h"
#include "kernels/scalar/scalar.h"

static int64_t index_at(const void *indices, int dtype, int64_t j) {
  if (dtype == OPSCOPE_DTYPE_I32) return ((const int32_t *)indices)[j];
  return ((const int64_t *)indices)[j];
}

enum ops_kresult ops_any_gather_elements_kernel__scalar(const struct ops_kcall *call) {
  const struct ops_elements_params *p = call->params;
  const struct ops_kdims *xd = &call->in_dims[0];
  const struct ops_kdims *id = &call->in_dims[1];
  const unsigned char *x = call->in[0];
  const void *indices = call->in[1];
  int idx_dtype = call->in_dtype[1];
  unsigned char *y = call->out[0];
  size_t esize = ops_kdtype_size(call->in_dtype[0]);
  int64_t len = xd->d[p->axis];
  int64_t n = ops_kdims_numel(id);

  for (int64_t j = 0; j < n; j++) {
    int64_t i = index_at(indices, idx_dtype, j);
    if (i < -len || i >= len) return OPS_KRESULT_INDEX_OUT_OF_RANGE;
  }
  if (n == 0) return OPS_KRESULT_OK;

  /* Walk idx (and Y, which has its dims) like an odometer while tracking the offset into X of
   * the same multi-index; the axis contributes nothing to that offset, and the index value read
   * at each position adds its own stride instead. */
  int64_t x_strides[OPS_KMAX_RANK], walk[OPS_KMAX_RANK], unit[OPS_KMAX_RANK];
  ops_kdims_strides(xd, x_strides);
  ops_kdims_strides(id, unit);
  for (int k = 0; k < id->rank; k++)
    walk[k] = k == p->axis ? 0 : x_strides[k];
  int64_t idx[OPS_KMAX_RANK] = {0};
  int64_t off[2] = {0, 0}; /* elements into x (without the axis) and into idx and y */
  int64_t *strides[2] = {walk, unit};
  do {
    int64_t i = index_at(indices, idx_dtype, off[1]);
    if (i < 0) i += len;
    memcpy(y + (size_t)off[1] * esize, x + (size_t)(off[0] + i * x_strides[p->axis]) * esize,
           esize);
  } while (ops_kindex_next(id->rank, id->d, idx, 2, strides, off));
  return OPS_KRESULT_OK;
}

enum ops_kresult ops_any_gather_nd_kernel__scalar(const struct ops_kcall *call) {
  const struct ops_nd_params *p = call->params;
  const struct ops_kdims *xd = &call->in_dims[0];
  const struct ops_kdims *id = &call->in_dims[1];
  const unsigned char *x = call->in[0];
  const void *indices = call->in[1];
  int idx_dtype = call->in_dtype[1];
  unsigned char *y = call->out[0];
  size_t esize = ops_kdtype_size(call->in_dtype[0]);
  int b = p->batch_dims, depth = p->index_depth;

  int64_t batches = ops_kdims_prod(xd, 0, b);
  int64_t tuples = ops_kdims_prod(id, b, id->rank - 1);    /* index tuples per batch */
  int64_t slice = ops_kdims_prod(xd, b + depth, xd->rank); /* elements per gathered slice */
  int64_t x_batch = ops_kdims_prod(xd, b, xd->rank);       /* elements of X per batch */
  /* Elements of X between consecutive values of each indexed dim. */
  int64_t stride[OPS_KMAX_RANK];
  for (int k = 0; k < depth; k++)
    stride[k] = ops_kdims_prod(xd, b + k + 1, xd->rank);

  int64_t n_idx = batches * tuples * depth;
  for (int64_t j = 0; j < n_idx; j++) {
    int64_t len = xd->d[b + j % depth];
    int64_t i = index_at(indices, idx_dtype, j);
    if (i < -len || i >= len) return OPS_KRESULT_INDEX_OUT_OF_RANGE;
  }
  if (slice == 0) return OPS_KRESULT_OK;
  for (int64_t bt = 0; bt < batches; bt++) {
    for (int64_t t = 0; t < tuples; t++) {
      int64_t row = bt * tuples + t; /* which tuple of idx, and which slice of Y */
      int64_t at = bt * x_batch;
      for (int k = 0; k < depth; k++) {
        int64_t i = index_at(indices, idx_dtype, row * depth + k);
        if (i < 0) i += xd->d[b + k];
        at += i * stride[k];
      }
      memcpy(y + (size_t)(row * slice) * esize, x + (size_t)at * esize, (size_t)slice * esize);
    }
  }
  return OPS_KRESULT_OK;
}
