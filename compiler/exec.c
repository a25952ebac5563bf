/*
 * Lowering a compute plan to steps over one arena, and running them.
 */
#include "compiler/exec.h"

#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <time.h>

#include "compiler/concat-in-place.h"
#include "compiler/mem-plan.h"
#include "kernels/threads/pool.h"
#include "src/size.h"

static void step_done(struct ops_step *s) {
  ops_binding_done(&s->bind);
  free(s->in);
  free(s->in_dims);
  free(s->in_dtype);
  free(s->out);
  free(s->out_dims);
  free(s->out_dtype);
}

/* The threads unit's pool: made once, when the first compiled model needs it, and shared by
 * every compiled model of the process (never one per op or per run). One pool keeps models
 * compiled side by side (--benchmark-all's threads and all) from having two sets of workers
 * spin against each other for the same CPUs; a model that finds it busy (another thread
 * running) runs its GEMMs on the calling thread. One thread per online CPU unless
 * ops_exec_set_pool_threads() said otherwise. */
static pthread_mutex_t shared_pool_lock = PTHREAD_MUTEX_INITIALIZER;
static struct ops_pool *shared_pool;
static size_t shared_pool_users;
static int pool_threads_wanted; /* 0: one per online CPU */

void ops_exec_set_pool_threads(int nth) {
  pthread_mutex_lock(&shared_pool_lock);
  pool_threads_wanted = nth < 0 ? 0 : nth > OPS_POOL_MAX_THREADS ? OPS_POOL_MAX_THREADS : nth;
  pthread_mutex_unlock(&shared_pool_lock);
}

int ops_exec_pool_threads(void) {
  pthread_mutex_lock(&shared_pool_lock);
  int nth = shared_pool != NULL ? ops_pool_threads(shared_pool) : pool_threads_wanted;
  pthread_mutex_unlock(&shared_pool_lock);
  if (nth > 0) return nth;
  long cpus = sysconf(_SC_NPROCESSORS_ONLN);
  return cpus < 1 ? 1 : cpus > OPS_POOL_MAX_THREADS ? OPS_POOL_MAX_THREADS : (int)cpus;
}

static void release_pool(struct ops_pool *pool) {
  if (pool == NULL) return;
  pthread_mutex_lock(&shared_pool_lock);
  if (--shared_pool_users == 0) {
    ops_pool_free(shared_pool);
    shared_pool = NULL;
  }
  pthread_mutex_unlock(&shared_pool_lock);
}

void ops_exec_free(struct ops_exec *exec) {
  if (exec == NULL) return;
  for (size_t i = 0; i < exec->n_steps; i++)
    step_done(&exec->steps[i]);
  free(exec->steps);
  release_pool(exec->pool);
  free(exec->arena);
  free(exec->tensor_data);
  free(exec->step_ns);
  if (exec->release != NULL) exec->release(exec->release_ctx);
  free(exec);
}

static enum ops_status bind_node(const struct ops_graph *g, const struct ops_node *node, int unit,
                                 struct ops_binding *out, struct ops_diag *d) {
  switch (unit) {
    case OPSCOPE_UNIT_SCALAR:
      return ops_bind_scalar(g, node, out, d);
    case OPSCOPE_UNIT_SIMD:
    case OPSCOPE_UNIT_THREADS:
      return ops_bind_simd(g, node, unit, out, d);
    default:
      return ops_fail(d, OPS_ERR_UNSUPPORTED, "node '%s' (%s): the %s unit has no binder",
                      node->name, node->op_type, opscope_unit_name(unit));
  }
}

/* Takes the shared pool when a step runs on threads, and gives its steps the pool. */
static enum ops_status start_pool(struct ops_exec *e, struct ops_diag *d) {
  bool threads = false;
  for (size_t s = 0; s < e->n_steps; s++)
    threads = threads || e->steps[s].unit == OPSCOPE_UNIT_THREADS;
  if (!threads) return OPS_OK;
  int nth = ops_exec_pool_threads();
  char msg[256];
  enum ops_status st = OPS_OK;
  pthread_mutex_lock(&shared_pool_lock);
  if (shared_pool == NULL) st = ops_pool_new(nth, 0, &shared_pool, msg, sizeof msg);
  if (st == OPS_OK) {
    shared_pool_users++;
    e->pool = shared_pool;
  }
  pthread_mutex_unlock(&shared_pool_lock);
  if (st != OPS_OK) return ops_fail(d, st, "the threads unit's pool: %s", msg);
  for (size_t s = 0; s < e->n_steps; s++) {
    if (e->steps[s].unit == OPSCOPE_UNIT_THREADS) e->steps[s].call.pool = e->pool;
  }
  return OPS_OK;
}

