/* Formatting helpers every text report shares. */
#include <stdio.h>
#include <string.h>

#include "reports/report.h"

const char *ops_report_name_tail(const char *name, size_t width, char *buf, size_t len) {
  size_t n = strlen(name);
  if (n <= width || width < 3) return name;
  snprintf(buf, len, "..%s", name + n - (width - 2));
  return buf;
}
