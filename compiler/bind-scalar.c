/*
 * Binding nodes to the scalar unit: pick the kernel from the registry, check everything the
 * kernel relies on, and fill its params (kernels/params.h).
 *
 * The kernels trust their params and dims completely (they never re-check, STYLE.md §6), so
 * this file is where a hostile or inconsistent model is stopped: attribute counts and ranges,
 * ranks, channel and group arithmetic, constant inputs (Slice starts, ReduceMean axes, ...),
 * and the output dims, which are recomputed from the inputs and compared with the inferred
 * ones so a kernel never writes past its output. Arithmetic on values read from the model is
 * overflow-checked. Every message names the node and op.
 *
 * Adding an op: a bind_<op> function that fills its params, and a case in ops_bind_scalar.
 */
#include "compiler/bind.h"

#include "compiler/bind-scalar-reduce.h"
#include "compiler/bind-scalar-quant.h"
#include "compiler/bind-scalar-shape-ops.h"
#include "compiler/bind-scalar-resize.h"
#include "compiler/bind-scalar-convtranspose.h"
#include "compiler/bind-scalar-einsum.h"
#include "compiler/bind-scalar-pool-ext.h"
#include "compiler/bind-scalar-topk.h"
#include "compiler/bind-scalar-index.h"
#include "compiler/bind-scalar-loss.h"

#include <assert.h>
#include <float.h>
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kernels/params.h"
#include "opscope.h"
#include "compiler/compiler-impl.h"
#include "src/fused-pool.h"
#include "src/size.h"

/* Pads, strides, dilations and kernel sizes above this are refused: no real model comes near
 * it, and it keeps every window computation far from int64 overflow. */
#define ATTR_LIMIT (INT64_C(1) << 31)

/* Every present input and output: a dtype a kernel can move, a known shape within the kernels'
 * rank, and a byte size that fits in memory. */
static enum ops_status check_tensors(const struct bind_ctx *c) {
  for (int k = 0; k < c->node->n_inputs + c->node->n_outputs; k++) {
    bool is_in = k < c->node->n_inputs;
    int i = is_in ? k : k - c->node->n_inputs;
    const struct ops_tensor *t = is_in ? in_t(c, i) : out_t(c, i);
    if (t == NULL) continue;
    const char *role = is_in ? "input" : "output";
    if (t->dtype == OPS_DTYPE_UNDEFINED || !ops_shape_is_known(&t->shape)) {
      return node_fail(c, OPS_ERR_UNSUPPORTED,
                       "the dtype or shape of %s %d '%s' is not known when binding", role, i,
                       t->name);
    }
    /* Strings, and any dtype without a fixed element size, have no kernels. */
    if (ops_dtype_size(t->dtype) == 0) {
      return node_fail(c, OPS_ERR_UNSUPPORTED,
                       "%s %d '%s' is a %s tensor, which no kernel supports", role, i, t->name,
                       ops_dtype_name(t->dtype));
    }
    if (t->shape.rank > OPS_KMAX_RANK) {
      return node_fail(c, OPS_ERR_UNSUPPORTED,
                       "%s %d '%s' has rank %d, more than the %d kernels support", role, i, t->name,
                       t->shape.rank, OPS_KMAX_RANK);
    }
    size_t bytes;
    if (!ops_tensor_byte_size(t, &bytes)) {
      char s[160];
      return node_fail(c, OPS_ERR_BAD_INPUT, "%s %d '%s' of shape %s is too large to address", role,
                       i, t->name, ops_shape_format(&t->shape, s, sizeof s));
    }
  }
  if (out_t(c, 0) == NULL) return node_fail(c, OPS_ERR_BAD_INPUT, "output 0 is missing");
  return OPS_OK;
}

/* Refuses present outputs at index `n` and above, which the kernel does not write. */
static enum ops_status only_outputs(const struct bind_ctx *c, int n, const char *why) {
  for (int i = n; i < c->node->n_outputs; i++) {
    const struct ops_tensor *t = out_t(c, i);
    if (t != NULL) {
      return node_fail(c, OPS_ERR_UNSUPPORTED, "output %d '%s' is not supported (%s)", i, t->name,
                       why);
    }
  }
  return OPS_OK;
}

/* ---- conv and pool windows ---- */

/* What conv and pool share: per spatial dim, the window and how it is padded. */
struct window {
  int spatial;
  int64_t kernel[OPS_KMAX_SPATIAL];
  int64_t strides[OPS_KMAX_SPATIAL];
  int64_t dilations[OPS_KMAX_SPATIAL];
  int64_t pads_begin[OPS_KMAX_SPATIAL];
  int64_t pads_end[OPS_KMAX_SPATIAL];
};

/* Reads strides, dilations (when `has_dilations`), pads and auto_pad, and resolves the pads
 * per side. SAME_UPPER/SAME_LOWER take the output size from Y (shape inference made it
 * ceil(in / stride)) and pad the difference, the odd element at the end or the beginning. */
static enum ops_status read_window(const struct bind_ctx *c, const struct ops_tensor *x,
                                   const struct ops_tensor *y, bool has_dilations,
                                   struct window *w) {
  int ns = w->spatial;
  enum ops_status st = ints_attr(c, "strides", (size_t)ns, 1, 1, ATTR_LIMIT, w->strides);
  if (st != OPS_OK) return st;
  if (has_dilations) {
    st = ints_attr(c, "dilations", (size_t)ns, 1, 1, ATTR_LIMIT, w->dilations);
    if (st != OPS_OK) return st;
  } else {
    for (int s = 0; s < ns; s++)
      w->dilations[s] = 1;
  }
  int64_t pads[2 * OPS_KMAX_SPATIAL];
  st = ints_attr(c, "pads", 2 * (size_t)ns, 0, 0, ATTR_LIMIT, pads);
  if (st != OPS_OK) return st;
  const char *auto_pad;
  st = ops_node_attr_string(c->node, "auto_pad", "NOTSET", &auto_pad, c->d);
  if (st != OPS_OK) return st;

  bool same_upper = strcmp(auto_pad, "SAME_UPPER") == 0;
  bool same_lower = strcmp(auto_pad, "SAME_LOWER") == 0;
  bool valid = strcmp(auto_pad, "VALID") == 0;
  if (!same_upper && !same_lower && !valid && strcmp(auto_pad, "NOTSET") != 0) {
    return node_fail(c, OPS_ERR_BAD_INPUT,
                     "auto_pad '%s' is not one of NOTSET, SAME_UPPER, SAME_LOWER, VALID", auto_pad);
  }
  for (int s = 0; s < ns; s++) {
    if (!same_upper && !same_lower && !valid) {
      w->pads_begin[s] = pads[s];
      w->pads_end[s] = pads[ns + s];
      continue;
    }
    /* The spec forbids explicit pads with auto_pad; like ONNX Runtime (and shape inference),
     * auto_pad decides and the pads are ignored. */
    w->pads_begin[s] = w->pads_end[s] = 0;
    if (valid) continue;
    /* (out - 1) * stride + (kernel - 1) * dilation + 1 - in, all operands bounded above. */
    int64_t in = x->shape.dims[2 + s], out = y->shape.dims[2 + s];
    int64_t reach, extent;
    if (out < 1 || !ops_mul_i64(out - 1, w->strides[s], &reach) ||
        !ops_mul_i64(w->kernel[s] - 1, w->dilations[s], &extent) ||
        __builtin_add_overflow(reach, extent + 1, &reach)) {
      return node_fail(c, OPS_ERR_BAD_INPUT, "cannot resolve auto_pad %s on spatial dim %d",
                       auto_pad, s);
    }
    int64_t total = reach > in ? reach - in : 0;
    int64_t small = total / 2, large = total - total / 2;
    w->pads_begin[s] = same_upper ? small : large;
    w->pads_end[s] = same_upper ? large : small;
  }
  return OPS_OK;
}

/* Output size of spatial dim s for input size `in`: floor (or ceil) of
 * (in + pads - extent) / stride, plus 1; false when the window does not fit at all. */
static bool window_out(const struct window *w, int s, int64_t in, bool ceil_mode, int64_t *out) {
  int64_t extent;
  if (!ops_mul_i64(w->kernel[s] - 1, w->dilations[s], &extent)) return false;
  extent += 1;
  int64_t span = in + w->pads_begin[s] + w->pads_end[s] - extent;
  if (span < 0) return false;
  *out = span / w->strides[s] + 1;
  if (ceil_mode && span % w->strides[s] != 0) *out += 1;
  return true;
}

/* Window o of spatial dim s starts at o * stride - pad_begin; true when one of its taps lands
 * inside [0, in). */
static bool window_hits(const struct window *w, int s, int64_t o, int64_t in) {
  int64_t start = o * w->strides[s] - w->pads_begin[s];
  /* The first tap at or after index 0, then whether it is still before the end. */
  int64_t k = start >= 0 ? 0 : (-start + w->dilations[s] - 1) / w->dilations[s];
  return k < w->kernel[s] && start + k * w->dilations[s] < in;
}

/* Most windows a layer may have on one dim when a dilation larger than the input makes each
 * window's hit depend on where its taps fall (checked one by one). */
#define SCAN_LIMIT (INT64_C(1) << 20)

/* Checks Y's spatial dims against the window. With ceil_mode, both the plain ceil and the
 * ONNX Runtime / PyTorch form (which drops a last window starting past the input and its begin
 * padding) are accepted. Every window must have a tap inside the input, so no kernel ever
 * averages or maxes over nothing. */
