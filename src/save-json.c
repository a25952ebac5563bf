/*
 * Writer of the JSON IR (docs/ir.md): the graph as JSON and the bytes of its initializers and
 * tensor attributes in a weights file beside it.
 *
 * The graph is checked as it is written so that what is written always loads again: an
 * initializer whose data does not match its dtype and shape, or a string that JSON cannot hold,
 * is refused with a message instead of producing a file the loader would reject.
 *
 * The text has one tensor or node per line, so a model reads top to bottom and diffs well; each
 * line is serialized by json-c, which does the escaping. Floats are written so that they parse
 * back to the same bits (see new_float). Adding a field: write it here, read it in
 * src/load-json.c (which refuses unknown fields), and document it in docs/ir.md.
 */
#include "src/load.h"

#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <json-c/json.h>

#include "src/size.h"

#define IR_FORMAT "opscope-ir"
#define IR_VERSION 1
/* Each tensor's data starts on a cache line so that a reader could map the file in place. */
#define WEIGHTS_ALIGN 64

struct saver {
  const struct ops_graph *g;
  struct ops_diag *d;
  enum ops_status status; /* the first failure; later steps do nothing once it is set */
  FILE *bin;
  const char *bin_path;
  size_t bin_size; /* bytes written to the weights file so far */
  size_t *offsets; /* per graph tensor, where its data went (SIZE_MAX: none); or NULL */
};

static void fail_oom(struct saver *S) {
  if (S->status == OPS_OK) {
    S->status = ops_fail(S->d, OPS_ERR_NO_MEMORY, "out of memory building the JSON");
  }
}

/* Records an allocation failure of a json-c constructor and passes the object through. */
static struct json_object *checked(struct saver *S, struct json_object *o) {
  if (o == NULL) fail_oom(S);
  return o;
}

/* Adds `val` under `key`, taking ownership; a NULL `val` means its construction failed. */
static void put(struct saver *S, struct json_object *obj, const char *key,
                struct json_object *val) {
  if (val == NULL) return;
  if (obj == NULL || json_object_object_add(obj, key, val) != 0) {
    json_object_put(val);
    fail_oom(S);
  }
}

/* JSON null: json-c represents it as a NULL object. */
static void put_null(struct saver *S, struct json_object *obj, const char *key) {
  if (obj == NULL || json_object_object_add(obj, key, NULL) != 0) fail_oom(S);
}

static void push(struct saver *S, struct json_object *arr, struct json_object *val) {
  if (val == NULL) return;
  if (arr == NULL || json_object_array_add(arr, val) != 0) {
    json_object_put(val);
    fail_oom(S);
  }
}

static void push_null(struct saver *S, struct json_object *arr) {
  if (arr == NULL || json_object_array_add(arr, NULL) != 0) fail_oom(S);
}

static struct json_object *new_string(struct saver *S, const char *s) {
  return checked(S, json_object_new_string(s != NULL ? s : ""));
}

static struct json_object *new_int(struct saver *S, int64_t v) {
  return checked(S, json_object_new_int64(v));
}

/* A float that parses back to the same bits: 9 significant digits identify any float, ".0"
 * keeps "-0" from reading back as the integer 0, and values JSON lacks become strings. */
static struct json_object *new_float(struct saver *S, float f) {
  char text[40];
  uint32_t bits;
  memcpy(&bits, &f, sizeof bits);
  if (isnan(f)) {
    if (bits == 0x7fc00000u) return new_string(S, "nan");
    snprintf(text, sizeof text, "nan:0x%08" PRIx32, bits);
    return new_string(S, text);
  }
  if (isinf(f)) return new_string(S, f > 0 ? "inf" : "-inf");
  int n = snprintf(text, sizeof text, "%.9g", (double)f);
  if (n > 0 && (size_t)n + 2 < sizeof text && strpbrk(text, ".e") == NULL) {
    memcpy(text + n, ".0", 3);
  }
  return checked(S, json_object_new_double_s((double)f, text));
}

/* Appends `nbytes` of `data` to the weights file at the next aligned offset. */
static void write_blob(struct saver *S, const void *data, size_t nbytes, size_t *offset) {
  static const unsigned char zeros[WEIGHTS_ALIGN];
  *offset = S->bin_size;
  if (S->status != OPS_OK || nbytes == 0) return;
  size_t pad = (WEIGHTS_ALIGN - S->bin_size % WEIGHTS_ALIGN) % WEIGHTS_ALIGN;
  size_t start, end;
  if (!ops_add_size(S->bin_size, pad, &start) || !ops_add_size(start, nbytes, &end)) {
    S->status = ops_fail(S->d, OPS_ERR_NO_MEMORY, "the weights file would exceed %zu bytes",
                         (size_t)SIZE_MAX);
    return;
  }
  if (fwrite(zeros, 1, pad, S->bin) != pad || fwrite(data, 1, nbytes, S->bin) != nbytes) {
    S->status = ops_fail(S->d, OPS_ERR_IO, "%s: cannot write the weights", S->bin_path);
    return;
  }
  *offset = start;
  S->bin_size = end;
}

