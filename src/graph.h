/*
 * The IR graph: tensors, nodes with typed attributes, graph inputs and outputs.
 *
 * Nodes refer to tensors by index into graph->tensors (never by pointer: the array grows).
 * An omitted optional input or output (an empty name in ONNX) is index -1.
 * After ops_graph_validate() succeeds, graph->nodes is in topological order.
 *
 * Ownership: the graph owns every tensor, node, attribute and string in it.
 */
#ifndef OPSCOPE_SRC_GRAPH_H
#define OPSCOPE_SRC_GRAPH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "src/diag.h"
#include "src/op.h"
#include "src/tensor.h"

/* Attribute types, numbered as ONNX's AttributeProto.AttributeType. */
enum ops_attr_type {
  OPS_ATTR_UNDEFINED = 0,
  OPS_ATTR_FLOAT = 1,
  OPS_ATTR_INT = 2,
  OPS_ATTR_STRING = 3,
  OPS_ATTR_TENSOR = 4,
  OPS_ATTR_GRAPH = 5,
  OPS_ATTR_FLOATS = 6,
  OPS_ATTR_INTS = 7,
  OPS_ATTR_STRINGS = 8,
  OPS_ATTR_TENSORS = 9,
  OPS_ATTR_GRAPHS = 10,
  OPS_ATTR_SPARSE_TENSOR = 11,
  OPS_ATTR_SPARSE_TENSORS = 12,
  OPS_ATTR_TYPE_PROTO = 13,
  OPS_ATTR_TYPE_PROTOS = 14,
  OPS_ATTR_TYPE_COUNT
};

/* Name of an attribute type ("ints"), or "undefined". */
const char *ops_attr_type_name(enum ops_attr_type type);

struct ops_attr {
  char *name; /* owned */
  enum ops_attr_type type;
  float f;                   /* FLOAT */
  int64_t i;                 /* INT */
  char *s;                   /* STRING: owned, NUL-terminated (s_len bytes before the NUL) */
  size_t s_len;              /* STRING: bytes, which may include NULs */
  float *floats;             /* FLOATS: owned, `count` entries */
  int64_t *ints;             /* INTS: owned, `count` entries */
  char **strings;            /* STRINGS: owned, `count` NUL-terminated entries */
  struct ops_tensor *tensor; /* TENSOR: owned standalone tensor (role INITIALIZER) */
  size_t count;              /* entries of FLOATS, INTS, STRINGS, TENSORS, GRAPHS */
  /* GRAPH, TENSORS, GRAPHS, SPARSE_* and TYPE_PROTO* are recorded by type only: no op that opscope
     runs uses them, and the planner refuses ops it does not know. */
};

/* An activation a graph pass (compiler/pass-fuse.c) folded into the node that feeds it, applied
 * by the kernel to each output element as it is written. Numbered for the JSON IR's "fused". */
enum ops_fused_act {
  OPS_FUSED_ACT_NONE = 0,
  OPS_FUSED_ACT_RELU,      /* max(x, 0) */
  OPS_FUSED_ACT_CLIP,      /* min(max(x, params[0]), params[1]) */
  OPS_FUSED_ACT_SIGMOID,   /* 1 / (1 + exp(-x)) */
  OPS_FUSED_ACT_SILU,      /* x * sigmoid(x) (Sigmoid then Mul by the same x) */
  OPS_FUSED_ACT_HARDSWISH, /* x * max(0, min(1, x / 6 + 1 / 2)) */
  OPS_FUSED_ACT_GELU,      /* x * (1 + erf(x / sqrt(2))) / 2 (Gelu, approximate "none") */
  OPS_FUSED_ACT_COUNT
};

/* Name of a fused activation ("relu", "clip", ...; "none"), and its inverse (-1 when unknown). */
const char *ops_fused_act_name(enum ops_fused_act act);
int ops_fused_act_parse(const char *name);

/* A 2-D MaxPool a graph pass (compiler/pass-fuse.c) folded into the Conv that feeds it, after
 * the Conv's fused activation: the Conv's output is pooled in bands while they are in cache and
 * is never stored whole. The node's output tensor is the pool's; the Conv's own output dims
 * follow from its input, weight and attributes (ops_fused_conv_dims). auto_pad NOTSET, dilation
 * 1, no Indices output. */
struct ops_fused_pool {
  bool on;
  int64_t kernel[2];     /* window, rows then columns */
  int64_t strides[2];    /* >= 1 */
  int64_t pads_begin[2]; /* top, left */
  int64_t pads_end[2];   /* bottom, right */
  bool ceil_mode;
};

/* What graph passes merged into a node; all zero for a node as loaded. */
struct ops_node_fusion {
  enum ops_fused_act act;
  float params[2]; /* CLIP: min, max; unused otherwise */
  char *absorbed;  /* owned; the ops merged, in order ("Conv+BatchNormalization+Relu"), or NULL */
  struct ops_fused_pool pool; /* a MaxPool after the activation (Conv only); pool.on false: none */
};

/* True when passes merged an activation or a pool into `n` (its op alone no longer says what
 * it computes). */
static inline bool ops_node_fused(const struct ops_node_fusion *f) {
  return f->act != OPS_FUSED_ACT_NONE || f->pool.on;
}

struct ops_node {
  char *name;     /* owned; generated as "<OpType>_<index>" when the model has none */
  char *op_type;  /* owned; as written in the model */
  char *domain;   /* owned; "" for the default ONNX domain */
  enum ops_op op; /* OPS_OP_UNKNOWN for op types (or domains) opscope does not know */
  int *inputs;    /* owned; n_inputs tensor indices, -1 for an omitted optional input */
  int n_inputs;
  int *outputs; /* owned; n_outputs tensor indices, -1 for an omitted optional output */
  int n_outputs;
  struct ops_attr *attrs; /* owned; n_attrs entries */
  int n_attrs;
  struct ops_node_fusion fused; /* what passes folded into it (none as loaded) */
};

