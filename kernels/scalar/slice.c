/*
 * Slice of any dtype, by element size. The binder resolved starts, ends, axes and steps (from
 * inputs, or attributes before opset 10) into a start and a step per input axis, clamped as the
 * spec says, and checked the output dims; the kernel only walks the output and reads
 * X[start + i * step] on every axis, backwards where the step is negative.
 */
#include <string.h>

#include "kernels/params.h"
#include "kernels/scalar/scalar-impl.h"
#include "kernels/scalar/scalar.h"

enum ops_kresult ops_any_slice_kernel__scalar(const struct ops_kcall *call) {
  const struct ops_slice_params *p = call->params;
  const struct ops_kdims *xd = &call->in_dims[0];
  const struct ops_kdims *yd = &call->out_dims[0];
  const unsigned char *x = call->in[0];
  unsigned char *y = call->out[0];
  size_t esize = ops_kdtype_size(call->in_dtype[0]);
  if (ops_kdims_numel(yd) == 0) return OPS_KRESULT_OK;

  int64_t x_strides[OPS_KMAX_RANK], walk[OPS_KMAX_RANK], unit[OPS_KMAX_RANK];
  ops_kdims_strides(xd, x_strides);
  ops_kdims_strides(yd, unit);
  int64_t first = 0;
  for (int i = 0; i < xd->rank; i++) {
    first += p->start[i] * x_strides[i];
    walk[i] = p->step[i] * x_strides[i];
  }
  int64_t idx[OPS_KMAX_RANK] = {0};
  int64_t off[2] = {first, 0}; /* elements into x and y */
  int64_t *strides[2] = {walk, unit};
  do {
    memcpy(y + (size_t)off[1] * esize, x + (size_t)off[0] * esize, esize);
  } while (ops_kindex_next(yd->rank, yd->d, idx, 2, strides, off));
  return OPS_KRESULT_OK;
}
