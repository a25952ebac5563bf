/*
 * Fuzz target: an ONNX ModelProto from memory through the loader, graph validation and shape
 * inference, as `opscope -m FILE` does before planning. External data is refused here (there is
 * no file to resolve it against), so an input cannot make the target read files.
 */
#include "src/graph.h"
#include "src/load.h"
#include "src/shape-infer.h"
#include "tests/fuzz/fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  struct ops_diag d;
  ops_diag_init(&d, NULL);
  struct ops_graph *g = NULL;
  enum ops_status status = ops_load_onnx_buffer(data, size, NULL, &g, &d);
  if (status == OPS_OK) status = ops_graph_validate(g, &d);
  if (status == OPS_OK) status = ops_shape_infer(g, &d);
  fuzz_check(status, &d);
  ops_graph_free(g);
  return 0;
}
