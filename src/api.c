/*
 * The public C API (include/opscope.h): opaque handles over the internal stages
 * (src/ graph -> planner/ plan -> compiler/ exec). Internal callers in this repository (the CLI,
 * reports) reach the objects behind the handles through src/api-impl.h.
 */
#include "src/api-impl.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compiler/plan-dot.h"
#include "src/load.h"
#include "src/shape-infer.h"
#include "src/size.h"
#include "src/value-inputs.h"

/* Defined here rather than in status.c: the shared library takes from the static archives only
 * what api.c references, so every public function lives in or is referenced from this file. */
const char *opscope_status_str(int status) {
  return ops_status_str((enum ops_status)status);
}

/* ---- models ---- */

int opscope_model_load(const char *path, opscope_model_t **out, char *err, size_t err_len) {
  struct ops_diag d;
  ops_diag_init(&d, NULL);
  *out = NULL;
  if (path == NULL || path[0] == '\0') {
    ops_fail(&d, OPS_ERR_BAD_INPUT, "no model path given");
    ops_diag_copy(&d, err, err_len);
    return OPS_ERR_BAD_INPUT;
  }
  opscope_model_t *m = ops_calloc_array(1, sizeof *m);
  if (m == NULL) {
    ops_fail(&d, OPS_ERR_NO_MEMORY, "out of memory");
    ops_diag_copy(&d, err, err_len);
    return OPS_ERR_NO_MEMORY;
  }
  m->passes = ops_calloc_array(1, sizeof *m->passes);
  if (m->passes == NULL) {
    free(m);
    ops_fail(&d, OPS_ERR_NO_MEMORY, "out of memory");
    ops_diag_copy(&d, err, err_len);
    return OPS_ERR_NO_MEMORY;
  }
  m->passes->level = OPS_OPT_LEVEL_DEFAULT;
  enum ops_status status;
  if (ops_aot_is_library(path)) {
    /* An ahead-of-time library: its embedded graph is the model, compiled already. */
    status = ops_aot_open(path, &m->aot, &d);
    if (status == OPS_OK) {
      m->passes->level = 0;
      status = ops_load_model_json_text(m->aot->graph_json, m->aot->graph_len, path, &m->graph, &d);
      if (status == OPS_OK) m->graph->format = "aot-library";
    }
  } else {
    status = ops_load_model(path, &m->graph, &d);
  }
  if (status != OPS_OK) {
    ops_aot_close(m->aot);
    free(m->passes);
    free(m);
    ops_diag_copy(&d, err, err_len);
    return (int)status;
  }
  *out = m;
  return OPS_OK;
}

void opscope_model_free(opscope_model_t *model) {
  if (model == NULL) return;
  ops_graph_free(model->graph);
  if (model->passes != NULL) free(model->passes->dump_dir);
  free(model->passes);
  ops_aot_close(model->aot);
  free(model);
}

int opscope_model_set_opt_level(opscope_model_t *model, int level, const char *dump_dir, char *err,
                                size_t err_len) {
  struct ops_diag d;
  ops_diag_init(&d, NULL);
  struct ops_model_passes *p = model->passes;
  enum ops_status status = OPS_ERR_BAD_INPUT;
  if (level < 0 || level > OPS_OPT_LEVEL_MAX) {
    ops_fail(&d, status, "optimisation level %d is outside O0..O%d", level, OPS_OPT_LEVEL_MAX);
  } else if (model->aot != NULL) {
    /* The library's graph was optimised when it was emitted (at the level it records); passes
     * again would change the graph under the library's ops. */
    status = OPS_OK;
  } else if (p->done) {
    ops_fail(&d, status, "the graph passes ran already (the model was optimised or planned)");
  } else {
    char *dir = NULL;
    if (dump_dir != NULL && (dir = ops_strdup(dump_dir)) == NULL) {
      status = ops_fail(&d, OPS_ERR_NO_MEMORY, "out of memory");
    } else {
      free(p->dump_dir);
      p->dump_dir = dir;
      p->level = level;
      status = OPS_OK;
    }
  }
  ops_diag_copy(&d, err, err_len);
  return (int)status;
}