static struct ops_kdims kdims_of(const struct ops_tensor *t) {
  struct ops_kdims k;
  memset(&k, 0, sizeof k);
  k.rank = t->shape.rank;
  for (int i = 0; i < t->shape.rank; i++)
    k.d[i] = t->shape.dims[i];
  return k;
}

/* Allocates a step's call arrays and fills dims and dtypes; pointers come after memory planning. */
static enum ops_status step_init(struct ops_step *s, const struct ops_graph *g,
                                 const struct ops_node *node, struct ops_diag *d) {
  size_t n_in = (size_t)node->n_inputs, n_out = (size_t)node->n_outputs;
  s->in = ops_calloc_array(n_in, sizeof *s->in);
  s->in_dims = ops_calloc_array(n_in, sizeof *s->in_dims);
  s->in_dtype = ops_calloc_array(n_in, sizeof *s->in_dtype);
  s->out = ops_calloc_array(n_out, sizeof *s->out);
  s->out_dims = ops_calloc_array(n_out, sizeof *s->out_dims);
  s->out_dtype = ops_calloc_array(n_out, sizeof *s->out_dtype);
  if (!s->in || !s->in_dims || !s->in_dtype || !s->out || !s->out_dims || !s->out_dtype) {
    return ops_fail(d, OPS_ERR_NO_MEMORY, "out of memory compiling node '%s'", node->name);
  }
  for (size_t i = 0; i < n_in; i++) {
    const struct ops_tensor *t = ops_node_input(g, node, (int)i);
    if (t == NULL) continue;
    s->in_dims[i] = kdims_of(t);
    s->in_dtype[i] = (int)t->dtype;
  }
  for (size_t i = 0; i < n_out; i++) {
    if (node->outputs[i] < 0) continue;
    const struct ops_tensor *t = &g->tensors[node->outputs[i]];
    s->out_dims[i] = kdims_of(t);
    s->out_dtype[i] = (int)t->dtype;
  }
  s->call.n_in = node->n_inputs;
  s->call.n_out = node->n_outputs;
  s->call.in = s->in;
  s->call.in_dims = s->in_dims;
  s->call.in_dtype = s->in_dtype;
  s->call.out = s->out;
  s->call.out_dims = s->out_dims;
  s->call.out_dtype = s->out_dtype;
  s->call.params = s->bind.params;
  return OPS_OK;
}

/* The arena (activations and scratch) and the packed weights against `max_bytes` (0: no cap
 * given) and against the machine's physical memory.
 * Runs after the memory plan and before the arena exists, so a model whose shapes ask for
 * terabytes is refused without touching them. */
static enum ops_status check_limit(const struct ops_exec *e, size_t activations, size_t total,
                                   size_t max_bytes, struct ops_diag *d) {
  /* Without a cap, the machine's memory is one: Linux overcommit would let a larger arena be
   * "allocated" and then kill the process while it is zeroed. */
  long pages = sysconf(_SC_PHYS_PAGES), page = sysconf(_SC_PAGESIZE);
  size_t phys = 0;
  bool have_phys = pages > 0 && page > 0 && ops_mul_size((size_t)pages, (size_t)page, &phys);
  const char *limit = "--max-memory";
  if (max_bytes == 0 || (have_phys && phys < max_bytes)) {
    if (!have_phys) return OPS_OK; /* no cap given, and the machine's size is unknown */
    max_bytes = phys;
    limit = "this machine's memory,";
  }
  size_t packed = 0, need = 0;
  for (size_t s = 0; s < e->n_steps; s++) {
    if (!ops_add_size(packed, e->steps[s].bind.packed_bytes, &packed)) packed = SIZE_MAX;
  }
  if (!ops_add_size(total, packed, &need)) need = SIZE_MAX;
  if (need <= max_bytes) return OPS_OK;
  char a[32], b[32], c[32], n[32], m[32];
  return ops_fail(
      d, OPS_ERR_NO_MEMORY, "model needs %s (arena %s, packed weights %s, scratch %s), above %s %s",
      ops_format_bytes(need, n, sizeof n), ops_format_bytes(activations, a, sizeof a),
      ops_format_bytes(packed, b, sizeof b), ops_format_bytes(e->scratch_bytes, c, sizeof c), limit,
      ops_format_bytes(max_bytes, m, sizeof m));
}

