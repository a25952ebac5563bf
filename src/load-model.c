/*
 * The one entry point for models: picks the loader by the path's form, then holds every format
 * to the same structural checks and shape inference.
 */
#include <string.h>

#include "src/load.h"
#include "src/shape-infer.h"

static bool ends_with(const char *s, const char *suffix) {
  size_t n = strlen(s), m = strlen(suffix);
  return n >= m && strcmp(s + n - m, suffix) == 0;
}

static enum ops_status check_graph(struct ops_graph *g, struct ops_diag *d);

enum ops_status ops_load_model(const char *path, struct ops_graph **out, struct ops_diag *d) {
  static const char builtin_prefix[] = "builtin:";
  struct ops_graph *g = NULL;
  enum ops_status status;
  *out = NULL;
  if (strncmp(path, builtin_prefix, sizeof builtin_prefix - 1) == 0) {
    status = ops_load_builtin(path + sizeof builtin_prefix - 1, &g, d);
  } else if (ends_with(path, ".json")) {
    status = ops_load_json(path, &g, d);
  } else {
    status = ops_load_onnx(path, &g, d);
  }
  if (status != OPS_OK) goto fail;
  status = check_graph(g, d);
  if (status != OPS_OK) goto fail;
  *out = g;
  return OPS_OK;
fail:
  ops_graph_free(g);
  return status;
}

enum ops_status ops_load_model_json_text(const char *text, size_t len, const char *path,
                                         struct ops_graph **out, struct ops_diag *d) {
  struct ops_graph *g = NULL;
  *out = NULL;
  enum ops_status status = ops_load_json_buffer(text, len, path, &g, d);
  if (status == OPS_OK) status = check_graph(g, d);
  if (status != OPS_OK) {
    ops_graph_free(g);
    return status;
  }
  *out = g;
  return OPS_OK;
}

static enum ops_status check_graph(struct ops_graph *g, struct ops_diag *d) {
  enum ops_status status;
  /* Checks below report against the model's path; loaders already set it for their own. */
  const char *saved = d != NULL ? d->path : NULL;
  if (d != NULL && d->path == NULL) d->path = g->path;
  status = ops_graph_validate(g, d);
  if (status == OPS_OK) status = ops_shape_infer(g, d);
  if (d != NULL) d->path = saved;
  return status;
}
