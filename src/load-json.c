/*
 * Loader of the JSON IR (docs/ir.md): a graph JSON file plus a weights file of raw bytes.
 *
 * The file comes from anywhere, so every field is checked for presence, JSON type and range
 * before it is used, and every message names the file and the JSON path of the problem
 * ("model.json: nodes[3].attributes.kernel_shape: expected ints, found string"). Sizes taken
 * from the file are checked before anything is allocated or read. The loader builds the graph
 * only; ops_load_model() validates its structure and infers shapes, as for every format.
 *
 * Adding a field: list it in the matching *_fields table (unknown fields are refused, so a typo
 * in a hand-written file is reported), read it in the matching read_* function, write it in
 * src/save-json.c, and document it in docs/ir.md.
 */
#include "src/load.h"

#include <ctype.h>
#include <float.h>
#include <inttypes.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "src/file.h"
#include "src/size.h"

#define IR_FORMAT "opscope-ir"
#define IR_VERSION 1

/* The IR nests five levels deep; the limit only stops hostile nesting early. */
#define JSON_MAX_DEPTH 64
/* json-c takes an int length, and we pass the terminating NUL too. */
#define JSON_MAX_BYTES ((size_t)INT32_MAX - 1)
/* JSON paths in messages ("nodes[12].attributes.pads[3]"); longer ones end in "...". */
#define WHERE_MAX 320

struct loader {
  const char *path;       /* the JSON file, borrowed */
  char *weights_path;     /* owned; resolved against the JSON's directory */
  unsigned char *weights; /* owned; read on first use */
  size_t weights_len;     /* bytes */
  bool weights_read;
  struct ops_graph *g;
  struct ops_diag *d;
};

/* Formats a JSON path into `buf`. Paths only decorate messages, so a truncated one is marked
 * with "..." rather than treated as an error. */
