#include "src/tensor.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "src/size.h"

struct ops_shape ops_shape_unknown(void) {
  struct ops_shape s;
  memset(&s, 0, sizeof s);
  s.rank = -1;
  return s;
}

struct ops_shape ops_shape_make(int rank, const int64_t *dims) {
  struct ops_shape s;
  memset(&s, 0, sizeof s);
  s.rank = rank;
  for (int i = 0; i < rank && i < OPS_MAX_RANK; i++)
    s.dims[i] = dims[i];
  return s;
}

bool ops_shape_is_known(const struct ops_shape *s) {
  if (s->rank < 0) return false;
  for (int i = 0; i < s->rank; i++) {
    if (s->dims[i] < 0) return false;
  }
  return true;
}

bool ops_shape_numel(const struct ops_shape *s, int64_t *out) {
  if (!ops_shape_is_known(s)) return false;
  int64_t n = 1;
  for (int i = 0; i < s->rank; i++) {
    if (!ops_mul_i64(n, s->dims[i], &n)) return false;
  }
  *out = n;
  return true;
}

bool ops_shape_equal(const struct ops_shape *a, const struct ops_shape *b) {
  if (!ops_shape_is_known(a) || !ops_shape_is_known(b) || a->rank != b->rank) return false;
  for (int i = 0; i < a->rank; i++) {
    if (a->dims[i] != b->dims[i]) return false;
  }
  return true;
}

char *ops_shape_format(const struct ops_shape *s, char *buf, size_t len) {
  if (len == 0) return buf;
  if (s->rank < 0) {
    snprintf(buf, len, "(unknown rank)");
    return buf;
  }
  size_t used = 0;
  buf[0] = '\0';
  for (int i = 0; i <= s->rank && used < len; i++) {
    int n;
    if (i == s->rank) {
      n = snprintf(buf + used, len - used, "]");
    } else if (s->dims[i] < 0) {
      n = snprintf(buf + used, len - used, "%s?", i ? ", " : "[");
    } else {
      n = snprintf(buf + used, len - used, "%s%lld", i ? ", " : "[", (long long)s->dims[i]);
    }
    if (n < 0) break;
    used += (size_t)n;
  }
  if (s->rank == 0) snprintf(buf, len, "[]");
  return buf;
}

void ops_tensor_done(struct ops_tensor *t) {
  free(t->name);
  for (int i = 0; i < OPS_MAX_RANK; i++)
    free(t->dim_params[i]);
  ops_tensor_clear_data(t);
  memset(t, 0, sizeof *t);
}

bool ops_tensor_numel(const struct ops_tensor *t, int64_t *out) {
  return ops_shape_numel(&t->shape, out);
}

bool ops_tensor_byte_size(const struct ops_tensor *t, size_t *out) {
  int64_t n;
  if (!ops_tensor_numel(t, &n)) return false;
  if ((uint64_t)n > SIZE_MAX) return false;
  return ops_mul_size((size_t)n, ops_dtype_size(t->dtype), out);
}

bool ops_tensor_set_data_copy(struct ops_tensor *t, const void *data, size_t nbytes) {
  void *copy = malloc(nbytes == 0 ? 1 : nbytes);
  if (copy == NULL) return false;
  if (nbytes) memcpy(copy, data, nbytes);
  ops_tensor_clear_data(t);
  t->data = copy;
  t->nbytes = nbytes;
  t->owns_data = true;
  return true;
}

void ops_tensor_clear_data(struct ops_tensor *t) {
  if (t->owns_data) free(t->data);
  t->data = NULL;
  t->nbytes = 0;
  t->owns_data = false;
}

bool ops_tensor_get_int(const struct ops_tensor *t, int64_t i, int64_t *out) {
  size_t size = ops_dtype_size(t->dtype);
  if (t->data == NULL || size == 0 || i < 0 || (uint64_t)i >= t->nbytes / size) return false;
  const unsigned char *p = (const unsigned char *)t->data + (size_t)i * size;
  switch (t->dtype) {
    case OPS_DTYPE_I8: {
      int8_t v;
      memcpy(&v, p, 1);
      *out = v;
      return true;
    }
    case OPS_DTYPE_U8:
    case OPS_DTYPE_BOOL: {
      uint8_t v;
      memcpy(&v, p, 1);
      *out = v;
      return true;
    }
    case OPS_DTYPE_I16: {
      int16_t v;
      memcpy(&v, p, 2);
      *out = v;
      return true;
    }
    case OPS_DTYPE_U16: {
      uint16_t v;
      memcpy(&v, p, 2);
      *out = v;
      return true;
    }
    case OPS_DTYPE_I32: {
      int32_t v;
      memcpy(&v, p, 4);
      *out = v;
      return true;
    }
    case OPS_DTYPE_U32: {
      uint32_t v;
      memcpy(&v, p, 4);
      *out = v;
      return true;
    }
    case OPS_DTYPE_I64: {
      int64_t v;
      memcpy(&v, p, 8);
      *out = v;
      return true;
    }
    case OPS_DTYPE_U64: {
      uint64_t v;
      memcpy(&v, p, 8);
      *out = (int64_t)v;
      return true;
    }
    default:
      return false;
  }
}
