/*
 * Fuzz target: a serialized ONNX TensorProto (test_data_set_N/input_K.pb) from memory, as
 * --verify and --input read them. External data is refused without a path, so no file is read.
 */
#include <string.h>

#include "src/load.h"
#include "src/tensor.h"
#include "tests/fuzz/fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  struct ops_diag d;
  ops_diag_init(&d, NULL);
  struct ops_tensor t;
  memset(&t, 0, sizeof t);
  enum ops_status status = ops_load_tensor_pb_buffer(data, size, NULL, &t, &d);
  if (status == OPS_OK) {
    /* A loaded tensor's byte count must agree with its shape and dtype: kernels rely on it. */
    size_t bytes;
    if (t.data != NULL && ops_tensor_byte_size(&t, &bytes) && bytes != t.nbytes) {
      fprintf(stderr, "fuzz: tensor '%s' holds %zu bytes, its shape needs %zu\n",
              t.name ? t.name : "", t.nbytes, bytes);
      abort();
    }
  }
  fuzz_check(status, &d);
  ops_tensor_done(&t);
  return 0;
}