static enum ops_status check_window_out(const struct bind_ctx *c, const struct ops_tensor *x,
                                        const struct ops_tensor *y, const struct window *w,
                                        bool ceil_mode) {
  int64_t y_numel;
  if (!ops_tensor_numel(y, &y_numel)) y_numel = 0;
  for (int s = 0; s < w->spatial; s++) {
    int64_t in = x->shape.dims[2 + s], have = y->shape.dims[2 + s], want, last;
    if (!window_out(w, s, in, ceil_mode, &want) || !ops_mul_i64(want - 1, w->strides[s], &last)) {
      return node_fail(c, OPS_ERR_BAD_INPUT,
                       "the window (kernel %" PRId64 ", dilation %" PRId64
                       ") does not fit spatial dim %d of size %" PRId64 " with pads %" PRId64
                       "+%" PRId64,
                       w->kernel[s], w->dilations[s], s, in, w->pads_begin[s], w->pads_end[s]);
    }
    bool ok = have == want;
    if (!ok && ceil_mode && want > 1 && last >= in + w->pads_begin[s]) ok = have == want - 1;
    /* auto_pad's formulas (and ONNX's shape inference with them) ignore ceil_mode. The output
     * dims only choose how many windows run, each computed the same way, so floor is safe. */
    int64_t floor_want;
    if (!ok && ceil_mode && window_out(w, s, in, false, &floor_want)) ok = have == floor_want;
    if (!ok) {
      return node_fail(c, OPS_ERR_BAD_INPUT,
                       "output '%s' has %" PRId64 " positions on spatial dim %d, expected %" PRId64,
                       y->name, have, s, want);
    }
    /* An empty Y has no windows (and its other dims may be anything). */
    if (y_numel == 0) continue;
    if (w->dilations[s] <= in) {
      /* Taps at most `in` apart cannot step over the input, so a window misses it only when it
       * ends before 0 or starts past the end; window starts grow with o, so the first and the
       * last window decide. */
      if (!window_hits(w, s, 0, in) || !window_hits(w, s, have - 1, in)) {
        return node_fail(c, OPS_ERR_UNSUPPORTED, "a window of spatial dim %d covers only padding",
                         s);
      }
      continue;
    }
    if (have > SCAN_LIMIT) {
      return node_fail(c, OPS_ERR_UNSUPPORTED,
                       "dilation %" PRId64 " exceeds input size %" PRId64
                       " on spatial dim %d with %" PRId64 " windows",
                       w->dilations[s], in, s, have);
    }
    for (int64_t o = 0; o < have; o++) {
      if (!window_hits(w, s, o, in)) {
        return node_fail(c, OPS_ERR_UNSUPPORTED,
                         "window %" PRId64 " of spatial dim %d covers only padding", o, s);
      }
    }
  }
  return OPS_OK;
}

/* ---- per op ---- */

static_assert((int)OPS_KACT_COUNT == (int)OPS_FUSED_ACT_COUNT &&
                  (int)OPS_KACT_CLIP == (int)OPS_FUSED_ACT_CLIP &&
                  (int)OPS_KACT_HARDSWISH == (int)OPS_FUSED_ACT_HARDSWISH &&
                  (int)OPS_KACT_GELU == (int)OPS_FUSED_ACT_GELU,
              "kernels/act.h numbers activations as src/graph.h does");

/* The node's fused activation (compiler/pass-fuse.c) as the kernels read it. */
static struct ops_kact kact_of(const struct ops_node *node) {
  struct ops_kact a = {(enum ops_kact_kind)node->fused.act, node->fused.params[0],
                       node->fused.params[1]};
  return a;
}

static enum ops_status bind_conv(const struct bind_ctx *c, void **params) {
  const struct ops_tensor *x, *w;
  const struct ops_tensor *b = in_t(c, 2), *y = out_t(c, 0);
  enum ops_status st;
  if ((st = need_in(c, 0, "X", &x)) != OPS_OK) return st;
  if ((st = need_in(c, 1, "W", &w)) != OPS_OK) return st;
  if ((st = need_dtype(c, w, OPS_DTYPE_F32)) != OPS_OK) return st;
  if (b != NULL && (st = need_dtype(c, b, OPS_DTYPE_F32)) != OPS_OK) return st;
  if ((st = need_dtype(c, y, OPS_DTYPE_F32)) != OPS_OK) return st;
  st = ops_bind_conv_window(c, x, w, b, params);
  if (st == OPS_OK) ((struct ops_conv_params *)*params)->act = kact_of(c->node);
  return st;
}

enum ops_status ops_bind_conv_window(const struct bind_ctx *c, const struct ops_tensor *x,
                                     const struct ops_tensor *w, const struct ops_tensor *b,
                                     void **params) {
  const struct ops_tensor *y = out_t(c, 0);
  enum ops_status st;
  int rank = x->shape.rank;
  if (rank < 3) {
    return node_fail(c, OPS_ERR_BAD_INPUT,
                     "input '%s' has rank %d, expected at least 3 (N, C, spatial dims)", x->name,
                     rank);
  }
  if ((st = need_rank(c, w, rank, "M, C/group, kernel dims")) != OPS_OK) return st;
  int ns = rank - 2;
  int64_t group;
  if ((st = ops_node_attr_int(c->node, "group", 1, &group, c->d)) != OPS_OK) return st;
  int64_t channels = x->shape.dims[1], m_out = w->shape.dims[0];
  if (group < 1 || channels % group != 0) {
    return node_fail(c, OPS_ERR_BAD_INPUT,
                     "group %" PRId64 " does not divide the %" PRId64 " input channels", group,
                     channels);
  }
  if (w->shape.dims[1] != channels / group) {
    return node_fail(c, OPS_ERR_BAD_INPUT,
                     "weight '%s' has %" PRId64 " channels per group, expected %" PRId64
                     " (%" PRId64 " input channels / group %" PRId64 ")",
                     w->name, w->shape.dims[1], channels / group, channels, group);
  }
  if (m_out % group != 0) {
    return node_fail(c, OPS_ERR_BAD_INPUT,
                     "group %" PRId64 " does not divide the %" PRId64 " output channels", group,
                     m_out);
  }
  if (b != NULL && (b->shape.rank != 1 || b->shape.dims[0] != m_out)) {
    char s[160];
    return node_fail(c, OPS_ERR_BAD_INPUT, "bias '%s' has shape %s, expected [%" PRId64 "]",
                     b->name, ops_shape_format(&b->shape, s, sizeof s), m_out);
  }

  struct window win = {.spatial = ns};
  for (int s = 0; s < ns; s++)
    win.kernel[s] = w->shape.dims[2 + s];
  const int64_t *ks;
  size_t n_ks;
  if ((st = ops_node_attr_ints(c->node, "kernel_shape", &ks, &n_ks, c->d)) != OPS_OK) return st;
  if (ks != NULL) {
    bool agree = n_ks == (size_t)ns;
    for (int s = 0; agree && s < ns; s++)
      agree = ks[s] == win.kernel[s];
    if (!agree) {
      char s_w[160];
      return node_fail(c, OPS_ERR_BAD_INPUT,
                       "attribute 'kernel_shape' (%zu values) disagrees with weight '%s' %s", n_ks,
                       w->name, ops_shape_format(&w->shape, s_w, sizeof s_w));
    }
  }
  for (int s = 0; s < ns; s++) {
    if (win.kernel[s] < 1 || win.kernel[s] >= ATTR_LIMIT) {
      return node_fail(c, OPS_ERR_BAD_INPUT, "weight '%s' has kernel size %" PRId64 " on dim %d",
                       w->name, win.kernel[s], 2 + s);
    }
  }
  if ((st = need_rank(c, y, rank, "N, M, spatial dims")) != OPS_OK) return st;
  const struct ops_fused_pool *fp = &c->node->fused.pool;
  if (fp->on) {
    /* auto_pad would size the Conv's pads from Y, which is the pool's output here. */
    const char *auto_pad;
    if ((st = ops_node_attr_string(c->node, "auto_pad", "NOTSET", &auto_pad, c->d)) != OPS_OK)
      return st;
    if (ns != 2 || group != 1 || strcmp(auto_pad, "NOTSET") != 0) {
      return node_fail(c, OPS_ERR_UNSUPPORTED,
                       "a fused MaxPool needs a 2-D Conv with group 1 and auto_pad NOTSET");
    }
  }
  if ((st = read_window(c, x, y, true, &win)) != OPS_OK) return st;

  int64_t want[OPS_MAX_RANK] = {x->shape.dims[0], m_out};
  for (int s = 0; s < ns; s++) {
    if (!window_out(&win, s, x->shape.dims[2 + s], false, &want[2 + s])) {
      return node_fail(c, OPS_ERR_BAD_INPUT,
                       "the kernel does not fit spatial dim %d of input '%s' (size %" PRId64
                       " with pads %" PRId64 "+%" PRId64 ")",
                       s, x->name, x->shape.dims[2 + s], win.pads_begin[s], win.pads_end[s]);
    }
  }
  int64_t pooled[OPS_MAX_RANK] = {want[0], want[1]};
  if (fp->on) {
    /* The Conv's output is the fused MaxPool's input; Y is the pool's output. */
    if (!ops_fused_pool_out(fp, &want[2], &pooled[2])) {
      return node_fail(c, OPS_ERR_BAD_INPUT,
                       "the fused MaxPool (kernel %" PRId64 "x%" PRId64
                       ") does not fit the "
                       "Conv's %" PRId64 "x%" PRId64 " output, or its pads are not below it",
                       fp->kernel[0], fp->kernel[1], want[2], want[3]);
    }
  }
  if ((st = expect_dims(c, y, rank, fp->on ? pooled : want)) != OPS_OK) return st;

  struct ops_conv_params *p = new_params(c, sizeof *p, &st);
  if (p == NULL) return st;
  p->spatial = ns;
  p->group = group;
  for (int s = 0; s < ns; s++) {
    p->strides[s] = win.strides[s];
    p->dilations[s] = win.dilations[s];
    p->pads_begin[s] = win.pads_begin[s];
    p->pads_end[s] = win.pads_end[s];
  }
  if (fp->on) {
    p->pool.spatial = 2;
    for (int s = 0; s < 2; s++) {
      p->pool.kernel[s] = fp->kernel[s];
      p->pool.strides[s] = fp->strides[s];
      p->pool.dilations[s] = 1;
      p->pool.pads_begin[s] = fp->pads_begin[s];
      p->pool.pads_end[s] = fp->pads_end[s];
    }
    p->mid.rank = 4;
    for (int i = 0; i < 4; i++)
      p->mid.d[i] = want[i];
  }
  *params = p;
  return OPS_OK;
}