static void put_shape(struct saver *S, struct json_object *obj, const struct ops_tensor *t) {
  if (t->shape.rank < 0) {
    put_null(S, obj, "shape");
    return;
  }
  struct json_object *shape = checked(S, json_object_new_array());
  bool any_param = false;
  for (int i = 0; i < t->shape.rank; i++) {
    push(S, shape, new_int(S, t->shape.dims[i]));
    any_param |= t->dim_params[i] != NULL;
  }
  put(S, obj, "shape", shape);
  if (!any_param) return;
  struct json_object *params = checked(S, json_object_new_array());
  for (int i = 0; i < t->shape.rank; i++) {
    if (t->dim_params[i] != NULL) {
      push(S, params, new_string(S, t->dim_params[i]));
    } else {
      push_null(S, params);
    }
  }
  put(S, obj, "dim_params", params);
}

/* Checks what the loader will check, so that a written file always loads. `what` names the
 * tensor in messages ("tensor 'W'", "node 'c' attribute 'value'"). */
static bool check_tensor(struct saver *S, const struct ops_tensor *t, bool has_data,
                         const char *what) {
  char shape_text[128];
  if (t->shape.rank > OPS_MAX_RANK) {
    S->status = ops_fail(S->d, OPS_ERR_INTERNAL, "%s has rank %d", what, t->shape.rank);
    return false;
  }
  for (int i = 0; i < t->shape.rank; i++) {
    if (t->shape.dims[i] < -1) {
      S->status =
          ops_fail(S->d, OPS_ERR_BAD_INPUT, "%s has dim %d = %" PRId64, what, i, t->shape.dims[i]);
      return false;
    }
  }
  if (!has_data) return true;
  size_t expected;
  if (ops_dtype_size(t->dtype) == 0 || !ops_tensor_byte_size(t, &expected)) {
    S->status = ops_fail(
        S->d, OPS_ERR_UNSUPPORTED, "%s: %s %s data cannot be stored in the JSON IR", what,
        ops_dtype_name(t->dtype), ops_shape_format(&t->shape, shape_text, sizeof shape_text));
    return false;
  }
  if ((t->data == NULL && expected != 0) || t->nbytes != expected) {
    S->status =
        ops_fail(S->d, OPS_ERR_BAD_INPUT, "%s has %zu bytes of data, expected %zu for %s %s", what,
                 t->data != NULL ? t->nbytes : 0, expected, ops_dtype_name(t->dtype),
                 ops_shape_format(&t->shape, shape_text, sizeof shape_text));
    return false;
  }
  return true;
}

static const char *role_name(enum ops_tensor_role role) {
  switch (role) {
    case OPS_TENSOR_INPUT:
      return "input";
    case OPS_TENSOR_INITIALIZER:
      return "initializer";
    default:
      return "activation";
  }
}

/* A tensor object. Graph tensors carry their role; tensor attributes do not. Initializers and
 * tensor attributes carry their data's place in the weights file. */
static struct json_object *tensor_json(struct saver *S, const struct ops_tensor *t, bool is_attr,
                                       const char *what) {
  bool has_data = is_attr || t->role == OPS_TENSOR_INITIALIZER;
  if (!check_tensor(S, t, has_data, what)) return NULL;
  struct json_object *o = checked(S, json_object_new_object());
  put(S, o, "name", new_string(S, t->name));
  put(S, o, "dtype", new_string(S, ops_dtype_name(t->dtype)));
  put_shape(S, o, t);
  if (!is_attr) put(S, o, "role", new_string(S, role_name(t->role)));
  if (has_data) {
    size_t offset;
    write_blob(S, t->data, t->nbytes, &offset);
    if (!is_attr && S->offsets != NULL) S->offsets[t - S->g->tensors] = offset;
    struct json_object *data = checked(S, json_object_new_object());
    put(S, data, "offset", new_int(S, (int64_t)offset));
    put(S, data, "length", new_int(S, (int64_t)t->nbytes));
    put(S, o, "data", data);
  }
  return o;
}

