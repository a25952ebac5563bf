/*
 * compiler/aot-emit.c, compiler/aot-load.c and runtime/aot-runtime.c: a built-in model emitted
 * ahead of time for each unit, its metadata section read back with libelf and checked against
 * the compiled model it came from, the library run through its own C API (dlopen, as a program
 * that links it would) against opscope's run of the same compiled model, and the failures a
 * user can cause: a truncated library, a file that is not one, missing and foreign weights.
 */
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "test-util.h"

#include "compiler/aot-emit.h"
#include "compiler/aot-load.h"
#include "compiler/aot-reloc.h"
#include "src/api-impl.h"

static char workdir[256];

static int setup(void **state) {
  (void)state;
  snprintf(workdir, sizeof workdir, "/tmp/opscope-test-aot-%d", (int)getpid());
  return 0;
}

static int teardown(void **state) {
  (void)state;
  char cmd[320];
  snprintf(cmd, sizeof cmd, "rm -rf %s", workdir);
  return system(cmd) == 0 ? 0 : -1;
}

/* A compiled model and its emitted library. */
struct emitted {
  opscope_model_t *model;
  opscope_plan_t *plan;
  opscope_exec_t *exec;
  struct ops_aot_result res;
};

static void emit(const char *model, int unit, const char *prefix, struct emitted *out) {
  char err[1024];
  memset(out, 0, sizeof *out);
  assert_int_equal(opscope_model_load(model, &out->model, err, sizeof err), OPSCOPE_OK);
  assert_int_equal(opscope_plan_new(out->model, unit, &out->plan, err, sizeof err), OPSCOPE_OK);
  assert_int_equal(opscope_exec_new(out->plan, &out->exec, err, sizeof err), OPSCOPE_OK);
  struct ops_aot_options o = {
      .out_dir = workdir, .prefix = prefix, .source = model, .opt_level = 3, .build = true};
  struct ops_diag d;
  ops_diag_init(&d, NULL);
  enum ops_status st = ops_aot_emit(out->exec->exec, &o, &out->res, &d);
  if (st != OPS_OK) fail_msg("emit %s: %s", model, d.msg);
}

static void emitted_done(struct emitted *e) {
  opscope_exec_free(e->exec);
  opscope_plan_free(e->plan);
  opscope_model_free(e->model);
}

static void path_of(const struct emitted *e, const char *ext, char *buf, size_t len) {
  snprintf(buf, len, "%s%s", e->res.base, ext);
}

/* The metadata read back with libelf matches the compiled model op for op. */
static void check_metadata(const struct emitted *e, int unit) {
  char so[4200];
  path_of(e, ".so", so, sizeof so);
  struct ops_aot_lib *lib = NULL;
  struct ops_diag d;
  ops_diag_init(&d, NULL);
  enum ops_status st = ops_aot_open(so, &lib, &d);
  if (st != OPS_OK) fail_msg("%s", d.msg);
  const struct ops_exec *x = e->exec->exec;
  const struct ops_graph *g = x->graph;
  assert_int_equal(lib->unit, unit);
  assert_string_equal(lib->prefix, e->res.symbol);
  assert_string_equal(lib->model, g->name);
  assert_int_equal(lib->opset, g->opset);
  assert_int_equal(lib->opt_level, 3);
  assert_true(lib->isa[0] != '\0');
  assert_int_equal(lib->arena_bytes, x->arena_bytes);
  assert_int_equal(lib->activation_bytes, x->activation_bytes);
  assert_int_equal(lib->naive_bytes, x->naive_bytes);
  assert_int_equal(lib->weights_bytes, e->res.weights_bytes);
  assert_int_equal(lib->n_ops, x->n_steps);
  for (size_t s = 0; s < x->n_steps; s++) {
    const struct ops_node *node = &g->nodes[x->steps[s].node];
    assert_string_equal(lib->ops[s].node, node->name);
    assert_string_equal(lib->ops[s].op, node->op_type);
    assert_string_equal(lib->ops[s].kernel, x->steps[s].bind.kernel->name);
    assert_int_equal(lib->ops[s].unit, x->steps[s].unit);
    assert_true(strncmp(lib->ops[s].symbol, lib->prefix, strlen(lib->prefix)) == 0);
  }
  /* The embedded graph is the compiled one: same nodes, inputs and outputs. */
  assert_true(strstr(lib->graph_json, "\"opscope-ir\"") != NULL);
  for (size_t i = 0; i < g->n_inputs; i++)
    assert_true(strstr(lib->meta_json, g->tensors[g->inputs[i]].name) != NULL);
  ops_aot_close(lib);
}

