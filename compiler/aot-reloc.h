/*
 * Where the pointers are in each kernel's params block, for the ahead-of-time emitter.
 *
 * A params block is copied byte for byte into an emitted library's weights file, so every
 * pointer inside it must be rewritten when the library loads (runtime/aot-runtime.h). The
 * scalar unit's params are plain values (kernels/params*.h keep them so); the SIMD unit's hold
 * the microkernel configs they were bound to and, for Gemm and MatMul, pointers into their own
 * block (packed B, bias, batch maps). This table says which, per SIMD kernel.
 */
#ifndef OPSCOPE_COMPILER_AOT_RELOC_H
#define OPSCOPE_COMPILER_AOT_RELOC_H

#include <stdbool.h>
#include <stddef.h>

#include "kernels/registry.h"

enum ops_aot_field_kind {
  OPS_AOT_FIELD_SELF = 0, /* points into the same params block, or is NULL */
  OPS_AOT_FIELD_KCONFIG,  /* a microkernel config of `family` (kernels/kconfig-find.h) */
};

struct ops_aot_field {
  size_t offset; /* of the pointer in the params struct */
  int kind;      /* enum ops_aot_field_kind */
  int family;    /* enum ops_kconfig_family, for OPS_AOT_FIELD_KCONFIG */
};

#define OPS_AOT_MAX_FIELDS 8

/* The pointer fields of the params of `kernel` (a registry entry): *n gets their count (0 for
 * plain params). False when the kernel's params layout is not known here, so its node cannot be
 * emitted ahead of time. */
bool ops_aot_params_fields(const struct ops_kernel_entry *kernel,
                           struct ops_aot_field fields[OPS_AOT_MAX_FIELDS], size_t *n);

#endif /* OPSCOPE_COMPILER_AOT_RELOC_H */
