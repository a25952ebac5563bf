/*
 * Pad of any dtype, by element size: constant, reflect, edge and wrap modes. The binder resolved
 * the pads (attribute or input, with or without axes) into a begin offset per axis and checked
 * the output dims, so each output element only asks which input element it shows: o - begin on
 * every axis, mapped back inside the input by the mode, or the fill value in constant mode.
 */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "kernels/params-shape-ops.h"
#include "kernels/scalar/scalar-impl.h"
#include "kernels/scalar/scalar.h"

/* The input index that index i (possibly outside [0, n)) shows, or -1 for the fill value. n is
 * at least 1 whenever the mode is not constant and i is outside (the binder checked). */
static int64_t source_index(enum ops_pad_mode mode, int64_t i, int64_t n) {
  if (i >= 0 && i < n) return i;
  switch (mode) {
    case OPS_PAD_MODE_EDGE:
      return i < 0 ? 0 : n - 1;
    case OPS_PAD_MODE_WRAP: {
      int64_t r = i % n;
      return r < 0 ? r + n : r;
    }
    case OPS_PAD_MODE_REFLECT: {
      /* Mirroring about both edges repeats with period 2 (n - 1), as numpy.pad does when the pad
       * is wider than the input. */
      if (n == 1) return 0;
      int64_t period = 2 * (n - 1);
      int64_t r = i % period;
      if (r < 0) r += period;
      return r < n ? r : period - r;
    }
    default:
      return -1;
  }
}

enum ops_kresult ops_any_pad_kernel__scalar(const struct ops_kcall *call) {
  const struct ops_pad_params *p = call->params;
  const struct ops_kdims *xd = &call->in_dims[0];
  const struct ops_kdims *yd = &call->out_dims[0];
  const unsigned char *x = call->in[0];
  unsigned char *y = call->out[0];
  size_t esize = ops_kdtype_size(call->in_dtype[0]);
  const unsigned char *fill = p->value_from_input ? call->in[2] : p->value;
  int64_t n = ops_kdims_numel(yd);
  if (n == 0) return OPS_KRESULT_OK;

  int64_t x_strides[OPS_KMAX_RANK];
  ops_kdims_strides(xd, x_strides);
  int64_t idx[OPS_KMAX_RANK] = {0};
  for (int64_t o = 0; o < n; o++) {
    int64_t off = 0; /* elements into x */
    bool inside = true;
    for (int i = 0; i < yd->rank && inside; i++) {
      int64_t s = source_index(p->mode, idx[i] - p->begin[i], xd->d[i]);
      inside = s >= 0;
      off += s * x_strides[i];
    }
    memcpy(y + (size_t)o * esize, inside ? x + (size_t)off * esize : fill, esize);
    ops_kindex_next(yd->rank, yd->d, idx, 0, NULL, NULL);
  }
  return OPS_KRESULT_OK;
}
