/*
 * --verify DIR: run the model on an ONNX test_data_set directory and compare every output with
 * its reference, element by element.
 *
 * Test inputs are matched to model inputs by name when the file names one the model has, else
 * by position; their shapes fix the model's symbolic dims before planning, and inputs the model
 * reads as values that decide shapes (Reshape's shape, Slice's starts...) are bound to the
 * file's value (opscope_model_bind_input).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "profiler/compare.h"
#include "src/cli.h"
#include "src/size.h"

static bool file_exists(const char *path) {
  struct stat st;
  return stat(path, &st) == 0;
}

/* Loads DIR/PREFIX_K.pb for K = 0, 1, ... until one is missing. */
static int load_series(const char *dir, const char *prefix, struct opscope_tensor *out, size_t *n) {
  char path[4096], err[1024];
  for (*n = 0; *n < OPS_CLI_MAX_TENSORS; (*n)++) {
    if (snprintf(path, sizeof path, "%s/%s_%zu.pb", dir, prefix, *n) >= (int)sizeof path) {
      return ops_cli_fail(OPSCOPE_ERR_BAD_INPUT, "--verify: the directory path is too long");
    }
    if (!file_exists(path)) break;
    int st = opscope_tensor_load_pb(path, &out[*n], err, sizeof err);
    if (st != OPSCOPE_OK) return ops_cli_fail(st, err);
  }
  return OPS_EXIT_OK;
}

/* The ONNX test generators before onnx 1.13 stored bfloat16 tensors with data type uint16 and
 * the same bits; a u16 file where the model has bf16 is read as bf16. */
static void adopt_bf16(struct opscope_tensor *t, int model_dtype) {
  if (t->dtype == OPSCOPE_DTYPE_U16 && model_dtype == OPSCOPE_DTYPE_BF16) {
    t->dtype = OPSCOPE_DTYPE_BF16;
  }
}

/* The model input (or output) index that test tensor `k` feeds. */
static size_t match_index(const struct opscope_tensor *t, size_t k, size_t count,
                          bool (*get)(const opscope_model_t *, size_t, struct opscope_tensor *),
                          const opscope_model_t *model) {
  struct opscope_tensor m;
  for (size_t i = 0; t->name != NULL && t->name[0] && i < count; i++) {
    if (get(model, i, &m) && strcmp(m.name, t->name) == 0) return i;
  }
  return k;
}

int ops_cli_verify_prepare(struct ops_cli_session *s) {
  struct ops_cli_verify_state *v = &s->verify;
  const char *dir = s->opts->verify_dir;
  char msg[1024];
  struct stat st;
  if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
    snprintf(msg, sizeof msg,
             "%s: --verify needs a test_data_set directory (input_0.pb, "
             "output_0.pb, ...)",
             dir);
    return ops_cli_fail(OPSCOPE_ERR_BAD_INPUT, msg);
  }
  int rc = load_series(dir, "input", v->inputs, &v->n_inputs);
  if (rc != OPS_EXIT_OK) return rc;
  rc = load_series(dir, "output", v->outputs, &v->n_outputs);
  if (rc != OPS_EXIT_OK) return rc;
  size_t want_in = opscope_model_input_count(s->model);
  size_t want_out = opscope_model_output_count(s->model);
  if (v->n_inputs != want_in || v->n_outputs != want_out) {
    snprintf(msg, sizeof msg,
             "%s: has %zu input and %zu output files, the model %s has %zu "
             "inputs and %zu outputs",
             dir, v->n_inputs, v->n_outputs, opscope_model_path(s->model), want_in, want_out);
    return ops_cli_fail(OPSCOPE_ERR_BAD_INPUT, msg);
  }
  for (size_t k = 0; k < v->n_inputs; k++) {
    struct opscope_tensor *t = &v->inputs[k];
    size_t i = match_index(t, k, want_in, opscope_model_input, s->model);
    struct opscope_tensor m;
    opscope_model_input(s->model, i, &m);
    adopt_bf16(t, m.dtype);
    if (t->dtype != m.dtype) {
      snprintf(msg, sizeof msg, "%s/input_%zu.pb: dtype %s, but model input '%s' is %s", dir, k,
               opscope_dtype_name(t->dtype), m.name, opscope_dtype_name(m.dtype));
      return ops_cli_fail(OPSCOPE_ERR_BAD_INPUT, msg);
    }
    /* The file's name may differ from the model's; the run matches by the model's name. */
    char *name = ops_strdup(m.name);
    if (name == NULL) return ops_cli_fail(OPSCOPE_ERR_NO_MEMORY, "out of memory");
    free((void *)t->name);
    t->name = name;
    int status = opscope_model_bind_input(s->model, t, msg, sizeof msg);
    if (status != OPSCOPE_OK) {
      char full[1200];
      snprintf(full, sizeof full, "%s/input_%zu.pb does not fit the model: %s", dir, k, msg);
      return ops_cli_fail(status, full);
    }
  }
  return OPS_EXIT_OK;
}

