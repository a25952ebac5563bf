# Shape and dtype inference (src/shape-infer*.c): hand-built graphs for every op family and
# error, then the real models in ../shared/models (skipped with a reason when missing).
opscope_unit_test(test-shape-infer unit
  SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/test-shape-infer.c
  LIBS opscope_core)
opscope_unit_test(test-shape-infer-reduce unit
  SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/test-shape-infer-reduce.c
  LIBS opscope_core)
