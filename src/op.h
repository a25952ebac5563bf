/* The op enum and its names, generated from src/op-list.inc. */
#ifndef OPSCOPE_SRC_OP_H
#define OPSCOPE_SRC_OP_H

#include <stdbool.h>

enum ops_op {
  OPS_OP_UNKNOWN = 0,
#define OPS_OP(name, onnx_name, cls) OPS_OP_##name,
#include "src/op-list.inc"
#undef OPS_OP
  OPS_OP_COUNT
};

/* ONNX op type of `op` ("Conv"), or "Unknown". */
const char *ops_op_name(enum ops_op op);
/* Looks up an ONNX op type in the default domain; OPS_OP_UNKNOWN when not listed. */
enum ops_op ops_op_parse(const char *onnx_name);
/* True for ops of class META (metadata or constants only). */
bool ops_op_is_metadata(enum ops_op op);

#endif /* OPSCOPE_SRC_OP_H */
