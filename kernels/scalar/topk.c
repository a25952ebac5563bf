/*
 * TopK, f32, f64, i32 and i64: along params.axis, the k largest (or smallest) elements of each
 * vector and their i64 indices, best first.
 *
 * Each vector is scanned in index order and its elements are insertion-sorted into the k output
 * slots, which double as the working set, so the kernel needs no scratch. An element goes after
 * every kept element that is at least as good, so equal values keep the lower index first, as
 * ONNX requires. NaN counts as larger than every number (numpy's sort order): largest puts NaNs
 * first, smallest last. Cost is O(n * k) per vector, which is fine for a reference kernel.
 */
#include <math.h>
#include <stdbool.h>
#include <stdint.h>

#include "kernels/params-topk.h"
#include "kernels/scalar/scalar-impl.h"
#include "kernels/scalar/scalar.h"

/* a > b in TopK's order for floats: NaN above every number, NaNs equal among themselves. */
static bool f64_greater(double a, double b) {
  if (isnan(a)) return !isnan(b);
  return !isnan(b) && a > b;
}

/* True when element a of x ranks strictly before element b (better, not equal). */
static bool better(const void *x, int dtype, bool largest, int64_t a, int64_t b) {
  switch (dtype) {
    case OPSCOPE_DTYPE_F32: {
      double va = ((const float *)x)[a], vb = ((const float *)x)[b];
      return largest ? f64_greater(va, vb) : f64_greater(vb, va);
    }
    case OPSCOPE_DTYPE_F64: {
      double va = ((const double *)x)[a], vb = ((const double *)x)[b];
      return largest ? f64_greater(va, vb) : f64_greater(vb, va);
    }
    case OPSCOPE_DTYPE_I32: {
      int32_t va = ((const int32_t *)x)[a], vb = ((const int32_t *)x)[b];
      return largest ? va > vb : va < vb;
    }
    default: {
      int64_t va = ((const int64_t *)x)[a], vb = ((const int64_t *)x)[b];
      return largest ? va > vb : va < vb;
    }
  }
}

static enum ops_kresult topk_run(const struct ops_kcall *call) {
  const struct ops_topk_params *p = call->params;
  const struct ops_kdims *xd = &call->in_dims[0];
  int dtype = call->in_dtype[0];
  const unsigned char *x = call->in[0];
  unsigned char *values = call->out[0];
  int64_t *indices = call->out[1];
  size_t esize = ops_kdtype_size(dtype);
  int64_t outer = ops_kdims_prod(xd, 0, p->axis);
  int64_t n = xd->d[p->axis];
  int64_t inner = ops_kdims_prod(xd, p->axis + 1, xd->rank);
  int64_t k = call->out_dims[0].d[p->axis];
  if (k == 0 || outer == 0 || inner == 0) return OPS_KRESULT_OK;

  for (int64_t o = 0; o < outer; o++) {
    for (int64_t in = 0; in < inner; in++) {
      /* Vector (o, in): element j is x[xb + j * inner], slot r is [yb + r * inner]. The kept
       * indices are flat into x, so comparisons read x and never the copied values. */
      int64_t xb = o * n * inner + in, yb = o * k * inner + in;
      int64_t kept = 0;
      for (int64_t j = 0; j < n; j++) {
        int64_t flat = xb + j * inner;
        if (kept == k && !better(x, dtype, p->largest, flat, indices[yb + (k - 1) * inner])) {
          continue;
        }
        /* Shift the worse kept elements down one slot (dropping the last when full). */
        int64_t r = kept < k ? kept++ : k - 1;
        while (r > 0 && better(x, dtype, p->largest, flat, indices[yb + (r - 1) * inner])) {
          indices[yb + r * inner] = indices[yb + (r - 1) * inner];
          r--;
        }
        indices[yb + r * inner] = flat;
      }
      /* Slots hold flat x positions; turn them into values and indices along the axis. */
      for (int64_t r = 0; r < k; r++) {
        int64_t flat = indices[yb + r * inner];
        for (size_t b = 0; b < esize; b++)
          values[(size_t)(yb + r * inner) * esize + b] = x[(size_t)flat * esize + b];
        indices[yb + r * inner] = (flat - xb) / inner;
      }
    }
  }
  return OPS_KRESULT_OK;
}

enum ops_kresult ops_f32_top_k_kernel__scalar(const struct ops_kcall *call) {
  return topk_run(call);
}

enum ops_kresult ops_f64_top_k_kernel__scalar(const struct ops_kcall *call) {
  return topk_run(call);
}

enum ops_kresult ops_i32_top_k_kernel__scalar(const struct ops_kcall *call) {
  return topk_run(call);
}

enum ops_kresult ops_i64_top_k_kernel__scalar(const struct ops_kcall *call) {
  return topk_run(call);
}
