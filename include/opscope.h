/*
 * opscope public C API.
 *
 * opscope loads a neural-network model (ONNX, the JSON IR, or a built-in model), places every op
 * on an execution unit of this CPU (the compute plan), compiles the plan for that unit and runs it.
 * The stages are separate calls so each can be timed and reused:
 *
 *   opscope_model_load -> [opscope_model_set_input_shape | _bind_input] -> opscope_plan_new ->
 * opscope_exec_new
 *     -> opscope_exec_run (any number of times) -> opscope_exec_free -> opscope_plan_free
 *     -> opscope_model_free
 *
 * Ownership: objects returned through an `out` pointer by a `_load` or `_new` call are owned by the
 * caller and released with the matching `_free` (which accepts NULL). Everything else a getter
 * returns is borrowed and lives as long as the object it came from.
 *
 * Errors: fallible calls return an opscope status (OPSCOPE_OK is 0) and, when `err` is not NULL,
 * write a message of at most `err_len` bytes that names the file, the object and the problem. The
 * library never prints and never exits.
 */
#ifndef OPSCOPE_OPSCOPE_H
#define OPSCOPE_OPSCOPE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Marks the functions libopscope.so exports; everything else in it is hidden. */
#if defined(__GNUC__)
#define OPSCOPE_API __attribute__((visibility("default")))
#else
#define OPSCOPE_API
#endif

#define OPSCOPE_VERSION_MAJOR 0
#define OPSCOPE_VERSION_MINOR 1
#define OPSCOPE_VERSION_PATCH 0
#define OPSCOPE_VERSION_STRING "0.1.0"

/* Status codes. The internal list (src/status-list.inc) is checked against these at build time. */
#define OPSCOPE_OK 0
#define OPSCOPE_ERR_BAD_INPUT 1 /* the model, a tensor file or an argument is malformed */
#define OPSCOPE_ERR_UNSUPPORTED                                                                  \
  2                               /* well-formed, but an op, dtype or attribute is not supported \
                                   */
#define OPSCOPE_ERR_NO_MEMORY 3   /* an allocation failed or a size limit was exceeded */
#define OPSCOPE_ERR_IO 4          /* a file could not be opened, read or written */
#define OPSCOPE_ERR_UNAVAILABLE 5 /* a facility (counter, ISA, unit) is not available here */
#define OPSCOPE_ERR_MISMATCH 6    /* a comparison found outputs outside the tolerance */
#define OPSCOPE_ERR_INTERNAL 7    /* an invariant of opscope itself was broken (a bug) */

/* Returns a static, human-readable name of a status code. */
OPSCOPE_API const char *opscope_status_str(int status);

/* Element types, numbered as ONNX's TensorProto.DataType so files map to them directly. */
enum opscope_dtype {
  OPSCOPE_DTYPE_UNDEFINED = 0,
  OPSCOPE_DTYPE_F32 = 1,
  OPSCOPE_DTYPE_U8 = 2,
  OPSCOPE_DTYPE_I8 = 3,
  OPSCOPE_DTYPE_U16 = 4,
  OPSCOPE_DTYPE_I16 = 5,
  OPSCOPE_DTYPE_I32 = 6,
  OPSCOPE_DTYPE_I64 = 7,
  OPSCOPE_DTYPE_STRING = 8,
  OPSCOPE_DTYPE_BOOL = 9,
  OPSCOPE_DTYPE_F16 = 10,
  OPSCOPE_DTYPE_F64 = 11,
  OPSCOPE_DTYPE_U32 = 12,
  OPSCOPE_DTYPE_U64 = 13,
  OPSCOPE_DTYPE_BF16 = 16,
};

/* Returns the short name of a dtype ("f32", "i64", ...), or "undefined". */
OPSCOPE_API const char *opscope_dtype_name(int dtype);

/* Execution units, from the portable reference to the planner's free choice. */
enum opscope_unit {
  OPSCOPE_UNIT_SCALAR = 0,  /* portable reference kernels, one thread: the correctness oracle */
  OPSCOPE_UNIT_SIMD = 1,    /* vector kernels, one thread */
  OPSCOPE_UNIT_THREADS = 2, /* vector kernels over a persistent thread pool */
  OPSCOPE_UNIT_ALL = 3,     /* a request only: the planner picks per op */
};

/* Returns "scalar", "simd", "threads" or "all". */
OPSCOPE_API const char *opscope_unit_name(int unit);
/* Parses a unit name; returns the unit or -1. */
OPSCOPE_API int opscope_unit_parse(const char *name);

typedef struct opscope_model opscope_model_t;
typedef struct opscope_plan opscope_plan_t;
typedef struct opscope_exec opscope_exec_t;

