/* Names of kernel results, for the messages the compiler writes when a run stops. */
#include "kernels/kernel.h"

#include <assert.h>

static const char *const kresult_names[] = {
    [OPS_KRESULT_OK] = "ok",
    [OPS_KRESULT_INDEX_OUT_OF_RANGE] = "index out of range",
    [OPS_KRESULT_BAD_VALUE] = "value not defined for the op",
};
static_assert(sizeof kresult_names / sizeof kresult_names[0] == OPS_KRESULT_COUNT,
              "every kernel result needs a name");

const char *ops_kresult_str(enum ops_kresult r) {
  if ((unsigned)r >= OPS_KRESULT_COUNT) return "unknown kernel result";
  return kresult_names[r];
}
