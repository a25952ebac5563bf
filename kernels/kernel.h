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

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "opscope.h"

#define OPS_KMAX_RANK 8

struct ops_kdims {
  int rank;
  int64_t d[OPS_KMAX_RANK]; /* elements per dim, row-major (the last dim is contiguous) */
};

struct ops_pool;

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
  struct ops_pool *pool; /* the threads unit's pool to split the work over; NULL: this thread */
};

/* `at` bytes into a call's scratch. The executor passes NULL when an op needs none (a GEMM
 * or Conv whose K is 0 packs nothing), and NULL + 0 is undefined in C, so a zero offset leaves
 * the pointer as it is. */
static inline void *ops_kscratch_at(void *scratch, size_t at) {
  return at == 0 ? scratch : (unsigned char *)scratch + at;
}

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

/* True when element `i` of `data` (opscope_dtype `dtype`) is zero by value: -0.0 is zero, NaN
 * is not, bool and integers are zero when every byte is. NonZero's test, shared by its shape
 * inference, binder and kernel; header-only, so shape inference (src/, which does not link
 * kernels) can use it too. */
static inline bool ops_kvalue_is_zero(const void *data, int dtype, int64_t i) {
  const unsigned char *p = data;
  switch (dtype) {
    case OPSCOPE_DTYPE_F32: {
      float v;
      memcpy(&v, p + (size_t)i * sizeof v, sizeof v);
      return v == 0.0f;
    }
    case OPSCOPE_DTYPE_F64: {
      double v;
      memcpy(&v, p + (size_t)i * sizeof v, sizeof v);
      return v == 0.0;
    }
    case OPSCOPE_DTYPE_F16:
    case OPSCOPE_DTYPE_BF16: {
      uint16_t h;
      memcpy(&h, p + (size_t)i * sizeof h, sizeof h);
      return (h & 0x7fffu) == 0; /* +0 and -0; NaN and everything else are not zero */
    }
    case OPSCOPE_DTYPE_BOOL:
    case OPSCOPE_DTYPE_I8:
    case OPSCOPE_DTYPE_U8:
      return p[i] == 0;
    case OPSCOPE_DTYPE_I16:
    case OPSCOPE_DTYPE_U16: {
      uint16_t v;
      memcpy(&v, p + (size_t)i * sizeof v, sizeof v);
      return v == 0;
    }
    case OPSCOPE_DTYPE_I32:
    case OPSCOPE_DTYPE_U32: {
      uint32_t v;
      memcpy(&v, p + (size_t)i * sizeof v, sizeof v);
      return v == 0;
    }
    case OPSCOPE_DTYPE_I64:
    case OPSCOPE_DTYPE_U64: {
      uint64_t v;
      memcpy(&v, p + (size_t)i * sizeof v, sizeof v);
      return v == 0;
    }
    default:
      return true;
  }
}

#endif /* OPSCOPE_KERNELS_KERNEL_H */