/* A plain view of a tensor, used for model inputs and outputs. `dims` has `rank` entries
 * (elements); `data` holds `nbytes` bytes in row-major order. */
struct opscope_tensor {
  const char *name;
  int dtype; /* enum opscope_dtype */
  int rank;
  const int64_t *dims;
  void *data;
  size_t nbytes;
};

/* ---- models ---------------------------------------------------------------------------------- */

/* Loads a model: a path to an `.onnx` file, to a JSON IR file (`.json`, weights beside it), or
 * `builtin:NAME`. Validates it and infers shapes. On success *out is owned by the caller. */
OPSCOPE_API int opscope_model_load(const char *path, opscope_model_t **out, char *err,
                                   size_t err_len);
OPSCOPE_API void opscope_model_free(opscope_model_t *model);

/* Names of the built-in models, NULL-terminated; and a one-line description of one. */
OPSCOPE_API const char *const *opscope_builtin_names(void);
OPSCOPE_API const char *opscope_builtin_describe(const char *name);
/* NULL-terminated names of the calibration microbenchmarks: built-in models of one op each
 * ("micro-gemm", "micro-stream-l2", ...) that --calibrate times on every unit. */
OPSCOPE_API const char *const *opscope_builtin_micro_names(void);

/* Model facts. Strings are borrowed from the model. */
OPSCOPE_API const char *opscope_model_name(const opscope_model_t *model);
OPSCOPE_API const char *opscope_model_path(const opscope_model_t *model);
OPSCOPE_API const char *opscope_model_format(
    const opscope_model_t *model); /* "onnx", "json-ir", "builtin" */
OPSCOPE_API int64_t opscope_model_opset(const opscope_model_t *model);
OPSCOPE_API size_t opscope_model_node_count(const opscope_model_t *model);
OPSCOPE_API int64_t opscope_model_param_count(const opscope_model_t *model);
OPSCOPE_API size_t opscope_model_input_count(const opscope_model_t *model);
OPSCOPE_API size_t opscope_model_output_count(const opscope_model_t *model);
/* Fills `t` (name, dtype, rank, dims; data NULL) for input or output `index`. Unknown dims are
 * -1. Returns false when index is out of range. */
OPSCOPE_API bool opscope_model_input(const opscope_model_t *model, size_t index,
                                     struct opscope_tensor *t);
OPSCOPE_API bool opscope_model_output(const opscope_model_t *model, size_t index,
                                      struct opscope_tensor *t);

/* Graph passes (docs/passes.md): constant folding, no-op removal, dead-code and common-
 * subexpression elimination, BatchNormalization folding and bias/activation fusion. They run
 * once per model, before its first plan (or at opscope_model_optimize), at level 3 (all passes)
 * unless set otherwise; levels: 0 none, 1 folding + no-ops + dead code, 2 + CSE + BatchNorm
 * folding, 3 + fusion. Fix input shapes and bind inputs before they run.
 * opscope_model_set_opt_level chooses the level and, with `dump_dir` (may be NULL), a directory
 * that receives the graph as JSON IR before and after each pass that changed it. It fails with
 * OPSCOPE_ERR_BAD_INPUT for a level outside 0..3 or once the passes have run. */
OPSCOPE_API int opscope_model_set_opt_level(opscope_model_t *model, int level, const char *dump_dir,
                                            char *err, size_t err_len);
/* Runs the passes now (later calls, and plans, return their first status). While some shape is
 * unknown (an input that decides shapes is not bound yet) it does nothing and returns
 * OPSCOPE_OK: the passes then run at the first plan with every shape known. Fails with
 * OPSCOPE_ERR_IO when a dump cannot be written, OPSCOPE_ERR_NO_MEMORY. */
OPSCOPE_API int opscope_model_optimize(const opscope_model_t *model, char *err, size_t err_len);
/* The optimisation level the model's passes run (or ran) at. */
OPSCOPE_API int opscope_model_opt_level(const opscope_model_t *model);

/* Fixes the shape of graph input `name` (replacing symbolic or unknown dims) and re-runs shape
 * inference. Fails with OPSCOPE_ERR_BAD_INPUT when the shape contradicts the model. */
OPSCOPE_API int opscope_model_set_input_shape(opscope_model_t *model, const char *name, int rank,
                                              const int64_t *dims, char *err, size_t err_len);

/* Fixes input `t->name`'s shape as opscope_model_set_input_shape does and, when the model reads
 * that input as a value that decides shapes or kernel parameters (Reshape's shape, Slice's
 * starts, a Reduce's axes, Resize's scales...), binds it to t->data as well, so plans and
 * compiled models are made for that value: opscope_exec_run then refuses another value. Other
 * inputs keep only their shape. t->dtype must match the model's. */
