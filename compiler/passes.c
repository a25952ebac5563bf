/*
 * The pass table and the pass runner (compiler/passes.h): run the passes of a level in order,
 * time each one, and dump the graph after each that changed it.
 */
#include "compiler/passes.h"

#include <assert.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "compiler/pass-impl.h"
#include "src/load.h"

struct pass_row {
  struct ops_pass_info info;
  ops_pass_fn fn;
};

/* Run order matters: folding first exposes constant Clip bounds and makes dead shape
 * arithmetic visible to dce; bn must see Conv -> BatchNormalization before fuse turns the Conv's
 * output into a Relu's; gelu before fuse, so a Gelu it makes can fuse; dce last sweeps what the
 * others left unread. */
static const struct pass_row passes[] = {
    {{"fold", 1, "constant folding: nodes with constant inputs become initializers"},
     ops_pass_fold},
    {{"identity", 1, "no-op Identity, Dropout, Reshape, Transpose, Cast... removed"},
     ops_pass_identity},
    {{"cse", 2, "common subexpressions: identical nodes on the same inputs merged"}, ops_pass_cse},
    {{"bn", 2, "BatchNormalization folded into the Conv before it"}, ops_pass_bn},
    {{"layernorm", 3, "LayerNorm as nine ops (ReduceMean, Sub, Pow, ...) as LayerNormalization"},
     ops_pass_layernorm},
    {{"gelu", 3, "GELU as exporters decompose it (Div, Erf, Add, Mul, Mul) as one Gelu op"},
     ops_pass_gelu},
    {{"fuse", 3, "MatMul+Add as Gemm; Relu, Clip, Sigmoid, SiLU, HardSwish, Gelu into Conv/Gemm"},
     ops_pass_fuse},
    {{"dce", 1, "dead nodes (outputs nobody reads) removed"}, ops_pass_dce},
};
static_assert(sizeof passes / sizeof passes[0] <= OPS_PASS_MAX, "OPS_PASS_MAX is too small");

const struct ops_pass_info *ops_passes_table(size_t *n) {
  static struct ops_pass_info infos[sizeof passes / sizeof passes[0]];
  for (size_t i = 0; i < sizeof passes / sizeof passes[0]; i++)
    infos[i] = passes[i].info;
  *n = sizeof passes / sizeof passes[0];
  return infos;
}

int ops_opt_level_parse(const char *text) {
  if (text == NULL) return -1;
  if (text[0] == 'O' || text[0] == 'o') text++;
  if (text[0] >= '0' && text[0] <= '0' + OPS_OPT_LEVEL_MAX && text[1] == '\0') return text[0] - '0';
  return -1;
}

static double now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/* DIR/NN-NAME.json, and its weights beside it. */
static enum ops_status dump(const struct ops_graph *g, const char *dir, unsigned index,
                            const char *name, struct ops_diag *d) {
  char path[4096];
  int len = snprintf(path, sizeof path, "%s/%02u-%s.json", dir, index, name);
  if (len < 0 || (size_t)len >= sizeof path) {
    return ops_fail(d, OPS_ERR_BAD_INPUT, "--dump-ir directory '%.200s' is too long", dir);
  }
  return ops_save_json(g, path, d);
}

/* Creates `dir` and any missing parents (mkdir -p). */
static enum ops_status make_dir(const char *dir, struct ops_diag *d) {
  char path[4096];
  int len = snprintf(path, sizeof path, "%s", dir);
  if (len <= 0 || (size_t)len >= sizeof path) {
    return ops_fail(d, OPS_ERR_BAD_INPUT, "--dump-ir directory '%.200s' is too long or empty", dir);
  }
  for (char *p = path + 1; *p; p++) {
    if (*p != '/') continue;
    *p = '\0';
    if (mkdir(path, 0777) != 0 && errno != EEXIST) {
      return ops_fail(d, OPS_ERR_IO, "--dump-ir: cannot create directory '%s': %s", path,
                      strerror(errno));
    }
    *p = '/';
  }
  if (mkdir(dir, 0777) == 0 || errno == EEXIST) {
    struct stat sb;
    if (stat(dir, &sb) == 0 && S_ISDIR(sb.st_mode)) return OPS_OK;
    return ops_fail(d, OPS_ERR_IO, "--dump-ir: '%s' exists and is not a directory", dir);
  }
  return ops_fail(d, OPS_ERR_IO, "--dump-ir: cannot create directory '%s': %s", dir,
                  strerror(errno));
}

bool ops_passes_ready(const struct ops_graph *g) {
  for (size_t i = 0; i < g->n_nodes; i++) {
    const struct ops_node *n = &g->nodes[i];
    for (int k = 0; k < n->n_inputs + n->n_outputs; k++) {
      int t = k < n->n_inputs ? n->inputs[k] : n->outputs[k - n->n_inputs];
      if (t < 0) continue;
      const struct ops_tensor *x = &g->tensors[t];
      if (x->dtype == OPS_DTYPE_UNDEFINED || !ops_shape_is_known(&x->shape)) return false;
    }
  }
  return true;
}

enum ops_status ops_passes_run(struct ops_graph *g, int level, const char *dump_dir,
                               struct ops_pass_report *report, struct ops_diag *d) {
  struct ops_pass_report local;
  if (report == NULL) report = &local;
  memset(report, 0, sizeof *report);
  if (level < 0 || level > OPS_OPT_LEVEL_MAX) {
    return ops_fail(d, OPS_ERR_BAD_INPUT, "optimisation level %d is outside O0..O%d", level,
                    OPS_OPT_LEVEL_MAX);
  }
  report->level = level;
  double t_all = now_ms();
  enum ops_status st = OPS_OK;
  unsigned dumped = 0;
  if (dump_dir != NULL) {
    st = make_dir(dump_dir, d);
    if (st == OPS_OK) st = dump(g, dump_dir, dumped++, "input", d);
    if (st != OPS_OK) return st;
  }
  for (size_t i = 0; i < sizeof passes / sizeof passes[0]; i++) {
    const struct pass_row *p = &passes[i];
    if (p->info.level > level) continue;
    struct ops_pass_stat *s = &report->stats[report->n++];
    s->name = p->info.name;
    s->level = p->info.level;
    s->nodes_before = g->n_nodes;
    double t0 = now_ms();
    st = p->fn(g, &s->rewrites, d);
    s->ms = now_ms() - t0;
    s->nodes_after = g->n_nodes;
    if (st != OPS_OK) break;
    if (dump_dir != NULL && s->rewrites > 0) {
      st = dump(g, dump_dir, dumped++, p->info.name, d);
      if (st != OPS_OK) break;
    }
  }
  report->ms = now_ms() - t_all;
  return st;
}
