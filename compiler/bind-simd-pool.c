/*
 * Binding of the SIMD pooling kernels (see bind-simd-pool.h): the scalar binder's window,
 * laid out as rows for the driver, and each output row's interior columns, whose windows lie
 * wholly inside the input's width, computed once here.
 */
#include "compiler/bind-simd-pool.h"

#include "kernels/params-simd-pool.h"
#include "kernels/params.h"
#include "planner/simd-caps-pool.h"

void ops_simd_pool_layout(const struct ops_pool_params *v, const int64_t *in, const int64_t *out,
                          struct ops_simd_pool_params *p) {
  /* A 1-D pool is a 2-D one of height 1; the spatial dims come last. */
  int s = v->spatial == 2 ? 1 : 0;
  if (v->spatial == 2) {
    p->ih = (size_t)in[0];
    p->oh = (size_t)out[0];
    p->kh = (size_t)v->kernel[0];
    p->sy = (size_t)v->strides[0];
    p->dy = (size_t)v->dilations[0];
    p->pt = (size_t)v->pads_begin[0];
    p->pb = (size_t)v->pads_end[0];
  } else {
    p->ih = p->oh = p->kh = p->sy = p->dy = 1;
  }
  p->iw = (size_t)in[s];
  p->ow = (size_t)out[s];
  p->kw = (size_t)v->kernel[s];
  p->sx = (size_t)v->strides[s];
  p->dx = (size_t)v->dilations[s];
  p->pl = (size_t)v->pads_begin[s];
  p->pr = (size_t)v->pads_end[s];
  p->count_include_pad = v->count_include_pad;
  /* Interior: ox * sx >= pl and ox * sx - pl + (kw - 1) * dx <= iw - 1. The scalar binder
   * bounded every dim, pad and stride, so these int64 sums cannot overflow. */
  int64_t sx = (int64_t)p->sx;
  int64_t xa = ((int64_t)p->pl + sx - 1) / sx;
  int64_t last = (int64_t)p->iw - 1 + (int64_t)p->pl - (int64_t)((p->kw - 1) * p->dx);
  int64_t xb = last >= 0 ? last / sx + 1 : 0;
  if (xa > (int64_t)p->ow) xa = (int64_t)p->ow;
  if (xb > (int64_t)p->ow) xb = (int64_t)p->ow;
  if (xb < xa) xb = xa;
  p->xa = (size_t)xa;
  p->xb = (size_t)xb;
}

enum ops_status ops_bind_simd_pool(const struct bind_ctx *c, const void *ref,
                                   struct ops_binding *out) {
  enum ops_status st;
  const struct ops_node *n = c->node;
  bool windowed = n->op == OPS_OP_MAX_POOL || n->op == OPS_OP_AVERAGE_POOL;
  if (windowed) {
    char text[160];
    if (!ops_simd_caps_pool(c->g, n, text, sizeof text)) {
      return node_fail(c, OPS_ERR_UNSUPPORTED, "%s", text);
    }
  }
  struct ops_simd_pool_params *p = new_params(c, sizeof *p, &st);
  if (p == NULL) return st;
  p->cfg = ops_kconfig_f32_pool();
  if (windowed) {
    const struct ops_tensor *x = in_t(c, 0), *y = out_t(c, 0);
    ops_simd_pool_layout(ref, &x->shape.dims[2], &y->shape.dims[2], p);
  }
  out->params = p;
  return OPS_OK;
}
