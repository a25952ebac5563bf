/*
 * Trilu of any dtype, by element size: over the last two dims [rows, cols] of each matrix in
 * the batch, element (i, j) is copied when it lies on the kept side of diagonal k (j - i >= k
 * for the upper triangle, j - i <= k for the lower) and zeroed otherwise. Zero is all-zero
 * bytes in every dtype. Y may be X (a kept element is then left where it is).
 */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "kernels/params-shape-ops.h"
#include "kernels/scalar/scalar-impl.h"
#include "kernels/scalar/scalar.h"

enum ops_kresult ops_any_trilu_kernel__scalar(const struct ops_kcall *call) {
  const struct ops_trilu_params *p = call->params;
  const struct ops_kdims *xd = &call->in_dims[0];
  const unsigned char *x = call->in[0];
  unsigned char *y = call->out[0];
  size_t esize = ops_kdtype_size(call->in_dtype[0]);
  int64_t rows = xd->d[xd->rank - 2], cols = xd->d[xd->rank - 1];
  int64_t batch = ops_kdims_prod(xd, 0, xd->rank - 2);
  for (int64_t b = 0; b < batch; b++) {
    for (int64_t i = 0; i < rows; i++) {
      for (int64_t j = 0; j < cols; j++) {
        size_t at = (size_t)((b * rows + i) * cols + j) * esize;
        bool keep = p->upper ? j - i >= p->k : j - i <= p->k;
        if (keep) {
          if (x != y) memcpy(y + at, x + at, esize);
        } else {
          memset(y + at, 0, esize);
        }
      }
    }
  }
  return OPS_KRESULT_OK;
}
