/*
 * The calling convention of whole-op kernels (the scalar unit, and later the SIMD op drivers).
 *
 * A kernel sees only pointers, dims and an op-specific params struct from kernels/params.h,
 * never a tensor or a graph (STYLE.md §1). The compiler fills one struct ops_kcall per step at
 * compile time; a run only calls fn(&call). Kernels never allocate: what they need beyond their
 * inputs and outputs is `scratch`, sized by the binding before the run.
 */
#ifndef OPSCOPE_KERNELS_KERNEL_H
#define OPSCOPE_KERNELS_KERNEL_H

#include <stddef.h>
#include <stdint.h>

#define OPS_KMAX_RANK 8

struct ops_kdims {
  int rank;
  int64_t d[OPS_KMAX_RANK]; /* elements per dim, row-major (the last dim is contiguous) */
};

struct ops_kcall {
  int n_in;
  int n_out;
  const void *const *in;           /* n_in pointers; NULL for an omitted optional input */
  const struct ops_kdims *in_dims; /* n_in dims (rank 0 for an omitted input) */
  int const *in_dtype;             /* n_in dtypes (opscope_dtype codes; 0 when omitted) */
  void *const *out;                /* n_out pointers; NULL for an omitted optional output */
  const struct ops_kdims *out_dims;
  int const *out_dtype;
  const void *params; /* op-specific, from kernels/params.h; NULL when the op has none */
  void *scratch;      /* scratch_bytes bytes, 64-byte aligned, or NULL */
  size_t scratch_bytes;
};

/* Kernel results. A kernel can fail only on data it could not check before the run (an index
 * read from an input tensor); everything else was validated when it was bound. */
enum ops_kresult {
  OPS_KRESULT_OK = 0,
  OPS_KRESULT_INDEX_OUT_OF_RANGE, /* an index input held a value outside its axis */
  OPS_KRESULT_BAD_VALUE,          /* an input held a value the op does not define */
  OPS_KRESULT_COUNT
};

typedef enum ops_kresult (*ops_kernel_fn)(const struct ops_kcall *call);

/* Text for a kernel result ("index out of range"). */
const char *ops_kresult_str(enum ops_kresult r);

#endif /* OPSCOPE_KERNELS_KERNEL_H */
