/*
 * ConvTranspose: its geometry (src/shape-infer-convtranspose.h) and its shape inference.
 *
 * Per spatial dim, with full = stride * (in - 1) + output_padding + (kernel - 1) * dilation + 1
 * (every position some input element reaches, plus output_padding at the end):
 *   - output_shape given: out = output_shape, and total = full - out is split into pads as the
 *     spec words it: SAME_UPPER puts total / 2 first, the others put total - total / 2 first.
 *     A negative total (more output than the input reaches) gives a negative end pad and no
 *     begin pad: the extra positions, at the end, get only the bias. ONNX Runtime and PyTorch
 *     do that; the spec's formula would split them between both ends, but its conformance
 *     data only has a total of -1, where both readings agree.
 *   - auto_pad SAME_UPPER / SAME_LOWER: out = in * stride, pads split as above.
 *   - VALID: no pads, out = full.
 *   - NOTSET: out = full - pad_begin - pad_end.
 */
#include "src/shape-infer-convtranspose.h"

#include <inttypes.h>
#include <string.h>

#include "src/shape-infer-impl.h"
#include "src/size.h"

/* INTS attribute `name` into out[0..n) (absent: `dflt` everywhere); each in [lo, limit). A
 * count in `alt_n` (when not 0) is also accepted, its first alt_n - n entries skipped. */
static enum ops_status ints_attr(const struct ops_node *node, const char *name, size_t n,
                                 size_t alt_n, int64_t dflt, int64_t lo, int64_t *out, bool *given,
                                 struct ops_diag *d) {
  const int64_t *v;
  size_t count;
  enum ops_status st = ops_node_attr_ints(node, name, &v, &count, d);
  if (st != OPS_OK) return st;
  if (given != NULL) *given = v != NULL;
  if (v == NULL) {
    for (size_t i = 0; i < n; i++)
      out[i] = dflt;
    return OPS_OK;
  }
  size_t skip = 0;
  if (alt_n != 0 && count == alt_n) skip = alt_n - n;
  if (count - skip != n) {
    return ops_fail(d, OPS_ERR_BAD_INPUT,
                    "node '%s' (%s): attribute '%s' has %zu values, expected %zu", node->name,
                    node->op_type, name, count, n);
  }
  for (size_t i = 0; i < n; i++) {
    int64_t x = v[skip + i];
    if (x < lo || x >= OPS_DECONV_ATTR_LIMIT) {
      return ops_fail(d, OPS_ERR_BAD_INPUT,
                      "node '%s' (%s): attribute '%s' value %" PRId64 " is out of range [%" PRId64
                      ", %" PRId64 ")",
                      node->name, node->op_type, name, x, lo, OPS_DECONV_ATTR_LIMIT);
    }
    out[i] = x;
  }
  return OPS_OK;
}