/* The scalar kernel of a Conv with a fused MaxPool writes the whole Conv output to scratch and
 * pools it from there: the reference, not the fast path (kernels/drivers/f32-conv.c bands it). */
static enum ops_status fused_pool_scratch(const struct bind_ctx *c, const void *params,
                                          size_t *bytes) {
  const struct ops_conv_params *p = params;
  size_t n = sizeof(float);
  for (int i = 0; i < p->mid.rank; i++) {
    if (!ops_mul_size(n, (size_t)p->mid.d[i], &n)) {
      return node_fail(c, OPS_ERR_NO_MEMORY,
                       "the Conv's output before its fused MaxPool is "
                       "too large");
    }
  }
  *bytes = n;
  return OPS_OK;
}

static enum ops_status bind_pool(const struct bind_ctx *c, bool average, void **params) {
  const struct ops_tensor *x = in_t(c, 0), *y = out_t(c, 0);
  enum ops_status st;
  st = only_outputs(c, average ? 1 : 2, average ? "the op has one output" : "MaxPool has two");
  if (st != OPS_OK) return st;
  /* MaxPool runs on f32, u8 and i8 (the registry has those kernels), AveragePool on f32. */
  if ((st = need_dtype(c, y, average ? OPS_DTYPE_F32 : x->dtype)) != OPS_OK) return st;
  const struct ops_tensor *indices = average ? NULL : out_t(c, 1);
  if (indices != NULL && (st = need_dtype(c, indices, OPS_DTYPE_I64)) != OPS_OK) return st;
  int64_t storage_order = 0;
  if (!average) {
    st = ops_node_attr_int(c->node, "storage_order", 0, &storage_order, c->d);
    if (st != OPS_OK) return st;
    if (storage_order != 0 && storage_order != 1) {
      return node_fail(c, OPS_ERR_BAD_INPUT,
                       "attribute 'storage_order' is %" PRId64
                       ", expected 0 (row-major) or 1 (column-major)",
                       storage_order);
    }
  }
  int rank = x->shape.rank;
  if (rank < 3) {
    return node_fail(c, OPS_ERR_BAD_INPUT,
                     "input '%s' has rank %d, expected at least 3 (N, C, spatial dims)", x->name,
                     rank);
  }
  if ((st = need_rank(c, y, rank, "N, C, spatial dims")) != OPS_OK) return st;
  int ns = rank - 2;
  struct window win = {.spatial = ns};
  if (ops_node_attr(c->node, "kernel_shape") == NULL) {
    return node_fail(c, OPS_ERR_BAD_INPUT, "attribute 'kernel_shape' is required");
  }
  if ((st = ints_attr(c, "kernel_shape", (size_t)ns, 1, 1, ATTR_LIMIT, win.kernel)) != OPS_OK) {
    return st;
  }
  /* AveragePool has dilations since opset 19; before that the attribute is simply absent. */
  if ((st = read_window(c, x, y, true, &win)) != OPS_OK) return st;
  int64_t ceil_mode = 0, count_include_pad = 0;
  if ((st = ops_node_attr_int(c->node, "ceil_mode", 0, &ceil_mode, c->d)) != OPS_OK) return st;
  if (average) {
    st = ops_node_attr_int(c->node, "count_include_pad", 0, &count_include_pad, c->d);
    if (st != OPS_OK) return st;
  }
  if (y->shape.dims[0] != x->shape.dims[0] || y->shape.dims[1] != x->shape.dims[1]) {
    return node_fail(
        c, OPS_ERR_BAD_INPUT,
        "output '%s' has N, C = %" PRId64 ", %" PRId64 ", expected %" PRId64 ", %" PRId64, y->name,
        y->shape.dims[0], y->shape.dims[1], x->shape.dims[0], x->shape.dims[1]);
  }
  if ((st = check_window_out(c, x, y, &win, ceil_mode != 0)) != OPS_OK) return st;
  if (indices != NULL && (st = expect_same_dims(c, indices, y)) != OPS_OK) return st;

  struct ops_pool_params *p = new_params(c, sizeof *p, &st);
  if (p == NULL) return st;
  p->spatial = ns;
  for (int s = 0; s < ns; s++) {
    p->kernel[s] = win.kernel[s];
    p->strides[s] = win.strides[s];
    p->dilations[s] = win.dilations[s];
    p->pads_begin[s] = win.pads_begin[s];
    p->pads_end[s] = win.pads_end[s];
  }
  p->count_include_pad = count_include_pad != 0;
  p->storage_order_col = storage_order == 1;
  *params = p;
  return OPS_OK;
}

static enum ops_status bind_global_average_pool(const struct bind_ctx *c) {
  const struct ops_tensor *x = in_t(c, 0), *y = out_t(c, 0);
  enum ops_status st;
  if ((st = need_dtype(c, y, OPS_DTYPE_F32)) != OPS_OK) return st;
  if (x->shape.rank < 2) {
    return node_fail(c, OPS_ERR_BAD_INPUT, "input '%s' has rank %d, expected at least 2 (N, C)",
                     x->name, x->shape.rank);
  }
  int64_t want[OPS_MAX_RANK];
  for (int i = 0; i < x->shape.rank; i++)
    want[i] = i < 2 ? x->shape.dims[i] : 1;
  return expect_dims(c, y, x->shape.rank, want);
}

static enum ops_status bind_gemm(const struct bind_ctx *c, void **params) {
  const struct ops_tensor *a = in_t(c, 0), *b, *cc = in_t(c, 2), *y = out_t(c, 0);
  enum ops_status st;
  if ((st = need_in(c, 1, "B", &b)) != OPS_OK) return st;
  if ((st = need_dtype(c, b, OPS_DTYPE_F32)) != OPS_OK) return st;
  if (cc != NULL && (st = need_dtype(c, cc, OPS_DTYPE_F32)) != OPS_OK) return st;
  if ((st = need_dtype(c, y, OPS_DTYPE_F32)) != OPS_OK) return st;
  if ((st = need_rank(c, a, 2, "a matrix")) != OPS_OK) return st;
  if ((st = need_rank(c, b, 2, "a matrix")) != OPS_OK) return st;
  int64_t trans_a, trans_b;
  float alpha, beta;
  if ((st = ops_node_attr_int(c->node, "transA", 0, &trans_a, c->d)) != OPS_OK) return st;
  if ((st = ops_node_attr_int(c->node, "transB", 0, &trans_b, c->d)) != OPS_OK) return st;
  if ((st = ops_node_attr_float(c->node, "alpha", 1.0f, &alpha, c->d)) != OPS_OK) return st;
  if ((st = ops_node_attr_float(c->node, "beta", 1.0f, &beta, c->d)) != OPS_OK) return st;
  int64_t m = trans_a ? a->shape.dims[1] : a->shape.dims[0];
  int64_t k = trans_a ? a->shape.dims[0] : a->shape.dims[1];
  int64_t kb = trans_b ? b->shape.dims[1] : b->shape.dims[0];
  int64_t n = trans_b ? b->shape.dims[0] : b->shape.dims[1];
  if (k != kb) {
    return node_fail(c, OPS_ERR_BAD_INPUT,
                     "inner dims differ: A' is [%" PRId64 ", %" PRId64 "], B' is [%" PRId64
                     ", %" PRId64 "]",
                     m, k, kb, n);
  }
  if (cc != NULL) {
    /* Unidirectional broadcast to [M, N]: C's dims, aligned right, are 1 or equal. */
    const struct ops_shape *cs = &cc->shape;
    bool ok = cs->rank <= 2;
    if (ok && cs->rank >= 1) ok = cs->dims[cs->rank - 1] == 1 || cs->dims[cs->rank - 1] == n;
    if (ok && cs->rank == 2) ok = cs->dims[0] == 1 || cs->dims[0] == m;
    if (!ok) {
      char s[160];
      return node_fail(c, OPS_ERR_BAD_INPUT,
                       "input C '%s' of shape %s cannot be broadcast to [%" PRId64 ", %" PRId64 "]",
                       cc->name, ops_shape_format(cs, s, sizeof s), m, n);
    }
  }
  int64_t want[2] = {m, n};
  if ((st = expect_dims(c, y, 2, want)) != OPS_OK) return st;

  struct ops_gemm_params *p = new_params(c, sizeof *p, &st);
  if (p == NULL) return st;
  p->trans_a = trans_a != 0;
  p->trans_b = trans_b != 0;
  p->alpha = alpha;
  p->beta = beta;
  p->act = kact_of(c->node);
  *params = p;
  return OPS_OK;
}

/* Broadcasts the dims of `a` and `b` (numpy, right-aligned) into out; false on a mismatch. */
static bool broadcast(const int64_t *a, int ra, const int64_t *b, int rb, int64_t *out, int *rank) {
  int r = ra > rb ? ra : rb;
  for (int i = 0; i < r; i++) {
    int ia = i - (r - ra), ib = i - (r - rb);
    int64_t da = ia >= 0 ? a[ia] : 1, db = ib >= 0 ? b[ib] : 1;
    if (da != db && da != 1 && db != 1) return false;
    out[i] = da == 1 ? db : da;
  }
  *rank = r;
  return true;
}

