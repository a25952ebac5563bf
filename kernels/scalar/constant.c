/*
 * Constant of any dtype: copies the value the binder stored in params into output 0.
 * (The compiler may fold constants away; this kernel is what runs when it does not.)
 */
#include <string.h>

#include "kernels/params.h"
#include "kernels/scalar/scalar.h"

enum ops_kresult ops_any_constant_kernel__scalar(const struct ops_kcall *call) {
  const struct ops_constant_params *p = call->params;
  if (p->nbytes != 0) memcpy(call->out[0], p->value, p->nbytes);
  return OPS_KRESULT_OK;
}
