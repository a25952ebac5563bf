/*
 * Concat of any dtype along params.axis. For each index of the dims before the axis, the
 * inputs' blocks (their axis extent times everything after it) follow one another.
 */
#include <string.h>

#include "kernels/params.h"
#include "kernels/scalar/scalar-impl.h"
#include "kernels/scalar/scalar.h"

enum ops_kresult ops_any_concat_kernel__scalar(const struct ops_kcall *call) {
  const struct ops_concat_params *p = call->params;
  const struct ops_kdims *yd = &call->out_dims[0];
  unsigned char *y = call->out[0];
  size_t esize = ops_kdtype_size(call->out_dtype[0]);
  if (ops_kdims_numel(yd) == 0) return OPS_KRESULT_OK;
  int64_t outer = ops_kdims_prod(yd, 0, p->axis);
  size_t inner = (size_t)ops_kdims_prod(yd, p->axis + 1, yd->rank) * esize; /* bytes */

  size_t dst = 0;
  for (int64_t o = 0; o < outer; o++) {
    for (int j = 0; j < call->n_in; j++) {
      size_t block = (size_t)call->in_dims[j].d[p->axis] * inner;
      if (block == 0) continue;
      const unsigned char *src = (const unsigned char *)call->in[j] + (size_t)o * block;
      /* The same bytes when the compiler planned the input inside Y (concat in place). */
      if (src != y + dst) memcpy(y + dst, src, block);
      dst += block;
    }
  }
  return OPS_KRESULT_OK;
}