static enum ops_status bind_matmul(const struct bind_ctx *c) {
  const struct ops_tensor *a = in_t(c, 0), *b, *y = out_t(c, 0);
  enum ops_status st;
  if ((st = need_in(c, 1, "B", &b)) != OPS_OK) return st;
  if ((st = need_dtype(c, b, a->dtype)) != OPS_OK) return st;
  if ((st = need_dtype(c, y, a->dtype)) != OPS_OK) return st;
  int ra = a->shape.rank, rb = b->shape.rank;
  if (ra < 1 || rb < 1) {
    return node_fail(c, OPS_ERR_BAD_INPUT, "MatMul operands need rank >= 1, got %d and %d", ra, rb);
  }
  int64_t k = a->shape.dims[ra - 1];
  int64_t kb = rb == 1 ? b->shape.dims[0] : b->shape.dims[rb - 2];
  if (k != kb) {
    char sa[160], sb[160];
    return node_fail(c, OPS_ERR_BAD_INPUT, "inner dims differ: A %s, B %s",
                     ops_shape_format(&a->shape, sa, sizeof sa),
                     ops_shape_format(&b->shape, sb, sizeof sb));
  }
  int64_t want[OPS_MAX_RANK + 2];
  int r;
  if (!broadcast(a->shape.dims, ra > 2 ? ra - 2 : 0, b->shape.dims, rb > 2 ? rb - 2 : 0, want,
                 &r)) {
    char sa[160], sb[160];
    return node_fail(c, OPS_ERR_BAD_INPUT, "cannot broadcast the batch dims of A %s and B %s",
                     ops_shape_format(&a->shape, sa, sizeof sa),
                     ops_shape_format(&b->shape, sb, sizeof sb));
  }
  if (ra >= 2) want[r++] = a->shape.dims[ra - 2];
  if (rb >= 2) want[r++] = b->shape.dims[rb - 1];
  if (r > OPS_MAX_RANK) {
    return node_fail(c, OPS_ERR_UNSUPPORTED, "the output would have rank %d", r);
  }
  return expect_dims(c, y, r, want);
}

static enum ops_status bind_binary(const struct bind_ctx *c) {
  const struct ops_tensor *a = in_t(c, 0), *b, *y = out_t(c, 0);
  enum ops_status st;
  if ((st = need_in(c, 1, "B", &b)) != OPS_OK) return st;
  if (c->node->op == OPS_OP_POW) {
    /* Opset 15 allows an exponent of any numeric type; the kernels read every one. */
    if (b->dtype == OPS_DTYPE_BOOL) {
      return node_fail(c, OPS_ERR_BAD_INPUT, "exponent '%s' is bool, expected a numeric type",
                       b->name);
    }
  } else if ((st = need_dtype(c, b, a->dtype)) != OPS_OK) {
    return st;
  }
  if ((st = need_dtype(c, y, a->dtype)) != OPS_OK) return st;
  int64_t want[OPS_MAX_RANK];
  int r;
  if (!broadcast(a->shape.dims, a->shape.rank, b->shape.dims, b->shape.rank, want, &r)) {
    char sa[160], sb[160];
    return node_fail(c, OPS_ERR_BAD_INPUT, "cannot broadcast input 0 %s with input 1 %s",
                     ops_shape_format(&a->shape, sa, sizeof sa),
                     ops_shape_format(&b->shape, sb, sizeof sb));
  }
  return expect_dims(c, y, r, want);
}

static enum ops_status bind_unary(const struct bind_ctx *c) {
  const struct ops_tensor *x = in_t(c, 0), *y = out_t(c, 0);
  enum ops_status st;
  if ((st = need_dtype(c, y, x->dtype)) != OPS_OK) return st;
  return expect_same_dims(c, y, x);
}

/* ---- elementwise ops beyond Add..Pow (kernels/scalar/{variadic,compare,logic,mod}.c,
 * f32-activation.c) ---- */

/* Inputs a variadic op (Min, Max, Sum, Mean) may have; shape inference refuses more too. */
#define MAX_VARIADIC 64

/* The f32 activations' attributes, with the spec's defaults. */
static enum ops_status bind_activation(const struct bind_ctx *c, void **params) {
  enum ops_status st = bind_unary(c);
  if (st != OPS_OK) return st;
  struct ops_activation_params v = {.alpha = 0.0f, .beta = 0.0f, .gamma = 0.0f};
  const struct ops_node *n = c->node;
  switch (n->op) {
    case OPS_OP_LEAKY_RELU:
      st = ops_node_attr_float(n, "alpha", 0.01f, &v.alpha, c->d);
      break;
    case OPS_OP_ELU:
    case OPS_OP_CELU:
    case OPS_OP_THRESHOLDED_RELU:
      st = ops_node_attr_float(n, "alpha", 1.0f, &v.alpha, c->d);
      if (st == OPS_OK && n->op == OPS_OP_CELU && v.alpha == 0.0f) {
        return node_fail(c, OPS_ERR_BAD_INPUT, "attribute 'alpha' is 0, which Celu divides by");
      }
      break;
    case OPS_OP_SELU:
      st = ops_node_attr_float(n, "alpha", 1.67326319217681884765625f, &v.alpha, c->d);
      if (st == OPS_OK)
        st = ops_node_attr_float(n, "gamma", 1.05070102214813232421875f, &v.gamma, c->d);
      break;
    case OPS_OP_HARD_SIGMOID:
      st = ops_node_attr_float(n, "alpha", 0.2f, &v.alpha, c->d);
      if (st == OPS_OK) st = ops_node_attr_float(n, "beta", 0.5f, &v.beta, c->d);
      break;
    case OPS_OP_HARD_SWISH:
      v.alpha = 1.0f / 6.0f;
      v.beta = 0.5f;
      break;
    case OPS_OP_SHRINK:
      st = ops_node_attr_float(n, "lambd", 0.5f, &v.alpha, c->d);
      if (st == OPS_OK) st = ops_node_attr_float(n, "bias", 0.0f, &v.beta, c->d);
      break;
    case OPS_OP_GELU: {
      const char *approx;
      st = ops_node_attr_string(n, "approximate", "none", &approx, c->d);
      if (st != OPS_OK) return st;
      v.tanh_approx = strcmp(approx, "tanh") == 0;
      if (!v.tanh_approx && strcmp(approx, "none") != 0) {
        return node_fail(c, OPS_ERR_BAD_INPUT, "attribute 'approximate' is '%s', not none or tanh",
                         approx);
      }
      break;
    }
    default: /* Softplus, Softsign: no attributes */
      break;
  }
  if (st != OPS_OK) return st;
  struct ops_activation_params *p = new_params(c, sizeof *p, &st);
  if (p == NULL) return st;
  *p = v;
  *params = p;
  return OPS_OK;
}

/* IsNaN, IsInf, Not: a bool output of X's dims. */
static enum ops_status bind_predicate(const struct bind_ctx *c, void **params) {
  const struct ops_tensor *x = in_t(c, 0), *y = out_t(c, 0);
  enum ops_status st;
  if (c->node->op == OPS_OP_NOT && (st = need_dtype(c, x, OPS_DTYPE_BOOL)) != OPS_OK) return st;
  if ((st = need_dtype(c, y, OPS_DTYPE_BOOL)) != OPS_OK) return st;
  if ((st = expect_same_dims(c, y, x)) != OPS_OK) return st;
  if (c->node->op != OPS_OP_IS_INF) return OPS_OK;
  int64_t pos, neg;
  if ((st = ops_node_attr_int(c->node, "detect_positive", 1, &pos, c->d)) != OPS_OK) return st;
  if ((st = ops_node_attr_int(c->node, "detect_negative", 1, &neg, c->d)) != OPS_OK) return st;
  struct ops_isinf_params *p = new_params(c, sizeof *p, &st);
  if (p == NULL) return st;
  p->detect_positive = pos != 0;
  p->detect_negative = neg != 0;
  *params = p;
  return OPS_OK;
}

/* PRelu: the slope has X's dtype and broadcasts to X (unidirectionally); Y is X's shape. */
static enum ops_status bind_prelu(const struct bind_ctx *c) {
  const struct ops_tensor *x = in_t(c, 0), *slope, *y = out_t(c, 0);
  enum ops_status st;
  if ((st = need_in(c, 1, "slope", &slope)) != OPS_OK) return st;
  if ((st = need_dtype(c, slope, x->dtype)) != OPS_OK) return st;
  if ((st = need_dtype(c, y, x->dtype)) != OPS_OK) return st;
  int64_t dims[OPS_MAX_RANK];
  int r;
  if (!broadcast(x->shape.dims, x->shape.rank, slope->shape.dims, slope->shape.rank, dims, &r) ||
      r != x->shape.rank || memcmp(dims, x->shape.dims, (size_t)r * sizeof *dims) != 0) {
    char sx[160], ss[160];
    return node_fail(c, OPS_ERR_BAD_INPUT, "slope %s does not broadcast to X %s",
                     ops_shape_format(&slope->shape, ss, sizeof ss),
                     ops_shape_format(&x->shape, sx, sizeof sx));
  }
  return expect_same_dims(c, y, x);
}

/* Mod, BitShift, And, Or, Xor, the comparisons, Min, Max, Sum, Mean and Where: every input
 * present, the value inputs of one dtype (Where's condition bool), the output their broadcast. */
