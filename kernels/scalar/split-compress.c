/*
 * Split and Compress of any dtype, by element size: both copy runs of the input along one axis.
 * Viewing the input as [outer, len, inner] around the axis, Split hands consecutive ranges of
 * len to its outputs, and Compress keeps the positions whose condition is true.
 */
#include <stdint.h>
#include <string.h>

#include "kernels/params-shape-ops.h"
#include "kernels/scalar/scalar-impl.h"
#include "kernels/scalar/scalar.h"

enum ops_kresult ops_any_split_kernel__scalar(const struct ops_kcall *call) {
  const struct ops_split_params *p = call->params;
  const struct ops_kdims *xd = &call->in_dims[0];
  const unsigned char *x = call->in[0];
  size_t esize = ops_kdtype_size(call->in_dtype[0]);
  int64_t outer = ops_kdims_prod(xd, 0, p->axis);
  int64_t len = xd->d[p->axis];
  size_t inner = (size_t)ops_kdims_prod(xd, p->axis + 1, xd->rank) * esize; /* bytes */

  int64_t start = 0; /* first position along the axis of output k */
  for (int k = 0; k < p->n; k++) {
    unsigned char *y = k < call->n_out ? call->out[k] : NULL;
    size_t run = (size_t)p->sizes[k] * inner; /* bytes per outer step */
    if (y != NULL && run != 0) {
      for (int64_t o = 0; o < outer; o++)
        memcpy(y + (size_t)o * run, x + ((size_t)(o * len + start)) * inner, run);
    }
    start += p->sizes[k];
  }
  return OPS_KRESULT_OK;
}

enum ops_kresult ops_any_compress_kernel__scalar(const struct ops_kcall *call) {
  const struct ops_compress_params *p = call->params;
  const struct ops_kdims *xd = &call->in_dims[0];
  const unsigned char *x = call->in[0];
  const unsigned char *cond = call->in[1];
  unsigned char *y = call->out[0];
  size_t esize = ops_kdtype_size(call->in_dtype[0]);
  int64_t outer = 1, len = ops_kdims_numel(xd);
  size_t inner = esize; /* bytes */
  if (p->axis >= 0) {
    outer = ops_kdims_prod(xd, 0, p->axis);
    len = xd->d[p->axis];
    inner = (size_t)ops_kdims_prod(xd, p->axis + 1, xd->rank) * esize;
  }
  /* A condition shorter than the axis leaves the rest out. */
  int64_t n_cond = ops_kdims_numel(&call->in_dims[1]);
  int64_t limit = n_cond < len ? n_cond : len, kept = 0;
  for (int64_t i = 0; i < limit; i++)
    kept += cond[i] != 0;
  /* The output was sized from the condition the binder saw; a different one at run time (a
   * graph input fed another value) would not fit. */
  int64_t want = p->axis >= 0 ? call->out_dims[0].d[p->axis] : ops_kdims_numel(&call->out_dims[0]);
  if (kept != want) return OPS_KRESULT_BAD_VALUE;
  if (inner == 0) return OPS_KRESULT_OK;
  for (int64_t o = 0; o < outer; o++) {
    int64_t j = 0;
    for (int64_t i = 0; i < limit; i++) {
      if (cond[i] == 0) continue;
      memcpy(y + (size_t)(o * kept + j) * inner, x + (size_t)(o * len + i) * inner, inner);
      j++;
    }
  }
  return OPS_KRESULT_OK;
}

/* NonZero: the multi-index of every non-zero element, in row-major order, as a [rank, count]
 * i64 tensor (coordinate k of element j at y[k * count + j]). */
enum ops_kresult ops_any_non_zero_kernel__scalar(const struct ops_kcall *call) {
  const struct ops_kdims *xd = &call->in_dims[0];
  int dtype = call->in_dtype[0];
  int64_t n = ops_kdims_numel(xd);
  int64_t count = call->out_dims[0].d[1];
  int64_t *y = call->out[0];
  int64_t j = 0;
  for (int64_t i = 0; i < n; i++) {
    if (ops_kvalue_is_zero(call->in[0], dtype, i)) continue;
    /* The output was sized from the value the binder saw; more here would not fit. */
    if (j >= count) return OPS_KRESULT_BAD_VALUE;
    int64_t rest = i;
    for (int k = xd->rank - 1; k >= 0; k--) {
      y[k * count + j] = rest % xd->d[k];
      rest /= xd->d[k];
    }
    j++;
  }
  return j == count ? OPS_KRESULT_OK : OPS_KRESULT_BAD_VALUE;
}