typedef void *(*new_fn)(const char *, char *, size_t);
typedef void (*free_fn)(void *);
typedef int (*run_fn)(void *);
typedef void *(*buf_fn)(void *, size_t);
typedef size_t (*bytes_fn)(size_t);

static void *sym(void *dl, const char *prefix, const char *name) {
  char full[512];
  snprintf(full, sizeof full, "%s_%s", prefix, name);
  void *p = dlsym(dl, full);
  if (p == NULL) fail_msg("no symbol %s", full);
  return p;
}

/* The library through its C API gives the bits opscope's own run gives. */
static void check_run(const struct emitted *e) {
  char so[4200], err[1024];
  path_of(e, ".so", so, sizeof so);
  void *dl = dlopen(so, RTLD_NOW | RTLD_LOCAL);
  if (dl == NULL) fail_msg("dlopen: %s", dlerror());
  const char *P = e->res.symbol;
  new_fn make = (new_fn)sym(dl, P, "new");
  free_fn release = (free_fn)sym(dl, P, "free");
  run_fn run = (run_fn)sym(dl, P, "run");
  buf_fn input = (buf_fn)sym(dl, P, "input"), output = (buf_fn)sym(dl, P, "output");
  bytes_fn in_bytes = (bytes_fn)sym(dl, P, "input_bytes");
  bytes_fn out_bytes = (bytes_fn)sym(dl, P, "output_bytes");
  void *m = make(NULL, err, sizeof err);
  if (m == NULL) fail_msg("%s_new: %s", P, err);

  struct ops_exec *x = e->exec->exec;
  const struct ops_graph *g = x->graph;
  struct ops_diag d;
  ops_diag_init(&d, NULL);
  for (size_t i = 0; i < g->n_inputs; i++) {
    size_t n = in_bytes(i);
    float *v = malloc(n);
    for (size_t k = 0; k < n / sizeof *v; k++)
      v[k] = (float)((k * 7919 + i * 31) % 2001) / 1000.0f - 1.0f;
    memcpy(input(m, i), v, n);
    assert_int_equal(ops_exec_set_input(x, g->inputs[i], v, n, &d), OPS_OK);
    free(v);
  }
  assert_int_equal(ops_exec_run(x, &d), OPS_OK);
  /* Twice: inputs set once must still be there for the second run. */
  for (int again = 0; again < 2; again++) {
    assert_int_equal(run(m), 0);
    for (size_t i = 0; i < g->n_outputs; i++) {
      size_t n = out_bytes(i);
      assert_true(n > 0);
      assert_memory_equal(output(m, i), ops_exec_tensor(x, g->outputs[i]), n);
    }
  }
  assert_null(input(m, g->n_inputs));
  assert_int_equal(in_bytes(g->n_inputs), 0);
  release(m);
  dlclose(dl);
}

static void test_emit_each_unit(void **state) {
  (void)state;
  static const int units[] = {OPSCOPE_UNIT_SCALAR, OPSCOPE_UNIT_SIMD, OPSCOPE_UNIT_THREADS,
                              OPSCOPE_UNIT_ALL};
  for (size_t u = 0; u < sizeof units / sizeof units[0]; u++) {
    struct emitted e;
    emit("builtin:resnet-tiny", units[u], "resnet-tiny", &e);
    assert_true(e.res.n_ops > 0);
    check_metadata(&e, units[u]);
    check_run(&e);
    emitted_done(&e);
  }
}

