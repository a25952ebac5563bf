/*
 * ONNX TensorProto -> struct ops_tensor.
 *
 * A TensorProto keeps its elements in exactly one place: raw_data (little-endian bytes), the
 * typed field the ONNX spec assigns to its dtype (float_data, int32_data, ...), or a file named
 * by external_data. Each place has its own reader below, and all of them produce the same packed,
 * row-major, little-endian bytes. Every reader checks the element or byte count the file really
 * holds against numel * dtype size *before* allocating, so hostile dims can never make us
 * allocate more than the file itself contains.
 *
 * Adding a dtype: a line in src/dtype-list.inc, then its typed field in typed_source() and, when
 * it is narrower than the field, its value range in int32_range().
 */
#include "src/onnx-tensor.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>

#include "src/file.h"
#include "src/size.h"

/* raw_data and external files are little-endian, and so is the layout opscope's kernels read.
 * Copying bytes straight through is right only on a little-endian host (x86-64, aarch64/Linux). */
_Static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__, "opscope assumes a little-endian host");

/* Where a TensorProto keeps its elements. */
enum source {
  SOURCE_NONE,
  SOURCE_RAW,
  SOURCE_FLOAT,
  SOURCE_INT32,
  SOURCE_INT64,
  SOURCE_DOUBLE,
  SOURCE_UINT64,
  SOURCE_STRING,
  SOURCE_EXTERNAL,
  SOURCE_COUNT
};

static const char *const source_names[SOURCE_COUNT] = {
    "no data",     "raw_data",    "float_data",  "int32_data",   "int64_data",
    "double_data", "uint64_data", "string_data", "external data"};

/* The tensor being decoded, with what messages need to describe it. */
struct decode {
  const Onnx__TensorProto *tp;
  const char *what; /* "initializer 'W'" */
  enum ops_dtype dtype;
  struct ops_shape shape;
  int64_t numel;   /* elements */
  size_t expected; /* bytes: numel * dtype size */
  char desc[160];  /* "f32 [3, 4]" */
  struct ops_diag *d;
};

enum ops_status ops_onnx_dtype(int32_t code, const char *what, enum ops_dtype *out,
                               struct ops_diag *d) {
  if (code == 0) {
    *out = OPS_DTYPE_UNDEFINED;
    return OPS_OK;
  }
  if (!ops_dtype_valid(code)) {
    return ops_fail(d, OPS_ERR_BAD_INPUT,
                    "%s: unknown or unsupported data type code %d (opscope knows the ONNX "
                    "TensorProto.DataType codes 1-13 and 16)",
                    what, (int)code);
  }
  *out = (enum ops_dtype)code;
  return OPS_OK;
}

/* ---- shape ---- */

static enum ops_status decode_shape(struct decode *dc) {
  const Onnx__TensorProto *tp = dc->tp;
  if (tp->n_dims > OPS_MAX_RANK) {
    return ops_fail(dc->d, OPS_ERR_BAD_INPUT, "%s: has %zu dims, more than the %d opscope supports",
                    dc->what, tp->n_dims, OPS_MAX_RANK);
  }
  for (size_t i = 0; i < tp->n_dims; i++) {
    if (tp->dims[i] < 0) {
      return ops_fail(dc->d, OPS_ERR_BAD_INPUT, "%s: dim %zu is %lld, expected >= 0", dc->what, i,
                      (long long)tp->dims[i]);
    }
  }
  dc->shape = ops_shape_make((int)tp->n_dims, tp->dims);
  char dims[128];
  ops_shape_format(&dc->shape, dims, sizeof dims);
  if (!ops_shape_numel(&dc->shape, &dc->numel)) {
    return ops_fail(dc->d, OPS_ERR_BAD_INPUT,
                    "%s: dims %s have more elements than a 64-bit count can hold", dc->what, dims);
  }
  snprintf(dc->desc, sizeof dc->desc, "%s %s", ops_dtype_name(dc->dtype), dims);
  /* STRING has no fixed element size, so its byte size is 0 and never overflows. */
  if ((uint64_t)dc->numel > SIZE_MAX ||
      !ops_mul_size((size_t)dc->numel, ops_dtype_size(dc->dtype), &dc->expected)) {
    return ops_fail(dc->d, OPS_ERR_BAD_INPUT,
                    "%s: %s needs more bytes than this machine can address", dc->what, dc->desc);
  }
  return OPS_OK;
}

