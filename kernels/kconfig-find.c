/*
 * Kernel configs by name (kernels/kconfig-find.h): a linear search of each family's variant
 * list, which has a handful of entries.
 */
#include "kernels/kconfig-find.h"

#include <string.h>

const char *ops_kconfig_name(int family, const void *cfg) {
  if (cfg == NULL) return NULL;
  switch (family) {
    case OPS_KCONFIG_F32_GEMM:
      return ((const struct ops_kconfig_gemm *)cfg)->name;
    case OPS_KCONFIG_F32_DWCONV:
      return ((const struct ops_kconfig_dwconv *)cfg)->name;
    case OPS_KCONFIG_F32_VECTOR:
      return ((const struct ops_kconfig_vector *)cfg)->vbinary_name;
    case OPS_KCONFIG_F32_POOL:
      return ((const struct ops_kconfig_pool *)cfg)->name;
    case OPS_KCONFIG_X32_TRANSPOSE:
      return ((const struct ops_kconfig_transpose *)cfg)->name;
    case OPS_KCONFIG_F32_DWCONV3X3:
      return ((const struct ops_kconfig_dwconv3x3 *)cfg)->name;
    default:
      return NULL;
  }
}

/* Searches `count` variants of `size` bytes each from `first`; `isa_at` is the offset of their
 * isa_flags member. */
static const void *search(int family, const void *first, size_t count, size_t size, size_t isa_at,
                          const char *name, uint32_t *isa_flags) {
  const unsigned char *p = first;
  for (size_t i = 0; i < count; i++, p += size) {
    const char *n = ops_kconfig_name(family, p);
    if (n != NULL && strcmp(n, name) == 0) {
      if (isa_flags != NULL) memcpy(isa_flags, p + isa_at, sizeof *isa_flags);
      return p;
    }
  }
  return NULL;
}

#define SEARCH(family, type, variants)                                                      \
  do {                                                                                      \
    size_t count;                                                                           \
    const type *v = variants(&count);                                                       \
    return search(family, v, count, sizeof *v, offsetof(type, isa_flags), name, isa_flags); \
  } while (0)

const void *ops_kconfig_find(int family, const char *name, uint32_t *isa_flags) {
  if (name == NULL) return NULL;
  switch (family) {
    case OPS_KCONFIG_F32_GEMM:
      SEARCH(family, struct ops_kconfig_gemm, ops_kconfig_f32_gemm_variants);
    case OPS_KCONFIG_F32_DWCONV:
      SEARCH(family, struct ops_kconfig_dwconv, ops_kconfig_f32_dwconv_variants);
    case OPS_KCONFIG_F32_VECTOR:
      SEARCH(family, struct ops_kconfig_vector, ops_kconfig_f32_vector_variants);
    case OPS_KCONFIG_F32_POOL:
      SEARCH(family, struct ops_kconfig_pool, ops_kconfig_f32_pool_variants);
    case OPS_KCONFIG_X32_TRANSPOSE:
      SEARCH(family, struct ops_kconfig_transpose, ops_kconfig_x32_transpose_variants);
    case OPS_KCONFIG_F32_DWCONV3X3:
      SEARCH(family, struct ops_kconfig_dwconv3x3, ops_kconfig_f32_dwconv3x3_variants);
    default:
      return NULL;
  }
}
