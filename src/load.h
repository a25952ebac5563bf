/*
 * Model and tensor loaders. Each format's loader builds a graph; ops_load_model() then validates
 * it (structure, topological order) and runs shape inference, so every loader is held to the
 * same checks. Messages name the file and the problem; nothing here prints.
 */
#ifndef OPSCOPE_SRC_LOAD_H
#define OPSCOPE_SRC_LOAD_H

#include <stddef.h>
#include <stdio.h>

#include "src/diag.h"
#include "src/graph.h"

/* Loads `path`: "builtin:NAME", a JSON IR file (".json"), or an ONNX file (anything else).
 * Validates and infers shapes. On success *out is owned by the caller (ops_graph_free). */
enum ops_status ops_load_model(const char *path, struct ops_graph **out, struct ops_diag *d);

/* ops_load_model for JSON IR text in memory (an ahead-of-time library's graph section); `path`
 * names it in messages and its weights file is looked for beside `path`. */
enum ops_status ops_load_model_json_text(const char *text, size_t len, const char *path,
                                         struct ops_graph **out, struct ops_diag *d);

/* ONNX ModelProto from a file, or from bytes already in memory (fuzzers); `path` names the
 * source in messages and locates external data files (beside it). Builds, does not validate. */
enum ops_status ops_load_onnx(const char *path, struct ops_graph **out, struct ops_diag *d);
enum ops_status ops_load_onnx_buffer(const void *data, size_t len, const char *path,
                                     struct ops_graph **out, struct ops_diag *d);

/* A serialized ONNX TensorProto (test_data_set_N/input_K.pb) into a standalone tensor that owns
 * its name and data; release with ops_tensor_done. From a file or from memory. */
enum ops_status ops_load_tensor_pb(const char *path, struct ops_tensor *out, struct ops_diag *d);
enum ops_status ops_load_tensor_pb_buffer(const void *data, size_t len, const char *path,
                                          struct ops_tensor *out, struct ops_diag *d);

/* The JSON IR (docs/ir.md): graph JSON plus a weights file. Builds, does not validate. */
enum ops_status ops_load_json(const char *path, struct ops_graph **out, struct ops_diag *d);
/* The same from `len` bytes in memory (fuzzers); `path` names them in messages, and the weights
 * file is looked for beside it as for a file. */
enum ops_status ops_load_json_buffer(const void *data, size_t len, const char *path,
                                     struct ops_graph **out, struct ops_diag *d);
/* Writes `g` as JSON IR to `json_path` and its weights to the same path with ".bin" in place
 * of ".json" (or appended). */
enum ops_status ops_save_json(const struct ops_graph *g, const char *json_path, struct ops_diag *d);

/* ops_save_json's writer on open streams, for containers that hold a graph among other
 * things (the ahead-of-time library, compiler/aot-emit.c): the JSON goes to `json`, the
 * weights are appended to `bin` (which holds *bin_size bytes so far; updated), and the JSON
 * names `weights_name` as its weights file. `offsets` (may be NULL) gets, per graph tensor, the
 * offset of its data in `bin`, or SIZE_MAX when it has none there. `bin_path` names `bin` in
 * messages. */
enum ops_status ops_save_json_streams(const struct ops_graph *g, FILE *json, FILE *bin,
                                      const char *bin_path, const char *weights_name,
                                      size_t *bin_size, size_t *offsets, struct ops_diag *d);

/* Built-in models with deterministic weights. Builds, does not validate. */
enum ops_status ops_load_builtin(const char *name, struct ops_graph **out, struct ops_diag *d);
/* NULL-terminated list of built-in model names, and a one-line description of one (NULL when
 * unknown). */
const char *const *ops_builtin_names(void);
const char *ops_builtin_describe(const char *name);
/* NULL-terminated names of the calibration microbenchmarks (one op each, "micro-*"). */
const char *const *ops_builtin_micro_names(void);

#endif /* OPSCOPE_SRC_LOAD_H */