struct ops_graph {
  char *name;         /* owned; model or graph name */
  char *path;         /* owned; the file it came from, or "builtin:NAME" */
  const char *format; /* static: "onnx", "json-ir" or "builtin" */
  char *producer;     /* owned; producer name and version, or NULL */
  int64_t ir_version; /* ONNX IR version, 0 when not from ONNX */
  int64_t opset;      /* opset version of the default domain, 0 when not declared */

  struct ops_tensor *tensors; /* owned; n_tensors entries */
  size_t n_tensors;
  size_t cap_tensors;
  struct ops_node *nodes; /* owned; n_nodes entries, topologically ordered after validation */
  size_t n_nodes;
  size_t cap_nodes;
  int *inputs; /* owned; indices of graph inputs fed at run time (initializers excluded) */
  size_t n_inputs;
  int *outputs; /* owned; indices of graph outputs */
  size_t n_outputs;

  /* Name lookup: open addressing over tensor indices (-1 empty). Private to graph.c. */
  int *index;
  size_t index_cap;
};

/* Allocates an empty graph; NULL when out of memory. Release with ops_graph_free. */
struct ops_graph *ops_graph_new(void);
void ops_graph_free(struct ops_graph *g);

/* Index of the tensor called `name`, or -1. */
int ops_graph_find_tensor(const struct ops_graph *g, const char *name);
/* Adds a tensor called `name` (copied) with unknown dtype and shape; returns its index in *out.
 * Fails with OPS_ERR_BAD_INPUT when the name exists already, OPS_ERR_NO_MEMORY otherwise. */
enum ops_status ops_graph_add_tensor(struct ops_graph *g, const char *name, int *out,
                                     struct ops_diag *d);
/* Index of tensor `name`, adding it when it does not exist yet. */
enum ops_status ops_graph_intern_tensor(struct ops_graph *g, const char *name, int *out,
                                        struct ops_diag *d);

/* Appends a zeroed node and returns it in *out (valid until the next add) with its index in
 * *index (may be NULL). The caller fills it; strings and arrays become the graph's. */
enum ops_status ops_graph_add_node(struct ops_graph *g, struct ops_node **out, size_t *index,
                                   struct ops_diag *d);
/* Appends `index` to the graph inputs or outputs. */
enum ops_status ops_graph_add_input(struct ops_graph *g, int index, struct ops_diag *d);
enum ops_status ops_graph_add_output(struct ops_graph *g, int index, struct ops_diag *d);

/* Checks structure and sorts nodes topologically (stable: independent nodes keep file order).
 * Reports, naming the node and tensor: a tensor produced twice, a node input that no node,
 * input or initializer provides (dangling), a graph output nobody produces, a cycle, a
 * duplicate node name, and a node with no outputs. Fills each tensor's `producer`. */
enum ops_status ops_graph_validate(struct ops_graph *g, struct ops_diag *d);

/* Removes the tensors that no node reads or writes and that are not graph inputs or outputs
 * (what graph passes leave behind), renumbering the rest in their order. Node and graph
 * references are remapped and the name index rebuilt; run ops_graph_validate afterwards to
 * refresh `producer`. Fails only with OPS_ERR_NO_MEMORY, leaving the graph unchanged. */
enum ops_status ops_graph_prune_tensors(struct ops_graph *g, struct ops_diag *d);

/* Total elements of all initializers (the parameter count). */
int64_t ops_graph_param_count(const struct ops_graph *g);

/* ---- attributes ---- */

void ops_attr_done(struct ops_attr *a);
void ops_node_done(struct ops_node *n);

/* The attribute called `name`, or NULL. */
const struct ops_attr *ops_node_attr(const struct ops_node *n, const char *name);

/* Typed attribute getters. When the attribute is absent, *out = `dflt` and OPS_OK. When it is
 * present with another type, OPS_ERR_BAD_INPUT with "node 'x' (Op): attribute 'a' is T, expected
 * U". */
enum ops_status ops_node_attr_int(const struct ops_node *n, const char *name, int64_t dflt,
                                  int64_t *out, struct ops_diag *d);
enum ops_status ops_node_attr_float(const struct ops_node *n, const char *name, float dflt,
                                    float *out, struct ops_diag *d);
enum ops_status ops_node_attr_string(const struct ops_node *n, const char *name, const char *dflt,
                                     const char **out, struct ops_diag *d);
/* INTS: *out borrows the attribute's array (NULL and *count 0 when absent). */
enum ops_status ops_node_attr_ints(const struct ops_node *n, const char *name, const int64_t **out,
                                   size_t *count, struct ops_diag *d);
enum ops_status ops_node_attr_floats(const struct ops_node *n, const char *name, const float **out,
                                     size_t *count, struct ops_diag *d);

/* Input `i` of node `n` as a tensor, or NULL when absent or omitted. */
const struct ops_tensor *ops_node_input(const struct ops_graph *g, const struct ops_node *n, int i);
/* Output `i` of node `n` as a tensor, or NULL when absent or omitted. */
struct ops_tensor *ops_node_output(struct ops_graph *g, const struct ops_node *n, int i);

/* The dtype that selects a node's kernel: that of its first present input, or of its first
 * output for ops without inputs (Constant); OPS_DTYPE_UNDEFINED when unknown. */
enum ops_dtype ops_node_key_dtype(const struct ops_graph *g, const struct ops_node *n);

#endif /* OPSCOPE_SRC_GRAPH_H */
