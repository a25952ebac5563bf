# Shape and dtype inference (src/shape-infer*.c): hand-built graphs for every op family and
# error, then the real models in ../shared/models (skipped with a reason when missing).
opscope_unit_test(test-shape-infer unit
  SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/test-shape-infer.c
  LIBS opscope_core)
opscope_unit_test(test-shape-infer-reduce unit
  SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/test-shape-infer-reduce.c
  LIBS opscope_core)
opscope_unit_test(test-shape-infer-resize unit
  SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/test-shape-infer-resize.c
  LIBS opscope_core)
foreach(area convtranspose einsum)
  opscope_unit_test(test-shape-infer-${area} unit
    SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/test-shape-infer-${area}.c
    LIBS opscope_core)
endforeach()
# GatherElements, GatherND, the scatters and the losses (src/shape-infer-{index,loss}.c).
opscope_unit_test(test-shape-infer-index unit
  SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/test-shape-infer-index.c
  LIBS opscope_core)
# The quantization ops (src/shape-infer-quant.c).
opscope_unit_test(test-shape-infer-quant unit
  SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/test-shape-infer-quant.c
  LIBS opscope_core)