int opscope_model_optimize(const opscope_model_t *model, char *err, size_t err_len) {
  struct ops_model_passes *p = model->passes;
  /* A graph with unknown shapes (an input not yet bound) is planned as it is, and the passes
   * wait for the first plan with every shape known. */
  if (!p->done && ops_passes_ready(model->graph)) {
    struct ops_diag d;
    ops_diag_init(&d, model->graph->path);
    p->done = true;
    p->status = (int)ops_passes_run(model->graph, p->level, p->dump_dir, &p->report, &d);
    ops_diag_copy(&d, p->error, sizeof p->error);
  }
  if (p->status != OPSCOPE_OK && err != NULL && err_len > 0) snprintf(err, err_len, "%s", p->error);
  return p->status;
}

int opscope_model_opt_level(const opscope_model_t *model) {
  return model->passes->level;
}

const char *const *opscope_builtin_names(void) {
  return ops_builtin_names();
}

const char *const *opscope_builtin_micro_names(void) {
  return ops_builtin_micro_names();
}

const char *opscope_builtin_describe(const char *name) {
  return ops_builtin_describe(name);
}

const char *opscope_model_name(const opscope_model_t *model) {
  return model->graph->name ? model->graph->name : "";
}

const char *opscope_model_path(const opscope_model_t *model) {
  return model->graph->path ? model->graph->path : "";
}

const char *opscope_model_format(const opscope_model_t *model) {
  return model->graph->format ? model->graph->format : "";
}

int64_t opscope_model_opset(const opscope_model_t *model) {
  return model->graph->opset;
}

size_t opscope_model_node_count(const opscope_model_t *model) {
  return model->graph->n_nodes;
}

int64_t opscope_model_param_count(const opscope_model_t *model) {
  return ops_graph_param_count(model->graph);
}

size_t opscope_model_input_count(const opscope_model_t *model) {
  return model->graph->n_inputs;
}

size_t opscope_model_output_count(const opscope_model_t *model) {
  return model->graph->n_outputs;
}

static void view_of(const struct ops_tensor *t, struct opscope_tensor *out) {
  out->name = t->name;
  out->dtype = (int)t->dtype;
  out->rank = t->shape.rank;
  out->dims = t->shape.dims;
  out->data = NULL;
  out->nbytes = 0;
}

bool opscope_model_input(const opscope_model_t *model, size_t index, struct opscope_tensor *t) {
  if (index >= model->graph->n_inputs) return false;
  view_of(&model->graph->tensors[model->graph->inputs[index]], t);
  return true;
}

bool opscope_model_output(const opscope_model_t *model, size_t index, struct opscope_tensor *t) {
  if (index >= model->graph->n_outputs) return false;
  view_of(&model->graph->tensors[model->graph->outputs[index]], t);
  return true;
}

/* Checks `rank` x `dims` against graph input `name` and stores the shape; *index gets the
 * tensor. Shape inference is the caller's to run. */
static enum ops_status fix_input_shape(struct ops_graph *g, const char *name, int rank,
                                       const int64_t *dims, int *index, struct ops_diag *d) {
  enum ops_status status = OPS_ERR_BAD_INPUT;
  int t = name != NULL ? ops_graph_find_tensor(g, name) : -1;
  if (t < 0 || g->tensors[t].role != OPS_TENSOR_INPUT) {
    return ops_fail(d, status, "the model has no input called '%s'", name ? name : "");
  }
  struct ops_tensor *in = &g->tensors[t];
  if (rank < 0 || rank > OPS_MAX_RANK) {
    return ops_fail(d, status, "input '%s': rank %d is outside 0..%d", name, rank, OPS_MAX_RANK);
  }
  if (in->shape.rank >= 0 && in->shape.rank != rank) {
    return ops_fail(d, status, "input '%s' has rank %d in the model, given rank %d", name,
                    in->shape.rank, rank);
  }
  for (int i = 0; i < rank; i++) {
    if (dims[i] < 0) {
      return ops_fail(d, status, "input '%s': dim %d is negative (%lld)", name, i,
                      (long long)dims[i]);
    }
    if (in->shape.rank >= 0 && in->shape.dims[i] >= 0 && in->shape.dims[i] != dims[i]) {
      return ops_fail(d, status, "input '%s': dim %d is %lld in the model, given %lld", name, i,
                      (long long)in->shape.dims[i], (long long)dims[i]);
    }
  }
  struct ops_shape shape = ops_shape_make(rank, dims);
  int64_t numel;
  if (!ops_shape_numel(&shape, &numel)) {
    return ops_fail(d, status, "input '%s': the shape's element count overflows", name);
  }
  /* A new shape invalidates a value bound before. */
  if (in->data != NULL && !ops_shape_equal(&in->shape, &shape)) ops_tensor_clear_data(in);
  in->shape = shape;
  *index = t;
  return OPS_OK;
}

