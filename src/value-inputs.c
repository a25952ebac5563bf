#include "src/value-inputs.h"

#include <string.h>

/* Op types by name rather than enum ops_op: an op opscope does not implement yet still gets its
 * value inputs bound, so its refusal names the op, not an unknown shape. Bit k set: slot k. */
struct value_slots {
  const char *op_type;
  unsigned slots;
};

static const struct value_slots value_slots[] = {
    {"CenterCropPad", 1u << 1},
    {"Compress", 1u << 1},
    {"ConstantOfShape", 1u << 0},
    {"CumSum", 1u << 1},
    {"Dropout", 1u << 1 | 1u << 2},
    {"Expand", 1u << 1},
    {"MaxUnpool", 1u << 2},
    {"NonZero", 1u << 0},
    {"OneHot", 1u << 1},
    {"Pad", 1u << 1 | 1u << 3},
    {"Range", 1u << 0 | 1u << 1 | 1u << 2},
    {"ReduceL1", 1u << 1},
    {"ReduceL2", 1u << 1},
    {"ReduceLogSum", 1u << 1},
    {"ReduceLogSumExp", 1u << 1},
    {"ReduceMax", 1u << 1},
    {"ReduceMean", 1u << 1},
    {"ReduceMin", 1u << 1},
    {"ReduceProd", 1u << 1},
    {"ReduceSum", 1u << 1},
    {"ReduceSumSquare", 1u << 1},
    {"Reshape", 1u << 1},
    {"Resize", 1u << 1 | 1u << 2 | 1u << 3},
    {"Slice", 1u << 1 | 1u << 2 | 1u << 3 | 1u << 4},
    {"Split", 1u << 1},
    {"Squeeze", 1u << 1},
    {"Tile", 1u << 1},
    {"TopK", 1u << 1},
    {"Trilu", 1u << 1},
    {"Unsqueeze", 1u << 1},
    {"Upsample", 1u << 1},
};

bool ops_input_is_value_slot(const char *op_type, int slot) {
  if (slot < 0 || slot >= 32) return false;
  for (size_t i = 0; i < sizeof value_slots / sizeof value_slots[0]; i++) {
    if (strcmp(value_slots[i].op_type, op_type) == 0) {
      return (value_slots[i].slots >> slot) & 1u;
    }
  }
  return false;
}

bool ops_graph_reads_value_of(const struct ops_graph *g, int t) {
  for (size_t n = 0; n < g->n_nodes; n++) {
    const struct ops_node *node = &g->nodes[n];
    if (node->domain != NULL && node->domain[0] != '\0' && strcmp(node->domain, "ai.onnx") != 0) {
      continue;
    }
    for (int i = 0; i < node->n_inputs; i++) {
      if (node->inputs[i] == t && ops_input_is_value_slot(node->op_type, i)) return true;
    }
  }
  return false;
}