/* ---- where the data is ---- */

static enum ops_status find_source(const struct decode *dc, enum source *out) {
  const Onnx__TensorProto *tp = dc->tp;
  if (tp->has_data_location && tp->data_location != ONNX__TENSOR_PROTO__DATA_LOCATION__DEFAULT &&
      tp->data_location != ONNX__TENSOR_PROTO__DATA_LOCATION__EXTERNAL) {
    return ops_fail(dc->d, OPS_ERR_BAD_INPUT, "%s: unknown data_location %d", dc->what,
                    (int)tp->data_location);
  }
  bool present[SOURCE_COUNT] = {false};
  present[SOURCE_RAW] = tp->has_raw_data;
  present[SOURCE_FLOAT] = tp->n_float_data > 0;
  present[SOURCE_INT32] = tp->n_int32_data > 0;
  present[SOURCE_INT64] = tp->n_int64_data > 0;
  present[SOURCE_DOUBLE] = tp->n_double_data > 0;
  present[SOURCE_UINT64] = tp->n_uint64_data > 0;
  present[SOURCE_STRING] = tp->n_string_data > 0;
  present[SOURCE_EXTERNAL] =
      tp->has_data_location && tp->data_location == ONNX__TENSOR_PROTO__DATA_LOCATION__EXTERNAL;
  *out = SOURCE_NONE;
  for (int s = SOURCE_NONE + 1; s < SOURCE_COUNT; s++) {
    if (!present[s]) continue;
    if (*out != SOURCE_NONE) {
      /* The spec allows one place; guessing which one the exporter meant would hide a bug. */
      return ops_fail(dc->d, OPS_ERR_BAD_INPUT, "%s: data is stored both in %s and in %s", dc->what,
                      source_names[*out], source_names[s]);
    }
    *out = (enum source)s;
  }
  return OPS_OK;
}

/* The typed field ONNX assigns to each dtype (onnx.proto, TensorProto). */
static enum source typed_source(enum ops_dtype dtype) {
  switch (dtype) {
    case OPS_DTYPE_F32:
      return SOURCE_FLOAT;
    case OPS_DTYPE_I32:
    case OPS_DTYPE_I16:
    case OPS_DTYPE_U16:
    case OPS_DTYPE_I8:
    case OPS_DTYPE_U8:
    case OPS_DTYPE_BOOL:
    case OPS_DTYPE_F16:
    case OPS_DTYPE_BF16:
      return SOURCE_INT32;
    case OPS_DTYPE_I64:
      return SOURCE_INT64;
    case OPS_DTYPE_F64:
      return SOURCE_DOUBLE;
    case OPS_DTYPE_U32:
    case OPS_DTYPE_U64:
      return SOURCE_UINT64;
    case OPS_DTYPE_STRING:
      return SOURCE_STRING;
    default:
      return SOURCE_NONE;
  }
}

static enum ops_status check_count(const struct decode *dc, enum source src, size_t n) {
  if ((uint64_t)dc->numel == (uint64_t)n) return OPS_OK;
  return ops_fail(dc->d, OPS_ERR_BAD_INPUT, "%s: %s has %zu values, expected %lld for %s", dc->what,
                  source_names[src], n, (long long)dc->numel, dc->desc);
}

/* ---- readers: each returns an owned buffer of exactly dc->expected bytes ---- */

