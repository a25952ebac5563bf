/* Element types of tensors: sizes and names, generated from src/dtype-list.inc. */
#ifndef OPSCOPE_SRC_DTYPE_H
#define OPSCOPE_SRC_DTYPE_H

#include <stdbool.h>
#include <stddef.h>

enum ops_dtype {
  OPS_DTYPE_UNDEFINED = 0,
#define OPS_DTYPE(name, code, short_name, onnx_name, size) OPS_DTYPE_##name = code,
#include "src/dtype-list.inc"
#undef OPS_DTYPE
  OPS_DTYPE_COUNT /* one past the largest code; not every value below it is a dtype */
};

/* True when `code` names a dtype in the list. */
bool ops_dtype_valid(int code);
/* Bytes per element; 0 for undefined and string. */
size_t ops_dtype_size(enum ops_dtype dtype);
/* Short name ("f32"), or "undefined". */
const char *ops_dtype_name(enum ops_dtype dtype);
/* Parses a short name ("f32") or an ONNX name ("float"); OPS_DTYPE_UNDEFINED when unknown. */
enum ops_dtype ops_dtype_parse(const char *name);
/* True for f16, bf16, f32, f64. */
bool ops_dtype_is_float(enum ops_dtype dtype);

#endif /* OPSCOPE_SRC_DTYPE_H */
