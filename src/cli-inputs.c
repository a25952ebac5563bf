/*
 * The input every run of one invocation gets, so that every unit sees the same values:
 * --verify's test data, else --input NAME=FILE.pb files, else a seeded generator (--seed).
 * --input files are bound before planning (opscope_model_bind_input), so they fix symbolic dims
 * and the values of inputs that decide shapes, as test data does.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "src/api-impl.h"
#include "src/cli.h"
#include "src/size.h"

/* splitmix64: a small, well-mixed generator; the same seed gives the same input everywhere. */
static uint64_t next_random(uint64_t *state) {
  uint64_t z = (*state += 0x9e3779b97f4a7c15u);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
  return z ^ (z >> 31);
}

/* Uniform floats in [-1, 1) for f32 and f64 inputs. Every other dtype gets zeros: integer inputs
 * are usually indices or shapes, where random values would be out of range. */
static void fill_random(void *data, enum ops_dtype dtype, size_t bytes, uint64_t *state) {
  memset(data, 0, bytes);
  if (dtype == OPS_DTYPE_F32) {
    float *x = data;
    for (size_t i = 0; i < bytes / sizeof *x; i++) {
      x[i] = (float)((double)(next_random(state) >> 11) / 4503599627370496.0 - 1.0);
    }
  } else if (dtype == OPS_DTYPE_F64) {
    double *x = data;
    for (size_t i = 0; i < bytes / sizeof *x; i++) {
      x[i] = (double)(next_random(state) >> 11) / 4503599627370496.0 - 1.0;
    }
  }
}

/* Index of the model input called `name`, or -1. */
static int find_input(const opscope_model_t *m, const char *name) {
  struct opscope_tensor t;
  for (size_t i = 0; opscope_model_input(m, i, &t); i++) {
    if (strcmp(t.name, name) == 0) return (int)i;
  }
  return -1;
}

int ops_cli_inputs_load(struct ops_cli_session *s) {
  struct ops_cli_inputs *in = &s->inputs;
  char err[1024], msg[1400];
  in->n = opscope_model_input_count(s->model);
  if (in->n > OPS_CLI_MAX_TENSORS) {
    snprintf(msg, sizeof msg, "the model has %zu inputs; opscope's command line handles %d", in->n,
             OPS_CLI_MAX_TENSORS);
    return ops_cli_fail(OPSCOPE_ERR_UNSUPPORTED, msg);
  }
  for (size_t k = 0; k < s->opts->n_input_files; k++) {
    const char *arg = s->opts->input_files[k];
    const char *eq = strchr(arg, '=');
    char name[256];
    size_t len = eq ? (size_t)(eq - arg) : 0;
    if (eq == NULL || len == 0 || len >= sizeof name || eq[1] == '\0') {
      snprintf(msg, sizeof msg, "--input: expected NAME=FILE.pb, got '%s'", arg);
      return ops_cli_fail(OPSCOPE_ERR_BAD_INPUT, msg);
    }
    memcpy(name, arg, len);
    name[len] = '\0';
    int i = find_input(s->model, name);
    if (i < 0) {
      snprintf(msg, sizeof msg, "--input: the model has no input called '%s'", name);
      return ops_cli_fail(OPSCOPE_ERR_BAD_INPUT, msg);
    }
    struct opscope_tensor *t = &in->tensors[i];
    if (in->owned[i]) {
      snprintf(msg, sizeof msg, "--input: input '%s' is given twice", name);
      return ops_cli_fail(OPSCOPE_ERR_BAD_INPUT, msg);
    }
    int st = opscope_tensor_load_pb(eq + 1, t, err, sizeof err);
    if (st != OPSCOPE_OK) return ops_cli_fail(st, err);
    in->owned[i] = true;
    /* The file's own name, if any, is replaced by the model's. */
    char *copy = ops_strdup(name);
    if (copy == NULL) return ops_cli_fail(OPSCOPE_ERR_NO_MEMORY, "out of memory");
    free((void *)t->name);
    t->name = copy;
    st = opscope_model_bind_input(s->model, t, err, sizeof err);
    if (st != OPSCOPE_OK) {
      snprintf(msg, sizeof msg, "%s does not fit the model: %s", eq + 1, err);
      return ops_cli_fail(st, msg);
    }
  }
  return OPS_EXIT_OK;
}

