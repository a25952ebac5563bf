/*
 * CastLike: Cast with the target dtype taken from input 1 instead of an attribute. The binder
 * checked that the output has input 1's dtype, and the cast kernel reads its source and target
 * dtypes from the call (input 0 and output 0), so CastLike is that kernel under its own name,
 * which reports show. Input 1's data is never read.
 */
#include "kernels/scalar/scalar.h"

enum ops_kresult ops_any_cast_like_kernel__scalar(const struct ops_kcall *call) {
  return ops_any_cast_kernel__scalar(call);
}