/* Gemm, MatMul with batches, LayerNorm, Softmax, Transpose: the params with pointers inside. */
static void test_emit_transformer(void **state) {
  (void)state;
  struct emitted e;
  emit("builtin:transformer-tiny", OPSCOPE_UNIT_SIMD, "tt", &e);
  check_metadata(&e, OPSCOPE_UNIT_SIMD);
  check_run(&e);
  emitted_done(&e);
}

/* The library loads back as a model: the plan adopts its units and the exec runs its code. */
static void test_load_as_model(void **state) {
  (void)state;
  struct emitted e;
  emit("builtin:mlp", OPSCOPE_UNIT_SIMD, "mlp", &e);
  char so[4200], err[1024];
  path_of(&e, ".so", so, sizeof so);
  opscope_model_t *m = NULL;
  opscope_plan_t *p = NULL;
  opscope_exec_t *x = NULL;
  assert_int_equal(opscope_model_load(so, &m, err, sizeof err), OPSCOPE_OK);
  assert_non_null(m->aot);
  assert_int_equal(opscope_plan_new(m, OPSCOPE_UNIT_SIMD, &p, err, sizeof err), OPSCOPE_OK);
  assert_true(p->aot);
  assert_int_equal(opscope_exec_new(p, &x, err, sizeof err), OPSCOPE_OK);
  assert_int_equal(x->exec->n_steps, e.exec->exec->n_steps);
  for (size_t s = 0; s < x->exec->n_steps; s++) {
    assert_string_equal(x->exec->steps[s].bind.kernel->name,
                        e.exec->exec->steps[s].bind.kernel->name);
  }
  opscope_exec_free(x);
  opscope_plan_free(p);
  /* Another unit runs opscope's own kernels on the library's graph. */
  assert_int_equal(opscope_plan_new(m, OPSCOPE_UNIT_SCALAR, &p, err, sizeof err), OPSCOPE_OK);
  assert_false(p->aot);
  opscope_plan_free(p);
  opscope_model_free(m);
  emitted_done(&e);
}

static void copy_prefix(const char *from, const char *to, long bytes) {
  FILE *in = fopen(from, "rb"), *out = fopen(to, "wb");
  assert_non_null(in);
  assert_non_null(out);
  for (long i = 0; i < bytes; i++) {
    int c = fgetc(in);
    if (c == EOF) break;
    fputc(c, out);
  }
  fclose(in);
  fclose(out);
}

static void expect_open_fails(const char *path, enum ops_status want, const char *text) {
  struct ops_aot_lib *lib = NULL;
  struct ops_diag d;
  ops_diag_init(&d, NULL);
  assert_int_equal(ops_aot_open(path, &lib, &d), want);
  assert_null(lib);
  if (strstr(d.msg, text) == NULL) fail_msg("'%s' does not say '%s'", d.msg, text);
  assert_non_null(strstr(d.msg, path));
}