int ops_cli_inputs_build(struct ops_cli_session *s) {
  struct ops_cli_inputs *in = &s->inputs;
  const struct ops_graph *g = s->model->graph;
  uint64_t state = (uint64_t)s->opts->seed;
  bool seeded = false;
  in->n = g->n_inputs;
  for (size_t i = 0; i < g->n_inputs; i++) {
    if (in->owned[i] && in->tensors[i].data != NULL) continue; /* an --input file */
    const struct ops_tensor *t = &g->tensors[g->inputs[i]];
    if (s->opts->verify_dir != NULL) {
      for (size_t k = 0; k < s->verify.n_inputs; k++) {
        if (strcmp(s->verify.inputs[k].name, t->name) == 0) in->tensors[i] = s->verify.inputs[k];
      }
      continue;
    }
    size_t bytes;
    if (!ops_tensor_byte_size(t, &bytes)) {
      char msg[512], shape[128];
      snprintf(msg, sizeof msg,
               "input '%s' has shape %s: fix it with --input-shape or give it with --input",
               t->name, ops_shape_format(&t->shape, shape, sizeof shape));
      return ops_cli_fail(OPSCOPE_ERR_BAD_INPUT, msg);
    }
    void *data = malloc(bytes ? bytes : 1);
    if (data == NULL) return ops_cli_fail(OPSCOPE_ERR_NO_MEMORY, "out of memory for the input");
    /* A value bound to the model stays that value; everything else is drawn from the seed. */
    if (t->data != NULL) {
      memcpy(data, t->data, bytes);
    } else {
      fill_random(data, t->dtype, bytes, &state);
      seeded = true;
    }
    int64_t *dims = ops_calloc_array((size_t)(t->shape.rank > 0 ? t->shape.rank : 1), sizeof *dims);
    struct opscope_tensor *x = &in->tensors[i];
    memset(x, 0, sizeof *x);
    x->name = ops_strdup(t->name);
    x->dtype = (int)t->dtype;
    x->rank = t->shape.rank;
    x->dims = dims;
    x->data = data;
    x->nbytes = bytes;
    in->owned[i] = true;
    if (x->name == NULL || dims == NULL) {
      return ops_cli_fail(OPSCOPE_ERR_NO_MEMORY, "out of memory for the input");
    }
    for (int d = 0; d < t->shape.rank; d++)
      dims[d] = t->shape.dims[d];
  }
  if (s->opts->verify_dir != NULL) {
    snprintf(in->source, sizeof in->source, "%s", s->opts->verify_dir);
  } else if (s->opts->n_input_files > 0) {
    if (seeded) {
      snprintf(in->source, sizeof in->source, "--input files and seed %lu", s->opts->seed);
    } else {
      snprintf(in->source, sizeof in->source, "--input files");
    }
  } else {
    snprintf(in->source, sizeof in->source, "seed %lu", s->opts->seed);
  }
  return OPS_EXIT_OK;
}

int ops_cli_inputs_set(struct ops_cli_session *s, opscope_exec_t *exec) {
  struct ops_exec *e = exec->exec;
  const struct ops_graph *g = e->graph;
  struct ops_diag d;
  ops_diag_init(&d, g->path);
  for (size_t i = 0; i < s->inputs.n; i++) {
    const struct opscope_tensor *t = &s->inputs.tensors[i];
    enum ops_status st = ops_exec_set_input(e, g->inputs[i], t->data, t->nbytes, &d);
    if (st != OPS_OK) return ops_cli_fail((int)st, d.msg);
  }
  return OPS_EXIT_OK;
}

void ops_cli_inputs_done(struct ops_cli_session *s) {
  struct ops_cli_inputs *in = &s->inputs;
  for (size_t i = 0; i < OPS_CLI_MAX_TENSORS; i++) {
    if (in->owned[i]) opscope_tensor_free(&in->tensors[i]);
  }
  memset(in, 0, sizeof *in);
}