static struct json_object *attr_value(struct saver *S, const struct ops_node *n,
                                      const struct ops_attr *a) {
  char what[256];
  struct json_object *v = NULL;
  switch (a->type) {
    case OPS_ATTR_INT:
      return new_int(S, a->i);
    case OPS_ATTR_FLOAT:
      return new_float(S, a->f);
    case OPS_ATTR_STRING:
      if (a->s_len > INT_MAX) {
        S->status = ops_fail(S->d, OPS_ERR_UNSUPPORTED,
                             "node '%s' attribute '%s': a %zu-byte string is too long for json-c",
                             n->name, a->name, a->s_len);
        return NULL;
      }
      return checked(S, json_object_new_string_len(a->s != NULL ? a->s : "", (int)a->s_len));
    case OPS_ATTR_INTS:
      v = checked(S, json_object_new_array());
      for (size_t i = 0; i < a->count; i++)
        push(S, v, new_int(S, a->ints[i]));
      return v;
    case OPS_ATTR_FLOATS:
      v = checked(S, json_object_new_array());
      for (size_t i = 0; i < a->count; i++)
        push(S, v, new_float(S, a->floats[i]));
      return v;
    case OPS_ATTR_STRINGS:
      v = checked(S, json_object_new_array());
      for (size_t i = 0; i < a->count; i++)
        push(S, v, new_string(S, a->strings[i]));
      return v;
    case OPS_ATTR_TENSOR:
      if (a->tensor == NULL) {
        S->status = ops_fail(S->d, OPS_ERR_INTERNAL, "node '%s' attribute '%s' has no tensor",
                             n->name, a->name);
        return NULL;
      }
      snprintf(what, sizeof what, "node '%s' attribute '%s'", n->name, a->name);
      return tensor_json(S, a->tensor, true, what);
    default:
      return NULL;
  }
}

static struct json_object *attrs_json(struct saver *S, const struct ops_node *n) {
  struct json_object *attrs = checked(S, json_object_new_object());
  for (int k = 0; k < n->n_attrs && S->status == OPS_OK; k++) {
    const struct ops_attr *a = &n->attrs[k];
    /* A JSON object cannot hold a name twice, so a duplicate would be lost on the way. */
    for (int j = 0; j < k; j++) {
      if (strcmp(n->attrs[j].name, a->name) == 0) {
        S->status = ops_fail(S->d, OPS_ERR_BAD_INPUT, "node '%s' (%s) has attribute '%s' twice",
                             n->name, n->op_type, a->name);
        break;
      }
    }
    if (a->name == NULL || a->name[0] == '\0' || a->type == OPS_ATTR_UNDEFINED ||
        a->type >= OPS_ATTR_TYPE_COUNT) {
      S->status = ops_fail(S->d, OPS_ERR_BAD_INPUT, "node '%s' (%s) has an attribute of type %s",
                           n->name, n->op_type, ops_attr_type_name(a->type));
    }
    if (S->status != OPS_OK) break;
    struct json_object *o = checked(S, json_object_new_object());
    put(S, o, "type", new_string(S, ops_attr_type_name(a->type)));
    struct json_object *v = attr_value(S, n, a);
    if (v != NULL) {
      put(S, o, "value", v);
    } else if (S->status == OPS_OK && a->count != 0) {
      /* Recorded by type only (graphs and the like): keep the count the loader saw. */
      put(S, o, "count", new_int(S, (int64_t)a->count));
    }
    put(S, attrs, a->name, o);
  }
  return attrs;
}

static struct json_object *refs_json(struct saver *S, const int *refs, int n) {
  struct json_object *arr = checked(S, json_object_new_array());
  for (int i = 0; i < n; i++)
    push(S, arr, new_string(S, refs[i] >= 0 ? S->g->tensors[refs[i]].name : ""));
  return arr;
}

/* Two ints of a fused pool's field as a JSON array. */
static struct json_object *pair_json(struct saver *S, int64_t a, int64_t b) {
  struct json_object *v = checked(S, json_object_new_array());
  push(S, v, new_int(S, a));
  push(S, v, new_int(S, b));
  return v;
}

/* A fused MaxPool, with its attributes' ONNX names and layout (pads: begins, then ends). */
static struct json_object *pool_json(struct saver *S, const struct ops_fused_pool *p) {
  struct json_object *o = checked(S, json_object_new_object());
  put(S, o, "kernel_shape", pair_json(S, p->kernel[0], p->kernel[1]));
  put(S, o, "strides", pair_json(S, p->strides[0], p->strides[1]));
  struct json_object *pads = pair_json(S, p->pads_begin[0], p->pads_begin[1]);
  push(S, pads, new_int(S, p->pads_end[0]));
  push(S, pads, new_int(S, p->pads_end[1]));
  put(S, o, "pads", pads);
  put(S, o, "ceil_mode", new_int(S, p->ceil_mode ? 1 : 0));
  return o;
}

