/*
 * The pointer fields of the SIMD kernels' params (compiler/aot-reloc.h), by op. A new SIMD
 * kernel whose params are not listed here cannot be emitted ahead of time until it is; the
 * test test-aot-reloc checks that every SIMD registry entry is listed.
 */
#include "compiler/aot-reloc.h"

#include <string.h>

#include "kernels/kconfig-find.h"
#include "kernels/params-simd-elementwise.h"
#include "kernels/params-simd-layout.h"
#include "kernels/params-simd-pool.h"
#include "kernels/params-simd.h"
#include "opscope.h"

#define KCONFIG(type, field, fam) \
  { offsetof(type, field), OPS_AOT_FIELD_KCONFIG, fam }
#define SELF(type, field) \
  { offsetof(type, field), OPS_AOT_FIELD_SELF, 0 }

struct layout {
  const char *const *ops; /* NULL-terminated */
  size_t n;
  struct ops_aot_field fields[OPS_AOT_MAX_FIELDS];
};

static const char *const gemm_ops[] = {"Gemm", "MatMul", NULL};
static const char *const conv_ops[] = {"Conv", NULL};
static const char *const ew_ops[] = {
    "Add",     "Sub",        "Mul",       "Div",         "Pow",
    "Max",     "Min",        "Relu",      "LeakyRelu",   "Clip",
    "Neg",     "Abs",        "Sqrt",      "Exp",         "Sigmoid",
    "Tanh",    "Erf",        "Gelu",      "HardSigmoid", "HardSwish",
    "Softmax", "LogSoftmax", "ReduceSum", "ReduceMean",  "LayerNormalization",
    NULL};
static const char *const pool_ops[] = {"MaxPool", "AveragePool", "GlobalMaxPool",
                                       "GlobalAveragePool", NULL};
static const char *const transpose_ops[] = {"Transpose", NULL};
static const char *const plain_ops[] = {"Concat",  "Slice",     "Reshape",  "Flatten",
                                        "Squeeze", "Unsqueeze", "Identity", NULL};

static const struct layout layouts[] = {
    {gemm_ops,
     5,
     {KCONFIG(struct ops_simd_gemm_params, cfg, OPS_KCONFIG_F32_GEMM),
      SELF(struct ops_simd_gemm_params, a_index), SELF(struct ops_simd_gemm_params, b_index),
      SELF(struct ops_simd_gemm_params, packed_b), SELF(struct ops_simd_gemm_params, bias)}},
    {conv_ops,
     4,
     {KCONFIG(struct ops_simd_conv_params, cfg, OPS_KCONFIG_F32_GEMM),
      KCONFIG(struct ops_simd_conv_params, dw, OPS_KCONFIG_F32_DWCONV),
      KCONFIG(struct ops_simd_conv_params, dw3x3, OPS_KCONFIG_F32_DWCONV3X3),
      KCONFIG(struct ops_simd_conv_params, pool.cfg, OPS_KCONFIG_F32_POOL)}},
    {ew_ops, 1, {KCONFIG(struct ops_simd_ew_params, cfg, OPS_KCONFIG_F32_VECTOR)}},
    {pool_ops, 1, {KCONFIG(struct ops_simd_pool_params, cfg, OPS_KCONFIG_F32_POOL)}},
    {transpose_ops, 1, {KCONFIG(struct ops_simd_transpose_params, cfg, OPS_KCONFIG_X32_TRANSPOSE)}},
    {plain_ops, 0, {{0, 0, 0}}},
};

bool ops_aot_params_fields(const struct ops_kernel_entry *kernel,
                           struct ops_aot_field fields[OPS_AOT_MAX_FIELDS], size_t *n) {
  *n = 0;
  if (kernel->unit == OPSCOPE_UNIT_SCALAR) return true; /* plain values by rule */
  if (kernel->unit != OPSCOPE_UNIT_SIMD) return false;
  for (size_t l = 0; l < sizeof layouts / sizeof layouts[0]; l++) {
    for (const char *const *op = layouts[l].ops; *op != NULL; op++) {
      if (strcmp(*op, kernel->op) != 0) continue;
      *n = layouts[l].n;
      memcpy(fields, layouts[l].fields, layouts[l].n * sizeof *fields);
      return true;
    }
  }
  return false;
}