OPSCOPE_API int opscope_model_bind_input(opscope_model_t *model, const struct opscope_tensor *t,
                                         char *err, size_t err_len);
/* True when input `index` is bound to a value by opscope_model_bind_input. */
OPSCOPE_API bool opscope_model_input_is_bound(const opscope_model_t *model, size_t index);

/* Caps the memory a compiled model of `model` may take (bytes; 0, the default, is no cap): the
 * arena of activations and scratch plus the weights packed for the SIMD kernels. A later
 * opscope_exec_new whose plan needs more fails with OPSCOPE_ERR_NO_MEMORY, naming each part,
 * before the arena is allocated. */
OPSCOPE_API void opscope_model_set_max_memory(opscope_model_t *model, size_t max_bytes);

/* Writes the model as JSON IR: `json_path` and the weights file beside it (same base, `.bin`). */
OPSCOPE_API int opscope_model_export_ir(const opscope_model_t *model, const char *json_path,
                                        char *err, size_t err_len);

/* ---- plans ----------------------------------------------------------------------------------- */

/* Places every op of `model` on a unit, starting from the requested one and falling back
 * (threads -> simd -> scalar) where the requested unit cannot run an op. The model must outlive
 * the plan. An op no unit can run stays in the plan with assigned_unit -1 and its reason, so the
 * plan can be reported; opscope_exec_new then refuses it. */
OPSCOPE_API int opscope_plan_new(const opscope_model_t *model, int requested_unit,
                                 opscope_plan_t **out, char *err, size_t err_len);
OPSCOPE_API void opscope_plan_free(opscope_plan_t *plan);

/* One node of the compute plan. Strings are borrowed from the plan. */
struct opscope_plan_node {
  const char *node;   /* node name (generated when the model has none) */
  const char *op;     /* op type, as in the model */
  int requested_unit; /* enum opscope_unit */
  int assigned_unit;  /* enum opscope_unit, or -1 when no unit can run it */
  bool executable;    /* false for constant and metadata-only ops, counted apart */
  bool fallback;      /* assigned differs from requested */
  const char *kernel; /* name of the kernel that runs it, or "" */
  const char *code;   /* reason code ("NO_KERNEL", ...), or "" when placed as requested */
  const char *reason; /* human reason, or "" */
  const char *hint;   /* what a person can do about it, or "" */
};

OPSCOPE_API size_t opscope_plan_node_count(const opscope_plan_t *plan);
OPSCOPE_API bool opscope_plan_node(const opscope_plan_t *plan, size_t index,
                                   struct opscope_plan_node *out);
OPSCOPE_API int opscope_plan_requested_unit(const opscope_plan_t *plan);

/* ---- compiled models ------------------------------------------------------------------------- */

/* Compiles a plan into an executable model: kernels bound, one arena planned. The plan and its
 * model must outlive the executable. */
OPSCOPE_API int opscope_exec_new(const opscope_plan_t *plan, opscope_exec_t **out, char *err,
                                 size_t err_len);
OPSCOPE_API void opscope_exec_free(opscope_exec_t *exec);

/* Copies `n_inputs` input tensors in (matched by name; dtype and shape must equal the model's),
 * runs the model, and leaves the outputs readable through opscope_exec_output. */
OPSCOPE_API int opscope_exec_run(opscope_exec_t *exec, const struct opscope_tensor *inputs,
                                 size_t n_inputs, char *err, size_t err_len);

/* Output `index` of the last run; data is borrowed and valid until the next run or free. */
OPSCOPE_API size_t opscope_exec_output_count(const opscope_exec_t *exec);
OPSCOPE_API bool opscope_exec_output(const opscope_exec_t *exec, size_t index,
                                     struct opscope_tensor *out);
/* Bytes of the activation arena, after liveness-based reuse. */
OPSCOPE_API size_t opscope_exec_arena_bytes(const opscope_exec_t *exec);

/* ---- tensor files ---------------------------------------------------------------------------- */

/* Reads a serialized ONNX TensorProto (`input_0.pb`). On success *out owns name, dims and data;
 * release with opscope_tensor_free. */
OPSCOPE_API int opscope_tensor_load_pb(const char *path, struct opscope_tensor *out, char *err,
                                       size_t err_len);
OPSCOPE_API void opscope_tensor_free(struct opscope_tensor *t);

#ifdef __cplusplus
}
#endif

#endif /* OPSCOPE_OPSCOPE_H */