static void test_bad_libraries(void **state) {
  (void)state;
  struct emitted e;
  emit("builtin:mlp", OPSCOPE_UNIT_SIMD, "bad", &e);
  char so[4200], cut[4300], text[4300], weights[4200], saved[4300];
  path_of(&e, ".so", so, sizeof so);
  path_of(&e, ".weights", weights, sizeof weights);
  snprintf(cut, sizeof cut, "%s/cut.so", workdir);
  snprintf(text, sizeof text, "%s/text.so", workdir);
  snprintf(saved, sizeof saved, "%s/saved.weights", workdir);
  struct stat sb;
  assert_int_equal(stat(so, &sb), 0);
  for (long len = 0; len < (long)sb.st_size; len += (long)sb.st_size / 7 + 1) {
    copy_prefix(so, cut, len);
    struct ops_aot_lib *lib = NULL;
    struct ops_diag d;
    ops_diag_init(&d, NULL);
    assert_int_equal(ops_aot_open(cut, &lib, &d), OPS_ERR_BAD_INPUT);
    assert_non_null(strstr(d.msg, cut));
  }
  FILE *f = fopen(text, "w");
  fputs("not a library\n", f);
  fclose(f);
  expect_open_fails(text, OPS_ERR_BAD_INPUT, "not an ELF");
  char missing[4300];
  snprintf(missing, sizeof missing, "%s/missing.so", workdir);
  expect_open_fails(missing, OPS_ERR_IO, "cannot open");

  /* Weights: missing, short, and another compilation's. */
  char err[1024];
  opscope_model_t *m = NULL;
  opscope_plan_t *p = NULL;
  opscope_exec_t *x = NULL;
  assert_int_equal(opscope_model_load(so, &m, err, sizeof err), OPSCOPE_OK);
  assert_int_equal(opscope_plan_new(m, OPSCOPE_UNIT_SIMD, &p, err, sizeof err), OPSCOPE_OK);
  assert_int_equal(rename(weights, saved), 0);
  assert_int_equal(opscope_exec_new(p, &x, err, sizeof err), OPSCOPE_ERR_BAD_INPUT);
  assert_non_null(strstr(err, "cannot open the weights file"));
  copy_prefix(saved, weights, 1000);
  assert_int_equal(opscope_exec_new(p, &x, err, sizeof err), OPSCOPE_ERR_BAD_INPUT);
  assert_non_null(strstr(err, "shorter"));
  copy_prefix(saved, weights, 1L << 30);
  f = fopen(weights, "r+b");
  fseek(f, -1, SEEK_END);
  int last = fgetc(f);
  fseek(f, -1, SEEK_END);
  fputc(last ^ 0x55, f);
  fclose(f);
  assert_int_equal(opscope_exec_new(p, &x, err, sizeof err), OPSCOPE_ERR_BAD_INPUT);
  assert_non_null(strstr(err, "checksum"));
  assert_int_equal(rename(saved, weights), 0);
  assert_int_equal(opscope_exec_new(p, &x, err, sizeof err), OPSCOPE_OK);
  opscope_exec_free(x);
  opscope_plan_free(p);
  opscope_model_free(m);

  /* A prefix that cannot name files and symbols. */
  struct ops_aot_result res;
  struct ops_diag d;
  ops_diag_init(&d, NULL);
  struct ops_aot_options o = {.out_dir = workdir, .prefix = "a b", .build = false};
  assert_int_equal(ops_aot_emit(e.exec->exec, &o, &res, &d), OPS_ERR_BAD_INPUT);
  assert_non_null(strstr(d.msg, "--prefix"));
  emitted_done(&e);
}

/* Every SIMD kernel's params layout is known to the emitter, and scalar ones are plain. */
static void test_reloc_covers_registry(void **state) {
  (void)state;
  size_t n;
  const struct ops_kernel_entry *e = ops_registry_entries(&n);
  for (size_t i = 0; i < n; i++) {
    struct ops_aot_field fields[OPS_AOT_MAX_FIELDS];
    size_t nf = 99;
    if (!ops_aot_params_fields(&e[i], fields, &nf)) fail_msg("%s is not in aot-reloc.c", e[i].name);
    if (e[i].unit == OPSCOPE_UNIT_SCALAR) assert_int_equal(nf, 0);
    assert_true(nf <= OPS_AOT_MAX_FIELDS);
  }
}

static void test_default_prefix(void **state) {
  (void)state;
  char buf[64];
  ops_aot_default_prefix("../shared/models/squeezenet1_1/model.onnx", buf, sizeof buf);
  assert_string_equal(buf, "squeezenet1_1");
  ops_aot_default_prefix("builtin:resnet-tiny", buf, sizeof buf);
  assert_string_equal(buf, "resnet-tiny");
  ops_aot_default_prefix("nets/my net.onnx", buf, sizeof buf);
  assert_string_equal(buf, "my_net");
  ops_aot_default_prefix("model.onnx", buf, sizeof buf);
  assert_string_equal(buf, "model");
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_emit_each_unit),        cmocka_unit_test(test_emit_transformer),
      cmocka_unit_test(test_load_as_model),         cmocka_unit_test(test_bad_libraries),
      cmocka_unit_test(test_reloc_covers_registry), cmocka_unit_test(test_default_prefix),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