static enum ops_status bind_broadcast(const struct bind_ctx *c, void **params) {
  enum ops_op op = c->node->op;
  bool variadic = op == OPS_OP_MIN || op == OPS_OP_MAX || op == OPS_OP_SUM || op == OPS_OP_MEAN;
  int n = c->node->n_inputs;
  int want_n = op == OPS_OP_WHERE ? 3 : 2;
  if (variadic ? n > MAX_VARIADIC : n != want_n) {
    return node_fail(c, OPS_ERR_BAD_INPUT, "has %d inputs, expected %s %d", n,
                     variadic ? "at most" : "exactly", variadic ? MAX_VARIADIC : want_n);
  }
  const struct ops_tensor *y = out_t(c, 0), *t;
  enum ops_status st;
  int first = op == OPS_OP_WHERE ? 1 : 0;
  if (op == OPS_OP_WHERE && (st = need_dtype(c, in_t(c, 0), OPS_DTYPE_BOOL)) != OPS_OK) return st;
  enum ops_dtype dtype = OPS_DTYPE_UNDEFINED;
  int64_t dims[OPS_MAX_RANK];
  int rank = 0;
  for (int i = 0; i < n; i++) {
    if ((st = need_in(c, i, "operand", &t)) != OPS_OK) return st;
    if (i == first) dtype = t->dtype;
    if (i > first && (st = need_dtype(c, t, dtype)) != OPS_OK) return st;
    int64_t next[OPS_MAX_RANK];
    int r;
    if (!broadcast(dims, rank, t->shape.dims, t->shape.rank, next, &r)) {
      char s[160];
      return node_fail(c, OPS_ERR_BAD_INPUT,
                       "input %d %s does not broadcast with the inputs before it", i,
                       ops_shape_format(&t->shape, s, sizeof s));
    }
    memcpy(dims, next, (size_t)r * sizeof *dims);
    rank = r;
  }
  bool to_bool = op == OPS_OP_AND || op == OPS_OP_OR || op == OPS_OP_XOR || op == OPS_OP_EQUAL ||
                 op == OPS_OP_GREATER || op == OPS_OP_LESS || op == OPS_OP_GREATER_OR_EQUAL ||
                 op == OPS_OP_LESS_OR_EQUAL;
  if ((st = need_dtype(c, y, to_bool ? OPS_DTYPE_BOOL : dtype)) != OPS_OK) return st;
  if ((st = expect_dims(c, y, rank, dims)) != OPS_OK) return st;

  if (op == OPS_OP_MOD) {
    int64_t fmod_attr;
    if ((st = ops_node_attr_int(c->node, "fmod", 0, &fmod_attr, c->d)) != OPS_OK) return st;
    if (fmod_attr != 0 && fmod_attr != 1) {
      return node_fail(c, OPS_ERR_BAD_INPUT, "attribute 'fmod' is %" PRId64 ", expected 0 or 1",
                       fmod_attr);
    }
    if (fmod_attr == 0 && ops_dtype_is_float(dtype)) {
      return node_fail(c, OPS_ERR_BAD_INPUT, "fmod=0 on %s inputs; float Mod needs fmod=1",
                       ops_dtype_name(dtype));
    }
    struct ops_mod_params *p = new_params(c, sizeof *p, &st);
    if (p == NULL) return st;
    p->fmod = fmod_attr != 0;
    *params = p;
  } else if (op == OPS_OP_BIT_SHIFT) {
    const char *dir;
    if (ops_node_attr(c->node, "direction") == NULL) {
      return node_fail(c, OPS_ERR_BAD_INPUT, "attribute 'direction' is required");
    }
    if ((st = ops_node_attr_string(c->node, "direction", "", &dir, c->d)) != OPS_OK) return st;
    bool left = strcmp(dir, "LEFT") == 0;
    if (!left && strcmp(dir, "RIGHT") != 0) {
      return node_fail(c, OPS_ERR_BAD_INPUT, "attribute 'direction' is '%s', not LEFT or RIGHT",
                       dir);
    }
    struct ops_bitshift_params *p = new_params(c, sizeof *p, &st);
    if (p == NULL) return st;
    p->left = left;
    *params = p;
  }
  return OPS_OK;
}

/* Clip bounds as inputs (opset 11+) must hold one value of X's dtype (the spec says rank 0;
 * exporters also write [1]); as attributes (opset 6) they
 * default to the f32 range, and when neither is given there is no bound. */
static enum ops_status bind_clip(const struct bind_ctx *c, void **params) {
  enum ops_status st = bind_unary(c);
  if (st != OPS_OK) return st;
  for (int i = 1; i <= 2; i++) {
    const struct ops_tensor *t = in_t(c, i);
    if (t == NULL) continue;
    if ((st = need_dtype(c, t, in_t(c, 0)->dtype)) != OPS_OK) return st;
    int64_t n;
    if (!ops_tensor_numel(t, &n) || n != 1) {
      char s[160];
      return node_fail(c, OPS_ERR_BAD_INPUT, "bound '%s' has shape %s, expected a scalar", t->name,
                       ops_shape_format(&t->shape, s, sizeof s));
    }
  }
  bool attr_form = opset_before(c, 11);
  /* The integer kernels (kernels/scalar/int-clip.c) take their bounds from inputs only. */
  if (in_t(c, 0)->dtype != OPS_DTYPE_F32 &&
      (ops_node_attr(c->node, "min") != NULL || ops_node_attr(c->node, "max") != NULL)) {
    return node_fail(c, OPS_ERR_UNSUPPORTED,
                     "bounds as attributes 'min'/'max' (opset 6) are float-only, input 0 is %s",
                     ops_dtype_name(in_t(c, 0)->dtype));
  }
  float lo, hi;
  st = ops_node_attr_float(c->node, "min", attr_form ? -FLT_MAX : -INFINITY, &lo, c->d);
  if (st != OPS_OK) return st;
  st = ops_node_attr_float(c->node, "max", attr_form ? FLT_MAX : INFINITY, &hi, c->d);
  if (st != OPS_OK) return st;
  struct ops_clip_params *p = new_params(c, sizeof *p, &st);
  if (p == NULL) return st;
  p->min = lo;
  p->max = hi;
  *params = p;
  return OPS_OK;
}

static enum ops_status bind_batchnorm(const struct bind_ctx *c, void **params) {
  const struct ops_tensor *x = in_t(c, 0), *y = out_t(c, 0);
  enum ops_status st;
  if ((st = only_outputs(c, 1, "training-mode statistics")) != OPS_OK) return st;
  int64_t training = 0, spatial = 1;
  if ((st = ops_node_attr_int(c->node, "training_mode", 0, &training, c->d)) != OPS_OK) return st;
  if ((st = ops_node_attr_int(c->node, "spatial", 1, &spatial, c->d)) != OPS_OK) return st;
  if (training != 0) {
    return node_fail(c, OPS_ERR_UNSUPPORTED, "training_mode 1 is not supported (inference only)");
  }
  if (spatial == 0) {
    return node_fail(c, OPS_ERR_UNSUPPORTED, "spatial 0 (per-element statistics) is not supported");
  }
  if (x->shape.rank < 1) {
    return node_fail(c, OPS_ERR_BAD_INPUT, "input '%s' is a scalar, expected [N, C, ...]", x->name);
  }
  int64_t channels = x->shape.rank >= 2 ? x->shape.dims[1] : x->shape.dims[0];
  static const char *const roles[] = {"X", "scale", "B", "input_mean", "input_var"};
  for (int i = 1; i < 5; i++) {
    const struct ops_tensor *t;
    if ((st = need_in(c, i, roles[i], &t)) != OPS_OK) return st;
    if (t->dtype != OPS_DTYPE_F32) {
      /* Opset 15 lets the statistics differ from X in dtype; this kernel takes f32 only. */
      return node_fail(c, OPS_ERR_UNSUPPORTED, "%s '%s' is %s; the scalar kernel takes f32",
                       roles[i], t->name, ops_dtype_name(t->dtype));
    }
    if (t->shape.rank != 1 || t->shape.dims[0] != channels) {
      char s[160];
      return node_fail(c, OPS_ERR_BAD_INPUT, "%s '%s' has shape %s, expected [%" PRId64 "]",
                       roles[i], t->name, ops_shape_format(&t->shape, s, sizeof s), channels);
    }
  }
  if ((st = need_dtype(c, y, OPS_DTYPE_F32)) != OPS_OK) return st;
  if ((st = expect_same_dims(c, y, x)) != OPS_OK) return st;
  float epsilon;
  if ((st = ops_node_attr_float(c->node, "epsilon", 1e-5f, &epsilon, c->d)) != OPS_OK) return st;
  struct ops_batchnorm_params *p = new_params(c, sizeof *p, &st);
  if (p == NULL) return st;
  p->epsilon = epsilon;
  *params = p;
  return OPS_OK;
}

static enum ops_status bind_softmax(const struct bind_ctx *c, void **params) {
  const struct ops_tensor *x = in_t(c, 0);
  enum ops_status st = bind_unary(c);
  if (st != OPS_OK) return st;
  if (x->shape.rank < 1) {
    return node_fail(c, OPS_ERR_BAD_INPUT, "input '%s' is a scalar; the op needs an axis", x->name);
  }
  bool coerce = opset_before(c, 13);
  int64_t axis;
  if ((st = ops_node_attr_int(c->node, "axis", coerce ? 1 : -1, &axis, c->d)) != OPS_OK) {
    return st;
  }
  int a = 0;
  if ((st = norm_axis(c, axis, x->shape.rank, "axis", &a)) != OPS_OK) return st;
  struct ops_softmax_params *p = new_params(c, sizeof *p, &st);
  if (p == NULL) return st;
  p->axis = a;
  p->coerce_2d = coerce;
  *params = p;
  return OPS_OK;
}

static enum ops_status bind_transpose(const struct bind_ctx *c, void **params) {
  const struct ops_tensor *x = in_t(c, 0), *y = out_t(c, 0);
  enum ops_status st;
  if ((st = need_dtype(c, y, x->dtype)) != OPS_OK) return st;
  int rank = x->shape.rank;
  int64_t perm[OPS_KMAX_RANK];
  const int64_t *v;
  size_t n;
  if ((st = ops_node_attr_ints(c->node, "perm", &v, &n, c->d)) != OPS_OK) return st;
  if (v == NULL) {
    for (int i = 0; i < rank; i++)
      perm[i] = rank - 1 - i;
  } else if ((st = ints_attr(c, "perm", (size_t)rank, 0, 0, rank, perm)) != OPS_OK) {
    return st;
  }
  uint32_t seen = 0;
  int64_t want[OPS_MAX_RANK];
  for (int i = 0; i < rank; i++) {
    if (seen & (1u << perm[i])) {
      return node_fail(c, OPS_ERR_BAD_INPUT, "attribute 'perm' lists dim %" PRId64 " twice",
                       perm[i]);
    }
    seen |= 1u << perm[i];
    want[i] = x->shape.dims[perm[i]];
  }
  if ((st = expect_dims(c, y, rank, want)) != OPS_OK) return st;
  struct ops_transpose_params *p = new_params(c, sizeof *p, &st);
  if (p == NULL) return st;
  for (int i = 0; i < rank; i++)
    p->perm[i] = (int)perm[i];
  *params = p;
  return OPS_OK;
}

