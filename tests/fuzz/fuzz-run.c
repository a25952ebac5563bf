/*
 * Fuzz target: an ONNX model from memory loaded, planned, compiled and run, as
 * `opscope -m FILE --verify` does, on the scalar and simd units (and on threads for a quarter
 * of the inputs, chosen by length, since starting the pool costs more than a small graph runs),
 * half of them after the O3 graph passes.
 *
 * Work is bounded so an iteration stays fast: a plan whose cost model counts more than
 * FUZZ_MAX_FLOPS or FUZZ_MAX_BYTES moved is not compiled, and compilation is capped at
 * FUZZ_MAX_MEMORY through ops_exec_new_limited, the check behind --max-memory. Inputs are
 * filled with small deterministic values (floats in [-2, 2], integers 0..3), so index inputs
 * are mostly in range and kernels run to the end; NaN, Inf and out-of-range values are the
 * hostile-value tests' business (tests/data/hostile).
 */
#include <string.h>

#include "compiler/exec.h"
#include "compiler/passes.h"
#include "planner/plan.h"
#include "src/dtype.h"
#include "src/graph.h"
#include "src/load.h"
#include "src/shape-infer.h"
#include "src/size.h"
#include "tests/fuzz/fuzz.h"

/* Under ASan, UBSan and coverage the scalar kernels run about 7 MFLOP/s at their slowest: a 3-D
 * ConvTranspose whose kernel outgrows its input, 18.6 MFLOP by the cost model, took 2.8 s on
 * scalar and as much again as simd's fallback, against libFuzzer's 10 s timeout (2e7 let it
 * through; tests/fuzz/regressions/run). */
#define FUZZ_MAX_FLOPS 5e6
#define FUZZ_MAX_BYTES 6.4e7
#define FUZZ_MAX_MEMORY ((size_t)64 << 20)

static void fill(enum ops_dtype dtype, unsigned char *buf, size_t bytes) {
  size_t size = ops_dtype_size(dtype);
  uint32_t x = 12345;
  for (size_t at = 0; size > 0 && at + size <= bytes; at += size) {
    x = x * 1103515245u + 12345u;
    uint32_t r = (x >> 16) & 0x7fffu;
    switch (dtype) {
      case OPS_DTYPE_F32: {
        float v = ((float)r / 32767.0f) * 4.0f - 2.0f;
        memcpy(buf + at, &v, sizeof v);
        break;
      }
      case OPS_DTYPE_F64: {
        double v = ((double)r / 32767.0) * 4.0 - 2.0;
        memcpy(buf + at, &v, sizeof v);
        break;
      }
      case OPS_DTYPE_F16:
      case OPS_DTYPE_BF16:
        /* Zero has the same bytes in both encodings. */
        memset(buf + at, 0, size);
        break;
      default:
        /* Integers and bool, little-endian: 0..3 (bool: 0 or 1). */
        memset(buf + at, 0, size);
        buf[at] = (unsigned char)(dtype == OPS_DTYPE_BOOL ? r & 1u : r & 3u);
        break;
    }
  }
}

static void run_unit(const struct ops_graph *g, int unit) {
  struct ops_diag d;
  ops_diag_init(&d, NULL);
  struct ops_plan *plan = NULL;
  struct ops_exec *exec = NULL;
  unsigned char *buf = NULL;
  enum ops_status status = ops_plan_new(g, unit, &plan, &d);
  if (status != OPS_OK) goto done;
  struct ops_plan_summary sum;
  ops_plan_summarize(plan, &sum);
  if (sum.unsupported > 0 || sum.flops > FUZZ_MAX_FLOPS || sum.bytes > FUZZ_MAX_BYTES) goto done;
  status = ops_exec_new_limited(plan, FUZZ_MAX_MEMORY, &exec, &d);
  if (status != OPS_OK) goto done;
  for (size_t i = 0; i < g->n_inputs; i++) {
    int t = g->inputs[i];
    const struct ops_tensor *in = &g->tensors[t];
    size_t bytes;
    if (in->data != NULL || !ops_tensor_byte_size(in, &bytes)) continue;
    free(buf);
    buf = ops_calloc_array(bytes, 1);
    if (buf == NULL) goto done;
    fill(in->dtype, buf, bytes);
    status = ops_exec_set_input(exec, t, buf, bytes, &d);
    if (status != OPS_OK) goto done;
  }
  status = ops_exec_run(exec, &d);
done:
  fuzz_check(status, &d);
  free(buf);
  ops_exec_free(exec);
  ops_plan_free(plan);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  struct ops_diag d;
  ops_diag_init(&d, NULL);
  struct ops_graph *g = NULL;
  enum ops_status status = ops_load_onnx_buffer(data, size, NULL, &g, &d);
  if (status == OPS_OK) status = ops_graph_validate(g, &d);
  if (status == OPS_OK) status = ops_shape_infer(g, &d);
  fuzz_check(status, &d);
  /* Half the inputs (chosen by length) go through the O3 graph passes first, as the CLI's
   * default does, so the rewritten graphs and the fused kernels (Conv+Relu+MaxPool, Gemm+Gelu)
   * run too. */
  if (status == OPS_OK && size % 2 == 1) {
    status = ops_passes_run(g, 3, NULL, NULL, &d);
    fuzz_check(status, &d);
  }
  if (status == OPS_OK) {
    run_unit(g, OPSCOPE_UNIT_SCALAR);
    run_unit(g, OPSCOPE_UNIT_SIMD);
    if (size % 4 == 0) run_unit(g, OPSCOPE_UNIT_THREADS);
  }
  ops_graph_free(g);
  return 0;
}