int opscope_model_set_input_shape(opscope_model_t *model, const char *name, int rank,
                                  const int64_t *dims, char *err, size_t err_len) {
  struct ops_graph *g = model->graph;
  struct ops_diag d;
  ops_diag_init(&d, g->path);
  int t = -1;
  enum ops_status status = fix_input_shape(g, name, rank, dims, &t, &d);
  if (status == OPS_OK) status = ops_shape_infer(g, &d);
  ops_diag_copy(&d, err, err_len);
  return (int)status;
}

int opscope_model_bind_input(opscope_model_t *model, const struct opscope_tensor *value, char *err,
                             size_t err_len) {
  struct ops_graph *g = model->graph;
  struct ops_diag d;
  ops_diag_init(&d, g->path);
  int t = -1;
  enum ops_status status = fix_input_shape(g, value->name, value->rank, value->dims, &t, &d);
  if (status != OPS_OK) goto done;
  struct ops_tensor *in = &g->tensors[t];
  if (value->dtype != (int)in->dtype) {
    status = ops_fail(&d, OPS_ERR_BAD_INPUT, "input '%s' is %s, the model expects %s", in->name,
                      opscope_dtype_name(value->dtype), ops_dtype_name(in->dtype));
    goto done;
  }
  if (ops_graph_reads_value_of(g, t)) {
    size_t bytes;
    int64_t numel;
    char shape[128];
    if (!ops_tensor_byte_size(in, &bytes) || value->nbytes != bytes || value->data == NULL) {
      status = ops_fail(&d, OPS_ERR_BAD_INPUT, "input '%s': %zu bytes given for shape %s", in->name,
                        value->nbytes, ops_shape_format(&in->shape, shape, sizeof shape));
      goto done;
    }
    if (!ops_shape_numel(&in->shape, &numel) || numel > OPS_BIND_MAX_VALUE) {
      status = ops_fail(&d, OPS_ERR_UNSUPPORTED,
                        "input '%s' decides shapes but has %lld elements; opscope binds such "
                        "values of at most %d elements",
                        in->name, (long long)numel, OPS_BIND_MAX_VALUE);
      goto done;
    }
    if (model->passes->done && in->data != NULL && in->nbytes == bytes &&
        memcmp(in->data, value->data, bytes) != 0) {
      /* The passes may have folded what follows from the old value into constants. */
      status = ops_fail(&d, OPS_ERR_BAD_INPUT,
                        "input '%s' was bound to another value when the graph passes ran; load "
                        "the model again to bind a new one",
                        in->name);
      goto done;
    }
    if (!ops_tensor_set_data_copy(in, value->data, bytes)) {
      status = ops_fail(&d, OPS_ERR_NO_MEMORY, "out of memory binding input '%s'", in->name);
      goto done;
    }
  }
  status = ops_shape_infer(g, &d);
done:
  ops_diag_copy(&d, err, err_len);
  return (int)status;
}

bool opscope_model_input_is_bound(const opscope_model_t *model, size_t index) {
  if (index >= model->graph->n_inputs) return false;
  return model->graph->tensors[model->graph->inputs[index]].data != NULL;
}

void opscope_model_set_max_memory(opscope_model_t *model, size_t max_bytes) {
  model->max_memory = max_bytes;
}

int opscope_model_export_ir(const opscope_model_t *model, const char *json_path, char *err,
                            size_t err_len) {
  struct ops_diag d;
  ops_diag_init(&d, NULL);
  enum ops_status status = ops_save_json(model->graph, json_path, &d);
  ops_diag_copy(&d, err, err_len);
  return (int)status;
}

/* ---- plans ---- */

