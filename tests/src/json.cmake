# The JSON IR: round trips through src/save-json.c and src/load-json.c, and the bad-input
# corpus in tests/data/bad/json/ (driven by its README table).
opscope_unit_test(test-json unit
  SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/test-json.c
  LIBS opscope_core)
