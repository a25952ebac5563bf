# Tests of the ONNX loaders (src/load-onnx.c, src/load-tensor-pb.c, src/onnx-tensor.c).
# test-load-onnx builds models in memory with the generated protobuf-c code, so it also links
# the schema target; the others read files: the shared models, the conformance data and the
# bad-input corpus.
opscope_unit_test(test-load-onnx unit
  SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/test-load-onnx.c
  LIBS opscope_core opscope_onnx_proto)
opscope_unit_test(test-load-onnx-models models SKIPPABLE
  SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/test-load-onnx-models.c
  LIBS opscope_core)
opscope_unit_test(test-load-onnx-conformance conformance
  SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/test-load-onnx-conformance.c
  LIBS opscope_core)
opscope_unit_test(test-load-onnx-bad bad-input
  SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/test-load-onnx-bad.c
  LIBS opscope_core)
