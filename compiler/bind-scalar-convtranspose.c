/*
 * Binding ConvTranspose to the scalar unit (kernels/scalar/f32-convtranspose.c).
 *
 * The geometry (output sizes and begin pads from strides, dilations, pads, output_padding,
 * output_shape and auto_pad) is resolved by the same function shape inference uses
 * (src/shape-infer-convtranspose.h), then Y's dims are checked against it, so the kernel, which
 * walks Y's dims, never writes past Y. The kernel reuses struct ops_conv_params.
 */
#include "compiler/bind-scalar-convtranspose.h"

#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>

#include "kernels/kernel.h"
#include "kernels/params.h"
#include "compiler/compiler-impl.h"
#include "src/shape-infer-convtranspose.h"
#include "src/size.h"

enum ops_status ops_bind_scalar_conv_transpose(const struct ops_graph *g,
                                               const struct ops_node *node, struct ops_diag *d,
                                               void **params) {
  struct bind_ctx ctx = {.g = g, .node = node, .d = d};
  const struct bind_ctx *c = &ctx;
  const struct ops_tensor *x, *w;
  const struct ops_tensor *b = in_t(c, 2), *y = out_t(c, 0);
  enum ops_status st;
  if ((st = need_in(c, 0, "X", &x)) != OPS_OK) return st;
  if ((st = need_in(c, 1, "W", &w)) != OPS_OK) return st;
  if ((st = need_dtype(c, x, OPS_DTYPE_F32)) != OPS_OK) return st;
  if ((st = need_dtype(c, w, OPS_DTYPE_F32)) != OPS_OK) return st;
  if (b != NULL && (st = need_dtype(c, b, OPS_DTYPE_F32)) != OPS_OK) return st;
  if ((st = need_dtype(c, y, OPS_DTYPE_F32)) != OPS_OK) return st;
  int rank = x->shape.rank;
  if (rank < 3) {
    return node_fail(c, OPS_ERR_BAD_INPUT,
                     "input '%s' has rank %d, expected at least 3 (N, C, spatial dims)", x->name,
                     rank);
  }
  if ((st = need_rank(c, w, rank, "C, M/group, kernel dims")) != OPS_OK) return st;
  if ((st = need_rank(c, y, rank, "N, M, spatial dims")) != OPS_OK) return st;
  int ns = rank - 2;
  int64_t group;
  if ((st = ops_node_attr_int(node, "group", 1, &group, d)) != OPS_OK) return st;
  int64_t channels = x->shape.dims[1];
  if (group < 1 || group >= OPS_DECONV_ATTR_LIMIT || channels % group != 0) {
    return node_fail(c, OPS_ERR_BAD_INPUT,
                     "group %" PRId64 " does not divide the %" PRId64 " input channels", group,
                     channels);
  }
  if (w->shape.dims[0] != channels) {
    char s[160];
    return node_fail(c, OPS_ERR_BAD_INPUT,
                     "weight '%s' %s has %" PRId64 " input channels, expected %" PRId64, w->name,
                     ops_shape_format(&w->shape, s, sizeof s), w->shape.dims[0], channels);
  }
  int64_t m_out;
  if (!ops_mul_i64(w->shape.dims[1], group, &m_out)) {
    return node_fail(c, OPS_ERR_BAD_INPUT, "weight '%s' channels x group overflow", w->name);
  }
  if (b != NULL && (b->shape.rank != 1 || b->shape.dims[0] != m_out)) {
    char s[160];
    return node_fail(c, OPS_ERR_BAD_INPUT, "bias '%s' has shape %s, expected [%" PRId64 "]",
                     b->name, ops_shape_format(&b->shape, s, sizeof s), m_out);
  }

  int64_t in[OPS_MAX_RANK], kernel[OPS_MAX_RANK];
  const int64_t *ks;
  size_t n_ks;
  if ((st = ops_node_attr_ints(node, "kernel_shape", &ks, &n_ks, d)) != OPS_OK) return st;
  for (int s = 0; s < ns; s++) {
    in[s] = x->shape.dims[2 + s];
    kernel[s] = w->shape.dims[2 + s];
    if (kernel[s] < 1 || kernel[s] >= OPS_DECONV_ATTR_LIMIT) {
      return node_fail(c, OPS_ERR_BAD_INPUT, "weight '%s' has kernel size %" PRId64 " on dim %d",
                       w->name, kernel[s], 2 + s);
    }
    if (ks != NULL && (n_ks != (size_t)ns || ks[s] != kernel[s])) {
      char s_w[160];
      return node_fail(c, OPS_ERR_BAD_INPUT,
                       "attribute 'kernel_shape' (%zu values) disagrees with weight '%s' %s", n_ks,
                       w->name, ops_shape_format(&w->shape, s_w, sizeof s_w));
    }
  }
  struct ops_deconv_geom geom;
  if ((st = ops_deconv_geometry(node, ns, in, kernel, &geom, d)) != OPS_OK) return st;
  int64_t want[OPS_MAX_RANK] = {x->shape.dims[0], m_out};
  for (int s = 0; s < ns; s++) {
    /* The kernel adds pads_begin to output positions; keep that far from overflow. */
    if (geom.pads_begin[s] <= -OPS_DECONV_ATTR_LIMIT ||
        geom.pads_begin[s] >= OPS_DECONV_ATTR_LIMIT ||
        geom.out[s] >= OPS_DECONV_ATTR_LIMIT * OPS_DECONV_ATTR_LIMIT) {
      return node_fail(c, OPS_ERR_UNSUPPORTED,
                       "spatial dim %d: output size %" PRId64 " or pad %" PRId64
                       " is beyond what the kernel walks",
                       s, geom.out[s], geom.pads_begin[s]);
    }
    want[2 + s] = geom.out[s];
  }
  if ((st = expect_dims(c, y, rank, want)) != OPS_OK) return st;

  struct ops_conv_params *p = new_params(c, sizeof *p, &st);
  if (p == NULL) return st;
  p->spatial = ns;
  p->group = group;
  for (int s = 0; s < ns; s++) {
    p->strides[s] = geom.strides[s];
    p->dilations[s] = geom.dilations[s];
    p->pads_begin[s] = geom.pads_begin[s];
    p->pads_end[s] = geom.pads_end[s];
  }
  *params = p;
  return OPS_OK;
}
