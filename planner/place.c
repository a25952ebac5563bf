/*
 * Placement: which unit runs a node, and why not the one asked for.
 *
 * Each unit is a small vtable whose `supports` answers from the kernel registry and the node's
 * dtype and shapes, never from a hand-kept list of ops, and always gives a reason when it says
 * no (STYLE.md §4). A request walks the fallback chain threads -> simd -> scalar and stops at the
 * first unit that says yes; the first refusal is the reason recorded for the node.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "kernels/cpu.h"
#include "kernels/drivers/f32-gemm.h"
#include "kernels/kconfig.h"
#include "kernels/registry.h"
#include "planner/plan.h"
#include "planner/simd-caps.h"
#include "src/fused-pool.h"
#include "src/value-inputs.h"

struct unit_iface {
  int unit;
  /* The kernel that runs `node` (whose cost the caller computed) on this unit, or NULL with
   * *reason and text filled. */
  const struct ops_kernel_entry *(*supports)(const struct ops_graph *g, const struct ops_node *n,
                                             const struct ops_node_cost *cost,
                                             enum ops_reason *reason, char *text, size_t len);
};

static bool tensor_known(const struct ops_tensor *t) {
  return t == NULL || (ops_shape_is_known(&t->shape) && t->dtype != OPS_DTYPE_UNDEFINED);
}

/* True when every input and output of `n` has a known dtype and shape; otherwise writes which
 * one is not, and why, into text. */
static bool shapes_known(const struct ops_graph *g, const struct ops_node *n, char *text,
                         size_t len) {
  /* A value input of unknown value explains more than the outputs it leaves unknown. */
  for (int i = 0; i < n->n_inputs; i++) {
    const struct ops_tensor *t = ops_node_input(g, n, i);
    if (t == NULL || !ops_input_is_value_slot(n->op_type, i) || t->data != NULL) continue;
    if (t->role == OPS_TENSOR_INPUT) {
      snprintf(text, len,
               "input %d '%s' decides the output shape, and it is a graph input whose value is "
               "known only at run time",
               i, t->name);
      return false;
    }
  }
  for (int i = 0; i < n->n_inputs; i++) {
    const struct ops_tensor *t = ops_node_input(g, n, i);
    if (!tensor_known(t)) {
      snprintf(text, len, "the shape of input %d '%s' is unknown until run time", i, t->name);
      return false;
    }
  }
  for (int i = 0; i < n->n_outputs; i++) {
    const struct ops_tensor *t = n->outputs[i] >= 0 ? &g->tensors[n->outputs[i]] : NULL;
    if (!tensor_known(t)) {
      snprintf(text, len, "the shape of output %d '%s' is unknown until run time", i, t->name);
      return false;
    }
  }
  return true;
}

/* Looks `n` up for `unit` in the registry; `what` names the unit's kernels in messages and
 * `why` (may be "") follows the reason. */
static const struct ops_kernel_entry *registry_supports(int unit, const char *what, const char *why,
                                                        const struct ops_graph *g,
                                                        const struct ops_node *n,
                                                        enum ops_reason *reason, char *text,
                                                        size_t len) {
  const char *op = ops_op_name(n->op);
  enum ops_dtype dtype = ops_node_key_dtype(g, n);
  const struct ops_kernel_entry *k = ops_registry_find(op, unit, (int)dtype);
  if (k != NULL) return k;
  if (ops_registry_has_op(op, unit)) {
    *reason = OPS_REASON_DTYPE;
    snprintf(text, len, "%s %s is not supported by the %s kernels%s", ops_dtype_name(dtype), op,
             what, why);
  } else {
    *reason = OPS_REASON_NO_KERNEL;
    snprintf(text, len, "no %s kernel for %s %s%s", what, ops_dtype_name(dtype), op, why);
  }
  return NULL;
}

static const struct ops_kernel_entry *scalar_supports(const struct ops_graph *g,
                                                      const struct ops_node *n,
                                                      const struct ops_node_cost *cost,
                                                      enum ops_reason *reason, char *text,
                                                      size_t len) {
  (void)cost; /* placement does not depend on it for this unit */
  return registry_supports(OPSCOPE_UNIT_SCALAR, "scalar", "", g, n, reason, text, len);
}

/* The vector ISAs the SIMD kernels are written for; under a cap below all of them (--isa
 * scalar, or a CPU without AVX2) the simd unit has nothing to run. */
#define SIMD_ISAS (OPS_ISA_AVX2 | OPS_ISA_AVX512F | OPS_ISA_NEON)