static struct json_object *node_json(struct saver *S, const struct ops_node *n) {
  struct json_object *o = checked(S, json_object_new_object());
  put(S, o, "name", new_string(S, n->name));
  put(S, o, "op_type", new_string(S, n->op_type));
  put(S, o, "domain", new_string(S, n->domain));
  put(S, o, "inputs", refs_json(S, n->inputs, n->n_inputs));
  put(S, o, "outputs", refs_json(S, n->outputs, n->n_outputs));
  if (n->n_attrs > 0) put(S, o, "attributes", attrs_json(S, n));
  if (ops_node_fused(&n->fused) || n->fused.absorbed != NULL) {
    /* What graph passes merged into the node (docs/ir.md), so a dumped graph reloads fused. */
    struct json_object *f = checked(S, json_object_new_object());
    put(S, f, "activation", new_string(S, ops_fused_act_name(n->fused.act)));
    if (n->fused.act == OPS_FUSED_ACT_CLIP) {
      struct json_object *v = checked(S, json_object_new_array());
      push(S, v, new_float(S, n->fused.params[0]));
      push(S, v, new_float(S, n->fused.params[1]));
      put(S, f, "params", v);
    }
    if (n->fused.absorbed != NULL) put(S, f, "absorbed", new_string(S, n->fused.absorbed));
    if (n->fused.pool.on) put(S, f, "max_pool", pool_json(S, &n->fused.pool));
    put(S, o, "fused", f);
  }
  return o;
}

/* Writes `o` on one line (json-c escapes it) and releases it. */
static void emit(struct saver *S, FILE *f, const char *prefix, struct json_object *o,
                 const char *suffix) {
  if (S->status == OPS_OK) {
    const char *text =
        json_object_to_json_string_ext(o, JSON_C_TO_STRING_SPACED | JSON_C_TO_STRING_NOSLASHESCAPE);
    if (text == NULL) {
      fail_oom(S);
    } else {
      fprintf(f, "%s%s%s", prefix, text, suffix);
    }
  }
  json_object_put(o);
}

static void emit_names(struct saver *S, FILE *f, const char *key, const int *list, size_t n) {
  struct json_object *arr = checked(S, json_object_new_array());
  for (size_t i = 0; i < n; i++)
    push(S, arr, new_string(S, S->g->tensors[list[i]].name));
  fprintf(f, "  \"%s\": ", key);
  emit(S, f, "", arr, ",\n");
}

static void emit_text(struct saver *S, FILE *f, const char *key, const char *value,
                      const char *suffix) {
  fprintf(f, "  \"%s\": ", key);
  if (value == NULL) {
    fprintf(f, "null%s", suffix);
    return;
  }
  emit(S, f, "", new_string(S, value), suffix);
}

static void write_json(struct saver *S, FILE *f, const char *weights_name) {
  const struct ops_graph *g = S->g;
  char what[256];
  fprintf(f, "{\n  \"format\": \"" IR_FORMAT "\",\n  \"version\": %d,\n", IR_VERSION);
  emit_text(S, f, "name", g->name, ",\n");
  emit_text(S, f, "producer", g->producer, ",\n");
  fprintf(f, "  \"opset\": %" PRId64 ",\n  \"ir_version\": %" PRId64 ",\n", g->opset,
          g->ir_version);
  emit_text(S, f, "weights", weights_name, ",\n");
  fprintf(f, "  \"tensors\": [\n");
  for (size_t i = 0; i < g->n_tensors && S->status == OPS_OK; i++) {
    snprintf(what, sizeof what, "tensor '%s'", g->tensors[i].name);
    struct json_object *t = tensor_json(S, &g->tensors[i], false, what);
    emit(S, f, "    ", t, i + 1 < g->n_tensors ? ",\n" : "\n");
  }
  fprintf(f, "  ],\n");
  emit_names(S, f, "inputs", g->inputs, g->n_inputs);
  emit_names(S, f, "outputs", g->outputs, g->n_outputs);
  fprintf(f, "  \"nodes\": [\n");
  for (size_t i = 0; i < g->n_nodes && S->status == OPS_OK; i++) {
    emit(S, f, "    ", node_json(S, &g->nodes[i]), i + 1 < g->n_nodes ? ",\n" : "\n");
  }
  fprintf(f, "  ]\n}\n");
}