int opscope_plan_new(const opscope_model_t *model, int requested_unit, opscope_plan_t **out,
                     char *err, size_t err_len) {
  struct ops_diag d;
  ops_diag_init(&d, NULL);
  *out = NULL;
  /* Every path to a plan (CLI modes, API users, tests) runs the passes here, once per model. */
  int passes = opscope_model_optimize(model, err, err_len);
  if (passes != OPSCOPE_OK) return passes;
  opscope_plan_t *p = ops_calloc_array(1, sizeof *p);
  if (p == NULL) {
    ops_fail(&d, OPS_ERR_NO_MEMORY, "out of memory");
    ops_diag_copy(&d, err, err_len);
    return OPS_ERR_NO_MEMORY;
  }
  enum ops_status status = ops_plan_new(model->graph, requested_unit, &p->plan, &d);
  if (status == OPS_OK && model->aot != NULL && requested_unit == model->aot->unit) {
    /* The library's unit runs the library; other units run opscope's kernels on its graph. */
    status = ops_aot_plan_adopt(model->aot, p->plan, &d);
    if (status != OPS_OK) ops_plan_free(p->plan);
    p->aot = true;
  }
  if (status != OPS_OK) {
    free(p);
    ops_diag_copy(&d, err, err_len);
    return (int)status;
  }
  if (model->passes->dump_dir != NULL && !model->passes->dot_written) {
    /* The first plan is the requested unit's in the CLI; later ones (--compare) would overwrite. */
    char path[4096];
    int len = snprintf(path, sizeof path, "%s/plan.dot", model->passes->dump_dir);
    status = len < 0 || (size_t)len >= sizeof path
                 ? ops_fail(&d, OPS_ERR_BAD_INPUT, "--dump-ir directory name is too long")
                 : ops_plan_write_dot(p->plan, path, &d);
    if (status != OPS_OK) {
      ops_plan_free(p->plan);
      free(p);
      ops_diag_copy(&d, err, err_len);
      return (int)status;
    }
    model->passes->dot_written = true;
  }
  p->model = model;
  *out = p;
  return OPS_OK;
}

void opscope_plan_free(opscope_plan_t *plan) {
  if (plan == NULL) return;
  ops_plan_free(plan->plan);
  free(plan);
}

size_t opscope_plan_node_count(const opscope_plan_t *plan) {
  return plan->plan->n_nodes;
}

int opscope_plan_requested_unit(const opscope_plan_t *plan) {
  return plan->plan->requested;
}

bool opscope_plan_node(const opscope_plan_t *plan, size_t index, struct opscope_plan_node *out) {
  const struct ops_plan *p = plan->plan;
  if (index >= p->n_nodes) return false;
  const struct ops_plan_node *pn = &p->nodes[index];
  const struct ops_node *node = &p->graph->nodes[pn->node];
  out->node = node->name;
  out->op = node->op_type;
  out->requested_unit = pn->requested;
  out->assigned_unit = pn->assigned;
  out->executable = pn->kind == OPS_PLAN_EXECUTABLE;
  out->fallback = ops_plan_node_is_fallback(p, pn);
  out->kernel = pn->kernel != NULL ? pn->kernel->name : "";
  out->code = ops_reason_code(pn->reason);
  out->reason = pn->reason_text;
  out->hint = ops_reason_hint(pn->reason);
  return true;
}

/* ---- compiled models ---- */

int opscope_exec_new(const opscope_plan_t *plan, opscope_exec_t **out, char *err, size_t err_len) {
  struct ops_diag d;
  ops_diag_init(&d, plan->plan->graph->path);
  *out = NULL;
  opscope_exec_t *e = ops_calloc_array(1, sizeof *e);
  if (e == NULL) {
    ops_fail(&d, OPS_ERR_NO_MEMORY, "out of memory");
    ops_diag_copy(&d, err, err_len);
    return OPS_ERR_NO_MEMORY;
  }
  enum ops_status status =
      plan->aot ? ops_aot_exec_new(plan->model->aot, plan->plan, &e->exec, &d)
                : ops_exec_new_limited(plan->plan, plan->model->max_memory, &e->exec, &d);
  if (status != OPS_OK) {
    free(e);
    ops_diag_copy(&d, err, err_len);
    return (int)status;
  }
  e->plan = plan;
  *out = e;
  return OPS_OK;
}

void opscope_exec_free(opscope_exec_t *exec) {
  if (exec == NULL) return;
  ops_exec_free(exec->exec);
  free(exec);
}

