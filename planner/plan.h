/*
 * The compute plan: for every node, which unit runs it, with which kernel, and why it is not on
 * the unit that was asked for. Built by ops_plan_new() from a validated, shape-inferred graph;
 * consumed by the compiler (binding), reports and the CLI.
 */
#ifndef OPSCOPE_PLANNER_PLAN_H
#define OPSCOPE_PLANNER_PLAN_H

#include <stdbool.h>
#include <stddef.h>

#include "kernels/registry.h"
#include "opscope.h"
#include "planner/cost-model.h"
#include "planner/cost.h"
#include "src/diag.h"
#include "src/graph.h"

enum ops_reason {
#define OPS_REASON(name, code, hint) OPS_REASON_##name,
#include "planner/reason-list.inc"
#undef OPS_REASON
  OPS_REASON_COUNT
};

/* The printed code of a reason ("NO_KERNEL"; "" for NONE) and its hint. */
const char *ops_reason_code(enum ops_reason r);
const char *ops_reason_hint(enum ops_reason r);

#define OPS_PLAN_REASON_MAX 192

/* How a node is counted in coverage (Core ML's compute plan counts constants apart). */
enum ops_plan_kind {
  OPS_PLAN_EXECUTABLE = 0, /* computes on tensor data at run time */
  OPS_PLAN_METADATA,       /* only moves bytes or metadata (Reshape, Identity, ...) */
  OPS_PLAN_CONSTANT,       /* every output is known at compile time: folded, never run */
  OPS_PLAN_KIND_COUNT
};

struct ops_plan_node {
  int node; /* index into graph->nodes */
  enum ops_plan_kind kind;
  int requested;                         /* enum opscope_unit, as asked */
  int assigned;                          /* enum opscope_unit, or -1: no unit can run it (or
                                            folded, for CONSTANT) */
  const struct ops_kernel_entry *kernel; /* borrowed from the registry; NULL when unassigned */
  const char *ukernel;    /* the microkernel a simd/threads kernel runs for this CPU and ISA cap
                             ("ops_f32_gemm_minmax_ukernel_7x32__simd_avx512f"), or NULL */
  enum ops_reason reason; /* why not on the requested unit; NONE when it is */
  char reason_text[OPS_PLAN_REASON_MAX]; /* the specific reason, "" for NONE */
  struct ops_node_cost cost;             /* operations and bytes (planner/cost.h) */
  bool supported[OPSCOPE_UNIT_ALL];      /* per unit: it has a kernel for this node */
  double est_ms[OPSCOPE_UNIT_ALL];       /* estimated time per unit (even where unsupported) */
};

struct ops_plan {
  const struct ops_graph *graph; /* borrowed; must outlive the plan */
  struct ops_cost_model model;   /* the estimates' peaks and where they came from */
  int requested;                 /* enum opscope_unit */
  struct ops_plan_node *nodes;   /* owned; graph->n_nodes entries, in graph order */
  size_t n_nodes;
};

/* Counts for reports. by_unit counts executable and metadata nodes that run on each unit. */
struct ops_plan_summary {
  size_t total;                            /* all nodes */
  size_t executable;                       /* OPS_PLAN_EXECUTABLE nodes */
  size_t metadata;                         /* OPS_PLAN_METADATA nodes */
  size_t constant;                         /* OPS_PLAN_CONSTANT nodes */
  size_t by_unit[OPSCOPE_UNIT_ALL];        /* executable nodes placed on each unit */
  size_t fallbacks;                        /* executable or metadata nodes not on the request */
  size_t unsupported;                      /* nodes no unit can run */
  double coverage_pct;                     /* executable nodes on the requested unit, percent;
                                              for `all`, on the unit of their lowest cost */
  double est_ms;                           /* estimated time of the executable nodes as placed */
  double est_ms_on_request;                /* of those placed on the requested unit */
  double coverage_time_pct;                /* est_ms_on_request over est_ms, percent */
  double est_ms_by_unit[OPSCOPE_UNIT_ALL]; /* estimated time of the nodes placed on each unit */
  double flops, bytes;                     /* cost-model work of the executable nodes per run */
};

/* "excellent" (>= 95%), "good" (80-95%), "mixed" (50-80%) or "poor" (< 50%). */
const char *ops_coverage_verdict(double pct);

/* Places each node of `g` (validated and shape-inferred) for `requested` (enum opscope_unit).
 * A node no unit can run is kept with assigned -1 and its reason: the plan still describes the
 * model, and the compiler refuses it. Fails only on bad arguments or memory. */
enum ops_status ops_plan_new(const struct ops_graph *g, int requested, struct ops_plan **out,
                             struct ops_diag *d);
/* The same with the cost model's peaks given (NULL: this CPU's cached calibration, else the
 * defaults; ops_cost_model_current). */
enum ops_status ops_plan_new_with_model(const struct ops_graph *g, int requested,
                                        const struct ops_cost_model *model, struct ops_plan **out,
                                        struct ops_diag *d);
void ops_plan_free(struct ops_plan *plan);

void ops_plan_summarize(const struct ops_plan *plan, struct ops_plan_summary *out);

/* True when the node's assigned unit differs from the one asked for (never for `all`). */
bool ops_plan_node_is_fallback(const struct ops_plan *plan, const struct ops_plan_node *pn);

/* Placement of one node (planner/place.c): fills cost, est_ms, supported, assigned, kernel,
 * reason and reason_text. For `all`, the supported unit of the lowest estimate. */
void ops_place_node(const struct ops_graph *g, const struct ops_node *node, int requested,
                    const struct ops_cost_model *model, struct ops_plan_node *out);

/* Places plan node `node_index` on `unit` (scalar, simd or threads) after ops_plan_new(), for
 * what-if placement (planner/override.c). The node's request becomes `unit`. When that unit
 * cannot run the node the plan is unchanged and the status is OPS_ERR_UNSUPPORTED with the
 * unit's reason in `d`; OPS_ERR_BAD_INPUT for a bad index or unit. Compile the plan again
 * afterwards: an ops_exec built from it before does not follow. */
enum ops_status ops_plan_override(struct ops_plan *plan, size_t node_index, int unit,
                                  struct ops_diag *d);

#endif /* OPSCOPE_PLANNER_PLAN_H */
