#include "src/dtype.h"

#include <string.h>

#include "opscope.h"

#define OPS_DTYPE(name, code, short_name, onnx_name, size)              \
  _Static_assert(OPS_DTYPE_##name == (int)OPSCOPE_DTYPE_##name, #name); \
  _Static_assert(code < OPS_DTYPE_COUNT, #name);
#include "src/dtype-list.inc"
#undef OPS_DTYPE

bool ops_dtype_valid(int code) {
  switch (code) {
#define OPS_DTYPE(name, code, short_name, onnx_name, size) case code:
#include "src/dtype-list.inc"
#undef OPS_DTYPE
    return true;
    default:
      return false;
  }
}

size_t ops_dtype_size(enum ops_dtype dtype) {
  switch ((int)dtype) {
#define OPS_DTYPE(name, code, short_name, onnx_name, size) \
  case code:                                               \
    return size;
#include "src/dtype-list.inc"
#undef OPS_DTYPE
    default:
      return 0;
  }
}

const char *ops_dtype_name(enum ops_dtype dtype) {
  switch ((int)dtype) {
#define OPS_DTYPE(name, code, short_name, onnx_name, size) \
  case code:                                               \
    return short_name;
#include "src/dtype-list.inc"
#undef OPS_DTYPE
    default:
      return "undefined";
  }
}

enum ops_dtype ops_dtype_parse(const char *name) {
#define OPS_DTYPE(name_, code, short_name, onnx_name, size) \
  if (strcmp(name, short_name) == 0 || strcmp(name, onnx_name) == 0) return (enum ops_dtype)code;
#include "src/dtype-list.inc"
#undef OPS_DTYPE
  return OPS_DTYPE_UNDEFINED;
}

bool ops_dtype_is_float(enum ops_dtype dtype) {
  return dtype == OPS_DTYPE_F32 || dtype == OPS_DTYPE_F64 || dtype == OPS_DTYPE_F16 ||
         dtype == OPS_DTYPE_BF16;
}

const char *opscope_dtype_name(int dtype) {
  return ops_dtype_name((enum ops_dtype)dtype);
}
