/*
 * The fuzz targets (tests/fuzz/fuzz-*.c) share this entry point. Each is linked two ways:
 * with libFuzzer (clang, -DOPSCOPE_FUZZ=ON), which calls it with generated inputs, and with
 * replay.c, which calls it on files named on the command line so the seed corpus and the
 * committed regression inputs run in every ordinary test run, with any compiler.
 *
 * A target returns 0 for any input it could load or refuse; a crash, a sanitizer report, a hang
 * or fuzz_check() failing is a finding.
 */
#ifndef OPSCOPE_TESTS_FUZZ_FUZZ_H
#define OPSCOPE_TESTS_FUZZ_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "src/diag.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Every refusal must come with a message: a failing status with an empty diag would leave the
 * user with "opscope: " and nothing else. Aborting makes that a finding like any crash. */
static inline void fuzz_check(enum ops_status status, const struct ops_diag *d) {
  if (status != OPS_OK && (!d->set || d->msg[0] == '\0')) {
    fprintf(stderr, "fuzz: status %s came without a message\n", ops_status_str(status));
    abort();
  }
}

#endif /* OPSCOPE_TESTS_FUZZ_FUZZ_H */
