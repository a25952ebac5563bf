/*
 * Graphviz output of a compute plan (compiler/plan-dot.h).
 */
#include "compiler/plan-dot.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "opscope.h"

/* Fill colours per unit (scalar, simd, threads), and for nodes no unit can run. */
static const char *const unit_colour[] = {"#d9d9d9", "#9ecae1", "#a1d99b"};
#define COLOUR_NONE "#fc9272"
#define COLOUR_CONSTANT "#ffffff"

/* Writes `s` inside a DOT double-quoted string. */
static void put_escaped(FILE *f, const char *s) {
  for (; *s; s++) {
    if (*s == '"' || *s == '\\') fputc('\\', f);
    if (*s == '\n') {
      fputs("\\n", f);
      continue;
    }
    fputc(*s, f);
  }
}

static void put_edge(FILE *f, const struct ops_graph *g, const char *from_kind, size_t from,
                     size_t to, int tensor) {
  const struct ops_tensor *t = &g->tensors[tensor];
  char shape[160];
  fprintf(f, "  %s%zu -> n%zu [label=\"", from_kind, from, to);
  put_escaped(f, t->name);
  fprintf(f, "\\n%s %s\"];\n", ops_dtype_name(t->dtype),
          ops_shape_format(&t->shape, shape, sizeof shape));
}

enum ops_status ops_plan_write_dot(const struct ops_plan *plan, const char *path,
                                   struct ops_diag *d) {
  FILE *f = fopen(path, "w");
  if (f == NULL) return ops_fail(d, OPS_ERR_IO, "cannot write '%s': %s", path, strerror(errno));
  const struct ops_graph *g = plan->graph;
  fprintf(f, "digraph \"");
  put_escaped(f, g->name != NULL ? g->name : "model");
  fprintf(f, "\" {\n  rankdir=TB;\n  node [shape=box, style=filled, fontname=\"Helvetica\"];\n");
  fprintf(f, "  edge [fontname=\"Helvetica\", fontsize=9];\n");
  fprintf(f, "  // fill: scalar %s, simd %s, threads %s, no unit %s; red border: fallback\n",
          unit_colour[0], unit_colour[1], unit_colour[2], COLOUR_NONE);
  for (size_t i = 0; i < g->n_inputs; i++) {
    fprintf(f, "  in%zu [shape=ellipse, style=solid, label=\"", i);
    put_escaped(f, g->tensors[g->inputs[i]].name);
    fprintf(f, "\"];\n");
  }
  for (size_t i = 0; i < plan->n_nodes; i++) {
    const struct ops_plan_node *pn = &plan->nodes[i];
    const struct ops_node *n = &g->nodes[pn->node];
    const char *fill = pn->kind == OPS_PLAN_CONSTANT ? COLOUR_CONSTANT
                       : pn->assigned >= 0 && pn->assigned < OPSCOPE_UNIT_ALL
                           ? unit_colour[pn->assigned]
                           : COLOUR_NONE;
    bool fallback = ops_plan_node_is_fallback(plan, pn);
    fprintf(f, "  n%d [fillcolor=\"%s\"%s, label=\"", pn->node, fill,
            fallback ? ", color=\"#cb181d\", penwidth=3" : "");
    put_escaped(f, n->fused.absorbed != NULL ? n->fused.absorbed : n->op_type);
    fputs("\\n", f);
    put_escaped(f, n->name);
    fprintf(f, "\\n%s",
            pn->kind == OPS_PLAN_CONSTANT ? "constant"
            : pn->assigned >= 0           ? opscope_unit_name(pn->assigned)
                                          : "no unit");
    if (fallback) {
      fputs(" (fallback ", f);
      put_escaped(f, ops_reason_code(pn->reason));
      fputs(")", f);
    }
    fprintf(f, "\"];\n");
  }
  /* Edges: from the node (or graph input) that produces each input tensor. */
  for (size_t i = 0; i < g->n_nodes; i++) {
    const struct ops_node *n = &g->nodes[i];
    for (int k = 0; k < n->n_inputs; k++) {
      int t = n->inputs[k];
      if (t < 0) continue;
      if (g->tensors[t].producer >= 0) {
        put_edge(f, g, "n", (size_t)g->tensors[t].producer, i, t);
      } else {
        for (size_t j = 0; j < g->n_inputs; j++)
          if (g->inputs[j] == t) put_edge(f, g, "in", j, i, t);
      }
    }
  }
  for (size_t i = 0; i < g->n_outputs; i++) {
    int t = g->outputs[i];
    fprintf(f, "  out%zu [shape=ellipse, style=solid, label=\"", i);
    put_escaped(f, g->tensors[t].name);
    fprintf(f, "\"];\n");
    if (g->tensors[t].producer >= 0) fprintf(f, "  n%d -> out%zu;\n", g->tensors[t].producer, i);
  }
  fprintf(f, "}\n");
  bool failed = ferror(f) != 0;
  if (fclose(f) != 0 || failed) return ops_fail(d, OPS_ERR_IO, "cannot write '%s'", path);
  return OPS_OK;
}