static const struct ops_kernel_entry *simd_supports(const struct ops_graph *g,
                                                    const struct ops_node *n,
                                                    const struct ops_node_cost *cost,
                                                    enum ops_reason *reason, char *text,
                                                    size_t len) {
  (void)cost; /* placement does not depend on it for this unit */
  const struct ops_kernel_entry *k =
      registry_supports(OPSCOPE_UNIT_SIMD, "SIMD", "", g, n, reason, text, len);
  if (k != NULL && (ops_cpu_dispatch_flags() & SIMD_ISAS) == 0) {
    *reason = OPS_REASON_ISA;
    snprintf(text, len, "the SIMD %s kernel needs AVX2, AVX-512 or NEON; this process is at %s",
             n->op_type, ops_cpu_isa_name());
    return NULL;
  }
  if (k != NULL && !ops_simd_caps_accept(g, n, text, len)) {
    *reason = OPS_REASON_ATTR;
    return NULL;
  }
  return k;
}

/* Below this much work per GEMM, waking the pool costs more than the other threads save. */
#define THREADS_MIN_FLOPS 256e3
/* The same for kernels that stream memory rather than compute (element-wise, pools, copies). */
#define THREADS_MIN_BYTES (512.0 * 1024.0)

/* The threads unit runs the SIMD kernels over the pool, so it can run what SIMD can, when each
 * GEMM the kernel splits (one per group of a grouped Conv) is worth splitting. A depthwise Conv
 * is one split of every channel's rows, so its whole work counts. */
static const struct ops_kernel_entry *threads_supports(const struct ops_graph *g,
                                                       const struct ops_node *n,
                                                       const struct ops_node_cost *cost,
                                                       enum ops_reason *reason, char *text,
                                                       size_t len) {
  const struct ops_kernel_entry *k = simd_supports(g, n, cost, reason, text, len);
  if (k == NULL) {
    /* Same refusal as simd's, said for threads. */
    size_t used = strlen(text);
    if (used + 30 < len) snprintf(text + used, len - used, " (threads runs SIMD kernels)");
    return NULL;
  }
  if (cost->cls != OPS_CLASS_CONV && cost->cls != OPS_CLASS_DEPTHWISE &&
      cost->cls != OPS_CLASS_GEMM) {
    /* Memory-bound kernels split their elements; what pays for the wake is bytes moved. */
    double bytes = cost->bytes_read + cost->bytes_written;
    if (bytes < THREADS_MIN_BYTES) {
      *reason = OPS_REASON_TOO_SMALL;
      snprintf(text, len, "work too small for threads: %.1f KiB moved, threshold %.0f KiB",
               bytes / 1024.0, THREADS_MIN_BYTES / 1024.0);
      return NULL;
    }
    return k;
  }
  const struct ops_attr *group = ops_node_attr(n, "group");
  double splits = cost->cls != OPS_CLASS_DEPTHWISE && group != NULL &&
                          group->type == OPS_ATTR_INT && group->i > 1
                      ? (double)group->i
                      : 1.0;
  double per_gemm = cost->flops / splits;
  if (per_gemm < THREADS_MIN_FLOPS) {
    *reason = OPS_REASON_TOO_SMALL;
    snprintf(text, len, "work too small for threads: %.1f kFLOP per GEMM%s, threshold %.0f kFLOP",
             per_gemm / 1e3, splits > 1 ? " (one per group)" : "", THREADS_MIN_FLOPS / 1e3);
    return NULL;
  }
  return k;
}

static const struct unit_iface units[OPSCOPE_UNIT_ALL] = {
    [OPSCOPE_UNIT_SCALAR] = {OPSCOPE_UNIT_SCALAR, scalar_supports},
    [OPSCOPE_UNIT_SIMD] = {OPSCOPE_UNIT_SIMD, simd_supports},
    [OPSCOPE_UNIT_THREADS] = {OPSCOPE_UNIT_THREADS, threads_supports},
};

/* The SIMD kernels of Gemm, MatMul and Conv run the GEMM variant chosen for this CPU; reports
 * name it beside the op kernel. */
