/*
 * Shape of any dtype: the input's dims [start, end) as i64 (opset 15's start and end; earlier
 * opsets are start 0, end rank). Only the dims are read, never the input's data.
 */
#include <stdint.h>

#include "kernels/params.h"
#include "kernels/scalar/scalar.h"

/* Size: the input's element count as an i64 scalar. */
enum ops_kresult ops_any_size_kernel__scalar(const struct ops_kcall *call) {
  int64_t n = 1;
  for (int i = 0; i < call->in_dims[0].rank; i++)
    n *= call->in_dims[0].d[i];
  *(int64_t *)call->out[0] = n;
  return OPS_KRESULT_OK;
}

enum ops_kresult ops_any_shape_kernel__scalar(const struct ops_kcall *call) {
  const struct ops_shape_params *p = call->params;
  int64_t *y = call->out[0];
  for (int i = p->start; i < p->end; i++)
    y[i - p->start] = call->in_dims[0].d[i];
  return OPS_KRESULT_OK;
}
