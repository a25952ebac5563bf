/*
 * The kernel registry, generated from the kernel lists (STYLE.md §3). A SIMD unit adds its own
 * list here the same way; lookups do not change.
 */
#include "kernels/registry.h"

#include <string.h>

#include "kernels/scalar/scalar.h"
#include "kernels/simd-ops.h"
#include "opscope.h"

static const struct ops_kernel_entry entries[] = {
#define OPS_KERNEL(op, dtype, fn) {op, OPSCOPE_UNIT_SCALAR, dtype, #fn, fn},
#include "kernels/lists/scalar.inc"
#undef OPS_KERNEL
#define OPS_KERNEL(op, dtype, fn) {op, OPSCOPE_UNIT_SIMD, dtype, #fn, fn},
#include "kernels/lists/simd.inc"
#undef OPS_KERNEL
};

#define N_ENTRIES (sizeof entries / sizeof entries[0])

const struct ops_kernel_entry *ops_registry_find(const char *op, int unit, int dtype) {
  if (op == NULL) return NULL;
  const struct ops_kernel_entry *any = NULL;
  for (size_t i = 0; i < N_ENTRIES; i++) {
    const struct ops_kernel_entry *e = &entries[i];
    if (e->unit != unit || strcmp(e->op, op) != 0) continue;
    if (e->dtype == dtype) return e;
    /* A dtype-specific kernel beats a generic one, so keep looking after an ANY match. */
    if (e->dtype == OPS_KDTYPE_ANY && any == NULL) any = e;
  }
  return any;
}

bool ops_registry_has_op(const char *op, int unit) {
  if (op == NULL) return false;
  for (size_t i = 0; i < N_ENTRIES; i++) {
    if (entries[i].unit == unit && strcmp(entries[i].op, op) == 0) return true;
  }
  return false;
}

const struct ops_kernel_entry *ops_registry_entries(size_t *count) {
  if (count != NULL) *count = N_ENTRIES;
  return entries;
}