static enum ops_status bind_concat(const struct bind_ctx *c, void **params) {
  const struct ops_tensor *y = out_t(c, 0);
  enum ops_status st;
  int rank = y->shape.rank;
  if (ops_node_attr(c->node, "axis") == NULL) {
    return node_fail(c, OPS_ERR_BAD_INPUT, "attribute 'axis' is required");
  }
  int64_t axis;
  if ((st = ops_node_attr_int(c->node, "axis", 0, &axis, c->d)) != OPS_OK) return st;
  if (rank < 1) return node_fail(c, OPS_ERR_BAD_INPUT, "cannot concatenate scalars");
  int a = 0;
  if ((st = norm_axis(c, axis, rank, "axis", &a)) != OPS_OK) return st;
  if (c->node->n_inputs < 1) return node_fail(c, OPS_ERR_BAD_INPUT, "no inputs to concatenate");
  int64_t total = 0;
  for (int i = 0; i < c->node->n_inputs; i++) {
    const struct ops_tensor *t;
    if ((st = need_in(c, i, "a part", &t)) != OPS_OK) return st;
    if ((st = need_dtype(c, t, y->dtype)) != OPS_OK) return st;
    bool ok = t->shape.rank == rank;
    for (int k = 0; ok && k < rank; k++)
      ok = k == a || t->shape.dims[k] == y->shape.dims[k];
    if (!ok) {
      char st_s[160], sy[160];
      return node_fail(c, OPS_ERR_BAD_INPUT,
                       "input %d '%s' %s does not match output %s off axis %d", i, t->name,
                       ops_shape_format(&t->shape, st_s, sizeof st_s),
                       ops_shape_format(&y->shape, sy, sizeof sy), a);
    }
    if (__builtin_add_overflow(total, t->shape.dims[a], &total)) {
      return node_fail(c, OPS_ERR_BAD_INPUT, "the inputs' sizes along axis %d overflow", a);
    }
  }
  if (total != y->shape.dims[a]) {
    return node_fail(c, OPS_ERR_BAD_INPUT,
                     "inputs add up to %" PRId64 " along axis %d, output '%s' has %" PRId64, total,
                     a, y->name, y->shape.dims[a]);
  }
  struct ops_concat_params *p = new_params(c, sizeof *p, &st);
  if (p == NULL) return st;
  p->axis = a;
  *params = p;
  return OPS_OK;
}

static enum ops_status bind_gather(const struct bind_ctx *c, void **params) {
  const struct ops_tensor *x = in_t(c, 0), *idx, *y = out_t(c, 0);
  enum ops_status st;
  if ((st = need_in(c, 1, "indices", &idx)) != OPS_OK) return st;
  if (idx->dtype != OPS_DTYPE_I32 && idx->dtype != OPS_DTYPE_I64) {
    return node_fail(c, OPS_ERR_BAD_INPUT, "indices '%s' are %s, expected i32 or i64", idx->name,
                     ops_dtype_name(idx->dtype));
  }
  if ((st = need_dtype(c, y, x->dtype)) != OPS_OK) return st;
  int rank = x->shape.rank;
  if (rank < 1) return node_fail(c, OPS_ERR_BAD_INPUT, "data '%s' is a scalar", x->name);
  int64_t axis;
  if ((st = ops_node_attr_int(c->node, "axis", 0, &axis, c->d)) != OPS_OK) return st;
  int a = 0;
  if ((st = norm_axis(c, axis, rank, "axis", &a)) != OPS_OK) return st;
  int r = rank - 1 + idx->shape.rank;
  if (r > OPS_KMAX_RANK) {
    return node_fail(c, OPS_ERR_UNSUPPORTED, "the output would have rank %d", r);
  }
  int64_t want[OPS_MAX_RANK];
  int k = 0;
  for (int i = 0; i < a; i++)
    want[k++] = x->shape.dims[i];
  for (int i = 0; i < idx->shape.rank; i++)
    want[k++] = idx->shape.dims[i];
  for (int i = a + 1; i < rank; i++)
    want[k++] = x->shape.dims[i];
  if ((st = expect_dims(c, y, r, want)) != OPS_OK) return st;
  /* Constant indices are checked now, for a message with the value; the kernel checks them
   * again at run time either way. */
  int64_t n, len = x->shape.dims[a];
  if (idx->data != NULL && ops_tensor_numel(idx, &n)) {
    for (int64_t i = 0; i < n; i++) {
      int64_t v;
      if (ops_tensor_get_int(idx, i, &v) && (v < -len || v >= len)) {
        return node_fail(c, OPS_ERR_BAD_INPUT,
                         "index %" PRId64 " is out of range for axis %d of size %" PRId64, v, a,
                         len);
      }
    }
  }
  struct ops_gather_params *p = new_params(c, sizeof *p, &st);
  if (p == NULL) return st;
  p->axis = a;
  *params = p;
  return OPS_OK;
}

static int64_t clamp64(int64_t v, int64_t lo, int64_t hi) {
  return v < lo ? lo : v > hi ? hi : v;
}

/* Resolves one sliced axis of size `dim` as the ONNX spec does: negative starts and ends count
 * from the end, then clamp to [0, dim] for a positive step and [-1, dim - 1] (start to
 * [0, dim - 1]) for a negative one. Returns the element count. */
static int64_t slice_axis(int64_t dim, int64_t start, int64_t end, int64_t step, int64_t *first) {
  if (start < 0) start += dim; /* no overflow: start < 0 <= dim */
  if (end < 0) end += dim;
  if (dim == 0) {
    *first = 0;
    return 0;
  }
  /* After clamping, the distance is at most dim + 1, so only the step can be huge: divide
   * rather than round up by adding it. */
  int64_t dist, stride = step > 0 ? step : -step;
  if (step > 0) {
    start = clamp64(start, 0, dim);
    end = clamp64(end, 0, dim);
    dist = end - start;
  } else {
    start = clamp64(start, 0, dim - 1);
    end = clamp64(end, -1, dim - 1);
    dist = start - end;
  }
  int64_t count = dist > 0 ? dist / stride + (dist % stride != 0) : 0;
  *first = count > 0 ? start : 0;
  return count;
}

static enum ops_status bind_slice(const struct bind_ctx *c, void **params) {
  const struct ops_tensor *x = in_t(c, 0), *y = out_t(c, 0);
  enum ops_status st;
  if ((st = need_dtype(c, y, x->dtype)) != OPS_OK) return st;
  int rank = x->shape.rank;
  int64_t starts[OPS_KMAX_RANK], ends[OPS_KMAX_RANK], axes[OPS_KMAX_RANK], steps[OPS_KMAX_RANK];
  size_t n = 0, n_ends = 0, n_axes = 0, n_steps = 0;
  bool have_axes = false, have_steps = false;
  if (c->node->n_inputs > 1) {
    /* Opset 10+: starts, ends, axes, steps are inputs, which must be constants here. */
    const struct ops_tensor *t;
    if ((st = need_in(c, 1, "starts", &t)) != OPS_OK) return st;
    if ((st = const_ints(c, t, "starts", starts, OPS_KMAX_RANK, &n)) != OPS_OK) return st;
    if ((st = need_in(c, 2, "ends", &t)) != OPS_OK) return st;
    if ((st = const_ints(c, t, "ends", ends, OPS_KMAX_RANK, &n_ends)) != OPS_OK) return st;
    if ((t = in_t(c, 3)) != NULL) {
      have_axes = true;
      if ((st = const_ints(c, t, "axes", axes, OPS_KMAX_RANK, &n_axes)) != OPS_OK) return st;
    }
    if ((t = in_t(c, 4)) != NULL) {
      have_steps = true;
      if ((st = const_ints(c, t, "steps", steps, OPS_KMAX_RANK, &n_steps)) != OPS_OK) return st;
    }
  } else {
    /* Before opset 10: starts, ends and axes are attributes, and every step is 1. */
    const int64_t *v;
    size_t cnt;
    const char *names[3] = {"starts", "ends", "axes"};
    int64_t *dst[3] = {starts, ends, axes};
    size_t *cnt_out[3] = {&n, &n_ends, &n_axes};
    for (int i = 0; i < 3; i++) {
      if ((st = ops_node_attr_ints(c->node, names[i], &v, &cnt, c->d)) != OPS_OK) return st;
      if (v == NULL && i < 2) {
        return node_fail(c, OPS_ERR_BAD_INPUT, "attribute '%s' is required", names[i]);
      }
      if (v == NULL) continue;
      if (cnt > OPS_KMAX_RANK) {
        return node_fail(c, OPS_ERR_BAD_INPUT, "attribute '%s' has %zu values for rank %d",
                         names[i], cnt, rank);
      }
      memcpy(dst[i], v, cnt * sizeof *v);
      *cnt_out[i] = cnt;
      if (i == 2) have_axes = true;
    }
  }
  if (n_ends != n || (have_axes && n_axes != n) || (have_steps && n_steps != n)) {
    return node_fail(c, OPS_ERR_BAD_INPUT,
                     "starts, ends, axes and steps have different lengths (%zu, %zu, %zu, %zu)", n,
                     n_ends, have_axes ? n_axes : n, have_steps ? n_steps : n);
  }
  if (n > (size_t)rank) {
    return node_fail(c, OPS_ERR_BAD_INPUT, "%zu axes are sliced, but the input has rank %d", n,
                     rank);
  }

