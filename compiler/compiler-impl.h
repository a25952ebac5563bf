/*
 * What the scalar binders (compiler/bind-scalar.c, bind-scalar-reduce.c) share: the context of
 * one node being bound and the checks every binder makes, each failing with a message that
 * names the node and op. Private to compiler/.
 */
#ifndef OPSCOPE_COMPILER_COMPILER_IMPL_H
#define OPSCOPE_COMPILER_COMPILER_IMPL_H

#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "compiler/params-block.h"
#include "src/diag.h"
#include "src/graph.h"
#include "src/size.h"

struct bind_ctx {
  const struct ops_graph *g;
  const struct ops_node *node;
  struct ops_diag *d;
};

static inline enum ops_status node_fail(const struct bind_ctx *c, enum ops_status st,
                                        const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static inline enum ops_status node_fail(const struct bind_ctx *c, enum ops_status st,
                                        const char *fmt, ...) {
  char text[OPS_DIAG_MAX];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(text, sizeof text, fmt, ap);
  va_end(ap);
  return ops_fail(c->d, st, "node '%s' (%s): %s", c->node->name, c->node->op_type, text);
}

/* True when the model declares an opset older than `version`. An undeclared opset (0, from
 * the JSON IR or a built-in model) reads as the newest form. */
static inline bool opset_before(const struct bind_ctx *c, int64_t version) {
  return c->g->opset > 0 && c->g->opset < version;
}

static inline const struct ops_tensor *in_t(const struct bind_ctx *c, int i) {
  return ops_node_input(c->g, c->node, i);
}

static inline const struct ops_tensor *out_t(const struct bind_ctx *c, int i) {
  if (i < 0 || i >= c->node->n_outputs || c->node->outputs[i] < 0) return NULL;
  return &c->g->tensors[c->node->outputs[i]];
}

static inline enum ops_status need_in(const struct bind_ctx *c, int i, const char *role,
                                      const struct ops_tensor **t) {
  *t = in_t(c, i);
  if (*t == NULL) return node_fail(c, OPS_ERR_BAD_INPUT, "input %d (%s) is missing", i, role);
  return OPS_OK;
}

static inline enum ops_status need_dtype(const struct bind_ctx *c, const struct ops_tensor *t,
                                         enum ops_dtype want) {
  if (t->dtype == want) return OPS_OK;
  return node_fail(c, OPS_ERR_BAD_INPUT, "tensor '%s' is %s, expected %s", t->name,
                   ops_dtype_name(t->dtype), ops_dtype_name(want));
}

static inline enum ops_status need_rank(const struct bind_ctx *c, const struct ops_tensor *t,
                                        int rank, const char *what) {
  if (t->shape.rank == rank) return OPS_OK;
  return node_fail(c, OPS_ERR_BAD_INPUT, "tensor '%s' has rank %d, expected %d (%s)", t->name,
                   t->shape.rank, rank, what);
}

/* Output `y` must have exactly `rank` dims equal to `dims`. */
static inline enum ops_status expect_dims(const struct bind_ctx *c, const struct ops_tensor *y,
                                          int rank, const int64_t *dims) {
  struct ops_shape want = ops_shape_make(rank, dims);
  if (ops_shape_equal(&y->shape, &want)) return OPS_OK;
  char have_s[160], want_s[160];
  return node_fail(c, OPS_ERR_BAD_INPUT, "output '%s' has shape %s, expected %s", y->name,
                   ops_shape_format(&y->shape, have_s, sizeof have_s),
                   ops_shape_format(&want, want_s, sizeof want_s));
}

static inline enum ops_status expect_same_dims(const struct bind_ctx *c, const struct ops_tensor *y,
                                               const struct ops_tensor *x) {
  return expect_dims(c, y, x->shape.rank, x->shape.dims);
}

static inline void *new_params(const struct bind_ctx *c, size_t size, enum ops_status *st) {
  void *p = ops_params_alloc(size);
  *st = p == NULL ? node_fail(c, OPS_ERR_NO_MEMORY, "out of memory for kernel params") : OPS_OK;
  return p;
}

/* Normalizes `axis` against `rank` (ONNX allows [-rank, rank)); `what` names the attribute. */
static inline enum ops_status norm_axis(const struct bind_ctx *c, int64_t axis, int rank,
                                        const char *what, int *out) {
  if (axis < -(int64_t)rank || axis >= rank) {
    return node_fail(c, OPS_ERR_BAD_INPUT, "%s %" PRId64 " is out of range for rank %d", what, axis,
                     rank);
  }
  *out = (int)(axis < 0 ? axis + rank : axis);
  return OPS_OK;
}

/* The window part of Conv's binding (compiler/bind-scalar.c), for the convs whose data and
 * weight sit at other input slots or have other dtypes (ConvInteger, QLinearConv): checks ranks,
 * group, the optional bias `b`'s shape ([M]), kernel_shape, strides, dilations, pads and auto_pad
 * against data `x`, weight `w` and output 0, and fills a struct ops_conv_params into *params
 * (malloc'd, owned by the caller from then on). Dtypes are the caller's to check. */
enum ops_status ops_bind_conv_window(const struct bind_ctx *c, const struct ops_tensor *x,
                                     const struct ops_tensor *w, const struct ops_tensor *b,
                                     void **params);

/* ---- attributes and constant inputs every binder reads ---- */

/* INTS attribute `name` into out[0..n): absent gives `dflt` everywhere; present must have n
 * entries in [lo, hi). */
static inline enum ops_status ints_attr(const struct bind_ctx *c, const char *name, size_t n,
                                        int64_t dflt, int64_t lo, int64_t hi, int64_t *out) {
  const int64_t *v;
  size_t count;
  enum ops_status st = ops_node_attr_ints(c->node, name, &v, &count, c->d);
  if (st != OPS_OK) return st;
  if (v == NULL) {
    for (size_t i = 0; i < n; i++)
      out[i] = dflt;
    return OPS_OK;
  }
  if (count != n) {
    return node_fail(c, OPS_ERR_BAD_INPUT, "attribute '%s' has %zu values, expected %zu", name,
                     count, n);
  }
  for (size_t i = 0; i < n; i++) {
    if (v[i] < lo || v[i] >= hi) {
      return node_fail(c, OPS_ERR_BAD_INPUT,
                       "attribute '%s' value %" PRId64 " is out of range [%" PRId64 ", %" PRId64
                       ")",
                       name, v[i], lo, hi);
    }
    out[i] = v[i];
  }
  return OPS_OK;
}

/* Reads an integer constant input (i32 or i64, rank 0 or 1) into out[0..*n). */
static inline enum ops_status const_ints(const struct bind_ctx *c, const struct ops_tensor *t,
                                         const char *role, int64_t *out, size_t cap, size_t *n) {
  *n = 0;
  if (t->dtype != OPS_DTYPE_I64 && t->dtype != OPS_DTYPE_I32) {
    return node_fail(c, OPS_ERR_BAD_INPUT, "%s '%s' is %s, expected i32 or i64", role, t->name,
                     ops_dtype_name(t->dtype));
  }
  int64_t count;
  if (t->shape.rank > 1 || !ops_tensor_numel(t, &count) || (uint64_t)count > cap) {
    char s[160];
    return node_fail(c, OPS_ERR_BAD_INPUT, "%s '%s' has shape %s, expected at most %zu values",
                     role, t->name, ops_shape_format(&t->shape, s, sizeof s), cap);
  }
  /* An empty list is known without data (an empty initializer may carry none). */
  if (count > 0 && t->data == NULL) {
    return node_fail(c, OPS_ERR_UNSUPPORTED,
                     "%s '%s' is not a constant; the scalar unit needs it at compile time", role,
                     t->name);
  }
  for (int64_t i = 0; i < count; i++) {
    if (!ops_tensor_get_int(t, i, &out[i])) {
      return node_fail(c, OPS_ERR_BAD_INPUT, "%s '%s' holds fewer bytes than its shape", role,
                       t->name);
    }
  }
  *n = (size_t)count;
  return OPS_OK;
}

#endif /* OPSCOPE_COMPILER_COMPILER_IMPL_H */
