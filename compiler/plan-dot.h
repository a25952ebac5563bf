/*
 * The compute plan as a Graphviz graph (--dump-ir DIR writes DIR/plan.dot): one box per node,
 * filled with the colour of the unit it runs on, fallbacks drawn with a thick red border and
 * their reason code, graph inputs and outputs as ellipses, and each edge labelled with the
 * tensor's name and shape. Render with `dot -Tsvg plan.dot -o plan.svg`.
 */
#ifndef OPSCOPE_COMPILER_PLAN_DOT_H
#define OPSCOPE_COMPILER_PLAN_DOT_H

#include "planner/plan.h"
#include "src/diag.h"

/* Writes `plan` to `path`. Fails with OPS_ERR_IO naming the file when it cannot be written. */
enum ops_status ops_plan_write_dot(const struct ops_plan *plan, const char *path,
                                   struct ops_diag *d);

#endif /* OPSCOPE_COMPILER_PLAN_DOT_H */
