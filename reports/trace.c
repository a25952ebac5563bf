/*
 * The trace writer. Times are microseconds (the format's unit) from the first run's start,
 * written as doubles so nanosecond differences survive; an op's span ends where the next op's
 * begins, since the timeline records only boundaries, so spans tile their run exactly.
 */
#include "reports/trace.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <json-c/json.h>

#include "opscope.h"

static json_object *event(const char *name, const char *cat, double ts_us, double dur_us, int pid,
                          int tid) {
  json_object *e = json_object_new_object();
  if (e == NULL) return NULL;
  json_object_object_add(e, "name", json_object_new_string(name));
  json_object_object_add(e, "cat", json_object_new_string(cat));
  json_object_object_add(e, "ph", json_object_new_string("X"));
  json_object_object_add(e, "ts", json_object_new_double(ts_us));
  json_object_object_add(e, "dur", json_object_new_double(dur_us));
  json_object_object_add(e, "pid", json_object_new_int(pid));
  json_object_object_add(e, "tid", json_object_new_int(tid));
  return e;
}

static json_object *metadata(const char *what, const char *value, int pid, int tid) {
  json_object *e = json_object_new_object();
  if (e == NULL) return NULL;
  json_object_object_add(e, "name", json_object_new_string(what));
  json_object_object_add(e, "ph", json_object_new_string("M"));
  json_object_object_add(e, "pid", json_object_new_int(pid));
  json_object_object_add(e, "tid", json_object_new_int(tid));
  json_object *args = json_object_new_object();
  json_object_object_add(args, "name", json_object_new_string(value));
  json_object_object_add(e, "args", args);
  return e;
}

static double us(uint64_t ns, uint64_t t0) {
  return (double)(ns - t0) / 1e3;
}

static json_object *build(const struct ops_trace *t) {
  const struct ops_exec *x = t->exec;
  size_t stride = x->n_steps + 1;
  uint64_t t0 = t->runs > 0 ? t->timeline[0] : 0;
  json_object *root = json_object_new_object();
  json_object *events = json_object_new_array();
  if (root == NULL || events == NULL) {
    json_object_put(root);
    json_object_put(events);
    return NULL;
  }
  json_object_object_add(root, "traceEvents", events);
  char label[512];
  snprintf(label, sizeof label, "opscope %s", t->model);
  json_object_array_add(events, metadata("process_name", label, t->pid, t->tid));
  json_object_array_add(events, metadata("thread_name", "model runs", t->pid, t->tid));
  for (size_t r = 0; r < t->runs; r++) {
    const uint64_t *tl = t->timeline + r * stride;
    char name[32];
    snprintf(name, sizeof name, "run %zu", r);
    json_object *run = event(name, "run", us(tl[0], t0), us(tl[x->n_steps], tl[0]), t->pid, t->tid);
    if (run == NULL) goto oom;
    json_object *rargs = json_object_new_object();
    json_object_object_add(rargs, "unit",
                           json_object_new_string(opscope_unit_name(t->requested_unit)));
    json_object_object_add(rargs, "ops", json_object_new_int64((int64_t)x->n_steps));
    json_object_object_add(run, "args", rargs);
    json_object_array_add(events, run);
    for (size_t s = 0; s < x->n_steps; s++) {
      const struct ops_step *step = &x->steps[s];
      const struct ops_node *node = &x->graph->nodes[step->node];
      json_object *e =
          event(node->name, node->op_type, us(tl[s], t0), us(tl[s + 1], tl[s]), t->pid, t->tid);
      if (e == NULL) goto oom;
      json_object *args = json_object_new_object();
      json_object_object_add(args, "unit", json_object_new_string(opscope_unit_name(step->unit)));
      json_object_object_add(args, "kernel", json_object_new_string(step->bind.kernel->name));
      json_object_object_add(args, "op", json_object_new_string(node->op_type));
      json_object_object_add(args, "step", json_object_new_int64((int64_t)s));
      json_object_object_add(args, "run", json_object_new_int64((int64_t)r));
      /* The threads unit split this op over the pool; workers have no spans of their own. */
      json_object_object_add(
          args, "threads",
          json_object_new_int(
              step->unit == OPSCOPE_UNIT_THREADS && t->pool_threads > 0 ? t->pool_threads : 1));
      json_object_object_add(e, "args", args);
      json_object_array_add(events, e);
    }
  }
  json_object_object_add(root, "displayTimeUnit", json_object_new_string("ms"));
  json_object *other = json_object_new_object();
  json_object_object_add(other, "tool", json_object_new_string("opscope " OPSCOPE_VERSION_STRING));
  json_object_object_add(other, "model", json_object_new_string(t->model));
  json_object_object_add(other, "runs", json_object_new_int64((int64_t)t->runs));
  json_object_object_add(other, "ops_per_run", json_object_new_int64((int64_t)x->n_steps));
  json_object_object_add(other, "pool_threads", json_object_new_int(t->pool_threads));
  json_object_object_add(root, "otherData", other);
  return root;
oom:
  json_object_put(root);
  return NULL;
}

enum ops_status ops_trace_write(const char *path, const struct ops_trace *t, struct ops_diag *d) {
  json_object *root = build(t);
  if (root == NULL) return ops_fail(d, OPS_ERR_NO_MEMORY, "out of memory writing the trace");
  enum ops_status st = OPS_OK;
  const char *text =
      json_object_to_json_string_ext(root, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE);
  FILE *f = fopen(path, "w");
  if (f == NULL) {
    st = ops_fail(d, OPS_ERR_IO, "%s: cannot write the trace: %s", path, strerror(errno));
  } else {
    if (text == NULL || fputs(text, f) == EOF || fputc('\n', f) == EOF) {
      st = ops_fail(d, OPS_ERR_IO, "%s: write failed: %s", path, strerror(errno));
    }
    if (fclose(f) != 0 && st == OPS_OK) {
      st = ops_fail(d, OPS_ERR_IO, "%s: write failed: %s", path, strerror(errno));
    }
  }
  json_object_put(root);
  return st;
}
