/* Status codes returned by every fallible function of the library (STYLE.md §6). */
#ifndef OPSCOPE_SRC_STATUS_H
#define OPSCOPE_SRC_STATUS_H

enum ops_status {
#define OPS_STATUS(name, code, text) OPS_##name = code,
#include "src/status-list.inc"
#undef OPS_STATUS
  OPS_STATUS_COUNT
};

/* Returns a static description of `status` ("bad input"), or "unknown status". */
const char *ops_status_str(enum ops_status status);

#endif /* OPSCOPE_SRC_STATUS_H */
