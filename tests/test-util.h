/*
 * Helpers shared by the cmocka tests: assertions that print both sides, the location of the
 * real models, and skipping with a reason (STYLE.md §8).
 */
#ifndef OPSCOPE_TESTS_TEST_UTIL_H
#define OPSCOPE_TESTS_TEST_UTIL_H

#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include <cmocka.h>

/* Fails with both values and the tolerance when |a - b| > tol. */
#define OPS_ASSERT_NEAR(a, b, tol)                                                    \
  do {                                                                                \
    double ops_a_ = (double)(a), ops_b_ = (double)(b), ops_t_ = (double)(tol);        \
    if (!(fabs(ops_a_ - ops_b_) <= ops_t_)) {                                         \
      fail_msg("%s = %.9g, %s = %.9g, differ by %.3g > %.3g", #a, ops_a_, #b, ops_b_, \
               fabs(ops_a_ - ops_b_), ops_t_);                                        \
    }                                                                                 \
  } while (0)

/* Fails unless `haystack` contains `needle`, printing both. */
#define OPS_ASSERT_CONTAINS(haystack, needle)                                            \
  do {                                                                                   \
    const char *ops_h_ = (haystack), *ops_n_ = (needle);                                 \
    if (ops_h_ == NULL || strstr(ops_h_, ops_n_) == NULL) {                              \
      fail_msg("expected \"%s\" to contain \"%s\"", ops_h_ ? ops_h_ : "(null)", ops_n_); \
    }                                                                                    \
  } while (0)

/* Path of ../shared/models/NAME/FILE in buf; skips the test, saying why, when the shared
 * models are not beside the checkout (a user's fresh clone). */
static inline const char *ops_test_model_path(const char *name, const char *file, char *buf,
                                              size_t len) {
  snprintf(buf, len, "%s/%s/%s", OPSCOPE_MODELS_DIR, name, file);
  struct stat st;
  if (stat(buf, &st) != 0) {
    print_message("skipping: %s not found (the shared models are not beside this checkout)\n", buf);
    skip();
  }
  return buf;
}

#endif /* OPSCOPE_TESTS_TEST_UTIL_H */
