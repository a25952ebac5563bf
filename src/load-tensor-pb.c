/*
 * A serialized ONNX TensorProto (the test_data_set_N/input_K.pb files that come with ONNX models
 * and conformance tests) -> a standalone struct ops_tensor. Decoding and its checks are those of
 * model initializers (src/onnx-tensor.c), so both accept and refuse the same tensors.
 */
#include "src/load.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "onnx/onnx.pb-c.h"
#include "src/file.h"
#include "src/onnx-tensor.h"
#include "src/size.h"

#define MEMORY_PATH "<memory>"

enum ops_status ops_load_tensor_pb_buffer(const void *data, size_t len, const char *path,
                                          struct ops_tensor *out, struct ops_diag *d) {
  memset(out, 0, sizeof *out);
  out->shape = ops_shape_unknown();
  out->producer = -1;
  if (d != NULL && d->path == NULL) d->path = path != NULL ? path : MEMORY_PATH;
  /* TensorProto nests no messages recursively, so unlike ModelProto it needs no depth guard. */
  static const uint8_t empty[1];
  Onnx__TensorProto *tp = onnx__tensor_proto__unpack(NULL, len, len > 0 ? data : empty);
  if (tp == NULL) {
    return ops_fail(d, OPS_ERR_BAD_INPUT, "not a valid ONNX TensorProto (protobuf parse failed)");
  }
  const char *name = tp->name != NULL ? tp->name : "";
  char what[256];
  if (name[0] != '\0') {
    snprintf(what, sizeof what, "tensor '%s'", name);
  } else {
    snprintf(what, sizeof what, "tensor");
  }
  enum ops_status st = OPS_ERR_NO_MEMORY;
  out->name = ops_strdup(name);
  if (out->name == NULL) {
    st = ops_fail(d, st, "%s: out of memory", what);
    goto fail;
  }
  st = ops_onnx_tensor_decode(tp, what, path, out, d);
  if (st != OPS_OK) goto fail;
  onnx__tensor_proto__free_unpacked(tp, NULL);
  return OPS_OK;
fail:
  onnx__tensor_proto__free_unpacked(tp, NULL);
  ops_tensor_done(out);
  return st;
}

enum ops_status ops_load_tensor_pb(const char *path, struct ops_tensor *out, struct ops_diag *d) {
  memset(out, 0, sizeof *out);
  out->shape = ops_shape_unknown();
  void *data;
  size_t len;
  enum ops_status st = ops_file_read(path, OPS_FILE_MAX_BYTES, &data, &len, d);
  if (st != OPS_OK) return st;
  st = ops_load_tensor_pb_buffer(data, len, path, out, d);
  free(data);
  return st;
}
