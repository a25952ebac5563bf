/*
 * Fuzz target: the JSON IR (docs/ir.md) from memory through the loader, validation and shape
 * inference. The weights file is real: on first use the target writes FUZZ_WEIGHTS_BYTES of
 * patterned floats as fuzz.bin in a fresh temporary directory and names the input fuzz.json
 * there, so inputs whose initializers lie within those bytes load their data (the seeds
 * exported from the built-in models do). The directory is removed at exit.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "src/graph.h"
#include "src/load.h"
#include "src/shape-infer.h"
#include "tests/fuzz/fuzz.h"

#define FUZZ_WEIGHTS_BYTES ((size_t)1 << 20)

static char dir[64];
static char json_path[96];
static char bin_path[96];

static void remove_dir(void) {
  unlink(bin_path);
  rmdir(dir);
}

/* Creates the directory and its weights once; aborts when it cannot, since every later input
 * would then test nothing but the missing file. */
static void setup(void) {
  if (dir[0] != '\0') return;
  const char *tmp = getenv("TMPDIR");
  int w = snprintf(dir, sizeof dir, "%s/opscope-fuzz-json-XXXXXX",
                   tmp != NULL && strlen(tmp) < 32 ? tmp : "/tmp");
  if (w < 0 || (size_t)w >= sizeof dir || mkdtemp(dir) == NULL) {
    perror("fuzz-json: mkdtemp");
    abort();
  }
  snprintf(json_path, sizeof json_path, "%s/fuzz.json", dir);
  snprintf(bin_path, sizeof bin_path, "%s/fuzz.bin", dir);
  FILE *f = fopen(bin_path, "wb");
  if (f == NULL) {
    perror("fuzz-json: fuzz.bin");
    abort();
  }
  /* Small floats of both signs, and as int32 or int64 small counts and indices too. */
  for (size_t i = 0; i < FUZZ_WEIGHTS_BYTES / sizeof(float); i++) {
    float v = (float)((int)(i % 7) - 3) * 0.25f;
    fwrite(&v, sizeof v, 1, f);
  }
  if (fclose(f) != 0) {
    perror("fuzz-json: fuzz.bin");
    abort();
  }
  atexit(remove_dir);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  setup();
  struct ops_diag d;
  ops_diag_init(&d, NULL);
  struct ops_graph *g = NULL;
  enum ops_status status = ops_load_json_buffer(data, size, json_path, &g, &d);
  if (status == OPS_OK) status = ops_graph_validate(g, &d);
  if (status == OPS_OK) status = ops_shape_infer(g, &d);
  fuzz_check(status, &d);
  ops_graph_free(g);
  return 0;
}
