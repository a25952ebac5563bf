/*
 * What stands behind the public handles of include/opscope.h. Only src/api.c and in-repository
 * callers that need the internal objects (the CLI, reports) include this.
 */
#ifndef OPSCOPE_SRC_API_IMPL_H
#define OPSCOPE_SRC_API_IMPL_H

#include "compiler/aot-load.h"
#include "compiler/exec.h"
#include "compiler/passes.h"
#include "opscope.h"
#include "planner/plan.h"
#include "src/graph.h"

/* The graph passes of a model (compiler/passes.h): what to run, and what they did. They run
 * once, before the first plan, so they live behind a pointer that a const model handle (as
 * opscope_plan_new takes) can still update. */
struct ops_model_passes {
  int level;                     /* 0..OPS_OPT_LEVEL_MAX; OPS_OPT_LEVEL_DEFAULT unless set */
  char *dump_dir;                /* owned; --dump-ir DIR, or NULL */
  bool done;                     /* the passes ran (whatever the outcome) */
  int status;                    /* their status, returned by every later plan */
  char error[1024];              /* their message when status is not OPSCOPE_OK */
  struct ops_pass_report report; /* per pass: nodes before and after, time */
  bool dot_written;              /* dump_dir/plan.dot holds the first plan */
};

struct opscope_model {
  struct ops_graph *graph; /* owned */
  size_t max_memory;       /* bytes a compiled model may take; 0: no cap */
  /* owned; the graph passes, their settings and what they did */
  struct ops_model_passes *passes;
  /* owned; when the model is an ahead-of-time library (compiler/aot-load.h), else NULL. Its
   * graph is the library's, already compiled: the passes do not run again. */
  struct ops_aot_lib *aot;
};

struct opscope_plan {
  struct ops_plan *plan;        /* owned */
  const opscope_model_t *model; /* borrowed */
  bool aot;                     /* the model's library runs it (its unit was asked for) */
};

struct opscope_exec {
  struct ops_exec *exec;      /* owned */
  const opscope_plan_t *plan; /* borrowed */
};

#endif /* OPSCOPE_SRC_API_IMPL_H */
