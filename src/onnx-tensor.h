/*
 * Decoding ONNX TensorProto messages into IR tensors, shared by the model loader (initializers,
 * tensor attributes) and the TensorProto loader (test_data_set_N/input_K.pb), so both apply the
 * same checks: dtype codes, rank, dims, overflow, data length, external data confinement.
 *
 * Only files of src/ that link the generated ONNX schema (opscope_onnx_proto) include this.
 */
#ifndef OPSCOPE_SRC_ONNX_TENSOR_H
#define OPSCOPE_SRC_ONNX_TENSOR_H

#include <stddef.h>
#include <stdint.h>

#include "onnx/onnx.pb-c.h"
#include "src/diag.h"
#include "src/tensor.h"

/* Converts an ONNX TensorProto.DataType code to a dtype. 0 gives OPS_DTYPE_UNDEFINED; a code
 * opscope does not list fails with OPS_ERR_BAD_INPUT, the message starting with `what`
 * ("input 'x'"). */
enum ops_status ops_onnx_dtype(int32_t code, const char *what, enum ops_dtype *out,
                               struct ops_diag *d);

/* Fills out->dtype, shape, data, nbytes, owns_data and role (INITIALIZER) from `tp`, leaving
 * out->name and the other fields alone. Data ends up packed, row-major and little-endian, taken
 * from raw_data, the typed field the ONNX spec assigns to the dtype, or external data read from
 * a file relative to the directory of `model_path` (NULL refuses external data). STRING tensors
 * keep their shape and no data. Messages start with `what` ("initializer 'W'").
 * Fails with OPS_ERR_BAD_INPUT for malformed tensors, OPS_ERR_UNSUPPORTED for segmented
 * tensors, OPS_ERR_IO for unreadable external files, OPS_ERR_NO_MEMORY; on failure `out` is
 * left as it was. */
enum ops_status ops_onnx_tensor_decode(const Onnx__TensorProto *tp, const char *what,
                                       const char *model_path, struct ops_tensor *out,
                                       struct ops_diag *d);

#endif /* OPSCOPE_SRC_ONNX_TENSOR_H */
