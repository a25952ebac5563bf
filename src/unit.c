/* Names of the execution units (enum opscope_unit), shared by every layer and the CLI. */
#include <string.h>

#include "opscope.h"

static const char *const unit_names[] = {
    [OPSCOPE_UNIT_SCALAR] = "scalar",
    [OPSCOPE_UNIT_SIMD] = "simd",
    [OPSCOPE_UNIT_THREADS] = "threads",
    [OPSCOPE_UNIT_ALL] = "all",
};
_Static_assert(sizeof unit_names / sizeof unit_names[0] == OPSCOPE_UNIT_ALL + 1, "unit names");

const char *opscope_unit_name(int unit) {
  return unit >= 0 && unit <= OPSCOPE_UNIT_ALL ? unit_names[unit] : "none";
}

int opscope_unit_parse(const char *name) {
  for (int unit = 0; unit <= OPSCOPE_UNIT_ALL; unit++) {
    if (strcmp(unit_names[unit], name) == 0) return unit;
  }
  return -1;
}