/* The graph's own strings must be C strings the loader accepts back. */
static enum ops_status check_names(struct saver *S) {
  const struct ops_graph *g = S->g;
  for (size_t i = 0; i < g->n_tensors; i++) {
    if (g->tensors[i].name == NULL || g->tensors[i].name[0] == '\0') {
      return ops_fail(S->d, OPS_ERR_BAD_INPUT, "tensor #%zu has no name", i);
    }
  }
  for (size_t i = 0; i < g->n_nodes; i++) {
    const struct ops_node *n = &g->nodes[i];
    if (n->name == NULL || n->op_type == NULL || n->op_type[0] == '\0') {
      return ops_fail(S->d, OPS_ERR_BAD_INPUT, "node #%zu has no name or op type", i);
    }
  }
  return OPS_OK;
}

enum ops_status ops_save_json(const struct ops_graph *g, const char *json_path,
                              struct ops_diag *d) {
  struct saver S = {.g = g, .d = d, .status = OPS_OK};
  char *bin_path = NULL;
  FILE *json = NULL;
  bool bin_created = false, json_created = false;
  if (d != NULL && d->path == NULL) d->path = json_path;

  size_t n = strlen(json_path);
  const char *slash = strrchr(json_path, '/');
  const char *base = slash != NULL ? slash + 1 : json_path;
  if (base[0] == '\0') {
    S.status = ops_fail(d, OPS_ERR_BAD_INPUT, "the output path does not name a file");
    goto fail;
  }
  S.status = check_names(&S);
  if (S.status != OPS_OK) goto fail;
  /* "model.json" -> "model.bin"; a bare ".json" keeps its name and gains ".bin". */
  if (n >= 5 && strcmp(json_path + n - 5, ".json") == 0 && json_path + n - 5 != base) n -= 5;
  size_t len;
  if (!ops_add_size(n, sizeof ".bin", &len) || (bin_path = malloc(len)) == NULL) {
    S.status = ops_fail(d, OPS_ERR_NO_MEMORY, "out of memory");
    goto fail;
  }
  memcpy(bin_path, json_path, n);
  memcpy(bin_path + n, ".bin", sizeof ".bin");
  S.bin_path = bin_path;

  S.bin = fopen(bin_path, "wb");
  if (S.bin == NULL) {
    S.status = ops_fail(d, OPS_ERR_IO, "%s: cannot create: %s", bin_path, strerror(errno));
    goto fail;
  }
  bin_created = true;
  json = fopen(json_path, "w");
  if (json == NULL) {
    S.status = ops_fail(d, OPS_ERR_IO, "cannot create: %s", strerror(errno));
    goto fail;
  }
  json_created = true;
  const char *bin_base = strrchr(bin_path, '/');
  write_json(&S, json, bin_base != NULL ? bin_base + 1 : bin_path);
  if (S.status != OPS_OK) goto fail;
  /* Buffered write errors surface at fflush and fclose; both files must be complete. */
  bool bin_ok = fflush(S.bin) == 0 && !ferror(S.bin);
  bin_ok &= fclose(S.bin) == 0;
  S.bin = NULL;
  if (!bin_ok) {
    S.status = ops_fail(d, OPS_ERR_IO, "%s: cannot write: %s", bin_path, strerror(errno));
    goto fail;
  }
  bool json_ok = fflush(json) == 0 && !ferror(json);
  json_ok &= fclose(json) == 0;
  json = NULL;
  if (!json_ok) {
    S.status = ops_fail(d, OPS_ERR_IO, "cannot write: %s", strerror(errno));
    goto fail;
  }
  free(bin_path);
  return OPS_OK;
fail:
  if (S.bin != NULL) fclose(S.bin);
  if (json != NULL) fclose(json);
  /* A half-written model would only mislead; remove what this call created. */
  if (json_created) unlink(json_path);
  if (bin_created) unlink(bin_path);
  free(bin_path);
  return S.status;
}

enum ops_status ops_save_json_streams(const struct ops_graph *g, FILE *json, FILE *bin,
                                      const char *bin_path, const char *weights_name,
                                      size_t *bin_size, size_t *offsets, struct ops_diag *d) {
  struct saver S = {
      .g = g, .d = d, .status = OPS_OK, .bin = bin, .bin_path = bin_path, .bin_size = *bin_size};
  S.offsets = offsets;
  for (size_t i = 0; offsets != NULL && i < g->n_tensors; i++)
    offsets[i] = SIZE_MAX;
  S.status = check_names(&S);
  if (S.status == OPS_OK) write_json(&S, json, weights_name);
  *bin_size = S.bin_size;
  return S.status;
}