enum ops_status ops_deconv_geometry(const struct ops_node *node, int spatial, const int64_t *in,
                                    const int64_t *kernel, struct ops_deconv_geom *g,
                                    struct ops_diag *d) {
  memset(g, 0, sizeof *g);
  g->spatial = spatial;
  size_t ns = (size_t)spatial;
  int64_t pads[2 * OPS_MAX_RANK], out_pad[OPS_MAX_RANK], out_shape[OPS_MAX_RANK];
  bool has_out_shape = false;
  enum ops_status st = ints_attr(node, "strides", ns, 0, 1, 1, g->strides, NULL, d);
  if (st == OPS_OK) st = ints_attr(node, "dilations", ns, 0, 1, 1, g->dilations, NULL, d);
  if (st == OPS_OK) st = ints_attr(node, "pads", 2 * ns, 0, 0, 0, pads, NULL, d);
  if (st == OPS_OK) st = ints_attr(node, "output_padding", ns, ns + 2, 0, 0, out_pad, NULL, d);
  if (st == OPS_OK) {
    st = ints_attr(node, "output_shape", ns, ns + 2, -1, 1, out_shape, &has_out_shape, d);
  }
  const char *auto_pad = "NOTSET";
  if (st == OPS_OK) st = ops_node_attr_string(node, "auto_pad", "NOTSET", &auto_pad, d);
  if (st != OPS_OK) return st;
  bool upper = strcmp(auto_pad, "SAME_UPPER") == 0, lower = strcmp(auto_pad, "SAME_LOWER") == 0;
  bool valid = strcmp(auto_pad, "VALID") == 0;
  if (!upper && !lower && !valid && strcmp(auto_pad, "NOTSET") != 0 && auto_pad[0] != '\0') {
    return ops_fail(d, OPS_ERR_BAD_INPUT,
                    "node '%s' (%s): attribute 'auto_pad' is '%s', expected NOTSET, SAME_UPPER, "
                    "SAME_LOWER or VALID",
                    node->name, node->op_type, auto_pad);
  }

  for (int s = 0; s < spatial; s++) {
    g->out[s] = -1;
    /* Every operand is below 2^31 except `in`, so only the products can overflow. */
    int64_t full = -1, reach, extent;
    if (in[s] >= 0 && kernel[s] >= 0) {
      if (in[s] == 0 || !ops_mul_i64(in[s] - 1, g->strides[s], &reach) ||
          !ops_mul_i64(kernel[s] - 1, g->dilations[s], &extent) ||
          __builtin_add_overflow(reach, extent + 1 + out_pad[s], &full)) {
        return ops_fail(d, OPS_ERR_BAD_INPUT,
                        "node '%s' (%s): spatial dim %d of size %" PRId64 " with stride %" PRId64
                        " gives no valid output size",
                        node->name, node->op_type, s, in[s], g->strides[s]);
      }
    }
    if (has_out_shape || upper || lower) {
      int64_t out = out_shape[s];
      if (!has_out_shape && in[s] >= 0 && !ops_mul_i64(in[s], g->strides[s], &out)) {
        return ops_fail(d, OPS_ERR_BAD_INPUT,
                        "node '%s' (%s): spatial dim %d: size %" PRId64 " x stride %" PRId64
                        " overflows int64",
                        node->name, node->op_type, s, in[s], g->strides[s]);
      }
      g->out[s] = out;
      if (full >= 0 && out >= 0) {
        int64_t total = full - out;
        /* More output than the input reaches: the extra positions go at the end (only the bias
         * lands there), as ONNX Runtime and PyTorch's output_size place them. */
        g->pads_begin[s] = total < 0 ? 0 : upper ? total / 2 : total - total / 2;
        g->pads_end[s] = total - g->pads_begin[s];
      }
    } else {
      int64_t pb = valid ? 0 : pads[s], pe = valid ? 0 : pads[spatial + s];
      g->pads_begin[s] = pb;
      g->pads_end[s] = pe;
      if (full >= 0) g->out[s] = full - pb - pe;
    }
    if (g->out[s] == 0 || g->out[s] < -1) {
      return ops_fail(d, OPS_ERR_BAD_INPUT,
                      "node '%s' (%s): output size on spatial dim %d would be %" PRId64
                      " (pads %" PRId64 "+%" PRId64 " remove every position)",
                      node->name, node->op_type, s, g->out[s], g->pads_begin[s], g->pads_end[s]);
    }
  }
  return OPS_OK;
}