static enum ops_status alloc_data(const struct decode *dc, unsigned char **out) {
  /* A zero-element tensor still gets a buffer, so an initializer always has data. */
  *out = malloc(dc->expected == 0 ? 1 : dc->expected);
  if (*out == NULL) {
    return ops_fail(dc->d, OPS_ERR_NO_MEMORY, "%s: out of memory for %zu bytes of data", dc->what,
                    dc->expected);
  }
  return OPS_OK;
}

static enum ops_status read_raw(const struct decode *dc, unsigned char **out) {
  const ProtobufCBinaryData *raw = &dc->tp->raw_data;
  if (raw->len != dc->expected) {
    return ops_fail(dc->d, OPS_ERR_BAD_INPUT, "%s: raw_data has %zu bytes, expected %zu for %s",
                    dc->what, raw->len, dc->expected, dc->desc);
  }
  enum ops_status st = alloc_data(dc, out);
  if (st != OPS_OK) return st;
  if (raw->len > 0) memcpy(*out, raw->data, raw->len);
  return OPS_OK;
}

/* Values int32_data may hold for a dtype narrower than 32 bits. Half floats travel as their
 * 16 bit patterns, so their range is that of uint16. */
static void int32_range(enum ops_dtype dtype, int64_t *lo, int64_t *hi) {
  switch (dtype) {
    case OPS_DTYPE_I8:
      *lo = INT8_MIN, *hi = INT8_MAX;
      return;
    case OPS_DTYPE_U8:
      *lo = 0, *hi = UINT8_MAX;
      return;
    case OPS_DTYPE_BOOL:
      *lo = 0, *hi = 1;
      return;
    case OPS_DTYPE_I16:
      *lo = INT16_MIN, *hi = INT16_MAX;
      return;
    case OPS_DTYPE_U16:
    case OPS_DTYPE_F16:
    case OPS_DTYPE_BF16:
      *lo = 0, *hi = UINT16_MAX;
      return;
    default:
      *lo = INT32_MIN, *hi = INT32_MAX;
      return;
  }
}

static enum ops_status read_int32(const struct decode *dc, unsigned char **out) {
  const Onnx__TensorProto *tp = dc->tp;
  int64_t lo, hi;
  int32_range(dc->dtype, &lo, &hi);
  for (size_t i = 0; i < tp->n_int32_data; i++) {
    if (tp->int32_data[i] < lo || tp->int32_data[i] > hi) {
      return ops_fail(dc->d, OPS_ERR_BAD_INPUT,
                      "%s: int32_data value %ld at index %zu is out of range for %s", dc->what,
                      (long)tp->int32_data[i], i, ops_dtype_name(dc->dtype));
    }
  }
  enum ops_status st = alloc_data(dc, out);
  if (st != OPS_OK) return st;
  size_t size = ops_dtype_size(dc->dtype);
  for (size_t i = 0; i < tp->n_int32_data; i++) {
    if (size == 1) {
      uint8_t v = (uint8_t)tp->int32_data[i];
      memcpy(*out + i, &v, 1);
    } else if (size == 2) {
      uint16_t v = (uint16_t)tp->int32_data[i];
      memcpy(*out + 2 * i, &v, 2);
    } else {
      memcpy(*out + 4 * i, &tp->int32_data[i], 4);
    }
  }
  return OPS_OK;
}

static enum ops_status read_uint64(const struct decode *dc, unsigned char **out) {
  const Onnx__TensorProto *tp = dc->tp;
  if (dc->dtype == OPS_DTYPE_U32) {
    for (size_t i = 0; i < tp->n_uint64_data; i++) {
      if (tp->uint64_data[i] > UINT32_MAX) {
        return ops_fail(dc->d, OPS_ERR_BAD_INPUT,
                        "%s: uint64_data value %llu at index %zu is out of range for u32", dc->what,
                        (unsigned long long)tp->uint64_data[i], i);
      }
    }
  }
  enum ops_status st = alloc_data(dc, out);
  if (st != OPS_OK) return st;
  for (size_t i = 0; i < tp->n_uint64_data; i++) {
    if (dc->dtype == OPS_DTYPE_U32) {
      uint32_t v = (uint32_t)tp->uint64_data[i];
      memcpy(*out + 4 * i, &v, 4);
    } else {
      memcpy(*out + 8 * i, &tp->uint64_data[i], 8);
    }
  }
  return OPS_OK;
}

