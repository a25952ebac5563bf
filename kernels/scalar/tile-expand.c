/*
 * Tile and Expand of any dtype, by element size. Both only repeat input elements, so each
 * output element reads the input element its index maps to:
 *   Tile:   index o on axis i reads o mod d[i] (the output dim is d[i] * repeats[i]);
 *   Expand: numpy broadcasting, right-aligned, where a dim of 1 repeats.
 * The output dims carry everything (the binder checked them against the repeats or the shape).
 */
#include <stdint.h>
#include <string.h>

#include "kernels/scalar/scalar-impl.h"
#include "kernels/scalar/scalar.h"

enum ops_kresult ops_any_tile_kernel__scalar(const struct ops_kcall *call) {
  const struct ops_kdims *xd = &call->in_dims[0];
  const struct ops_kdims *yd = &call->out_dims[0];
  const unsigned char *x = call->in[0];
  unsigned char *y = call->out[0];
  size_t esize = ops_kdtype_size(call->in_dtype[0]);
  int64_t n = ops_kdims_numel(yd);
  if (n == 0) return OPS_KRESULT_OK;

  int64_t x_strides[OPS_KMAX_RANK];
  ops_kdims_strides(xd, x_strides);
  int64_t idx[OPS_KMAX_RANK] = {0};
  for (int64_t o = 0; o < n; o++) {
    int64_t off = 0; /* elements into x */
    for (int i = 0; i < yd->rank; i++)
      off += idx[i] % xd->d[i] * x_strides[i];
    memcpy(y + (size_t)o * esize, x + (size_t)off * esize, esize);
    ops_kindex_next(yd->rank, yd->d, idx, 0, NULL, NULL);
  }
  return OPS_KRESULT_OK;
}

enum ops_kresult ops_any_expand_kernel__scalar(const struct ops_kcall *call) {
  const struct ops_kdims *xd = &call->in_dims[0];
  const struct ops_kdims *yd = &call->out_dims[0];
  const unsigned char *x = call->in[0];
  unsigned char *y = call->out[0];
  size_t esize = ops_kdtype_size(call->in_dtype[0]);
  if (ops_kdims_numel(yd) == 0) return OPS_KRESULT_OK;

  int64_t walk[OPS_KMAX_RANK], unit[OPS_KMAX_RANK];
  ops_kbcast_strides(xd, yd, walk);
  ops_kdims_strides(yd, unit);
  int64_t idx[OPS_KMAX_RANK] = {0};
  int64_t off[2] = {0, 0}; /* elements into x and y */
  int64_t *strides[2] = {walk, unit};
  do {
    memcpy(y + (size_t)off[1] * esize, x + (size_t)off[0] * esize, esize);
  } while (ops_kindex_next(yd->rank, yd->d, idx, 2, strides, off));
  return OPS_KRESULT_OK;
}