  struct ops_slice_params resolved;
  int64_t want[OPS_MAX_RANK];
  for (int i = 0; i < rank; i++) {
    resolved.start[i] = 0;
    resolved.step[i] = 1;
    want[i] = x->shape.dims[i];
  }
  uint32_t seen = 0;
  for (size_t i = 0; i < n; i++) {
    int a = (int)i;
    if (have_axes && (st = norm_axis(c, axes[i], rank, "axis", &a)) != OPS_OK) return st;
    if (seen & (1u << a)) return node_fail(c, OPS_ERR_BAD_INPUT, "axis %d is sliced twice", a);
    seen |= 1u << a;
    int64_t step = have_steps ? steps[i] : 1;
    if (step == 0) return node_fail(c, OPS_ERR_BAD_INPUT, "step 0 on axis %d", a);
    /* INT64_MIN as a step has no positive counterpart; such a step reads one element anyway. */
    if (step == INT64_MIN) step = -INT64_MAX;
    want[a] = slice_axis(x->shape.dims[a], starts[i], ends[i], step, &resolved.start[a]);
    resolved.step[a] = step;
  }
  if ((st = expect_dims(c, y, rank, want)) != OPS_OK) return st;
  /* A one-element axis never takes a step, and a huge step would overflow the kernel's stride
   * arithmetic. */
  for (int i = 0; i < rank; i++) {
    if (want[i] <= 1) resolved.step[i] = 1;
  }
  struct ops_slice_params *p = new_params(c, sizeof *p, &st);
  if (p == NULL) return st;
  *p = resolved;
  *params = p;
  return OPS_OK;
}

/* Every pair of the dtypes check_tensors lets through (all but string) is castable. */
static enum ops_status bind_cast(const struct bind_ctx *c) {
  const struct ops_tensor *x = in_t(c, 0), *y = out_t(c, 0);
  enum ops_status st;
  int64_t to;
  if (ops_node_attr(c->node, "to") == NULL) {
    return node_fail(c, OPS_ERR_BAD_INPUT, "attribute 'to' is required");
  }
  if ((st = ops_node_attr_int(c->node, "to", 0, &to, c->d)) != OPS_OK) return st;
  if (to != (int64_t)y->dtype) {
    return node_fail(c, OPS_ERR_BAD_INPUT, "attribute 'to' is %" PRId64 " but output '%s' is %s",
                     to, y->name, ops_dtype_name(y->dtype));
  }
  return expect_same_dims(c, y, x);
}

/* Reshape, Flatten, Squeeze, Unsqueeze, Identity, Dropout: same dtype and element count. */
static enum ops_status bind_copy(const struct bind_ctx *c) {
  const struct ops_tensor *x = in_t(c, 0), *y = out_t(c, 0);
  enum ops_status st;
  if ((st = need_dtype(c, y, x->dtype)) != OPS_OK) return st;
  int64_t nx, ny;
  if (!ops_tensor_numel(x, &nx) || !ops_tensor_numel(y, &ny) || nx != ny) {
    char sx[160], sy[160];
    return node_fail(c, OPS_ERR_BAD_INPUT, "input %s and output %s hold different element counts",
                     ops_shape_format(&x->shape, sx, sizeof sx),
                     ops_shape_format(&y->shape, sy, sizeof sy));
  }
  if (c->node->op != OPS_OP_DROPOUT) return OPS_OK;

  const struct ops_tensor *mask = out_t(c, 1), *training = in_t(c, 2);
  if ((st = only_outputs(c, 2, "Dropout has two outputs")) != OPS_OK) return st;
  if (mask != NULL) {
    /* The mask is bool since opset 10; before that it has the data's dtype. */
    if ((st = need_dtype(c, mask, opset_before(c, 10) ? x->dtype : OPS_DTYPE_BOOL)) != OPS_OK) {
      return st;
    }
    if ((st = expect_same_dims(c, mask, x)) != OPS_OK) return st;
  }
  if (training != NULL) {
    int64_t v;
    if (training->data == NULL || !ops_tensor_get_int(training, 0, &v)) {
      return node_fail(c, OPS_ERR_UNSUPPORTED, "training_mode '%s' is not a constant",
                       training->name);
    }
    if (v != 0) {
      return node_fail(c, OPS_ERR_UNSUPPORTED,
                       "training_mode is true; only inference Dropout is supported");
    }
  }
  return OPS_OK;
}

static enum ops_status bind_shape(const struct bind_ctx *c, void **params) {
  const struct ops_tensor *x = in_t(c, 0), *y = out_t(c, 0);
  enum ops_status st;
  if ((st = need_dtype(c, y, OPS_DTYPE_I64)) != OPS_OK) return st;
  int rank = x->shape.rank;
  int64_t start, end;
  if ((st = ops_node_attr_int(c->node, "start", 0, &start, c->d)) != OPS_OK) return st;
  if ((st = ops_node_attr_int(c->node, "end", rank, &end, c->d)) != OPS_OK) return st;
  /* Negative values count from the end; then both clamp to [0, rank] (opset 15). */
  if (start < 0) start = start < -(int64_t)rank ? 0 : start + rank;
  if (end < 0) end = end < -(int64_t)rank ? 0 : end + rank;
  start = clamp64(start, 0, rank);
  end = clamp64(end, 0, rank);
  if (end < start) end = start;
  int64_t want[1] = {end - start};
  if ((st = expect_dims(c, y, 1, want)) != OPS_OK) return st;
  struct ops_shape_params *p = new_params(c, sizeof *p, &st);
  if (p == NULL) return st;
  p->start = (int)start;
  p->end = (int)end;
  *params = p;
  return OPS_OK;
}

/* Size: an i64 scalar; the element count was checked against int64 by shape inference. */
static enum ops_status bind_size(const struct bind_ctx *c) {
  const struct ops_tensor *y = out_t(c, 0);
  enum ops_status st;
  if ((st = need_dtype(c, y, OPS_DTYPE_I64)) != OPS_OK) return st;
  return expect_dims(c, y, 0, NULL);
}

static enum ops_status bind_constant(const struct bind_ctx *c, void **params) {
  const struct ops_tensor *y = out_t(c, 0);
  enum ops_status st;
  const void *bytes = NULL;
  size_t nbytes = 0;
  enum ops_dtype dtype = OPS_DTYPE_UNDEFINED;
  int found = 0;
  for (int i = 0; i < c->node->n_attrs; i++) {
    const struct ops_attr *a = &c->node->attrs[i];
    if (strcmp(a->name, "value") == 0 && a->type == OPS_ATTR_TENSOR && a->tensor != NULL) {
      if (a->tensor->data == NULL) {
        return node_fail(c, OPS_ERR_UNSUPPORTED, "attribute 'value' holds no data");
      }
      bytes = a->tensor->data, nbytes = a->tensor->nbytes, dtype = a->tensor->dtype;
    } else if (strcmp(a->name, "value_float") == 0 && a->type == OPS_ATTR_FLOAT) {
      bytes = &a->f, nbytes = sizeof a->f, dtype = OPS_DTYPE_F32;
    } else if (strcmp(a->name, "value_int") == 0 && a->type == OPS_ATTR_INT) {
      bytes = &a->i, nbytes = sizeof a->i, dtype = OPS_DTYPE_I64;
    } else if (strcmp(a->name, "value_floats") == 0 && a->type == OPS_ATTR_FLOATS) {
      bytes = a->floats, nbytes = a->count * sizeof *a->floats, dtype = OPS_DTYPE_F32;
    } else if (strcmp(a->name, "value_ints") == 0 && a->type == OPS_ATTR_INTS) {
      bytes = a->ints, nbytes = a->count * sizeof *a->ints, dtype = OPS_DTYPE_I64;
    } else {
      return node_fail(c, OPS_ERR_UNSUPPORTED, "attribute '%s' (%s) is not supported", a->name,
                       ops_attr_type_name(a->type));
    }
    found++;
  }
  if (found != 1) {
    return node_fail(c, OPS_ERR_BAD_INPUT, "expected exactly one value attribute, found %d", found);
  }
  size_t want;
  if (dtype != y->dtype || !ops_tensor_byte_size(y, &want) || want != nbytes) {
    return node_fail(c, OPS_ERR_BAD_INPUT,
                     "the value (%s, %zu bytes) does not match output '%s' (%s)",
                     ops_dtype_name(dtype), nbytes, y->name, ops_dtype_name(y->dtype));
  }
  size_t size;
  if (!ops_add_size(sizeof(struct ops_constant_params), nbytes, &size)) {
    return node_fail(c, OPS_ERR_NO_MEMORY, "the value of %zu bytes is too large", nbytes);
  }
  struct ops_constant_params *p = new_params(c, size, &st);
  if (p == NULL) return st;
  p->nbytes = nbytes;
  if (nbytes != 0) memcpy(p->value, bytes, nbytes);
  *params = p;
  return OPS_OK;
}