/* float_data, int64_data and double_data hold exactly the element type: a plain copy. */
static enum ops_status read_same_width(const struct decode *dc, const void *values,
                                       unsigned char **out) {
  enum ops_status st = alloc_data(dc, out);
  if (st != OPS_OK) return st;
  if (dc->expected > 0) memcpy(*out, values, dc->expected);
  return OPS_OK;
}

/* ---- external data ---- */

struct external {
  const char *location; /* borrowed from the TensorProto */
  size_t offset;        /* bytes */
  size_t length;        /* bytes; valid when has_length */
  bool has_length;
};

/* Decimal byte counts only: "12", not "-1", "0x10" or "12abc". */
static bool parse_byte_count(const char *s, size_t *out) {
  if (s == NULL || *s == '\0') return false;
  size_t v = 0;
  for (; *s; s++) {
    if (*s < '0' || *s > '9') return false;
    if (!ops_mul_size(v, 10, &v) || !ops_add_size(v, (size_t)(*s - '0'), &v)) return false;
  }
  *out = v;
  return true;
}

static enum ops_status parse_external(const struct decode *dc, struct external *ext) {
  memset(ext, 0, sizeof *ext);
  for (size_t i = 0; i < dc->tp->n_external_data; i++) {
    const Onnx__StringStringEntryProto *e = dc->tp->external_data[i];
    if (e->key == NULL) continue;
    const char *value = e->value != NULL ? e->value : "";
    if (strcmp(e->key, "location") == 0) {
      ext->location = value;
    } else if (strcmp(e->key, "offset") == 0) {
      if (!parse_byte_count(value, &ext->offset)) {
        return ops_fail(dc->d, OPS_ERR_BAD_INPUT,
                        "%s: external data offset '%s' is not a byte count", dc->what, value);
      }
    } else if (strcmp(e->key, "length") == 0) {
      if (!parse_byte_count(value, &ext->length)) {
        return ops_fail(dc->d, OPS_ERR_BAD_INPUT,
                        "%s: external data length '%s' is not a byte count", dc->what, value);
      }
      ext->has_length = true;
    }
    /* "checksum" is advisory and other keys are for other tools: both are ignored. */
  }
  if (ext->location == NULL || ext->location[0] == '\0') {
    return ops_fail(dc->d, OPS_ERR_BAD_INPUT, "%s: external data has no location", dc->what);
  }
  return OPS_OK;
}

/* External files must stay inside the model's directory: a model from elsewhere must not make
 * opscope read /etc/passwd or ../../secret as weights. Symbolic links are not resolved. */
static enum ops_status check_location(const struct decode *dc, const char *location) {
  if (location[0] == '/' || location[0] == '\\') {
    return ops_fail(dc->d, OPS_ERR_BAD_INPUT,
                    "%s: external data location '%s' is an absolute path; only files inside the "
                    "model's directory are read",
                    dc->what, location);
  }
  const char *part = location;
  for (const char *p = location;; p++) {
    if (*p == '/' || *p == '\\' || *p == '\0') {
      if (p - part == 2 && part[0] == '.' && part[1] == '.') {
        return ops_fail(dc->d, OPS_ERR_BAD_INPUT,
                        "%s: external data location '%s' leaves the model's directory ('..')",
                        dc->what, location);
      }
      if (*p == '\0') break;
      part = p + 1;
    }
  }
  return OPS_OK;
}