/* Builds one memory request per tensor that needs arena bytes: graph inputs, and activations
 * whose value is not known at compile time. */
static enum ops_status plan_memory(struct ops_exec *e, const int *step_of_node, size_t max_bytes,
                                   struct ops_diag *d) {
  const struct ops_graph *g = e->graph;
  enum ops_status status = OPS_ERR_NO_MEMORY;
  struct ops_alias *alias = NULL;
  int *request_of = ops_calloc_array(g->n_tensors, sizeof *request_of);
  struct ops_mem_request *reqs = ops_calloc_array(g->n_tensors, sizeof *reqs);
  size_t n = 0;
  if (request_of == NULL || reqs == NULL) goto fail;
  for (size_t t = 0; t < g->n_tensors; t++) {
    const struct ops_tensor *tensor = &g->tensors[t];
    request_of[t] = -1;
    if (tensor->data != NULL) continue;
    if (tensor->role != OPS_TENSOR_INPUT && tensor->producer < 0) continue;
    size_t bytes;
    if (!ops_tensor_byte_size(tensor, &bytes)) {
      status = ops_fail(d, OPS_ERR_UNSUPPORTED, "tensor '%s' has an unknown or huge shape",
                        tensor->name);
      goto fail;
    }
    reqs[n].bytes = bytes;
    /* Graph inputs and outputs live through the whole run: a caller sets the inputs once and
     * may run again (the benchmark does, hundreds of times), and reads the outputs after it. */
    bool input = tensor->role == OPS_TENSOR_INPUT;
    reqs[n].first = input ? 0 : step_of_node[tensor->producer];
    reqs[n].last = input || tensor->is_output ? (int)e->n_steps : reqs[n].first;
    request_of[t] = (int)n++;
  }
  for (size_t s = 0; s < e->n_steps; s++) {
    const struct ops_node *node = &g->nodes[e->steps[s].node];
    for (int i = 0; i < node->n_inputs; i++) {
      int t = node->inputs[i];
      if (t >= 0 && request_of[t] >= 0 && reqs[request_of[t]].last < (int)s) {
        reqs[request_of[t]].last = (int)s;
      }
    }
  }
  alias = ops_calloc_array(g->n_tensors, sizeof *alias);
  if (alias == NULL) goto fail;
  e->concats_in_place = ops_concat_in_place(g, step_of_node, request_of, reqs, alias);
  size_t scratch_at;
  status = ops_mem_plan(reqs, n, &scratch_at, &e->naive_bytes, d);
  if (status != OPS_OK) goto fail;
  e->activation_bytes = scratch_at;
  /* Scratch is used by one step at a time, so one region after the activations serves all. */
  status = OPS_ERR_NO_MEMORY;
  size_t total;
  if (!ops_add_size(scratch_at, e->scratch_bytes, &total) ||
      !ops_add_size(total, OPS_MEM_ALIGN, &total)) {
    status = ops_fail(d, OPS_ERR_NO_MEMORY, "the arena size overflows");
    goto fail;
  }
  total = total / OPS_MEM_ALIGN * OPS_MEM_ALIGN;
  status = check_limit(e, scratch_at, total, max_bytes, d);
  if (status != OPS_OK) goto fail;
  status = OPS_ERR_NO_MEMORY;
  e->arena_bytes = total;
  e->arena = aligned_alloc(OPS_MEM_ALIGN, total);
  if (e->arena == NULL) {
    status = ops_fail(d, OPS_ERR_NO_MEMORY, "cannot allocate an arena of %zu bytes", total);
    goto fail;
  }
  memset(e->arena, 0, total);
  for (size_t t = 0; t < g->n_tensors; t++) {
    if (g->tensors[t].data != NULL) {
      e->tensor_data[t] = g->tensors[t].data;
    } else if (request_of[t] >= 0) {
      e->tensor_data[t] = e->arena + reqs[request_of[t]].offset;
    }
  }
  /* Concat inputs written in place: inside their Concat's output (never a chain of aliases). */
  for (size_t t = 0; t < g->n_tensors; t++)
    if (alias[t].target >= 0) {
      e->tensor_data[t] = e->arena + reqs[request_of[alias[t].target]].offset + alias[t].at;
    }
  for (size_t s = 0; s < e->n_steps; s++) {
    struct ops_step *step = &e->steps[s];
    const struct ops_node *node = &g->nodes[step->node];
    for (int i = 0; i < node->n_inputs; i++) {
      step->in[i] = node->inputs[i] >= 0 ? e->tensor_data[node->inputs[i]] : NULL;
    }
    for (int i = 0; i < node->n_outputs; i++) {
      step->out[i] = node->outputs[i] >= 0 ? e->tensor_data[node->outputs[i]] : NULL;
    }
    step->call.scratch = step->bind.scratch_bytes ? e->arena + scratch_at : NULL;
    step->call.scratch_bytes = step->bind.scratch_bytes;
  }
  status = OPS_OK;
fail:
  if (status == OPS_ERR_NO_MEMORY) ops_fail(d, status, "out of memory planning the arena");
  free(request_of);
  free(reqs);
  free(alias);
  return status;
}