/* The unpadded 3x3 variant compiler/bind-simd.c binds a depthwise Conv to, or NULL. */
static const struct ops_kconfig_dwconv3x3 *dwconv3x3_of(const struct ops_node *n,
                                                        const struct ops_tensor *w) {
  int64_t strides[2] = {1, 1}, dilations[2] = {1, 1};
  const struct ops_attr *a = ops_node_attr(n, "strides");
  if (a != NULL && a->type == OPS_ATTR_INTS && a->count == 2) {
    strides[0] = a->ints[0];
    strides[1] = a->ints[1];
  }
  a = ops_node_attr(n, "dilations");
  if (a != NULL && a->type == OPS_ATTR_INTS && a->count == 2) {
    dilations[0] = a->ints[0];
    dilations[1] = a->ints[1];
  }
  for (int i = 0; i < 2; i++)
    if (strides[i] < 1 || dilations[i] < 1) return NULL;
  const struct ops_dwconv_geom g = {(size_t)w->shape.dims[2], (size_t)w->shape.dims[3],
                                    (size_t)strides[0],       (size_t)strides[1],
                                    (size_t)dilations[0],     (size_t)dilations[1]};
  return ops_kconfig_f32_dwconv3x3(&g);
}

/* The product of dims [from, rank) of a fully known shape, or -1. */
static int64_t dims_product(const struct ops_shape *s, int from) {
  if (s->rank < from) return -1;
  int64_t p = 1;
  for (int i = from; i < s->rank; i++) {
    if (s->dims[i] < 0 || (s->dims[i] > 0 && p > INT64_MAX / s->dims[i])) return -1;
    p *= s->dims[i];
  }
  return p;
}

/* The GEMM variant compiler/bind-simd.c binds for a Gemm, MatMul or (not depthwise) Conv node:
 * the one for the rows its register tiles run down. The process's variant where a shape is not
 * known. */
static const struct ops_kconfig_gemm *gemm_of(const struct ops_graph *g, const struct ops_node *n,
                                              const char *op) {
  const struct ops_kconfig_gemm *base = ops_kconfig_f32_gemm();
  const struct ops_tensor *a = ops_node_input(g, n, 0), *b = ops_node_input(g, n, 1);
  if (a == NULL || b == NULL) return base;
  if (strcmp(op, "Conv") == 0) {
    const struct ops_tensor *y =
        n->n_outputs > 0 && n->outputs[0] >= 0 ? &g->tensors[n->outputs[0]] : NULL;
    int64_t group = 1;
    if (y == NULL || y->shape.rank < 3 || b->shape.rank != y->shape.rank ||
        ops_node_attr_int(n, "group", 1, &group, NULL) != OPS_OK || group < 1) {
      return base;
    }
    int64_t pix = dims_product(&y->shape, 2), kg = dims_product(&b->shape, 1), conv[4];
    /* A fused MaxPool's GEMM runs over the Conv's own output pixels, not the pooled ones. */
    if (n->fused.pool.on) pix = ops_fused_conv_dims(g, n, conv) ? conv[2] * conv[3] : -1;
    if (pix < 0 || kg < 0 || y->shape.dims[1] < 0) return base;
    bool transposed;
    return ops_f32_conv_gemm_config((size_t)(y->shape.dims[1] / group), (size_t)pix, (size_t)kg,
                                    b->data != NULL, &transposed);
  }
  /* Gemm's A is [M, K] or, with transA, [K, M]; MatMul's rows are A's second-last dim. */
  int64_t trans_a = 0, rows = -1;
  if (strcmp(op, "Gemm") == 0) {
    if (a->shape.rank == 2 && ops_node_attr_int(n, "transA", 0, &trans_a, NULL) == OPS_OK)
      rows = a->shape.dims[trans_a ? 1 : 0];
  } else {
    rows = a->shape.rank >= 2 ? a->shape.dims[a->shape.rank - 2] : a->shape.rank == 1 ? 1 : -1;
  }
  return rows >= 0 ? ops_kconfig_f32_gemm_for_rows((size_t)rows) : base;
}