int ops_cli_verify(struct ops_cli_session *s) {
  struct ops_cli_verify_state *v = &s->verify;
  struct ops_report_verify *result = &v->result;
  opscope_exec_t *exec = s->exec;
  const char *dir = s->opts->verify_dir;
  char err[1024];
  int st = opscope_exec_run(exec, v->inputs, v->n_inputs, err, sizeof err);
  if (st != OPSCOPE_OK) return ops_cli_fail(st, err);
  result->dir = dir;
  result->unit = s->opts->unit;
  result->rtol = s->opts->rtol;
  result->atol = s->opts->atol;
  result->checks = v->checks;
  result->n_checks = v->n_outputs;
  result->pass = true;
  for (size_t k = 0; k < v->n_outputs; k++) {
    struct opscope_tensor *want = &v->outputs[k];
    size_t i = match_index(want, k, v->n_outputs, opscope_model_output, s->model);
    struct opscope_tensor got;
    opscope_exec_output(exec, i, &got);
    struct ops_report_check *c = &v->checks[k];
    memset(c, 0, sizeof *c);
    c->name = got.name;
    c->dtype = got.dtype;
    c->shape = ops_shape_make(got.rank < 0 ? 0 : got.rank, got.dims);
    struct ops_shape want_shape = ops_shape_make(want->rank < 0 ? 0 : want->rank, want->dims);
    char a[128], b[128];
    adopt_bf16(want, got.dtype);
    if (got.dtype != want->dtype || !ops_shape_equal(&c->shape, &want_shape)) {
      fprintf(stderr, "opscope: output '%s' is %s %s, but %s/output_%zu.pb holds %s %s\n", got.name,
              opscope_dtype_name(got.dtype), ops_shape_format(&c->shape, a, sizeof a), dir, k,
              opscope_dtype_name(want->dtype), ops_shape_format(&want_shape, b, sizeof b));
      c->pass = false;
      result->pass = false;
      continue;
    }
    size_t count = ops_dtype_size((enum ops_dtype)got.dtype)
                       ? got.nbytes / ops_dtype_size((enum ops_dtype)got.dtype)
                       : 0;
    if (!ops_compare(got.data, want->data, got.dtype, count, result->rtol, result->atol, &c->cmp)) {
      snprintf(err, sizeof err, "output '%s': %s outputs cannot be compared", got.name,
               opscope_dtype_name(got.dtype));
      return ops_cli_fail(OPSCOPE_ERR_UNSUPPORTED, err);
    }
    c->pass = c->cmp.mismatches == 0;
    if (!c->pass) result->pass = false;
  }
  s->report.verify = result;
  if (s->opts->quiet) {
    printf("%s\n", result->pass ? "PASS" : "FAIL");
  } else {
    ops_report_verify_text(stdout, &s->report);
  }
  return result->pass ? OPS_EXIT_OK : OPS_EXIT_FAILED;
}

void ops_cli_verify_done(struct ops_cli_session *s) {
  struct ops_cli_verify_state *v = &s->verify;
  for (size_t i = 0; i < v->n_inputs; i++)
    opscope_tensor_free(&v->inputs[i]);
  for (size_t i = 0; i < v->n_outputs; i++)
    opscope_tensor_free(&v->outputs[i]);
  memset(v, 0, sizeof *v);
}
