/*
 * Kernel configs by name: a compiled plan records which microkernel variant each op was bound
 * to by the variant's name, and an ahead-of-time library finds the same variant again when it
 * loads (runtime/aot-runtime.c), whatever variant this process would pick by itself.
 */
#ifndef OPSCOPE_KERNELS_KCONFIG_FIND_H
#define OPSCOPE_KERNELS_KCONFIG_FIND_H

#include <stdint.h>

#include "kernels/kconfig.h"

/* The microkernel families of kernels/kconfig.h. The numbers are stored in emitted libraries:
 * append, never renumber. */
enum ops_kconfig_family {
  OPS_KCONFIG_F32_GEMM = 1,
  OPS_KCONFIG_F32_DWCONV = 2,
  OPS_KCONFIG_F32_VECTOR = 3,
  OPS_KCONFIG_F32_POOL = 4,
  OPS_KCONFIG_X32_TRANSPOSE = 5,
  OPS_KCONFIG_F32_DWCONV3X3 = 6,
};

/* The name that identifies config `cfg` of `family` (for the vector and pool families, that of
 * their first microkernel), or NULL for an unknown family or a NULL cfg. */
const char *ops_kconfig_name(int family, const void *cfg);

/* The variant of `family` named `name` compiled into this process, or NULL when there is none;
 * *isa_flags (may be NULL) gets the enum ops_isa_flags it needs. */
const void *ops_kconfig_find(int family, const char *name, uint32_t *isa_flags);

#endif /* OPSCOPE_KERNELS_KCONFIG_FIND_H */