enum ops_status ops_bind_scalar(const struct ops_graph *g, const struct ops_node *node,
                                struct ops_binding *out, struct ops_diag *d) {
  out->kernel = NULL;
  out->params = NULL;
  out->scratch_bytes = 0;
  struct bind_ctx c = {.g = g, .node = node, .d = d};
  enum ops_dtype key = ops_node_key_dtype(g, node);
  const struct ops_kernel_entry *k =
      ops_registry_find(ops_op_name(node->op), OPSCOPE_UNIT_SCALAR, (int)key);
  if (node->op == OPS_OP_UNKNOWN || k == NULL) {
    return node_fail(&c, OPS_ERR_UNSUPPORTED, "no scalar kernel for %s %s", ops_dtype_name(key),
                     node->op_type);
  }
  enum ops_status st = check_tensors(&c);
  if (st != OPS_OK) return st;
  if (node->fused.act != OPS_FUSED_ACT_NONE) {
    /* Only these kernels apply one; a JSON IR file may claim it for any node. */
    bool f32 = key == OPS_DTYPE_F32;
    if (!f32 || (node->op != OPS_OP_CONV && node->op != OPS_OP_GEMM) ||
        node->fused.act >= OPS_FUSED_ACT_COUNT) {
      return node_fail(&c, OPS_ERR_UNSUPPORTED,
                       "a fused %s activation is supported on f32 Conv and Gemm only",
                       ops_fused_act_name(node->fused.act));
    }
  }
  if (node->fused.pool.on && (key != OPS_DTYPE_F32 || node->op != OPS_OP_CONV)) {
    return node_fail(&c, OPS_ERR_UNSUPPORTED, "a fused MaxPool is supported on f32 Conv only");
  }
  if (node->op != OPS_OP_CONSTANT && in_t(&c, 0) == NULL) {
    return node_fail(&c, OPS_ERR_BAD_INPUT, "input 0 is missing");
  }

  void *params = NULL;
  switch (node->op) {
    case OPS_OP_CONV:
      st = bind_conv(&c, &params);
      if (st == OPS_OK && node->fused.pool.on)
        st = fused_pool_scratch(&c, params, &out->scratch_bytes);
      break;
    case OPS_OP_MAX_POOL:
      st = bind_pool(&c, false, &params);
      break;
    case OPS_OP_AVERAGE_POOL:
      st = bind_pool(&c, true, &params);
      break;
    case OPS_OP_GLOBAL_AVERAGE_POOL:
      st = bind_global_average_pool(&c);
      break;
    case OPS_OP_CONV_TRANSPOSE:
      st = ops_bind_scalar_conv_transpose(g, node, d, &params);
      break;
    case OPS_OP_GLOBAL_MAX_POOL:
    case OPS_OP_MAX_UNPOOL:
      st = ops_bind_scalar_pool_ext(g, node, d, &params);
      break;
    case OPS_OP_TOP_K:
      st = ops_bind_scalar_top_k(g, node, d, &params);
      break;
    case OPS_OP_EINSUM:
      st = ops_bind_scalar_einsum(g, node, d, &params);
      break;
    case OPS_OP_GEMM:
      st = bind_gemm(&c, &params);
      break;
    case OPS_OP_MATMUL:
      st = bind_matmul(&c);
      break;
    case OPS_OP_ADD:
    case OPS_OP_SUB:
    case OPS_OP_MUL:
    case OPS_OP_DIV:
    case OPS_OP_POW:
      st = bind_binary(&c);
      break;
    case OPS_OP_RELU:
    case OPS_OP_SIGMOID:
    case OPS_OP_TANH:
    case OPS_OP_SQRT:
    case OPS_OP_ERF:
    case OPS_OP_EXP:
    case OPS_OP_LOG:
    case OPS_OP_NEG:
    case OPS_OP_ABS:
    case OPS_OP_RECIPROCAL:
    case OPS_OP_FLOOR:
    case OPS_OP_CEIL:
    case OPS_OP_ROUND:
    case OPS_OP_SIGN:
    case OPS_OP_SIN:
    case OPS_OP_COS:
    case OPS_OP_TAN:
    case OPS_OP_ASIN:
    case OPS_OP_ACOS:
    case OPS_OP_ATAN:
    case OPS_OP_SINH:
    case OPS_OP_COSH:
    case OPS_OP_ASINH:
    case OPS_OP_ACOSH:
    case OPS_OP_ATANH:
    case OPS_OP_SOFTPLUS:
    case OPS_OP_SOFTSIGN:
      st = bind_unary(&c);
      break;
    case OPS_OP_LEAKY_RELU:
    case OPS_OP_ELU:
    case OPS_OP_SELU:
    case OPS_OP_CELU:
    case OPS_OP_HARD_SIGMOID:
    case OPS_OP_HARD_SWISH:
    case OPS_OP_THRESHOLDED_RELU:
    case OPS_OP_SHRINK:
    case OPS_OP_GELU:
      st = bind_activation(&c, &params);
      break;
    case OPS_OP_IS_NAN:
    case OPS_OP_IS_INF:
    case OPS_OP_NOT:
      st = bind_predicate(&c, &params);
      break;
    case OPS_OP_PRELU:
      st = bind_prelu(&c);
      break;
    case OPS_OP_MOD:
    case OPS_OP_BIT_SHIFT:
    case OPS_OP_AND:
    case OPS_OP_OR:
    case OPS_OP_XOR:
    case OPS_OP_EQUAL:
    case OPS_OP_GREATER:
    case OPS_OP_LESS:
    case OPS_OP_GREATER_OR_EQUAL:
    case OPS_OP_LESS_OR_EQUAL:
    case OPS_OP_MIN:
    case OPS_OP_MAX:
    case OPS_OP_SUM:
    case OPS_OP_MEAN:
    case OPS_OP_WHERE:
      st = bind_broadcast(&c, &params);
      break;
    case OPS_OP_CLIP:
      st = bind_clip(&c, &params);
      break;
    case OPS_OP_BATCH_NORMALIZATION:
      st = bind_batchnorm(&c, &params);
      break;
    case OPS_OP_SOFTMAX:
    case OPS_OP_LOG_SOFTMAX:
    case OPS_OP_HARDMAX:
      st = bind_softmax(&c, &params);
      break;
    case OPS_OP_REDUCE_MEAN:
    case OPS_OP_REDUCE_SUM:
    case OPS_OP_REDUCE_PROD:
    case OPS_OP_REDUCE_MAX:
    case OPS_OP_REDUCE_MIN:
    case OPS_OP_REDUCE_L1:
    case OPS_OP_REDUCE_L2:
    case OPS_OP_REDUCE_LOG_SUM:
    case OPS_OP_REDUCE_LOG_SUM_EXP:
    case OPS_OP_REDUCE_SUM_SQUARE:
    case OPS_OP_ARG_MAX:
    case OPS_OP_ARG_MIN:
    case OPS_OP_LAYER_NORMALIZATION:
    case OPS_OP_INSTANCE_NORMALIZATION:
    case OPS_OP_MEAN_VARIANCE_NORMALIZATION:
    case OPS_OP_LRN:
      st = ops_bind_scalar_reduce(g, node, d, &params);
      break;
    case OPS_OP_QUANTIZE_LINEAR:
    case OPS_OP_DEQUANTIZE_LINEAR:
    case OPS_OP_DYNAMIC_QUANTIZE_LINEAR:
    case OPS_OP_MATMUL_INTEGER:
    case OPS_OP_QLINEAR_MATMUL:
    case OPS_OP_CONV_INTEGER:
    case OPS_OP_QLINEAR_CONV:
      st = ops_bind_scalar_quant(g, node, d, &params);
      break;
    case OPS_OP_TRANSPOSE:
      st = bind_transpose(&c, &params);
      break;
    case OPS_OP_CONCAT:
      st = bind_concat(&c, &params);
      break;
    case OPS_OP_GATHER:
      st = bind_gather(&c, &params);
      break;
    case OPS_OP_GATHER_ELEMENTS:
    case OPS_OP_GATHER_ND:
    case OPS_OP_SCATTER:
    case OPS_OP_SCATTER_ELEMENTS:
    case OPS_OP_SCATTER_ND:
      st = ops_bind_scalar_index(g, node, d, &params);
      break;
    case OPS_OP_NEGATIVE_LOG_LIKELIHOOD_LOSS:
    case OPS_OP_SOFTMAX_CROSS_ENTROPY_LOSS:
      st = ops_bind_scalar_loss(g, node, d, &params);
      break;
    case OPS_OP_SLICE:
      st = bind_slice(&c, &params);
      break;
    case OPS_OP_RESIZE:
    case OPS_OP_UPSAMPLE:
      st = ops_bind_scalar_resize(g, node, d, &params, &out->scratch_bytes);
      break;
    case OPS_OP_DEPTH_TO_SPACE:
    case OPS_OP_SPACE_TO_DEPTH:
      st = ops_bind_scalar_depth_space(g, node, d, &params);
      break;
    case OPS_OP_CAST:
      st = bind_cast(&c);
      break;
    case OPS_OP_RESHAPE:
    case OPS_OP_FLATTEN:
    case OPS_OP_SQUEEZE:
    case OPS_OP_UNSQUEEZE:
    case OPS_OP_IDENTITY:
    case OPS_OP_DROPOUT:
      st = bind_copy(&c);
      break;
    case OPS_OP_SHAPE:
      st = bind_shape(&c, &params);
      break;
    case OPS_OP_SIZE:
      st = bind_size(&c);
      break;
    case OPS_OP_CONSTANT:
      st = bind_constant(&c, &params);
      break;
    case OPS_OP_PAD:
    case OPS_OP_TILE:
    case OPS_OP_EXPAND:
    case OPS_OP_SPLIT:
    case OPS_OP_COMPRESS:
    case OPS_OP_NON_ZERO:
    case OPS_OP_CONSTANT_OF_SHAPE:
    case OPS_OP_RANGE:
    case OPS_OP_EYE_LIKE:
    case OPS_OP_TRILU:
    case OPS_OP_CUM_SUM:
    case OPS_OP_ONE_HOT:
    case OPS_OP_CAST_LIKE:
      st = ops_bind_scalar_shape_ops(g, node, d, &params);
      break;
    default:
      st = node_fail(&c, OPS_ERR_UNSUPPORTED, "the scalar unit has a kernel but no binding");
      break;
  }
  /* Ops with one output refuse extra ones; the multi-output ops checked theirs above. */
  if (st == OPS_OK && node->op != OPS_OP_DROPOUT && node->op != OPS_OP_MAX_POOL &&
      node->op != OPS_OP_SOFTMAX_CROSS_ENTROPY_LOSS && node->op != OPS_OP_DYNAMIC_QUANTIZE_LINEAR &&
      node->op != OPS_OP_BATCH_NORMALIZATION && node->op != OPS_OP_LAYER_NORMALIZATION &&
      node->op != OPS_OP_TOP_K && node->op != OPS_OP_SPLIT) {
    st = only_outputs(&c, 1, "the op has one output");
  }
  if (st != OPS_OK) goto fail;
  out->kernel = k;
  out->params = params;
  return OPS_OK;

fail:
  ops_params_free(params);
  return st;
}

void ops_binding_done(struct ops_binding *b) {
  if (b == NULL) return;
  ops_params_free(b->params);
  b->params = NULL;
  b->kernel = NULL;
  b->scratch_bytes = 0;
}