enum ops_status ops_exec_new(const struct ops_plan *plan, struct ops_exec **out,
                             struct ops_diag *d) {
  return ops_exec_new_limited(plan, 0, out, d);
}

enum ops_status ops_exec_new_limited(const struct ops_plan *plan, size_t max_bytes,
                                     struct ops_exec **out, struct ops_diag *d) {
  *out = NULL;
  const struct ops_graph *g = plan->graph;
  enum ops_status status = OPS_ERR_NO_MEMORY;
  int *step_of_node = NULL;
  struct ops_exec *e = ops_calloc_array(1, sizeof *e);
  if (e == NULL) goto fail;
  e->graph = g;
  e->plan = plan;
  e->steps = ops_calloc_array(plan->n_nodes, sizeof *e->steps);
  e->tensor_data = ops_calloc_array(g->n_tensors, sizeof *e->tensor_data);
  e->step_ns = ops_calloc_array(plan->n_nodes, sizeof *e->step_ns);
  step_of_node = ops_calloc_array(g->n_nodes, sizeof *step_of_node);
  if (e->steps == NULL || e->tensor_data == NULL || e->step_ns == NULL || step_of_node == NULL) {
    goto fail;
  }
  for (size_t i = 0; i < plan->n_nodes; i++) {
    const struct ops_plan_node *pn = &plan->nodes[i];
    const struct ops_node *node = &g->nodes[pn->node];
    step_of_node[pn->node] = -1;
    if (pn->kind == OPS_PLAN_CONSTANT) continue;
    if (pn->assigned < 0) {
      status = ops_fail(d, OPS_ERR_UNSUPPORTED, "node '%s' (%s): %s", node->name, node->op_type,
                        pn->reason_text);
      goto fail;
    }
    struct ops_step *step = &e->steps[e->n_steps];
    step->node = pn->node;
    step->unit = pn->assigned;
    status = bind_node(g, node, pn->assigned, &step->bind, d);
    if (status != OPS_OK) goto fail;
    e->n_steps++; /* counted once bound, so a failure below frees this step too */
    status = step_init(step, g, node, d);
    if (status != OPS_OK) goto fail;
    if (step->bind.scratch_bytes > e->scratch_bytes) e->scratch_bytes = step->bind.scratch_bytes;
    step_of_node[pn->node] = (int)e->n_steps - 1;
  }
  status = plan_memory(e, step_of_node, max_bytes, d);
  if (status != OPS_OK) goto fail;
  status = start_pool(e, d);
  if (status != OPS_OK) goto fail;
  free(step_of_node);
  *out = e;
  return OPS_OK;
fail:
  if (status == OPS_ERR_NO_MEMORY) ops_fail(d, status, "out of memory compiling the model");
  free(step_of_node);
  ops_exec_free(e);
  return status;
}