/* "dir/model.onnx" + "w.bin" -> "dir/w.bin"; a path without '/' means the current directory. */
static char *path_beside(const char *model_path, const char *location) {
  const char *slash = strrchr(model_path, '/');
  if (slash == NULL) return ops_strdup(location);
  size_t dir_len = (size_t)(slash - model_path) + 1;
  size_t loc_len = strlen(location);
  size_t bytes;
  if (!ops_add_size(dir_len, loc_len, &bytes) || !ops_add_size(bytes, 1, &bytes)) return NULL;
  char *out = malloc(bytes);
  if (out == NULL) return NULL;
  memcpy(out, model_path, dir_len);
  memcpy(out + dir_len, location, loc_len + 1);
  return out;
}

/* Reads ext->length bytes at ext->offset of an open file of `file_size` bytes, after checking
 * that the range lies inside the file and matches the tensor's size. */
static enum ops_status read_range(const struct decode *dc, FILE *f, const char *file,
                                  long long file_size, const struct external *ext,
                                  unsigned char **out) {
  size_t size = (size_t)file_size;
  if (ext->offset > size) {
    return ops_fail(dc->d, OPS_ERR_BAD_INPUT,
                    "%s: external data offset %zu is past the end of '%s' (%zu bytes)", dc->what,
                    ext->offset, file, size);
  }
  size_t length = ext->has_length ? ext->length : size - ext->offset;
  if (length > size - ext->offset) {
    return ops_fail(dc->d, OPS_ERR_BAD_INPUT,
                    "%s: external data offset %zu + length %zu is past the end of '%s' (%zu bytes)",
                    dc->what, ext->offset, length, file, size);
  }
  if (length != dc->expected) {
    return ops_fail(dc->d, OPS_ERR_BAD_INPUT,
                    "%s: external data in '%s' has %zu bytes, expected %zu for %s", dc->what, file,
                    length, dc->expected, dc->desc);
  }
  enum ops_status st = alloc_data(dc, out);
  if (st != OPS_OK) return st;
  if (length == 0) return OPS_OK;
  if (fseeko(f, (off_t)ext->offset, SEEK_SET) != 0 || fread(*out, 1, length, f) != length) {
    free(*out);
    *out = NULL;
    return ops_fail(dc->d, OPS_ERR_IO, "%s: cannot read %zu bytes at offset %zu of '%s'", dc->what,
                    length, ext->offset, file);
  }
  return OPS_OK;
}

static enum ops_status read_external(const struct decode *dc, const char *model_path,
                                     unsigned char **out) {
  struct external ext;
  enum ops_status st = parse_external(dc, &ext);
  if (st != OPS_OK) return st;
  st = check_location(dc, ext.location);
  if (st != OPS_OK) return st;
  if (model_path == NULL) {
    return ops_fail(dc->d, OPS_ERR_BAD_INPUT,
                    "%s: external data '%s' cannot be located without the model's path", dc->what,
                    ext.location);
  }
  char *file = path_beside(model_path, ext.location);
  if (file == NULL) {
    return ops_fail(dc->d, OPS_ERR_NO_MEMORY, "%s: out of memory locating external data", dc->what);
  }
  FILE *f = fopen(file, "rb");
  if (f == NULL) {
    st = ops_fail(dc->d, OPS_ERR_IO, "%s: external data file '%s' cannot be opened: %s", dc->what,
                  file, strerror(errno));
    goto fail;
  }
  struct stat sb;
  if (fstat(fileno(f), &sb) != 0 || !S_ISREG(sb.st_mode)) {
    st = ops_fail(dc->d, OPS_ERR_BAD_INPUT, "%s: external data '%s' is not a regular file",
                  dc->what, file);
    goto fail;
  }
  st = read_range(dc, f, file, (long long)sb.st_size, &ext, out);
fail:
  if (f != NULL) fclose(f);
  free(file);
  return st;
}

/* ---- the whole tensor ---- */

static enum ops_status check_strings(const struct decode *dc, enum source src) {
  if (src == SOURCE_STRING || (src == SOURCE_NONE && dc->numel == 0)) {
    return check_count(dc, SOURCE_STRING, dc->tp->n_string_data);
  }
  if (src == SOURCE_NONE) return check_count(dc, SOURCE_STRING, 0);
  return ops_fail(dc->d, OPS_ERR_BAD_INPUT,
                  "%s: string tensors keep their values in string_data, "
                  "not in %s",
                  dc->what, source_names[src]);
}

