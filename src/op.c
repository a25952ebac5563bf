#include "src/op.h"

#include <assert.h>
#include <string.h>

struct op_info {
  const char *name;
  bool metadata;
};

#define EXEC false
#define META true
static const struct op_info op_table[] = {
    [OPS_OP_UNKNOWN] = {"Unknown", false},
#define OPS_OP(name, onnx_name, cls) [OPS_OP_##name] = {onnx_name, cls},
#include "src/op-list.inc"
#undef OPS_OP
};
#undef EXEC
#undef META
static_assert(sizeof op_table / sizeof op_table[0] == OPS_OP_COUNT, "op table size");

const char *ops_op_name(enum ops_op op) {
  return (unsigned)op < OPS_OP_COUNT ? op_table[op].name : "Unknown";
}

enum ops_op ops_op_parse(const char *onnx_name) {
  for (int op = 1; op < OPS_OP_COUNT; op++) {
    if (strcmp(op_table[op].name, onnx_name) == 0) return (enum ops_op)op;
  }
  return OPS_OP_UNKNOWN;
}

bool ops_op_is_metadata(enum ops_op op) {
  return (unsigned)op < OPS_OP_COUNT && op_table[op].metadata;
}