enum ops_status ops_shape_infer_conv_transpose(struct ops_infer *c) {
  enum ops_status st = ops_shape_check_arity(c, 2, 3, 1);
  if (st != OPS_OK || !ops_shape_inputs_typed(c, 3)) return st;
  st = ops_shape_check_class(c, 0, OPS_CLASS_FLOAT);
  if (st == OPS_OK) st = ops_shape_check_same_dtype(c, 0, 1);
  if (st == OPS_OK) st = ops_shape_check_same_dtype(c, 0, 2);
  if (st != OPS_OK) return st;
  const struct ops_tensor *x = ops_shape_in(c, 0), *w = ops_shape_in(c, 1), *b = ops_shape_in(c, 2);
  const struct ops_shape *xs = &x->shape, *ws = &w->shape;
  if (ws->rank >= 0 && ws->rank < 3) {
    return ops_shape_fail(c, "weight '%s' has rank %d, expected at least 3 (C, M/group, k...)",
                          w->name, ws->rank);
  }
  if (xs->rank >= 0 && (xs->rank < 3 || (ws->rank >= 0 && xs->rank != ws->rank))) {
    return ops_shape_fail(c, "input '%s' has rank %d, expected %s (N, C, spatial dims)", x->name,
                          xs->rank, ws->rank >= 0 ? "the weight's rank" : "at least 3");
  }
  int rank = xs->rank >= 0 ? xs->rank : ws->rank;
  if (rank < 0) return ops_shape_set(c, 0, x->dtype, xs);
  int ns = rank - 2;
  int64_t in[OPS_MAX_RANK], kernel[OPS_MAX_RANK];
  const int64_t *ks;
  size_t n_ks;
  if ((st = ops_node_attr_ints(c->node, "kernel_shape", &ks, &n_ks, c->d)) != OPS_OK) return st;
  if (ks != NULL && n_ks != (size_t)ns) {
    return ops_shape_fail(c, "attribute 'kernel_shape' has %zu entries, expected %d", n_ks, ns);
  }
  for (int s = 0; s < ns; s++) {
    in[s] = xs->rank >= 0 ? xs->dims[2 + s] : -1;
    kernel[s] = ws->rank >= 0 ? ws->dims[2 + s] : -1;
    if (ks != NULL && kernel[s] >= 0 && ks[s] != kernel[s]) {
      return ops_shape_fail(c, "attribute 'kernel_shape' %s does not match weight '%s' %s",
                            ops_shape_text_ints(ks, n_ks).s, w->name, ops_shape_text(ws).s);
    }
    if (ks != NULL && kernel[s] < 0) kernel[s] = ks[s];
  }
  int64_t group;
  if ((st = ops_node_attr_int(c->node, "group", 1, &group, c->d)) != OPS_OK) return st;
  if (group < 1 || group >= OPS_DECONV_ATTR_LIMIT) {
    return ops_shape_fail(c, "attribute 'group' is %lld, expected >= 1", (long long)group);
  }
  int64_t channels = xs->rank >= 0 ? xs->dims[1] : -1;
  int64_t wc = ws->rank >= 0 ? ws->dims[0] : -1, wm = ws->rank >= 0 ? ws->dims[1] : -1, m = -1;
  if (channels >= 0 && wc >= 0 && channels != wc) {
    return ops_shape_fail(c, "input '%s' has %lld channels but weight '%s' %s has %lld", x->name,
                          (long long)channels, w->name, ops_shape_text(ws).s, (long long)wc);
  }
  if (wc >= 0 && wc % group != 0) {
    return ops_shape_fail(c, "group %lld does not divide the %lld input channels", (long long)group,
                          (long long)wc);
  }
  if (wm >= 0 && !ops_mul_i64(wm, group, &m)) {
    return ops_shape_fail(c, "weight '%s' %s x group %lld overflows int64", w->name,
                          ops_shape_text(ws).s, (long long)group);
  }
  if (b != NULL && b->shape.rank >= 0 &&
      (b->shape.rank != 1 || (m >= 0 && b->shape.dims[0] >= 0 && b->shape.dims[0] != m))) {
    return ops_shape_fail(c, "bias '%s' has shape %s, expected [%lld] (one per output channel)",
                          b->name, ops_shape_text(&b->shape).s, (long long)m);
  }
  struct ops_deconv_geom geom;
  if ((st = ops_deconv_geometry(c->node, ns, in, kernel, &geom, c->d)) != OPS_OK) return st;
  struct ops_shape out = ops_shape_unknown();
  out.rank = rank;
  out.dims[0] = xs->rank >= 0 ? xs->dims[0] : -1;
  out.dims[1] = m;
  for (int s = 0; s < ns; s++)
    out.dims[2 + s] = geom.out[s];
  return ops_shape_set(c, 0, x->dtype, &out);
}