static enum ops_status read_data(const struct decode *dc, enum source src, const char *model_path,
                                 unsigned char **out) {
  *out = NULL;
  if (src == SOURCE_NONE) {
    if (dc->expected == 0) return alloc_data(dc, out);
    return ops_fail(dc->d, OPS_ERR_BAD_INPUT, "%s: has no data, expected %zu bytes for %s",
                    dc->what, dc->expected, dc->desc);
  }
  if (src == SOURCE_RAW) return read_raw(dc, out);
  if (src == SOURCE_EXTERNAL) return read_external(dc, model_path, out);
  if (src != typed_source(dc->dtype)) {
    return ops_fail(dc->d, OPS_ERR_BAD_INPUT, "%s: %s cannot hold %s values", dc->what,
                    source_names[src], ops_dtype_name(dc->dtype));
  }
  const Onnx__TensorProto *tp = dc->tp;
  switch (src) {
    case SOURCE_FLOAT: {
      enum ops_status st = check_count(dc, src, tp->n_float_data);
      return st != OPS_OK ? st : read_same_width(dc, tp->float_data, out);
    }
    case SOURCE_INT64: {
      enum ops_status st = check_count(dc, src, tp->n_int64_data);
      return st != OPS_OK ? st : read_same_width(dc, tp->int64_data, out);
    }
    case SOURCE_DOUBLE: {
      enum ops_status st = check_count(dc, src, tp->n_double_data);
      return st != OPS_OK ? st : read_same_width(dc, tp->double_data, out);
    }
    case SOURCE_INT32: {
      enum ops_status st = check_count(dc, src, tp->n_int32_data);
      return st != OPS_OK ? st : read_int32(dc, out);
    }
    case SOURCE_UINT64: {
      enum ops_status st = check_count(dc, src, tp->n_uint64_data);
      return st != OPS_OK ? st : read_uint64(dc, out);
    }
    default:
      return ops_fail(dc->d, OPS_ERR_INTERNAL, "%s: unhandled data source %s", dc->what,
                      source_names[src]);
  }
}

enum ops_status ops_onnx_tensor_decode(const Onnx__TensorProto *tp, const char *what,
                                       const char *model_path, struct ops_tensor *out,
                                       struct ops_diag *d) {
  struct decode dc;
  memset(&dc, 0, sizeof dc);
  dc.tp = tp;
  dc.what = what;
  dc.d = d;
  if (tp->segment != NULL) {
    return ops_fail(d, OPS_ERR_UNSUPPORTED, "%s: segmented tensors are not supported", what);
  }
  enum ops_status st = ops_onnx_dtype(tp->data_type, what, &dc.dtype, d);
  if (st != OPS_OK) return st;
  if (dc.dtype == OPS_DTYPE_UNDEFINED) {
    return ops_fail(d, OPS_ERR_BAD_INPUT, "%s: has no data type (data_type 0)", what);
  }
  st = decode_shape(&dc);
  if (st != OPS_OK) return st;
  enum source src = SOURCE_NONE;
  st = find_source(&dc, &src);
  if (st != OPS_OK) return st;
  unsigned char *data = NULL;
  if (dc.dtype == OPS_DTYPE_STRING) {
    /* Kernels never read strings, so only the shape is kept; the count is still checked. */
    st = check_strings(&dc, src);
  } else {
    st = read_data(&dc, src, model_path, &data);
  }
  if (st != OPS_OK) return st;
  ops_tensor_clear_data(out);
  out->dtype = dc.dtype;
  out->shape = dc.shape;
  out->role = OPS_TENSOR_INITIALIZER;
  if (data != NULL) {
    out->data = data;
    out->nbytes = dc.expected;
    out->owns_data = true;
  }
  return OPS_OK;
}