static const char *where_fmt(char *buf, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static const char *where_fmt(char *buf, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(buf, WHERE_MAX, fmt, ap);
  va_end(ap);
  if (n < 0) {
    snprintf(buf, WHERE_MAX, "?");
  } else if ((size_t)n >= WHERE_MAX) {
    memcpy(buf + WHERE_MAX - 4, "...", 4);
  }
  return buf;
}

static const char *type_name(struct json_object *o) {
  return json_type_to_name(json_object_get_type(o));
}

/* Messages quote names and values from the file; control bytes in them must not reach a
 * terminal, where they could move the cursor or change colours. */
static void make_printable(char *text) {
  for (char *p = text; *p; p++) {
    if ((unsigned char)*p < 0x20 || *p == 0x7f) *p = '?';
  }
}

static enum ops_status vfail_at(struct loader *L, enum ops_status status, const char *where,
                                const char *fmt, va_list ap) {
  char text[OPS_DIAG_MAX];
  int n = snprintf(text, sizeof text, "%s: ", where);
  size_t used = n < 0 ? 0 : ((size_t)n >= sizeof text ? sizeof text - 1 : (size_t)n);
  vsnprintf(text + used, sizeof text - used, fmt, ap);
  make_printable(text);
  return ops_fail(L->d, status, "%s", text);
}

static enum ops_status fail_at(struct loader *L, enum ops_status status, const char *where,
                               const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* Fails with "WHERE: message"; ops_fail adds the file name. */
static enum ops_status fail_at(struct loader *L, enum ops_status status, const char *where,
                               const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  status = vfail_at(L, status, where, fmt, ap);
  va_end(ap);
  return status;
}

static enum ops_status bad(struct loader *L, const char *where, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* The usual failure: the file breaks the format (OPS_ERR_BAD_INPUT). */
static enum ops_status bad(struct loader *L, const char *where, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  enum ops_status status = vfail_at(L, OPS_ERR_BAD_INPUT, where, fmt, ap);
  va_end(ap);
  return status;
}

static enum ops_status expect_type(struct loader *L, struct json_object *o, enum json_type type,
                                   const char *want, const char *where) {
  if (json_object_is_type(o, type)) return OPS_OK;
  return bad(L, where, "expected %s, found %s", want, type_name(o));
}

/* Refuses fields not in `allowed` (NULL-terminated), so misspelt names do not pass silently. */
static enum ops_status check_fields(struct loader *L, struct json_object *obj,
                                    const char *const *allowed, const char *where) {
  struct json_object_iterator it = json_object_iter_begin(obj);
  struct json_object_iterator end = json_object_iter_end(obj);
  for (; !json_object_iter_equal(&it, &end); json_object_iter_next(&it)) {
    const char *key = json_object_iter_peek_name(&it);
    bool known = false;
    for (size_t i = 0; allowed[i] != NULL && !known; i++)
      known = strcmp(allowed[i], key) == 0;
    if (!known) return bad(L, where, "unknown field '%s'", key);
  }
  return OPS_OK;
}

/* *out = obj[key], or NULL when absent; absent required fields are an error. */
static enum ops_status get_field(struct loader *L, struct json_object *obj, const char *key,
                                 bool required, struct json_object **out, const char *where) {
  *out = NULL;
  if (json_object_object_get_ex(obj, key, out)) return OPS_OK;
  if (!required) return OPS_OK;
  return bad(L, where, "missing field '%s'", key);
}

/* A string without NUL bytes (names and paths are C strings). */
static enum ops_status read_cstring(struct loader *L, struct json_object *o, const char *where,
                                    const char **out) {
  enum ops_status status = expect_type(L, o, json_type_string, "string", where);
  if (status != OPS_OK) return status;
  const char *s = json_object_get_string(o);
  if (strlen(s) != (size_t)json_object_get_string_len(o)) {
    return bad(L, where, "the string contains a NUL byte");
  }
  *out = s;
  return OPS_OK;
}

static enum ops_status read_int(struct loader *L, struct json_object *o, const char *where,
                                int64_t *out) {
  enum ops_status status = expect_type(L, o, json_type_int, "int", where);
  if (status != OPS_OK) return status;
  /* json-c keeps integers above INT64_MAX as uint64; get_int64 would clamp them silently. */
  int64_t v = json_object_get_int64(o);
  if (v == INT64_MAX && json_object_get_uint64(o) > (uint64_t)INT64_MAX) {
    return bad(L, where, "%" PRIu64 " does not fit in a 64-bit signed int",
               json_object_get_uint64(o));
  }
  *out = v;
  return OPS_OK;
}

static enum ops_status read_nonneg(struct loader *L, struct json_object *o, const char *where,
                                   int64_t *out) {
  enum ops_status status = read_int(L, o, where, out);
  if (status == OPS_OK && *out < 0) return bad(L, where, "%" PRId64 " is negative", *out);
  return status;
}

/* Floats are numbers, or the strings of docs/ir.md for values JSON cannot express. */
static enum ops_status read_float(struct loader *L, struct json_object *o, const char *where,
                                  float *out) {
  if (json_object_is_type(o, json_type_string)) {
    const char *s = json_object_get_string(o);
    if (strcmp(s, "inf") == 0) {
      *out = INFINITY;
    } else if (strcmp(s, "-inf") == 0) {
      *out = -INFINITY;
    } else if (strcmp(s, "nan") == 0) {
      uint32_t bits = 0x7fc00000u;
      memcpy(out, &bits, sizeof bits);
    } else if (strncmp(s, "nan:0x", 6) == 0 && strlen(s) == 14) {
      uint32_t bits = 0;
      for (const char *p = s + 6; *p; p++) {
        if (!isxdigit((unsigned char)*p)) return bad(L, where, "'%s' is not a NaN bit pattern", s);
        int digit = isdigit((unsigned char)*p) ? *p - '0' : tolower((unsigned char)*p) - 'a' + 10;
        bits = bits << 4 | (uint32_t)digit;
      }
      if ((bits & 0x7f800000u) != 0x7f800000u || (bits & 0x007fffffu) == 0) {
        return bad(L, where, "'%s' is not a NaN: exponent bits must be all ones, mantissa non-zero",
                   s);
      }
      memcpy(out, &bits, sizeof bits);
    } else {
      return bad(L, where,
                 "expected float, found string '%s' (only \"inf\", \"-inf\", \"nan\" and "
                 "\"nan:0xXXXXXXXX\" stand for floats)",
                 s);
    }
    return OPS_OK;
  }
  if (!json_object_is_type(o, json_type_double) && !json_object_is_type(o, json_type_int)) {
    return bad(L, where, "expected float, found %s", type_name(o));
  }
  double v = json_object_get_double(o);
  /* Out of range conversion to float is undefined in C, and NaN or infinity written as a bare
     number is not JSON; the strings above are the way to write them. */
  if (!isfinite(v) || fabs(v) > FLT_MAX) {
    return bad(L, where, "%s is outside the range of a 32-bit float",
               json_object_to_json_string(o));
  }
  *out = (float)v;
  return OPS_OK;
}

/* Reads the weights file on first use; a model without weights needs none. */
static enum ops_status load_weights(struct loader *L) {
  if (L->weights_read) return OPS_OK;
  struct ops_diag fd;
  ops_diag_init(&fd, NULL);
  void *data = NULL;
  enum ops_status status =
      ops_file_read(L->weights_path, OPS_FILE_MAX_BYTES, &data, &L->weights_len, &fd);
  if (status != OPS_OK) {
    make_printable(fd.msg);
    return ops_fail(L->d, status, "weights file %s", fd.msg);
  }
  L->weights = data;
  L->weights_read = true;
  return OPS_OK;
}

/* Resolves `weights` against the JSON's directory, refusing paths that leave it. */
static enum ops_status set_weights_path(struct loader *L, const char *weights, const char *where) {
  if (weights[0] == '\0') return bad(L, where, "the weights path is empty");
  if (weights[0] == '/') {
    return bad(L, where, "'%s' is absolute; the weights path must be relative to the model",
               weights);
  }
  for (const char *p = weights; *p;) {
    size_t n = strcspn(p, "/");
    if (n == 2 && p[0] == '.' && p[1] == '.') {
      return bad(L, where, "'%s' contains '..'; weights are read only from the model's folder",
                 weights);
    }
    p += n;
    while (*p == '/')
      p++;
  }
  const char *slash = strrchr(L->path, '/');
  size_t dir_len = slash != NULL ? (size_t)(slash - L->path) + 1 : 0;
  size_t len;
  if (!ops_add_size(dir_len, strlen(weights), &len) || !ops_add_size(len, 1, &len)) {
    return ops_fail(L->d, OPS_ERR_NO_MEMORY, "the weights path is too long");
  }
  char *path = malloc(len);
  if (path == NULL) return ops_fail(L->d, OPS_ERR_NO_MEMORY, "out of memory");
  memcpy(path, L->path, dir_len);
  memcpy(path + dir_len, weights, len - dir_len);
  free(L->weights_path);
  L->weights_path = path;
  return OPS_OK;
}

/* The default weights file: the JSON's path with ".json" replaced by (or followed by) ".bin". */
static enum ops_status set_default_weights_path(struct loader *L) {
  size_t n = strlen(L->path);
  if (n >= 5 && strcmp(L->path + n - 5, ".json") == 0) n -= 5;
  size_t len;
  if (!ops_add_size(n, sizeof ".bin", &len)) {
    return ops_fail(L->d, OPS_ERR_NO_MEMORY, "the weights path is too long");
  }
  char *path = malloc(len);
  if (path == NULL) return ops_fail(L->d, OPS_ERR_NO_MEMORY, "out of memory");
  memcpy(path, L->path, n);
  memcpy(path + n, ".bin", sizeof ".bin");
  L->weights_path = path;
  return OPS_OK;
}

static enum ops_status read_dtype(struct loader *L, struct json_object *o, const char *where,
                                  enum ops_dtype *out) {
  const char *s;
  enum ops_status status = read_cstring(L, o, where, &s);
  if (status != OPS_OK) return status;
  if (strcmp(s, "undefined") == 0) {
    *out = OPS_DTYPE_UNDEFINED;
    return OPS_OK;
  }
  /* ops_dtype_parse also takes ONNX names ("float"); the IR uses short names only. */
  enum ops_dtype dtype = ops_dtype_parse(s);
  if (dtype == OPS_DTYPE_UNDEFINED || strcmp(ops_dtype_name(dtype), s) != 0) {
    return bad(L, where, "unknown dtype '%s' (expected a short name such as f32, i64 or u8)", s);
  }
  *out = dtype;
  return OPS_OK;
}

static enum ops_status read_shape(struct loader *L, struct json_object *o, enum ops_dtype dtype,
                                  const char *where, struct ops_shape *out) {
  char sub[WHERE_MAX];
  *out = ops_shape_unknown();
  if (json_object_is_type(o, json_type_null)) return OPS_OK;
  enum ops_status status = expect_type(L, o, json_type_array, "array of ints or null", where);
  if (status != OPS_OK) return status;
  size_t rank = json_object_array_length(o);
  if (rank > OPS_MAX_RANK) {
    return bad(L, where, "%zu dims, more than the %d opscope supports", rank, OPS_MAX_RANK);
  }
  /* The element count of the known dims, times the element size, must fit in int64 so that
     later byte sizes cannot wrap. */
  int64_t count = (int64_t)(ops_dtype_size(dtype) ? ops_dtype_size(dtype) : 1);
  struct ops_shape shape = ops_shape_unknown();
  shape.rank = (int)rank;
  for (size_t i = 0; i < rank; i++) {
    where_fmt(sub, "%s[%zu]", where, i);
    int64_t dim;
    status = read_int(L, json_object_array_get_idx(o, i), sub, &dim);
    if (status != OPS_OK) return status;
    if (dim < -1) {
      return bad(L, sub, "dim %" PRId64 " is negative (only -1, an unknown dim, is allowed)", dim);
    }
    if (dim >= 0 && !ops_mul_i64(count, dim, &count)) {
      return bad(L, where, "the element count overflows 64 bits (dim %zu is %" PRId64 ")", i, dim);
    }
    shape.dims[i] = dim;
  }
  *out = shape;
  return OPS_OK;
}

static enum ops_status read_dim_params(struct loader *L, struct json_object *o, const char *where,
                                       struct ops_tensor *t) {
  char sub[WHERE_MAX];
  if (t->shape.rank < 0) return bad(L, where, "given for a shape of unknown rank");
  enum ops_status status = expect_type(L, o, json_type_array, "array of strings and nulls", where);
  if (status != OPS_OK) return status;
  if (json_object_array_length(o) != (size_t)t->shape.rank) {
    return bad(L, where, "%zu entries for a shape of %d dims", json_object_array_length(o),
               t->shape.rank);
  }
  for (int i = 0; i < t->shape.rank; i++) {
    struct json_object *e = json_object_array_get_idx(o, (size_t)i);
    if (json_object_is_type(e, json_type_null)) continue;
    const char *s;
    status = read_cstring(L, e, where_fmt(sub, "%s[%d]", where, i), &s);
    if (status != OPS_OK) return status;
    t->dim_params[i] = ops_strdup(s);
    if (t->dim_params[i] == NULL) return ops_fail(L->d, OPS_ERR_NO_MEMORY, "out of memory");
  }
  return OPS_OK;
}

/* {"offset", "length"}: copies the tensor's bytes out of the weights file. */
static enum ops_status read_data(struct loader *L, struct json_object *o, const char *where,
                                 struct ops_tensor *t) {
  static const char *const fields[] = {"offset", "length", NULL};
  char sub[WHERE_MAX];
  enum ops_status status = expect_type(L, o, json_type_object, "object", where);
  if (status == OPS_OK) status = check_fields(L, o, fields, where);
  if (status != OPS_OK) return status;
  if (ops_dtype_size(t->dtype) == 0) {
    return bad(L, where, "tensor data needs a fixed-size dtype, not '%s'",
               ops_dtype_name(t->dtype));
  }
  char shape_text[128];
  size_t expected;
  if (!ops_tensor_byte_size(t, &expected)) {
    return bad(L, where, "tensor data needs a known shape, not %s",
               ops_shape_format(&t->shape, shape_text, sizeof shape_text));
  }
  struct json_object *jo, *jl;
  int64_t offset, length;
  status = get_field(L, o, "offset", true, &jo, where);
  if (status == OPS_OK) status = get_field(L, o, "length", true, &jl, where);
  if (status == OPS_OK) status = read_nonneg(L, jo, where_fmt(sub, "%s.offset", where), &offset);
  if (status == OPS_OK) status = read_nonneg(L, jl, where_fmt(sub, "%s.length", where), &length);
  if (status != OPS_OK) return status;
  if ((uint64_t)length != (uint64_t)expected) {
    return bad(L, where_fmt(sub, "%s.length", where), "%" PRId64 " bytes, expected %zu for %s %s",
               length, expected, ops_dtype_name(t->dtype),
               ops_shape_format(&t->shape, shape_text, sizeof shape_text));
  }
  if (length == 0) {
    if (!ops_tensor_set_data_copy(t, NULL, 0)) {
      return ops_fail(L->d, OPS_ERR_NO_MEMORY, "out of memory");
    }
    return OPS_OK;
  }
  status = load_weights(L);
  if (status != OPS_OK) return status;
  uint64_t end;
  if (__builtin_add_overflow((uint64_t)offset, (uint64_t)length, &end) || end > L->weights_len) {
    return bad(L, where,
               "offset %" PRId64 " + length %" PRId64
               " is beyond the end of the weights file %s (%zu bytes)",
               offset, length, L->weights_path, L->weights_len);
  }
  if (!ops_tensor_set_data_copy(t, L->weights + offset, (size_t)length)) {
    return ops_fail(L->d, OPS_ERR_NO_MEMORY, "out of memory copying %" PRId64 " bytes", length);
  }
  return OPS_OK;
}

/* Everything of a tensor but its name and role, which the caller has set: dtype, shape,
 * dim_params and (for initializers) data. */
static enum ops_status read_tensor_body(struct loader *L, struct json_object *o, const char *where,
                                        struct ops_tensor *t) {
  char sub[WHERE_MAX];
  struct json_object *jdtype, *jshape, *jparams, *jdata;
  enum ops_status status = get_field(L, o, "dtype", true, &jdtype, where);
  if (status == OPS_OK) status = get_field(L, o, "shape", true, &jshape, where);
  if (status == OPS_OK) status = get_field(L, o, "dim_params", false, &jparams, where);
  if (status == OPS_OK) status = get_field(L, o, "data", false, &jdata, where);
  if (status == OPS_OK)
    status = read_dtype(L, jdtype, where_fmt(sub, "%s.dtype", where), &t->dtype);
  if (status == OPS_OK) {
    status = read_shape(L, jshape, t->dtype, where_fmt(sub, "%s.shape", where), &t->shape);
  }
  if (status == OPS_OK && jparams != NULL) {
    status = read_dim_params(L, jparams, where_fmt(sub, "%s.dim_params", where), t);
  }
  if (status != OPS_OK) return status;
  if (t->role != OPS_TENSOR_INITIALIZER) {
    if (jdata != NULL)
      return bad(L, where_fmt(sub, "%s.data", where), "only initializers have data");
    return OPS_OK;
  }
  if (jdata == NULL) return bad(L, where, "missing field 'data' (an initializer needs its bytes)");
  return read_data(L, jdata, where_fmt(sub, "%s.data", where), t);
}

static enum ops_status read_role(struct loader *L, struct json_object *o, const char *where,
                                 enum ops_tensor_role *out) {
  const char *s;
  enum ops_status status = read_cstring(L, o, where, &s);
  if (status != OPS_OK) return status;
  if (strcmp(s, "input") == 0) {
    *out = OPS_TENSOR_INPUT;
  } else if (strcmp(s, "initializer") == 0) {
    *out = OPS_TENSOR_INITIALIZER;
  } else if (strcmp(s, "activation") == 0) {
    *out = OPS_TENSOR_ACTIVATION;
  } else {
    return bad(L, where, "unknown role '%s' (expected input, initializer or activation)", s);
  }
  return OPS_OK;
}

static enum ops_status read_tensors(struct loader *L, struct json_object *arr) {
  static const char *const fields[] = {"name", "dtype", "shape", "dim_params",
                                       "role", "data",  NULL};
  char where[WHERE_MAX], sub[WHERE_MAX];
  enum ops_status status = expect_type(L, arr, json_type_array, "array", "tensors");
  if (status != OPS_OK) return status;
  size_t n = json_object_array_length(arr);
  for (size_t i = 0; i < n; i++) {
    struct json_object *o = json_object_array_get_idx(arr, i);
    struct json_object *jname, *jrole;
    const char *name;
    enum ops_tensor_role role = OPS_TENSOR_ACTIVATION;
    where_fmt(where, "tensors[%zu]", i);
    status = expect_type(L, o, json_type_object, "object", where);
    if (status == OPS_OK) status = check_fields(L, o, fields, where);
    if (status == OPS_OK) status = get_field(L, o, "name", true, &jname, where);
    if (status == OPS_OK) status = get_field(L, o, "role", true, &jrole, where);
    if (status == OPS_OK) status = read_cstring(L, jname, where_fmt(sub, "%s.name", where), &name);
    if (status == OPS_OK) status = read_role(L, jrole, where_fmt(sub, "%s.role", where), &role);
    if (status != OPS_OK) return status;
    if (name[0] == '\0') return bad(L, where_fmt(sub, "%s.name", where), "the name is empty");
    /* Tensors are added in file order, so a tensor's index is its position in the array. */
    int first = ops_graph_find_tensor(L->g, name);
    if (first >= 0) {
      return bad(L, where_fmt(sub, "%s.name", where), "'%s' is declared twice (also tensors[%d])",
                 name, first);
    }
    int index;
    status = ops_graph_add_tensor(L->g, name, &index, L->d);
    if (status != OPS_OK) return status;
    L->g->tensors[index].role = role;
    status = read_tensor_body(L, o, where, &L->g->tensors[index]);
    if (status != OPS_OK) return status;
  }
  return OPS_OK;
}

/* "inputs": names of declared tensors with role "input", each once, and all of them. */
static enum ops_status read_inputs(struct loader *L, struct json_object *arr) {
  char where[WHERE_MAX];
  enum ops_status status = expect_type(L, arr, json_type_array, "array of tensor names", "inputs");
  if (status != OPS_OK) return status;
  bool *listed = ops_calloc_array(L->g->n_tensors, sizeof *listed);
  if (listed == NULL) return ops_fail(L->d, OPS_ERR_NO_MEMORY, "out of memory");
  size_t n = json_object_array_length(arr);
  for (size_t i = 0; i < n; i++) {
    const char *name;
    where_fmt(where, "inputs[%zu]", i);
    status = read_cstring(L, json_object_array_get_idx(arr, i), where, &name);
    if (status != OPS_OK) goto fail;
    int t = ops_graph_find_tensor(L->g, name);
    if (t < 0) {
      status = bad(L, where, "'%s' is not declared in tensors", name);
      goto fail;
    }
    if (L->g->tensors[t].role != OPS_TENSOR_INPUT) {
      status = bad(L, where, "'%s' has role %s, expected input", name,
                   L->g->tensors[t].role == OPS_TENSOR_INITIALIZER ? "initializer" : "activation");
      goto fail;
    }
    if (listed[t]) {
      status = bad(L, where, "'%s' is listed twice", name);
      goto fail;
    }
    listed[t] = true;
    status = ops_graph_add_input(L->g, t, L->d);
    if (status != OPS_OK) goto fail;
  }
  for (size_t t = 0; t < L->g->n_tensors; t++) {
    if (L->g->tensors[t].role == OPS_TENSOR_INPUT && !listed[t]) {
      status = bad(L, where_fmt(where, "tensors[%zu]", t),
                   "'%s' has role input but is not listed in inputs", L->g->tensors[t].name);
      goto fail;
    }
  }
  status = OPS_OK;
fail:
  free(listed);
  return status;
}

/* Node inputs or outputs: names ("" for omitted) to tensor indices, interning undeclared names
 * as activations so that validation can name them. */
static enum ops_status read_tensor_refs(struct loader *L, struct json_object *arr,
                                        const char *where, int **out, int *count) {
  char sub[WHERE_MAX];
  enum ops_status status = expect_type(L, arr, json_type_array, "array of tensor names", where);
  if (status != OPS_OK) return status;
  size_t n = json_object_array_length(arr);
  if (n > INT_MAX) return bad(L, where, "%zu entries is too many", n);
  *out = ops_calloc_array(n, sizeof **out);
  if (*out == NULL) return ops_fail(L->d, OPS_ERR_NO_MEMORY, "out of memory");
  for (size_t i = 0; i < n; i++) {
    const char *name;
    status = read_cstring(L, json_object_array_get_idx(arr, i), where_fmt(sub, "%s[%zu]", where, i),
                          &name);
    if (status != OPS_OK) return status;
    (*out)[i] = -1;
    if (name[0] != '\0') {
      status = ops_graph_intern_tensor(L->g, name, &(*out)[i], L->d);
      if (status != OPS_OK) return status;
    }
    *count = (int)i + 1;
  }
  return OPS_OK;
}

static enum ops_status read_attr_type(struct loader *L, struct json_object *o, const char *where,
                                      enum ops_attr_type *out) {
  const char *s;
  enum ops_status status = read_cstring(L, o, where, &s);
  if (status != OPS_OK) return status;
  for (int t = OPS_ATTR_UNDEFINED + 1; t < OPS_ATTR_TYPE_COUNT; t++) {
    if (strcmp(ops_attr_type_name((enum ops_attr_type)t), s) == 0) {
      *out = (enum ops_attr_type)t;
      return OPS_OK;
    }
  }
  return bad(L, where, "unknown attribute type '%s'", s);
}

/* The list attributes: an array whose entries are read by `read_one` into a new array. */
static enum ops_status read_attr_list(struct loader *L, struct json_object *v, const char *where,
                                      struct ops_attr *a) {
  char sub[WHERE_MAX];
  const char *type = ops_attr_type_name(a->type);
  if (!json_object_is_type(v, json_type_array)) {
    return bad(L, where, "expected %s, found %s", type, type_name(v));
  }
  size_t n = json_object_array_length(v);
  if (a->type == OPS_ATTR_INTS) a->ints = ops_calloc_array(n, sizeof *a->ints);
  if (a->type == OPS_ATTR_FLOATS) a->floats = ops_calloc_array(n, sizeof *a->floats);
  if (a->type == OPS_ATTR_STRINGS) a->strings = ops_calloc_array(n, sizeof *a->strings);
  if (a->ints == NULL && a->floats == NULL && a->strings == NULL) {
    return ops_fail(L->d, OPS_ERR_NO_MEMORY, "out of memory");
  }
  /* count grows with each entry so that ops_attr_done frees exactly what was filled. */
  for (size_t i = 0; i < n; i++) {
    struct json_object *e = json_object_array_get_idx(v, i);
    where_fmt(sub, "%s[%zu]", where, i);
    enum ops_status status;
    if (a->type == OPS_ATTR_INTS) {
      status = read_int(L, e, sub, &a->ints[i]);
    } else if (a->type == OPS_ATTR_FLOATS) {
      status = read_float(L, e, sub, &a->floats[i]);
    } else {
      const char *s;
      status = read_cstring(L, e, sub, &s);
      if (status == OPS_OK) {
        a->strings[i] = ops_strdup(s);
        if (a->strings[i] == NULL) status = ops_fail(L->d, OPS_ERR_NO_MEMORY, "out of memory");
      }
    }
    if (status != OPS_OK) return status;
    a->count = i + 1;
  }
  return OPS_OK;
}

static enum ops_status read_attr_tensor(struct loader *L, struct json_object *v, const char *where,
                                        struct ops_attr *a) {
  static const char *const fields[] = {"name", "dtype", "shape", "dim_params", "data", NULL};
  char sub[WHERE_MAX];
  if (!json_object_is_type(v, json_type_object)) {
    return bad(L, where, "expected tensor, found %s", type_name(v));
  }
  enum ops_status status = check_fields(L, v, fields, where);
  if (status != OPS_OK) return status;
  a->tensor = ops_calloc_array(1, sizeof *a->tensor);
  if (a->tensor == NULL) return ops_fail(L->d, OPS_ERR_NO_MEMORY, "out of memory");
  a->tensor->shape = ops_shape_unknown();
  a->tensor->role = OPS_TENSOR_INITIALIZER;
  a->tensor->producer = -1;
  struct json_object *jname;
  const char *name = "";
  status = get_field(L, v, "name", false, &jname, where);
  if (status == OPS_OK && jname != NULL) {
    status = read_cstring(L, jname, where_fmt(sub, "%s.name", where), &name);
  }
  if (status != OPS_OK) return status;
  a->tensor->name = ops_strdup(name);
  if (a->tensor->name == NULL) return ops_fail(L->d, OPS_ERR_NO_MEMORY, "out of memory");
  return read_tensor_body(L, v, where, a->tensor);
}

static enum ops_status read_attr(struct loader *L, const char *name, struct json_object *o,
                                 const char *where, struct ops_attr *a) {
  static const char *const fields[] = {"type", "value", "count", NULL};
  char sub[WHERE_MAX];
  struct json_object *jtype, *v, *jcount;
  enum ops_status status = expect_type(L, o, json_type_object, "object with type and value", where);
  if (status == OPS_OK) status = check_fields(L, o, fields, where);
  if (status == OPS_OK) status = get_field(L, o, "type", true, &jtype, where);
  if (status == OPS_OK) status = get_field(L, o, "value", false, &v, where);
  if (status == OPS_OK) status = get_field(L, o, "count", false, &jcount, where);
  if (status == OPS_OK)
    status = read_attr_type(L, jtype, where_fmt(sub, "%s.type", where), &a->type);
  if (status != OPS_OK) return status;
  a->name = ops_strdup(name);
  if (a->name == NULL) return ops_fail(L->d, OPS_ERR_NO_MEMORY, "out of memory");
  bool by_type_only = a->type != OPS_ATTR_FLOAT && a->type != OPS_ATTR_INT &&
                      a->type != OPS_ATTR_STRING && a->type != OPS_ATTR_FLOATS &&
                      a->type != OPS_ATTR_INTS && a->type != OPS_ATTR_STRINGS &&
                      a->type != OPS_ATTR_TENSOR;
  if (by_type_only) {
    /* Graph-valued and other exotic attributes are recorded by type (and count) only. */
    if (v != NULL) {
      return bad(L, where_fmt(sub, "%s.value", where), "a %s attribute carries no value in the IR",
                 ops_attr_type_name(a->type));
    }
    if (jcount == NULL) return OPS_OK;
    int64_t count;
    status = read_nonneg(L, jcount, where_fmt(sub, "%s.count", where), &count);
    if (status == OPS_OK && (uint64_t)count > SIZE_MAX) status = bad(L, sub, "too large");
    if (status == OPS_OK) a->count = (size_t)count;
    return status;
  }
  if (jcount != NULL) {
    return bad(L, where_fmt(sub, "%s.count", where), "only type-only attributes have a count");
  }
  if (v == NULL) return bad(L, where, "missing field 'value'");
  switch (a->type) {
    case OPS_ATTR_INT:
      return read_int(L, v, where, &a->i);
    case OPS_ATTR_FLOAT:
      return read_float(L, v, where, &a->f);
    case OPS_ATTR_STRING:
      if (!json_object_is_type(v, json_type_string)) {
        return bad(L, where, "expected string, found %s", type_name(v));
      }
      /* Strings may hold NUL bytes (ONNX allows any bytes); json-c gives their length. */
      a->s_len = (size_t)json_object_get_string_len(v);
      a->s = ops_strndup(json_object_get_string(v), a->s_len);
      if (a->s == NULL) return ops_fail(L->d, OPS_ERR_NO_MEMORY, "out of memory");
      return OPS_OK;
    case OPS_ATTR_TENSOR:
      return read_attr_tensor(L, v, where, a);
    default:
      return read_attr_list(L, v, where, a);
  }
}

static enum ops_status read_attrs(struct loader *L, struct json_object *obj, const char *where,
                                  struct ops_node *node) {
  char sub[WHERE_MAX];
  enum ops_status status = expect_type(L, obj, json_type_object, "object", where);
  if (status != OPS_OK) return status;
  size_t n = (size_t)json_object_object_length(obj);
  if (n > INT_MAX) return bad(L, where, "%zu attributes is too many", n);
  node->attrs = ops_calloc_array(n, sizeof *node->attrs);
  if (node->attrs == NULL) return ops_fail(L->d, OPS_ERR_NO_MEMORY, "out of memory");
  struct json_object_iterator it = json_object_iter_begin(obj);
  struct json_object_iterator end = json_object_iter_end(obj);
  for (; !json_object_iter_equal(&it, &end); json_object_iter_next(&it)) {
    const char *name = json_object_iter_peek_name(&it);
    if (name[0] == '\0') return bad(L, where, "an attribute name is empty");
    /* Counted before it is read, so that a half-read attribute is freed with the node. */
    struct ops_attr *a = &node->attrs[node->n_attrs++];
    status = read_attr(L, name, json_object_iter_peek_value(&it),
                       where_fmt(sub, "%s.%s", where, name), a);
    if (status != OPS_OK) return status;
  }
  return OPS_OK;
}

/* `count` ints of array field `key` of a fused MaxPool, each in [lo, 2^24]. */
static enum ops_status read_pool_ints(struct loader *L, struct json_object *o, const char *key,
                                      size_t count, int64_t lo, const char *where, int64_t *out) {
  char sub[WHERE_MAX];
  struct json_object *v;
  where_fmt(sub, "%s.%s", where, key);
  enum ops_status status = get_field(L, o, key, true, &v, where);
  if (status == OPS_OK) status = expect_type(L, v, json_type_array, "array of ints", sub);
  if (status != OPS_OK) return status;
  if (json_object_array_length(v) != count) return bad(L, sub, "expected %zu ints", count);
  for (size_t i = 0; i < count; i++) {
    status = read_int(L, json_object_array_get_idx(v, i), sub, &out[i]);
    if (status != OPS_OK) return status;
    if (out[i] < lo || out[i] > ((int64_t)1 << 24)) {
      return bad(L, sub, "%" PRId64 " is outside [%" PRId64 ", 16777216]", out[i], lo);
    }
  }
  return OPS_OK;
}

/* "fused.max_pool": a MaxPool merged into a Conv (struct ops_fused_pool). */
static enum ops_status read_fused_pool(struct loader *L, struct json_object *o, const char *where,
                                       struct ops_fused_pool *p) {
  static const char *const fields[] = {"kernel_shape", "strides", "pads", "ceil_mode", NULL};
  struct json_object *jceil;
  int64_t pads[4], ceil_mode = 0;
  enum ops_status status = expect_type(L, o, json_type_object, "object", where);
  if (status == OPS_OK) status = check_fields(L, o, fields, where);
  if (status == OPS_OK) status = read_pool_ints(L, o, "kernel_shape", 2, 1, where, p->kernel);
  if (status == OPS_OK) status = read_pool_ints(L, o, "strides", 2, 1, where, p->strides);
  if (status == OPS_OK) status = read_pool_ints(L, o, "pads", 4, 0, where, pads);
  if (status == OPS_OK) status = get_field(L, o, "ceil_mode", false, &jceil, where);
  if (status == OPS_OK && jceil != NULL) status = read_int(L, jceil, where, &ceil_mode);
  if (status != OPS_OK) return status;
  if (ceil_mode != 0 && ceil_mode != 1) {
    return bad(L, where, "ceil_mode is %" PRId64 ", expected 0 or 1", ceil_mode);
  }
  for (int j = 0; j < 2; j++) {
    p->pads_begin[j] = pads[j];
    p->pads_end[j] = pads[j + 2];
    if (pads[j] >= p->kernel[j] || pads[j + 2] >= p->kernel[j])
      return bad(L, where, "pads must be below the kernel size");
  }
  p->ceil_mode = ceil_mode == 1;
  p->on = true;
  return OPS_OK;
}

/* "fused": what graph passes merged into the node (docs/ir.md), written by --dump-ir. */
static enum ops_status read_fused(struct loader *L, struct json_object *o, const char *where,
                                  struct ops_node *node) {
  static const char *const fields[] = {"activation", "params", "absorbed", "max_pool", NULL};
  char sub[WHERE_MAX];
  struct json_object *jact, *jparams, *jabsorbed, *jpool;
  const char *act = "none", *absorbed = NULL;
  enum ops_status status = expect_type(L, o, json_type_object, "object", where);
  if (status == OPS_OK) status = check_fields(L, o, fields, where);
  if (status == OPS_OK) status = get_field(L, o, "activation", false, &jact, where);
  if (status == OPS_OK) status = get_field(L, o, "params", false, &jparams, where);
  if (status == OPS_OK) status = get_field(L, o, "absorbed", false, &jabsorbed, where);
  if (status == OPS_OK) status = get_field(L, o, "max_pool", false, &jpool, where);
  if (status == OPS_OK && jpool != NULL) {
    if (node->op != OPS_OP_CONV) {
      return bad(L, where_fmt(sub, "%s.max_pool", where), "only a Conv can have a fused MaxPool");
    }
    status = read_fused_pool(L, jpool, where_fmt(sub, "%s.max_pool", where), &node->fused.pool);
  }
  if (status == OPS_OK && jact != NULL) {
    status = read_cstring(L, jact, where_fmt(sub, "%s.activation", where), &act);
  }
  if (status == OPS_OK && jabsorbed != NULL) {
    status = read_cstring(L, jabsorbed, where_fmt(sub, "%s.absorbed", where), &absorbed);
  }
  if (status != OPS_OK) return status;
  int kind = ops_fused_act_parse(act);
  if (kind < 0) {
    return bad(L, where_fmt(sub, "%s.activation", where), "unknown activation '%s'", act);
  }
  node->fused.act = (enum ops_fused_act)kind;
  if (kind == OPS_FUSED_ACT_CLIP) {
    where_fmt(sub, "%s.params", where);
    if (jparams == NULL) return bad(L, sub, "a clip activation needs [min, max]");
    status = expect_type(L, jparams, json_type_array, "array of 2 floats", sub);
    if (status != OPS_OK) return status;
    if (json_object_array_length(jparams) != 2) return bad(L, sub, "expected [min, max]");
    for (size_t i = 0; i < 2 && status == OPS_OK; i++) {
      status = read_float(L, json_object_array_get_idx(jparams, i), sub, &node->fused.params[i]);
    }
    if (status != OPS_OK) return status;
    if (!(node->fused.params[0] <= node->fused.params[1])) return bad(L, sub, "min exceeds max");
  } else if (jparams != NULL) {
    return bad(L, where_fmt(sub, "%s.params", where), "activation '%s' takes no params", act);
  }
  if (absorbed != NULL) {
    node->fused.absorbed = ops_strdup(absorbed);
    if (node->fused.absorbed == NULL) return ops_fail(L->d, OPS_ERR_NO_MEMORY, "out of memory");
  }
  return OPS_OK;
}

static enum ops_status read_node(struct loader *L, struct json_object *o, size_t index,
                                 const char *where) {
  static const char *const fields[] = {"name",    "op_type",    "domain", "inputs",
                                       "outputs", "attributes", "fused",  NULL};
  char sub[WHERE_MAX];
  struct json_object *jname, *jop, *jdomain, *jin, *jout, *jattrs;
  const char *name = "", *op_type, *domain = "";
  enum ops_status status = expect_type(L, o, json_type_object, "object", where);
  if (status == OPS_OK) status = check_fields(L, o, fields, where);
  if (status == OPS_OK) status = get_field(L, o, "name", false, &jname, where);
  if (status == OPS_OK) status = get_field(L, o, "op_type", true, &jop, where);
  if (status == OPS_OK) status = get_field(L, o, "domain", false, &jdomain, where);
  if (status == OPS_OK) status = get_field(L, o, "inputs", true, &jin, where);
  if (status == OPS_OK) status = get_field(L, o, "outputs", true, &jout, where);
  if (status == OPS_OK) status = get_field(L, o, "attributes", false, &jattrs, where);
  if (status == OPS_OK && jname != NULL) {
    status = read_cstring(L, jname, where_fmt(sub, "%s.name", where), &name);
  }
  if (status == OPS_OK)
    status = read_cstring(L, jop, where_fmt(sub, "%s.op_type", where), &op_type);
  if (status == OPS_OK && jdomain != NULL) {
    status = read_cstring(L, jdomain, where_fmt(sub, "%s.domain", where), &domain);
  }
  if (status != OPS_OK) return status;
  if (op_type[0] == '\0')
    return bad(L, where_fmt(sub, "%s.op_type", where), "the op type is empty");

  struct ops_node *node;
  status = ops_graph_add_node(L->g, &node, NULL, L->d);
  if (status != OPS_OK) return status;
  /* From here on the node belongs to the graph, which frees whatever was filled in. */
  char generated[WHERE_MAX];
  if (name[0] == '\0') {
    int n = snprintf(generated, sizeof generated, "%s_%zu", op_type, index);
    if (n < 0 || (size_t)n >= sizeof generated) {
      return bad(L, where_fmt(sub, "%s.op_type", where), "the op type is too long");
    }
    name = generated;
  }
  node->name = ops_strdup(name);
  node->op_type = ops_strdup(op_type);
  node->domain = ops_strdup(domain);
  if (node->name == NULL || node->op_type == NULL || node->domain == NULL) {
    return ops_fail(L->d, OPS_ERR_NO_MEMORY, "out of memory");
  }
  /* Ops of other domains share names with ONNX ops but not their meaning. */
  bool onnx_domain = domain[0] == '\0' || strcmp(domain, "ai.onnx") == 0;
  node->op = onnx_domain ? ops_op_parse(op_type) : OPS_OP_UNKNOWN;
  status =
      read_tensor_refs(L, jin, where_fmt(sub, "%s.inputs", where), &node->inputs, &node->n_inputs);
  if (status == OPS_OK) {
    status = read_tensor_refs(L, jout, where_fmt(sub, "%s.outputs", where), &node->outputs,
                              &node->n_outputs);
  }
  if (status == OPS_OK && jattrs != NULL) {
    status = read_attrs(L, jattrs, where_fmt(sub, "%s.attributes", where), node);
  }
  struct json_object *jfused = NULL;
  if (status == OPS_OK) status = get_field(L, o, "fused", false, &jfused, where);
  if (status == OPS_OK && jfused != NULL) {
    status = read_fused(L, jfused, where_fmt(sub, "%s.fused", where), node);
  }
  return status;
}

static enum ops_status read_nodes(struct loader *L, struct json_object *arr) {
  char where[WHERE_MAX];
  enum ops_status status = expect_type(L, arr, json_type_array, "array", "nodes");
  if (status != OPS_OK) return status;
  size_t n = json_object_array_length(arr);
  for (size_t i = 0; i < n; i++) {
    status = read_node(L, json_object_array_get_idx(arr, i), i, where_fmt(where, "nodes[%zu]", i));
    if (status != OPS_OK) return status;
  }
  return OPS_OK;
}

static enum ops_status read_outputs(struct loader *L, struct json_object *arr) {
  char where[WHERE_MAX];
  enum ops_status status = expect_type(L, arr, json_type_array, "array of tensor names", "outputs");
  if (status != OPS_OK) return status;
  size_t n = json_object_array_length(arr);
  for (size_t i = 0; i < n; i++) {
    const char *name;
    int t;
    where_fmt(where, "outputs[%zu]", i);
    status = read_cstring(L, json_object_array_get_idx(arr, i), where, &name);
    if (status == OPS_OK && name[0] == '\0') status = bad(L, where, "the name is empty");
    if (status == OPS_OK) status = ops_graph_intern_tensor(L->g, name, &t, L->d);
    /* As in the ONNX loader: an output listed twice would be reported twice. */
    if (status == OPS_OK && L->g->tensors[t].is_output) {
      status = bad(L, where, "'%s' is listed twice", name);
    }
    if (status == OPS_OK) status = ops_graph_add_output(L->g, t, L->d);
    if (status != OPS_OK) return status;
  }
  return OPS_OK;
}

/* A string or null field of the top level, copied into *out (NULL for null or absent). */
static enum ops_status read_opt_string(struct loader *L, struct json_object *root, const char *key,
                                       char **out) {
  struct json_object *o;
  const char *s;
  enum ops_status status = get_field(L, root, key, false, &o, key);
  if (status != OPS_OK || o == NULL || json_object_is_type(o, json_type_null)) return status;
  status = read_cstring(L, o, key, &s);
  if (status != OPS_OK) return status;
  *out = ops_strdup(s);
  return *out != NULL ? OPS_OK : ops_fail(L->d, OPS_ERR_NO_MEMORY, "out of memory");
}

static enum ops_status read_opt_count(struct loader *L, struct json_object *root, const char *key,
                                      int64_t *out) {
  struct json_object *o;
  enum ops_status status = get_field(L, root, key, false, &o, key);
  if (status != OPS_OK || o == NULL) return status;
  return read_nonneg(L, o, key, out);
}

static enum ops_status read_header(struct loader *L, struct json_object *root) {
  static const char *const fields[] = {"format", "version",    "name",    "producer",
                                       "opset",  "ir_version", "weights", "tensors",
                                       "inputs", "outputs",    "nodes",   NULL};
  struct json_object *jformat, *jversion, *jweights;
  const char *format, *weights;
  int64_t version;
  enum ops_status status = expect_type(L, root, json_type_object, "object", "the top level");
  if (status == OPS_OK) status = check_fields(L, root, fields, "the top level");
  if (status == OPS_OK) status = get_field(L, root, "format", true, &jformat, "the top level");
  if (status == OPS_OK) status = get_field(L, root, "version", true, &jversion, "the top level");
  if (status == OPS_OK) status = read_cstring(L, jformat, "format", &format);
  if (status != OPS_OK) return status;
  if (strcmp(format, IR_FORMAT) != 0) {
    return bad(L, "format", "expected \"" IR_FORMAT "\", found \"%s\"", format);
  }
  status = read_int(L, jversion, "version", &version);
  if (status != OPS_OK) return status;
  if (version > IR_VERSION) {
    return fail_at(L, OPS_ERR_UNSUPPORTED, "version",
                   "%" PRId64 " is newer than this opscope reads (%d)", version, IR_VERSION);
  }
  if (version < 1) return bad(L, "version", "%" PRId64 " is not a version (expected 1)", version);
  status = read_opt_string(L, root, "name", &L->g->name);
  if (status == OPS_OK) status = read_opt_string(L, root, "producer", &L->g->producer);
  if (status == OPS_OK) status = read_opt_count(L, root, "opset", &L->g->opset);
  if (status == OPS_OK) status = read_opt_count(L, root, "ir_version", &L->g->ir_version);
  if (status == OPS_OK) status = get_field(L, root, "weights", false, &jweights, "the top level");
  if (status != OPS_OK) return status;
  if (jweights == NULL) return set_default_weights_path(L);
  status = read_cstring(L, jweights, "weights", &weights);
  if (status != OPS_OK) return status;
  return set_weights_path(L, weights, "weights");
}

static enum ops_status read_graph(struct loader *L, struct json_object *root) {
  struct json_object *jtensors, *jinputs, *joutputs, *jnodes;
  enum ops_status status = read_header(L, root);
  if (status == OPS_OK) status = get_field(L, root, "tensors", true, &jtensors, "the top level");
  if (status == OPS_OK) status = get_field(L, root, "inputs", true, &jinputs, "the top level");
  if (status == OPS_OK) status = get_field(L, root, "outputs", true, &joutputs, "the top level");
  if (status == OPS_OK) status = get_field(L, root, "nodes", true, &jnodes, "the top level");
  if (status == OPS_OK) status = read_tensors(L, jtensors);
  if (status == OPS_OK) status = read_inputs(L, jinputs);
  if (status == OPS_OK) status = read_nodes(L, jnodes);
  if (status == OPS_OK) status = read_outputs(L, joutputs);
  return status;
}

/* Parses the whole text as one JSON value, with json-c's reason and byte offset on failure. */
static enum ops_status parse_text(struct loader *L, const char *text, size_t len,
                                  struct json_object **out) {
  *out = NULL;
  const char *nul = memchr(text, '\0', len);
  if (nul != NULL) {
    return ops_fail(L->d, OPS_ERR_BAD_INPUT, "not a JSON file: NUL byte at offset %zu",
                    (size_t)(nul - text));
  }
  if (strspn(text, " \t\r\n") == len) {
    return ops_fail(L->d, OPS_ERR_BAD_INPUT, "not a JSON file: it holds only white space");
  }
  struct json_tokener *tok = json_tokener_new_ex(JSON_MAX_DEPTH);
  if (tok == NULL) return ops_fail(L->d, OPS_ERR_NO_MEMORY, "out of memory");
  json_tokener_set_flags(tok, JSON_TOKENER_STRICT);
  /* The length includes the terminating NUL, which tells json-c that the input ends here. */
  *out = json_tokener_parse_ex(tok, text, (int)len + 1);
  enum json_tokener_error err = json_tokener_get_error(tok);
  size_t at = json_tokener_get_parse_end(tok);
  json_tokener_free(tok);
  if (err == json_tokener_success && *out == NULL) {
    return ops_fail(L->d, OPS_ERR_BAD_INPUT, "the top level: expected object, found null");
  }
  if (err == json_tokener_success) return OPS_OK;
  json_object_put(*out);
  *out = NULL;
  if (err == json_tokener_continue || err == json_tokener_error_parse_eof || at >= len) {
    return ops_fail(L->d, OPS_ERR_BAD_INPUT,
                    "truncated JSON: the text ends at offset %zu inside a value (%s)", len,
                    json_tokener_error_desc(err));
  }
  return ops_fail(L->d, OPS_ERR_BAD_INPUT, "not valid JSON: %s at offset %zu",
                  json_tokener_error_desc(err), at);
}

/* Parses `len` bytes of NUL-terminated `text` (read from, or standing for, `path`) into *out. */
static enum ops_status load_text(const char *path, const char *text, size_t len,
                                 struct ops_graph **out, struct ops_diag *d) {
  struct loader L = {.path = path, .d = d};
  struct json_object *root = NULL;
  enum ops_status status = parse_text(&L, text, len, &root);
  if (status != OPS_OK) goto fail;
  L.g = ops_graph_new();
  if (L.g == NULL) {
    status = ops_fail(d, OPS_ERR_NO_MEMORY, "out of memory");
    goto fail;
  }
  status = read_graph(&L, root);
  if (status != OPS_OK) goto fail;
  L.g->path = ops_strdup(path);
  if (L.g->path == NULL) {
    status = ops_fail(d, OPS_ERR_NO_MEMORY, "out of memory");
    goto fail;
  }
  L.g->format = "json-ir";
  *out = L.g;
  L.g = NULL;
  status = OPS_OK;
fail:
  ops_graph_free(L.g);
  json_object_put(root);
  free(L.weights);
  free(L.weights_path);
  return status;
}

enum ops_status ops_load_json(const char *path, struct ops_graph **out, struct ops_diag *d) {
  *out = NULL;
  void *text = NULL;
  size_t len = 0;
  /* ops_file_read names the file itself, so the diag's prefix is off while it runs. */
  const char *saved = d != NULL ? d->path : NULL;
  if (d != NULL) d->path = NULL;
  enum ops_status status = ops_file_read(path, JSON_MAX_BYTES, &text, &len, d);
  if (d != NULL) d->path = saved != NULL ? saved : path;
  if (status == OPS_OK) status = load_text(path, text, len, out, d);
  free(text);
  return status;
}

enum ops_status ops_load_json_buffer(const void *data, size_t len, const char *path,
                                     struct ops_graph **out, struct ops_diag *d) {
  *out = NULL;
  if (d != NULL && d->path == NULL) d->path = path;
  if (len > JSON_MAX_BYTES) {
    return ops_fail(d, OPS_ERR_NO_MEMORY, "the JSON text of %zu bytes is too large", len);
  }
  if (len == 0) return ops_fail(d, OPS_ERR_BAD_INPUT, "the file is empty");
  /* json-c is told where the text ends by a NUL, which bytes in memory need not carry. */
  char *text = malloc(len + 1);
  if (text == NULL) return ops_fail(d, OPS_ERR_NO_MEMORY, "out of memory");
  memcpy(text, data, len);
  text[len] = '\0';
  enum ops_status status = load_text(path, text, len, out, d);
  free(text);
  return status;
}
