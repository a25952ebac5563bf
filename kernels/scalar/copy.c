/*
 * Ops whose output is input 0's bytes unchanged: Reshape, Flatten, Squeeze, Unsqueeze,
 * Identity, and Dropout in inference (where it is the identity and its optional mask output is
 * all true). Only dims differ, and the binder checked that the element counts agree. Each op
 * has its own entry point so reports name the op that ran; the body is one copy.
 */
#include <stdint.h>
#include <string.h>

#include "opscope.h"
#include "kernels/scalar/scalar-impl.h"
#include "kernels/scalar/scalar.h"

static enum ops_kresult copy_run(const struct ops_kcall *call) {
  size_t bytes = (size_t)ops_kdims_numel(&call->out_dims[0]) * ops_kdtype_size(call->out_dtype[0]);
  /* The memory planner may give output and input one buffer; then there is nothing to do. */
  if (bytes != 0 && call->out[0] != call->in[0]) memmove(call->out[0], call->in[0], bytes);
  return OPS_KRESULT_OK;
}

enum ops_kresult ops_any_reshape_kernel__scalar(const struct ops_kcall *call) {
  return copy_run(call);
}
enum ops_kresult ops_any_flatten_kernel__scalar(const struct ops_kcall *call) {
  return copy_run(call);
}
enum ops_kresult ops_any_squeeze_kernel__scalar(const struct ops_kcall *call) {
  return copy_run(call);
}
enum ops_kresult ops_any_unsqueeze_kernel__scalar(const struct ops_kcall *call) {
  return copy_run(call);
}
enum ops_kresult ops_any_identity_kernel__scalar(const struct ops_kcall *call) {
  return copy_run(call);
}

/* One element of value 1 in `dtype`, as bytes; returns the element size. */
static size_t one_of(int dtype, unsigned char out[8]) {
  memset(out, 0, 8);
  switch (dtype) {
    case OPSCOPE_DTYPE_F32: {
      float v = 1.0f;
      memcpy(out, &v, sizeof v);
      return sizeof v;
    }
    case OPSCOPE_DTYPE_F64: {
      double v = 1.0;
      memcpy(out, &v, sizeof v);
      return sizeof v;
    }
    case OPSCOPE_DTYPE_F16:
    case OPSCOPE_DTYPE_BF16: {
      uint16_t v = dtype == OPSCOPE_DTYPE_F16 ? 0x3C00u : 0x3F80u;
      memcpy(out, &v, sizeof v);
      return sizeof v;
    }
    default: {
      /* bool and the integers, through a type of their width so byte order does not matter. */
      size_t size = ops_kdtype_size(dtype);
      uint8_t v8 = 1;
      uint16_t v16 = 1;
      uint32_t v32 = 1;
      uint64_t v64 = 1;
      const void *src = size == 1   ? (const void *)&v8
                        : size == 2 ? (const void *)&v16
                        : size == 4 ? (const void *)&v32
                                    : (const void *)&v64;
      memcpy(out, src, size);
      return size;
    }
  }
}

/* The mask (output 1) says which elements were kept: all of them in inference. It is bool
 * since opset 10 and has the data's dtype before. */
enum ops_kresult ops_any_dropout_kernel__scalar(const struct ops_kcall *call) {
  if (call->n_out > 1 && call->out[1] != NULL) {
    unsigned char one[8];
    size_t size = one_of(call->out_dtype[1], one);
    unsigned char *mask = call->out[1];
    int64_t n = ops_kdims_numel(&call->out_dims[1]);
    for (int64_t i = 0; i < n; i++)
      memcpy(mask + (size_t)i * size, one, size);
  }
  return copy_run(call);
}
