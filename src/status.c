#include "src/status.h"

#include <assert.h>

#include "opscope.h"

#define OPS_STATUS(name, code, text) \
  static_assert(OPS_##name == OPSCOPE_##name, "status " #name " differs from opscope.h");
#include "src/status-list.inc"
#undef OPS_STATUS

const char *ops_status_str(enum ops_status status) {
  switch (status) {
#define OPS_STATUS(name, code, text) \
  case OPS_##name:                   \
    return text;
#include "src/status-list.inc"
#undef OPS_STATUS
    case OPS_STATUS_COUNT:
      break;
  }
  return "unknown status";
}