static const char *ukernel_of(const struct ops_graph *g, const struct ops_node *n,
                              const struct ops_plan_node *pn) {
  if (pn->kernel == NULL || pn->assigned == OPSCOPE_UNIT_SCALAR) return NULL;
  const char *op = pn->kernel->op;
  /* The pooling kernels run the variant of kernels/lists/f32-pool.inc chosen for this CPU. */
  const struct ops_kconfig_pool *pool = ops_kconfig_f32_pool();
  if (strcmp(op, "MaxPool") == 0) return pool->name;
  if (strcmp(op, "AveragePool") == 0) return pool->average_name;
  if (strcmp(op, "GlobalMaxPool") == 0) return pool->global_max_name;
  if (strcmp(op, "GlobalAveragePool") == 0) return pool->global_average_name;
  if (strcmp(op, "Gemm") != 0 && strcmp(op, "MatMul") != 0 && strcmp(op, "Conv") != 0) {
    return NULL;
  }
  /* A 2-D depthwise Conv (one channel per group) runs the direct microkernel, as
   * compiler/bind-simd.c decides with the same test. */
  const struct ops_tensor *x = ops_node_input(g, n, 0), *w = ops_node_input(g, n, 1);
  const struct ops_attr *group = ops_node_attr(n, "group");
  if (strcmp(op, "Conv") == 0 && x != NULL && w != NULL && w->shape.rank == 4 &&
      w->shape.dims[1] == 1 && group != NULL && group->type == OPS_ATTR_INT && group->i > 1 &&
      group->i == x->shape.dims[1] && group->i == w->shape.dims[0]) {
    const struct ops_kconfig_dwconv3x3 *k3 = dwconv3x3_of(n, w);
    return k3 != NULL ? k3->name : ops_kconfig_f32_dwconv()->name;
  }
  return gemm_of(g, n, op)->name;
}

void ops_place_node(const struct ops_graph *g, const struct ops_node *node, int requested,
                    const struct ops_cost_model *model, struct ops_plan_node *out) {
  ops_cost_node(g, node, &out->cost);
  for (int u = OPSCOPE_UNIT_SCALAR; u < OPSCOPE_UNIT_ALL; u++) {
    out->est_ms[u] = ops_cost_estimate_ms(model, u, &out->cost);
    out->supported[u] = false;
  }
  out->requested = requested;
  out->assigned = -1;
  out->kernel = NULL;
  out->reason = OPS_REASON_NONE;
  out->reason_text[0] = '\0';
  if (node->op == OPS_OP_UNKNOWN) {
    out->reason = OPS_REASON_UNKNOWN_OP;
    snprintf(out->reason_text, sizeof out->reason_text, "no kernel for op '%s'%s%s%s on any unit",
             node->op_type, node->domain[0] ? " (domain '" : "", node->domain,
             node->domain[0] ? "')" : "");
    return;
  }
  if (!shapes_known(g, node, out->reason_text, sizeof out->reason_text)) {
    out->reason = OPS_REASON_SHAPE;
    return;
  }
  /* Every unit is asked, so reports can show where else the node could run. */
  const struct ops_kernel_entry *kernels[OPSCOPE_UNIT_ALL] = {NULL};
  enum ops_reason reasons[OPSCOPE_UNIT_ALL] = {OPS_REASON_NONE};
  char texts[OPSCOPE_UNIT_ALL][OPS_PLAN_REASON_MAX];
  for (int unit = OPSCOPE_UNIT_SCALAR; unit < OPSCOPE_UNIT_ALL; unit++) {
    texts[unit][0] = '\0';
    kernels[unit] =
        units[unit].supports(g, node, &out->cost, &reasons[unit], texts[unit], sizeof texts[unit]);
    out->supported[unit] = kernels[unit] != NULL;
  }
  out->ukernel = NULL;
  if (requested == OPSCOPE_UNIT_ALL) {
    /* The lowest estimate among the units that can run it. Scalar and simd share the calling
     * thread, so moving between them costs nothing; the threads unit's overhead (waking the
     * pool) is in its per-op estimate. */
    for (int unit = OPSCOPE_UNIT_SCALAR; unit < OPSCOPE_UNIT_ALL; unit++) {
      if (kernels[unit] == NULL) continue;
      if (out->assigned < 0 || out->est_ms[unit] < out->est_ms[out->assigned]) {
        out->assigned = unit;
        out->kernel = kernels[unit];
      }
    }
    if (out->assigned < 0) {
      out->reason = reasons[OPSCOPE_UNIT_SCALAR];
      snprintf(out->reason_text, sizeof out->reason_text, "%s", texts[OPSCOPE_UNIT_SCALAR]);
    }
    out->ukernel = ukernel_of(g, node, out);
    return;
  }
  for (int unit = requested; unit >= OPSCOPE_UNIT_SCALAR; unit--) {
    if (kernels[unit] != NULL) {
      out->assigned = unit;
      out->kernel = kernels[unit];
      out->ukernel = ukernel_of(g, node, out);
      return;
    }
    /* The first refusal explains the placement; later ones only repeat it one unit down. */
    if (out->reason == OPS_REASON_NONE) {
      out->reason = reasons[unit];
      snprintf(out->reason_text, sizeof out->reason_text, "%s", texts[unit]);
    }
  }
}
