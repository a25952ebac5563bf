/*
 * Gather of any data dtype, by element size, with i32 or i64 indices:
 *   Y[a..., j..., b...] = X[a..., idx[j...], b...]   along params.axis of X.
 * A negative index counts from the end of the axis. Indices are data, so they are the one
 * thing a kernel checks: every index is validated before anything is written, and one outside
 * [-len, len) returns OPS_KRESULT_INDEX_OUT_OF_RANGE with Y untouched.
 */
#include <stdint.h>
#include <string.h>

#include "kernels/params.h"
#include "kernels/scalar/scalar-impl.h"
#include "kernels/scalar/scalar.h"

static int64_t index_at(const void *indices, int dtype, int64_t j) {
  if (dtype == OPSCOPE_DTYPE_I32) return ((const int32_t *)indices)[j];
  return ((const int64_t *)indices)[j];
}

enum ops_kresult ops_any_gather_kernel__scalar(const struct ops_kcall *call) {
  const struct ops_gather_params *p = call->params;
  const struct ops_kdims *xd = &call->in_dims[0];
  const unsigned char *x = call->in[0];
  const void *indices = call->in[1];
  int idx_dtype = call->in_dtype[1];
  unsigned char *y = call->out[0];
  size_t esize = ops_kdtype_size(call->in_dtype[0]);

  int64_t outer = ops_kdims_prod(xd, 0, p->axis);
  int64_t len = xd->d[p->axis];
  size_t inner = (size_t)ops_kdims_prod(xd, p->axis + 1, xd->rank) * esize; /* bytes */
  int64_t n_idx = ops_kdims_numel(&call->in_dims[1]);

  for (int64_t j = 0; j < n_idx; j++) {
    int64_t i = index_at(indices, idx_dtype, j);
    if (i < -len || i >= len) return OPS_KRESULT_INDEX_OUT_OF_RANGE;
  }
  if (ops_kdims_numel(&call->out_dims[0]) == 0) return OPS_KRESULT_OK;
  for (int64_t o = 0; o < outer; o++) {
    for (int64_t j = 0; j < n_idx; j++) {
      int64_t i = index_at(indices, idx_dtype, j);
      if (i < 0) i += len;
      memcpy(y + (size_t)(o * n_idx + j) * inner, x + (size_t)(o * len + i) * inner, inner);
    }
  }
  return OPS_KRESULT_OK;
}
