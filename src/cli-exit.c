/* The one place where library statuses become exit codes (STYLE.md §6). */
#include <stdio.h>

#include "src/cli.h"

int ops_cli_exit_code(int status) {
  switch (status) {
    case OPSCOPE_OK:
      return OPS_EXIT_OK;
    case OPSCOPE_ERR_MISMATCH:
      return OPS_EXIT_FAILED;
    case OPSCOPE_ERR_BAD_INPUT:
    case OPSCOPE_ERR_UNSUPPORTED:
    case OPSCOPE_ERR_IO:
    case OPSCOPE_ERR_NO_MEMORY:
    case OPSCOPE_ERR_UNAVAILABLE:
    case OPSCOPE_ERR_INTERNAL:
    default:
      return OPS_EXIT_BAD_INPUT;
  }
}

int ops_cli_fail(int status, const char *message) {
  /* Unsupported and internal errors say so up front: the first is a limit of opscope, not a
   * fault in the model, and the second is a bug to report. Scripts (the conformance runner) rely
   * on the "unsupported: " prefix. */
  const char *kind = status == OPSCOPE_ERR_INTERNAL      ? "internal error: "
                     : status == OPSCOPE_ERR_UNSUPPORTED ? "unsupported: "
                                                         : "";
  /* Messages quote names from the model file; control bytes there must not reach the terminal. */
  fprintf(stderr, "opscope: %s", kind);
  for (const unsigned char *p = (const unsigned char *)message; *p; p++) {
    fputc(*p < 0x20 || *p == 0x7f ? '?' : *p, stderr);
  }
  fputc('\n', stderr);
  return ops_cli_exit_code(status);
}
