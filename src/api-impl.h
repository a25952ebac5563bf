/*
 * What stands behind the public handles of include/opscope.h. Only src/api.c and in-repository
 * callers that need the internal objects (the CLI, reports) include this.
 */
#ifndef OPSCOPE_SRC_API_IMPL_H
#define OPSCOPE_SRC_API_IMPL_H

#include "compiler/exec.h"
#include "opscope.h"
#include "planner/plan.h"
#include "src/graph.h"

struct opscope_model {
  struct ops_graph *graph; /* owned */
};

struct opscope_plan {
  struct ops_plan *plan;        /* owned */
  const opscope_model_t *model; /* borrowed */
};

struct opscope_exec {
  struct ops_exec *exec;      /* owned */
  const opscope_plan_t *plan; /* borrowed */
};

#endif /* OPSCOPE_SRC_API_IMPL_H */
