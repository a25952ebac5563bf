# The built-in models of src/builtin-models.c: structure, counts and deterministic weights.
opscope_unit_test(test-builtin unit
  SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/test-builtin.c
  LIBS opscope_core)
