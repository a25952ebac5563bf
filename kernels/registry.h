/*
 * The kernel registry: which kernel computes which op, for which dtype, on which unit.
 *
 * It is generated from the kernel lists (the .inc files in kernels/lists/), one OPS_KERNEL line per
 * kernel, so the planner's capability answers, the compiler's binding, tests and benchmarks all
 * read the same list and cannot drift (STYLE.md §3).
 */
#ifndef OPSCOPE_KERNELS_REGISTRY_H
#define OPSCOPE_KERNELS_REGISTRY_H

#include <stdbool.h>
#include <stddef.h>

#include "kernels/kernel.h"

/* The dtype key of an entry that accepts any dtype (data-movement kernels). */
#define OPS_KDTYPE_ANY (-1)

struct ops_kernel_entry {
  const char *op;   /* ONNX op type, "Conv" */
  int unit;         /* enum opscope_unit */
  int dtype;        /* opscope_dtype of the op's key input (see the list's header), or ANY */
  const char *name; /* kernel name, "ops_f32_conv_kernel__scalar" */
  ops_kernel_fn fn;
};

/* The entry for (op, unit, dtype): an exact dtype match first, then an ANY entry; NULL when the
 * unit has no kernel for it. */
const struct ops_kernel_entry *ops_registry_find(const char *op, int unit, int dtype);

/* True when the unit has a kernel for `op` with any dtype (to tell NO_KERNEL from DTYPE). */
bool ops_registry_has_op(const char *op, int unit);

/* All entries, for tests and listings. */
const struct ops_kernel_entry *ops_registry_entries(size_t *count);

#endif /* OPSCOPE_KERNELS_REGISTRY_H */