enum ops_status ops_exec_new_external(const struct ops_plan *plan,
                                      const struct ops_exec_external *x, struct ops_exec **out,
                                      struct ops_diag *d) {
  *out = NULL;
  const struct ops_graph *g = plan->graph;
  enum ops_status status = OPS_ERR_NO_MEMORY;
  struct ops_exec *e = ops_calloc_array(1, sizeof *e);
  if (e == NULL) goto fail;
  e->release = x->release;
  e->release_ctx = x->release_ctx;
  e->graph = g;
  e->plan = plan;
  e->steps = ops_calloc_array(plan->n_nodes, sizeof *e->steps);
  e->tensor_data = ops_calloc_array(g->n_tensors, sizeof *e->tensor_data);
  e->step_ns = ops_calloc_array(plan->n_nodes, sizeof *e->step_ns);
  if (e->steps == NULL || e->tensor_data == NULL || e->step_ns == NULL) goto fail;
  for (size_t t = 0; t < g->n_tensors; t++)
    e->tensor_data[t] = g->tensors[t].data != NULL ? g->tensors[t].data : x->tensor_data[t];
  for (size_t i = 0; i < plan->n_nodes; i++) {
    const struct ops_plan_node *pn = &plan->nodes[i];
    if (pn->kind == OPS_PLAN_CONSTANT) continue;
    const struct ops_node *node = &g->nodes[pn->node];
    if (e->n_steps == x->n_steps) break;
    struct ops_step *step = &e->steps[e->n_steps++];
    step->node = pn->node;
    step->unit = pn->assigned;
    step->bind.kernel = x->kernels[e->n_steps - 1];
    status = step_init(step, g, node, d);
    if (status != OPS_OK) goto fail;
    step->call.params = x->params[e->n_steps - 1];
    for (int k = 0; k < node->n_inputs; k++)
      step->in[k] = node->inputs[k] >= 0 ? e->tensor_data[node->inputs[k]] : NULL;
    for (int k = 0; k < node->n_outputs; k++)
      step->out[k] = node->outputs[k] >= 0 ? e->tensor_data[node->outputs[k]] : NULL;
  }
  size_t planned = 0;
  for (size_t i = 0; i < plan->n_nodes; i++)
    planned += plan->nodes[i].kind != OPS_PLAN_CONSTANT;
  if (planned != x->n_steps) {
    status = ops_fail(d, OPS_ERR_BAD_INPUT, "the plan has %zu ops to run, the compiled model %zu",
                      planned, x->n_steps);
    goto fail;
  }
  e->arena_bytes = x->arena_bytes;
  e->activation_bytes = x->activation_bytes;
  e->naive_bytes = x->naive_bytes;
  e->scratch_bytes = x->scratch_bytes;
  *out = e;
  return OPS_OK;
fail:
  if (status == OPS_ERR_NO_MEMORY) ops_fail(d, status, "out of memory");
  if (e != NULL) {
    ops_exec_free(e);
  } else if (x->release != NULL) {
    x->release(x->release_ctx);
  }
  return status;
}

