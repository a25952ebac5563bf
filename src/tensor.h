/*
 * Tensors of the IR: name, dtype, shape and, for constants, data.
 *
 * Shapes carry int64 dims (elements). Unknown is explicit: rank -1 means the rank itself is not
 * known yet, and a dim of -1 is a dim not known until input shapes are fixed (ONNX dim_param).
 */
#ifndef OPSCOPE_SRC_TENSOR_H
#define OPSCOPE_SRC_TENSOR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "src/dtype.h"

#define OPS_MAX_RANK 8

struct ops_shape {
  int rank;                   /* number of dims, or -1 when unknown */
  int64_t dims[OPS_MAX_RANK]; /* elements per dim; -1 when that dim is unknown */
};

/* What a tensor is in its graph. */
enum ops_tensor_role {
  OPS_TENSOR_ACTIVATION = 0, /* produced by a node; data set only when inference knows it */
  OPS_TENSOR_INPUT,          /* a graph input fed at run time */
  OPS_TENSOR_INITIALIZER,    /* a weight stored in the model file */
  OPS_TENSOR_ROLE_COUNT
};

struct ops_tensor {
  char *name;                     /* owned */
  enum ops_dtype dtype;           /* OPS_DTYPE_UNDEFINED until known */
  struct ops_shape shape;         /* inferred (activations) or declared (inputs, weights) */
  char *dim_params[OPS_MAX_RANK]; /* owned symbolic dim names ("batch") or NULL */
  enum ops_tensor_role role;
  void *data;     /* row-major bytes when the value is known: always for initializers, for
                     activations when shape inference computed it (Constant, shape arithmetic) */
  size_t nbytes;  /* bytes of data */
  bool owns_data; /* false when data is borrowed (e.g. from a mapped weights file) */
  int producer;   /* index of the producing node, -1 for inputs and initializers */
  bool is_output; /* listed as a graph output */
};

/* ---- shapes ---- */

/* A shape of unknown rank. */
struct ops_shape ops_shape_unknown(void);
/* A shape from `rank` dims; rank must be <= OPS_MAX_RANK. */
struct ops_shape ops_shape_make(int rank, const int64_t *dims);
/* True when the rank and every dim are known. */
bool ops_shape_is_known(const struct ops_shape *s);
/* Element count of a known shape; false when unknown or when the product overflows int64. */
bool ops_shape_numel(const struct ops_shape *s, int64_t *out);
/* True when both are known and equal. */
bool ops_shape_equal(const struct ops_shape *a, const struct ops_shape *b);
/* Writes "[1, 3, 224, 224]" into buf, with "?" for an unknown dim and "(unknown rank)" for a
 * shape of unknown rank; returns buf. */
char *ops_shape_format(const struct ops_shape *s, char *buf, size_t len);

/* ---- tensors ---- */

/* Frees what the tensor owns and zeroes it (safe on a zeroed tensor). */
void ops_tensor_done(struct ops_tensor *t);
/* Element count (false when the shape is unknown or overflows). */
bool ops_tensor_numel(const struct ops_tensor *t, int64_t *out);
/* Bytes the tensor's elements need: numel * dtype size, checked; false on unknown or overflow. */
bool ops_tensor_byte_size(const struct ops_tensor *t, size_t *out);
/* Replaces the data with an owned copy of `nbytes` bytes; false when out of memory. */
bool ops_tensor_set_data_copy(struct ops_tensor *t, const void *data, size_t nbytes);
/* Drops the data (freeing it when owned). */
void ops_tensor_clear_data(struct ops_tensor *t);
/* Reads element `i` of an integer tensor's data (i8..u64, bool) as int64; false when the tensor
 * has no data, is not integer-typed, or `i` is out of range. */
bool ops_tensor_get_int(const struct ops_tensor *t, int64_t i, int64_t *out);

#endif /* OPSCOPE_SRC_TENSOR_H */
