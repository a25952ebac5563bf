/*
 * Shape inference of MaxUnpool (GlobalMaxPool shares GlobalAveragePool's in
 * src/shape-infer-ops.c).
 *
 * MaxUnpool's Y is the output_shape input's value when there is one; otherwise each spatial
 * dim inverts MaxPool's window arithmetic: (in - 1) * stride + kernel - pad_begin - pad_end,
 * with N and C those of X.
 */
#include <string.h>

#include "src/shape-infer-impl.h"
#include "src/size.h"

/* Attribute values above this are refused, which keeps the output size far from overflow. */
#define UNPOOL_ATTR_LIMIT (INT64_C(1) << 31)

static enum ops_status unpool_ints(const struct ops_infer *c, const char *name, size_t n,
                                   int64_t dflt, int64_t lo, int64_t *out) {
  const int64_t *v;
  size_t count;
  enum ops_status st = ops_node_attr_ints(c->node, name, &v, &count, c->d);
  if (st != OPS_OK) return st;
  for (size_t i = 0; i < n; i++)
    out[i] = dflt;
  if (v == NULL) return OPS_OK;
  if (count != n) {
    return ops_shape_fail(c, "attribute '%s' has %zu entries, expected %zu", name, count, n);
  }
  for (size_t i = 0; i < n; i++) {
    if (v[i] < lo || v[i] >= UNPOOL_ATTR_LIMIT) {
      return ops_shape_fail(c, "attribute '%s' %s has %lld at %zu, expected %lld to 2^31 - 1", name,
                            ops_shape_text_ints(v, n).s, (long long)v[i], i, (long long)lo);
    }
    out[i] = v[i];
  }
  return OPS_OK;
}

enum ops_status ops_shape_infer_max_unpool(struct ops_infer *c) {
  enum ops_status st = ops_shape_check_arity(c, 2, 3, 1);
  if (st != OPS_OK || !ops_shape_inputs_typed(c, 3)) return st;
  st = ops_shape_check_class(c, 0, OPS_CLASS_NUMERIC);
  if (st != OPS_OK) return st;
  const struct ops_tensor *x = ops_shape_in(c, 0), *idx = ops_shape_in(c, 1);
  const struct ops_tensor *os = ops_shape_in(c, 2);
  if (idx->dtype != OPS_DTYPE_I64) {
    return ops_shape_fail(c, "indices '%s' are %s, expected i64", idx->name,
                          ops_dtype_name(idx->dtype));
  }
  if (os != NULL && os->dtype != OPS_DTYPE_I64) {
    return ops_shape_fail(c, "output_shape '%s' is %s, expected i64", os->name,
                          ops_dtype_name(os->dtype));
  }
  const int64_t *kernel;
  size_t k;
  if ((st = ops_node_attr_ints(c->node, "kernel_shape", &kernel, &k, c->d)) != OPS_OK) return st;
  if (kernel == NULL) return ops_shape_fail(c, "attribute 'kernel_shape' is missing");
  if (k == 0 || k > OPS_MAX_RANK - 2) {
    return ops_shape_fail(c, "attribute 'kernel_shape' has %zu entries, expected 1 to %d", k,
                          OPS_MAX_RANK - 2);
  }
  int rank = (int)k + 2;
  const struct ops_shape *xs = &x->shape;
  if (xs->rank >= 0 && xs->rank != rank) {
    return ops_shape_fail(c, "input '%s' has rank %d, expected %d (N, C and %zu spatial dims)",
                          x->name, xs->rank, rank, k);
  }
  if (xs->rank >= 0 && idx->shape.rank >= 0 && !ops_shape_equal(xs, &idx->shape)) {
    return ops_shape_fail(c, "indices '%s' %s do not have the shape of input '%s' %s", idx->name,
                          ops_shape_text(&idx->shape).s, x->name, ops_shape_text(xs).s);
  }
  int64_t kern[OPS_MAX_RANK], strides[OPS_MAX_RANK], pads[2 * OPS_MAX_RANK];
  st = unpool_ints(c, "kernel_shape", k, 1, 1, kern);
  if (st == OPS_OK) st = unpool_ints(c, "strides", k, 1, 1, strides);
  if (st == OPS_OK) st = unpool_ints(c, "pads", 2 * k, 0, 0, pads);
  if (st != OPS_OK) return st;

  struct ops_shape out = ops_shape_unknown();
  if (os != NULL) {
    if (os->shape.rank >= 0 && os->shape.rank != 1) {
      return ops_shape_fail(c, "output_shape '%s' has rank %d, expected 1", os->name,
                            os->shape.rank);
    }
    int64_t v[OPS_MAX_RANK];
    size_t n;
    if (!ops_shape_read_ints(os, v, OPS_MAX_RANK, &n)) {
      out.rank = rank;
      for (int j = 0; j < rank; j++)
        out.dims[j] = -1;
      return ops_shape_set(c, 0, x->dtype, &out);
    }
    if (n != (size_t)rank) {
      return ops_shape_fail(c, "output_shape %s has %zu entries, expected %d",
                            ops_shape_text_ints(v, n).s, n, rank);
    }
    for (size_t j = 0; j < n; j++) {
      if (v[j] < 0) {
        return ops_shape_fail(c, "output_shape %s has a negative dim", ops_shape_text_ints(v, n).s);
      }
    }
    out = ops_shape_make(rank, v);
    return ops_shape_set(c, 0, x->dtype, &out);
  }
  out.rank = rank;
  out.dims[0] = xs->rank >= 0 ? xs->dims[0] : -1;
  out.dims[1] = xs->rank >= 0 ? xs->dims[1] : -1;
  for (size_t s = 0; s < k; s++) {
    int64_t in = xs->rank >= 0 ? xs->dims[2 + s] : -1, reach;
    out.dims[2 + s] = -1;
    if (in < 0) continue;
    if (in == 0 || !ops_mul_i64(in - 1, strides[s], &reach) ||
        reach + kern[s] - pads[s] - pads[k + s] < 1) {
      return ops_shape_fail(c, "spatial dim %zu of size %lld gives no valid output size", s,
                            (long long)in);
    }
    out.dims[2 + s] = reach + kern[s] - pads[s] - pads[k + s];
  }
  return ops_shape_set(c, 0, x->dtype, &out);
}
