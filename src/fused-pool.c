/* Geometry of a Conv with a fused MaxPool (see src/fused-pool.h). */
#include "src/fused-pool.h"

#include <string.h>

#include "src/size.h"

/* Window sizes, strides and pads past this are refused: no model has them, and the sums below
 * then cannot overflow. */
#define FUSED_LIMIT ((int64_t)1 << 24)

static bool in_range(int64_t v, int64_t lo) {
  return v >= lo && v <= FUSED_LIMIT;
}

/* Output positions of one axis: `in` elements, `pb` + `pe` padding, window `k` (dilation d),
 * stride `s`, and with `ceil` the ONNX ceil_mode rule. -1 when no window fits. */
static int64_t axis_out(int64_t in, int64_t pb, int64_t pe, int64_t k, int64_t d, int64_t s,
                        bool ceil) {
  int64_t extent = (k - 1) * d + 1, total = in + pb + pe;
  if (in < 1 || total < extent) return -1;
  int64_t span = total - extent, steps = span / s;
  /* ceil_mode: one more window, where it starts inside the input or its begin padding. */
  if (ceil && span % s != 0 && (steps + 1) * s < in + pb) steps++;
  return steps + 1;
}

bool ops_fused_pool_out(const struct ops_fused_pool *p, const int64_t in[2], int64_t out[2]) {
  for (int j = 0; j < 2; j++) {
    if (!in_range(p->kernel[j], 1) || !in_range(p->strides[j], 1) ||
        !in_range(p->pads_begin[j], 0) || !in_range(p->pads_end[j], 0) || in[j] > FUSED_LIMIT) {
      return false;
    }
    /* A window over padding alone has no maximum: ONNX leaves it undefined, so refuse it. */
    if (p->pads_begin[j] >= p->kernel[j] || p->pads_end[j] >= p->kernel[j]) return false;
    out[j] = axis_out(in[j], p->pads_begin[j], p->pads_end[j], p->kernel[j], 1, p->strides[j],
                      p->ceil_mode);
    if (out[j] < 1) return false;
  }
  return true;
}

/* INTS attribute `name` with `n` values each in [lo, FUSED_LIMIT], or `dflt` for each when
 * absent. */
static bool ints_or(const struct ops_node *n, const char *name, size_t count, int64_t lo,
                    int64_t dflt, int64_t *out) {
  const int64_t *v;
  size_t have;
  if (ops_node_attr_ints(n, name, &v, &have, NULL) != OPS_OK) return false;
  for (size_t i = 0; i < count; i++) {
    out[i] = v != NULL ? (have == count ? v[i] : -1) : dflt;
    if (!in_range(out[i], lo)) return false;
  }
  return true;
}

static bool auto_pad_notset(const struct ops_node *n) {
  const char *pad;
  return ops_node_attr_string(n, "auto_pad", "NOTSET", &pad, NULL) == OPS_OK &&
         strcmp(pad, "NOTSET") == 0;
}

bool ops_fused_conv_dims(const struct ops_graph *g, const struct ops_node *n, int64_t dims[4]) {
  const struct ops_tensor *x = ops_node_input(g, n, 0), *w = ops_node_input(g, n, 1);
  if (x == NULL || w == NULL || x->shape.rank != 4 || w->shape.rank != 4 || !auto_pad_notset(n))
    return false;
  int64_t strides[2], dil[2], pads[4];
  if (!ints_or(n, "strides", 2, 1, 1, strides) || !ints_or(n, "dilations", 2, 1, 1, dil) ||
      !ints_or(n, "pads", 4, 0, 0, pads)) {
    return false;
  }
  dims[0] = x->shape.dims[0];
  dims[1] = w->shape.dims[0];
  if (dims[0] < 0 || dims[1] < 0) return false;
  for (int j = 0; j < 2; j++) {
    int64_t in = x->shape.dims[2 + j], k = w->shape.dims[2 + j];
    if (in > FUSED_LIMIT || !in_range(k, 1)) return false;
    dims[2 + j] = axis_out(in, pads[j], pads[j + 2], k, dil[j], strides[j], false);
    if (dims[2 + j] < 1) return false;
  }
  return true;
}

bool ops_fused_pool_from_node(const struct ops_node *mp, struct ops_fused_pool *out) {
  if (mp->op != OPS_OP_MAX_POOL || mp->n_inputs != 1 || mp->n_outputs < 1 || mp->outputs[0] < 0 ||
      (mp->n_outputs > 1 && mp->outputs[1] >= 0) || !auto_pad_notset(mp)) {
    return false;
  }
  struct ops_fused_pool p = {.on = true};
  int64_t dil[2], pads[4], ceil_mode;
  const int64_t *ks;
  size_t n_ks;
  if (ops_node_attr_ints(mp, "kernel_shape", &ks, &n_ks, NULL) != OPS_OK || ks == NULL ||
      n_ks != 2 || !ints_or(mp, "strides", 2, 1, 1, p.strides) ||
      !ints_or(mp, "dilations", 2, 1, 1, dil) || dil[0] != 1 || dil[1] != 1 ||
      !ints_or(mp, "pads", 4, 0, 0, pads) ||
      ops_node_attr_int(mp, "ceil_mode", 0, &ceil_mode, NULL) != OPS_OK ||
      (ceil_mode != 0 && ceil_mode != 1)) {
    return false;
  }
  /* Kernel and pads are checked against each other with the input's size by
   * ops_fused_pool_out. */
  for (int j = 0; j < 2; j++) {
    p.kernel[j] = ks[j];
    p.pads_begin[j] = pads[j];
    p.pads_end[j] = pads[j + 2];
  }
  p.ceil_mode = ceil_mode == 1;
  *out = p;
  return true;
}