enum ops_status ops_exec_set_input(struct ops_exec *exec, int tensor, const void *data,
                                   size_t nbytes, struct ops_diag *d) {
  const struct ops_graph *g = exec->graph;
  if (tensor < 0 || (size_t)tensor >= g->n_tensors || g->tensors[tensor].role != OPS_TENSOR_INPUT) {
    return ops_fail(d, OPS_ERR_BAD_INPUT, "tensor #%d is not a graph input", tensor);
  }
  const struct ops_tensor *t = &g->tensors[tensor];
  size_t want;
  if (!ops_tensor_byte_size(t, &want) || exec->tensor_data[tensor] == NULL) {
    return ops_fail(d, OPS_ERR_BAD_INPUT, "input '%s' has no known size", t->name);
  }
  if (nbytes != want) {
    return ops_fail(d, OPS_ERR_BAD_INPUT, "input '%s': %zu bytes given, expected %zu", t->name,
                    nbytes, want);
  }
  if (t->data != NULL) {
    /* Bound to a value when the model was planned (opscope_model_bind_input): the plan's shapes
     * and kernel parameters hold for that value only. */
    if (nbytes && memcmp(t->data, data, nbytes) != 0) {
      return ops_fail(d, OPS_ERR_BAD_INPUT,
                      "input '%s' was bound to another value when the model was compiled; its "
                      "value decides shapes, so a new value needs a new plan",
                      t->name);
    }
    return OPS_OK;
  }
  if (nbytes) memcpy(exec->tensor_data[tensor], data, nbytes);
  return OPS_OK;
}

static enum ops_status step_failed(const struct ops_exec *exec, const struct ops_step *step,
                                   enum ops_kresult r, struct ops_diag *d) {
  const struct ops_node *node = &exec->graph->nodes[step->node];
  return ops_fail(d, OPS_ERR_BAD_INPUT, "node '%s' (%s): %s", node->name, node->op_type,
                  ops_kresult_str(r));
}

/* Monotonic nanoseconds; compiler/ has no profiler, and the cost here is one vDSO call. */
static uint64_t now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

enum ops_status ops_exec_run(struct ops_exec *exec, struct ops_diag *d) {
  if (!exec->profile && exec->timeline == NULL && exec->step_hook == NULL) {
    for (size_t s = 0; s < exec->n_steps; s++) {
      const struct ops_step *step = &exec->steps[s];
      enum ops_kresult r = step->bind.kernel->fn(&step->call);
      if (r != OPS_KRESULT_OK) return step_failed(exec, step, r, d);
    }
    return OPS_OK;
  }
  /* Where this run's step starts go, when a timeline is attached and has room. */
  uint64_t *tl = NULL;
  if (exec->timeline != NULL) {
    if (exec->timeline_cap - exec->timeline_len > exec->n_steps) {
      tl = exec->timeline + exec->timeline_len;
    } else {
      exec->timeline_skipped++;
    }
  }
  uint64_t t0 = now_ns();
  for (size_t s = 0; s < exec->n_steps; s++) {
    const struct ops_step *step = &exec->steps[s];
    if (tl != NULL) tl[s] = t0;
    if (exec->step_hook != NULL) exec->step_hook(exec->step_hook_ctx, s);
    enum ops_kresult r = step->bind.kernel->fn(&step->call);
    uint64_t t1 = now_ns();
    if (exec->profile) exec->step_ns[s] += t1 - t0;
    t0 = t1;
    if (r != OPS_KRESULT_OK) return step_failed(exec, step, r, d);
  }
  if (exec->step_hook != NULL) exec->step_hook(exec->step_hook_ctx, exec->n_steps);
  if (tl != NULL) {
    tl[exec->n_steps] = t0;
    exec->timeline_len += exec->n_steps + 1;
  }
  if (exec->profile) exec->profiled_runs++;
  return OPS_OK;
}

void ops_exec_set_step_hook(struct ops_exec *exec, void (*fn)(void *ctx, size_t step), void *ctx) {
  exec->step_hook = fn;
  exec->step_hook_ctx = ctx;
}

void ops_exec_set_profiling(struct ops_exec *exec, bool on) {
  exec->profile = on;
  exec->profiled_runs = 0;
  memset(exec->step_ns, 0, exec->n_steps * sizeof *exec->step_ns);
}

void ops_exec_set_timeline(struct ops_exec *exec, uint64_t *buf, size_t cap) {
  exec->timeline = buf;
  exec->timeline_cap = buf != NULL ? cap : 0;
  exec->timeline_len = 0;
  exec->timeline_skipped = 0;
}

const void *ops_exec_tensor(const struct ops_exec *exec, int tensor) {
  if (tensor < 0 || (size_t)tensor >= exec->graph->n_tensors) return NULL;
  return exec->tensor_data[tensor];
}