int opscope_exec_run(opscope_exec_t *exec, const struct opscope_tensor *inputs, size_t n_inputs,
                     char *err, size_t err_len) {
  const struct ops_graph *g = exec->exec->graph;
  struct ops_diag d;
  ops_diag_init(&d, g->path);
  enum ops_status status = OPS_ERR_BAD_INPUT;
  if (n_inputs != g->n_inputs) {
    ops_fail(&d, status, "%zu inputs given, the model has %zu", n_inputs, g->n_inputs);
    goto fail;
  }
  for (size_t i = 0; i < n_inputs; i++) {
    const struct opscope_tensor *in = &inputs[i];
    int t = in->name != NULL ? ops_graph_find_tensor(g, in->name) : -1;
    if (t < 0 || g->tensors[t].role != OPS_TENSOR_INPUT) {
      ops_fail(&d, status, "the model has no input called '%s'", in->name ? in->name : "");
      goto fail;
    }
    const struct ops_tensor *want = &g->tensors[t];
    struct ops_shape given = ops_shape_make(in->rank < 0 ? 0 : in->rank, in->dims);
    given.rank = in->rank;
    char a[128], b[128];
    if (in->dtype != (int)want->dtype) {
      ops_fail(&d, status, "input '%s' is %s, the model expects %s", in->name,
               opscope_dtype_name(in->dtype), ops_dtype_name(want->dtype));
      goto fail;
    }
    if (in->rank > OPS_MAX_RANK || !ops_shape_equal(&given, &want->shape)) {
      ops_fail(&d, status, "input '%s' has shape %s, the model expects %s", in->name,
               in->rank > OPS_MAX_RANK ? "of rank > 8" : ops_shape_format(&given, a, sizeof a),
               ops_shape_format(&want->shape, b, sizeof b));
      goto fail;
    }
    status = ops_exec_set_input(exec->exec, t, in->data, in->nbytes, &d);
    if (status != OPS_OK) goto fail;
  }
  status = ops_exec_run(exec->exec, &d);
  if (status != OPS_OK) goto fail;
  return OPS_OK;
fail:
  ops_diag_copy(&d, err, err_len);
  return (int)status;
}

size_t opscope_exec_output_count(const opscope_exec_t *exec) {
  return exec->exec->graph->n_outputs;
}

bool opscope_exec_output(const opscope_exec_t *exec, size_t index, struct opscope_tensor *out) {
  const struct ops_graph *g = exec->exec->graph;
  if (index >= g->n_outputs) return false;
  const struct ops_tensor *t = &g->tensors[g->outputs[index]];
  view_of(t, out);
  out->data = (void *)ops_exec_tensor(exec->exec, g->outputs[index]);
  size_t bytes = 0;
  out->nbytes = ops_tensor_byte_size(t, &bytes) ? bytes : 0;
  return true;
}

size_t opscope_exec_arena_bytes(const opscope_exec_t *exec) {
  return exec->exec->arena_bytes;
}

/* ---- tensor files ---- */

int opscope_tensor_load_pb(const char *path, struct opscope_tensor *out, char *err,
                           size_t err_len) {
  struct ops_diag d;
  ops_diag_init(&d, NULL);
  memset(out, 0, sizeof *out);
  struct ops_tensor t;
  memset(&t, 0, sizeof t);
  enum ops_status status = ops_load_tensor_pb(path, &t, &d);
  if (status != OPS_OK) {
    ops_tensor_done(&t);
    ops_diag_copy(&d, err, err_len);
    return (int)status;
  }
  int64_t *dims = ops_calloc_array((size_t)(t.shape.rank > 0 ? t.shape.rank : 1), sizeof *dims);
  if (dims == NULL) {
    ops_tensor_done(&t);
    ops_fail(&d, OPS_ERR_NO_MEMORY, "out of memory");
    ops_diag_copy(&d, err, err_len);
    return OPS_ERR_NO_MEMORY;
  }
  for (int i = 0; i < t.shape.rank; i++)
    dims[i] = t.shape.dims[i];
  out->name = t.name != NULL ? t.name : ops_strdup("");
  out->dtype = (int)t.dtype;
  out->rank = t.shape.rank;
  out->dims = dims;
  out->data = t.data;
  out->nbytes = t.nbytes;
  /* The view now owns name, dims and data; free only the dim names the tensor kept. */
  for (int i = 0; i < OPS_MAX_RANK; i++)
    free(t.dim_params[i]);
  if (!t.owns_data && t.data != NULL) {
    void *copy = malloc(t.nbytes ? t.nbytes : 1);
    if (copy == NULL) {
      ops_fail(&d, OPS_ERR_NO_MEMORY, "out of memory");
      ops_diag_copy(&d, err, err_len);
      opscope_tensor_free(out);
      return OPS_ERR_NO_MEMORY;
    }
    memcpy(copy, t.data, t.nbytes);
    out->data = copy;
  }
  return OPS_OK;
}

void opscope_tensor_free(struct opscope_tensor *t) {
  if (t == NULL) return;
  free((void *)t->name);
  free((void *)t->dims);
  free(t->data);
  memset(t, 0, sizeof *t);
}
