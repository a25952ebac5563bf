/*
 * ONNX ModelProto -> struct ops_graph.
 *
 * The bytes are unpacked with protobuf-c (C generated at build time from the system onnx.proto),
 * then copied into the IR in file order: model metadata, initializers, graph inputs, graph
 * outputs, nodes with their attributes. Tensor payloads are decoded by src/onnx-tensor.c, which
 * the TensorProto loader shares. Nothing here validates the graph's structure or infers shapes:
 * ops_load_model() does both after any loader, so every format meets the same checks.
 *
 * Extending: a new attribute kind needs a case in copy_attr_value(); a new top-level graph field
 * opscope should honour gets its own load_* function called from build_graph().
 */
#include "src/load.h"

#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "onnx/onnx.pb-c.h"
#include "src/file.h"
#include "src/onnx-tensor.h"
#include "src/size.h"

/* Deepest message nesting accepted, as in protobuf's own default recursion limit. protobuf-c
 * unpacks nested messages recursively without a limit, so a small file of nested subgraph
 * attributes could otherwise exhaust the stack. Real models nest a few levels per If/Loop. */
#define MAX_NESTING 100

/* Name used in messages and as the graph path when bytes come from memory without a path. */
#define MEMORY_PATH "<memory>"

/* Builds one graph. */
struct loader {
  const char *path; /* names the source in g->path and the graph name */
  const char *file; /* the model file, which locates external data; NULL for bare bytes */
  struct ops_graph *g;
  struct ops_diag *d;
};

/* ---- protobuf nesting guard ---- */

/* Reads a base-128 varint at *p (< end); false when it is cut off or longer than 10 bytes. */
static bool read_varint(const uint8_t **p, const uint8_t *end, uint64_t *out) {
  uint64_t v = 0;
  for (int shift = 0; shift < 70 && *p < end; shift += 7) {
    uint8_t b = *(*p)++;
    v |= (uint64_t)(b & 0x7f) << shift;
    if ((b & 0x80) == 0) {
      *out = v;
      return true;
    }
  }
  return false;
}

/* Walks the wire format of a message of type `desc`, descending into fields the schema declares
 * as messages, and returns false when nesting goes deeper than MAX_NESTING. Malformed bytes end
 * the walk with true: protobuf-c rejects them itself, with no deep recursion to fear. */
static bool nesting_ok(const ProtobufCMessageDescriptor *desc, const uint8_t *p, const uint8_t *end,
                       int depth) {
  while (p < end) {
    uint64_t tag, n;
    if (!read_varint(&p, end, &tag)) return true;
    switch (tag & 7) {
      case 0: /* varint */
        if (!read_varint(&p, end, &n)) return true;
        break;
      case 1: /* 64-bit */
        if (end - p < 8) return true;
        p += 8;
        break;
      case 5: /* 32-bit */
        if (end - p < 4) return true;
        p += 4;
        break;
      case 2: { /* length-delimited: bytes, strings, packed arrays or a message */
        if (!read_varint(&p, end, &n) || n > (uint64_t)(end - p)) return true;
        uint64_t number = tag >> 3;
        const ProtobufCFieldDescriptor *field =
            number <= UINT_MAX ? protobuf_c_message_descriptor_get_field(desc, (unsigned)number)
                               : NULL;
        if (field != NULL && field->type == PROTOBUF_C_TYPE_MESSAGE) {
          if (depth + 1 > MAX_NESTING) return false;
          if (!nesting_ok(field->descriptor, p, p + n, depth + 1)) return false;
        }
        p += n;
        break;
      }
      default: /* groups and invalid wire types: protobuf-c reports them */
        return true;
    }
  }
  return true;
}

/* ---- small helpers ---- */

/* NULL-safe: protobuf-c leaves absent optional strings NULL. */
static bool is_empty(const char *s) {
  return s == NULL || s[0] == '\0';
}

static bool is_default_domain(const char *domain) {
  return is_empty(domain) || strcmp(domain, "ai.onnx") == 0;
}

/* "a b", "a" or "b" from two optional strings; *out stays NULL when both are empty. */
static enum ops_status join_words(const char *a, const char *b, char **out, struct ops_diag *d) {
  *out = NULL;
  a = a != NULL ? a : "";
  b = b != NULL ? b : "";
  if (a[0] == '\0' && b[0] == '\0') return OPS_OK;
  size_t la = strlen(a), lb = strlen(b), bytes;
  if (!ops_add_size(la, lb, &bytes) || !ops_add_size(bytes, 2, &bytes)) {
    return ops_fail(d, OPS_ERR_NO_MEMORY, "producer name is too long");
  }
  *out = malloc(bytes);
  if (*out == NULL) return ops_fail(d, OPS_ERR_NO_MEMORY, "out of memory");
  snprintf(*out, bytes, "%s%s%s", a, (la > 0 && lb > 0) ? " " : "", b);
  return OPS_OK;
}

static const char *base_name(const char *path) {
  const char *slash = strrchr(path, '/');
  return slash != NULL ? slash + 1 : path;
}

/* ---- model metadata ---- */

static enum ops_status load_metadata(struct loader *ld, const Onnx__ModelProto *m) {
  struct ops_graph *g = ld->g;
  g->format = "onnx";
  g->ir_version = m->has_ir_version ? m->ir_version : 0;
  /* The default domain may be listed as "" or "ai.onnx"; the highest version wins, as ONNX binds
   * each node to the highest imported version of its domain. */
  for (size_t i = 0; i < m->n_opset_import; i++) {
    const Onnx__OperatorSetIdProto *o = m->opset_import[i];
    if (is_default_domain(o->domain) && o->has_version && o->version > g->opset) {
      g->opset = o->version;
    }
  }
  g->path = ops_strdup(ld->path);
  const char *name = !is_empty(m->graph->name) ? m->graph->name : base_name(ld->path);
  g->name = ops_strdup(name);
  if (g->path == NULL || g->name == NULL) {
    return ops_fail(ld->d, OPS_ERR_NO_MEMORY, "out of memory");
  }
  return join_words(m->producer_name, m->producer_version, &g->producer, ld->d);
}

/* ---- initializers ---- */

static enum ops_status load_initializers(struct loader *ld, const Onnx__GraphProto *graph) {
  if (graph->n_sparse_initializer > 0) {
    const Onnx__SparseTensorProto *sp = graph->sparse_initializer[0];
    const char *name = sp->values != NULL && sp->values->name != NULL ? sp->values->name : "";
    return ops_fail(ld->d, OPS_ERR_UNSUPPORTED,
                    "sparse initializer '%s': sparse initializers are not supported", name);
  }
  for (size_t i = 0; i < graph->n_initializer; i++) {
    const Onnx__TensorProto *tp = graph->initializer[i];
    if (is_empty(tp->name)) {
      return ops_fail(ld->d, OPS_ERR_BAD_INPUT, "initializer #%zu has no name", i);
    }
    int index;
    enum ops_status st = ops_graph_add_tensor(ld->g, tp->name, &index, ld->d);
    if (st != OPS_OK) return st;
    char what[256];
    snprintf(what, sizeof what, "initializer '%s'", tp->name);
    st = ops_onnx_tensor_decode(tp, what, ld->file, &ld->g->tensors[index], ld->d);
    if (st != OPS_OK) return st;
  }
  return OPS_OK;
}

/* ---- graph inputs and outputs ---- */

/* One dim of a declared shape: a value, or -1 with the symbolic name kept when there is one. */
static enum ops_status read_dim(const Onnx__TensorShapeProto__Dimension *dim, const char *what,
                                size_t i, int64_t *value, char **param, struct ops_diag *d) {
  *value = -1;
  *param = NULL;
  if (dim->value_case == ONNX__TENSOR_SHAPE_PROTO__DIMENSION__VALUE_DIM_VALUE) {
    if (dim->dim_value < 0) {
      return ops_fail(d, OPS_ERR_BAD_INPUT, "%s: dim %zu is %lld, expected >= 0", what, i,
                      (long long)dim->dim_value);
    }
    *value = dim->dim_value;
  } else if (dim->value_case == ONNX__TENSOR_SHAPE_PROTO__DIMENSION__VALUE_DIM_PARAM &&
             !is_empty(dim->dim_param)) {
    *param = ops_strdup(dim->dim_param);
    if (*param == NULL) return ops_fail(d, OPS_ERR_NO_MEMORY, "out of memory");
  }
  return OPS_OK;
}

/* Declared dtype and shape of a graph input or output. A missing type or shape leaves them
 * unknown; sequences, maps and other non-tensor values are refused. */
static enum ops_status read_value_type(const Onnx__ValueInfoProto *vi, const char *what,
                                       struct ops_tensor *t, struct ops_diag *d) {
  const Onnx__TypeProto *type = vi->type;
  if (type == NULL || type->value_case == ONNX__TYPE_PROTO__VALUE__NOT_SET) return OPS_OK;
  if (type->value_case != ONNX__TYPE_PROTO__VALUE_TENSOR_TYPE) {
    static const char *const kinds[] = {
        [ONNX__TYPE_PROTO__VALUE_SEQUENCE_TYPE] = "a sequence",
        [ONNX__TYPE_PROTO__VALUE_MAP_TYPE] = "a map",
        [ONNX__TYPE_PROTO__VALUE_SPARSE_TENSOR_TYPE] = "a sparse tensor",
        [ONNX__TYPE_PROTO__VALUE_OPTIONAL_TYPE] = "an optional"};
    unsigned k = (unsigned)type->value_case;
    const char *kind = k < sizeof kinds / sizeof kinds[0] && kinds[k] ? kinds[k] : "not a tensor";
    return ops_fail(d, OPS_ERR_UNSUPPORTED, "%s is %s; opscope supports only tensor values", what,
                    kind);
  }
  const Onnx__TypeProto__Tensor *tt = type->tensor_type;
  if (tt == NULL) return OPS_OK;
  enum ops_status st = ops_onnx_dtype(tt->has_elem_type ? tt->elem_type : 0, what, &t->dtype, d);
  if (st != OPS_OK || tt->shape == NULL) return st;
  const Onnx__TensorShapeProto *shape = tt->shape;
  if (shape->n_dim > OPS_MAX_RANK) {
    return ops_fail(d, OPS_ERR_BAD_INPUT, "%s: has %zu dims, more than the %d opscope supports",
                    what, shape->n_dim, OPS_MAX_RANK);
  }
  t->shape.rank = (int)shape->n_dim;
  for (size_t i = 0; i < shape->n_dim; i++) {
    free(t->dim_params[i]);
    st = read_dim(shape->dim[i], what, i, &t->shape.dims[i], &t->dim_params[i], d);
    if (st != OPS_OK) return st;
  }
  return OPS_OK;
}

/* Old IR versions (< 4) list every initializer among the graph inputs too; such an entry is a
 * weight, not something fed at run time. Its declared dtype must still agree. */
static enum ops_status check_initializer_input(struct loader *ld, const Onnx__ValueInfoProto *vi,
                                               const struct ops_tensor *init) {
  struct ops_tensor declared;
  memset(&declared, 0, sizeof declared);
  char what[256];
  snprintf(what, sizeof what, "graph input '%s'", vi->name);
  enum ops_status st = read_value_type(vi, what, &declared, ld->d);
  if (st == OPS_OK && declared.dtype != OPS_DTYPE_UNDEFINED && declared.dtype != init->dtype) {
    st = ops_fail(ld->d, OPS_ERR_BAD_INPUT, "%s is declared %s but its initializer is %s", what,
                  ops_dtype_name(declared.dtype), ops_dtype_name(init->dtype));
  }
  ops_tensor_done(&declared);
  return st;
}

static enum ops_status load_inputs(struct loader *ld, const Onnx__GraphProto *graph) {
  for (size_t i = 0; i < graph->n_input; i++) {
    const Onnx__ValueInfoProto *vi = graph->input[i];
    if (is_empty(vi->name)) {
      return ops_fail(ld->d, OPS_ERR_BAD_INPUT, "graph input #%zu has no name", i);
    }
    int index = ops_graph_find_tensor(ld->g, vi->name);
    if (index >= 0 && ld->g->tensors[index].role == OPS_TENSOR_INITIALIZER) {
      enum ops_status st = check_initializer_input(ld, vi, &ld->g->tensors[index]);
      if (st != OPS_OK) return st;
      continue;
    }
    if (index >= 0) {
      return ops_fail(ld->d, OPS_ERR_BAD_INPUT, "graph input '%s' is listed twice", vi->name);
    }
    enum ops_status st = ops_graph_add_tensor(ld->g, vi->name, &index, ld->d);
    if (st != OPS_OK) return st;
    char what[256];
    snprintf(what, sizeof what, "graph input '%s'", vi->name);
    st = read_value_type(vi, what, &ld->g->tensors[index], ld->d);
    if (st != OPS_OK) return st;
    st = ops_graph_add_input(ld->g, index, ld->d);
    if (st != OPS_OK) return st;
  }
  return OPS_OK;
}

/* Outputs keep only their declared dtype: their shapes are for shape inference to compute (and
 * to compare against), so a stale declaration in the file cannot override it. */
static enum ops_status load_outputs(struct loader *ld, const Onnx__GraphProto *graph) {
  if (graph->n_output == 0) return ops_fail(ld->d, OPS_ERR_BAD_INPUT, "the graph has no outputs");
  for (size_t i = 0; i < graph->n_output; i++) {
    const Onnx__ValueInfoProto *vi = graph->output[i];
    if (is_empty(vi->name)) {
      return ops_fail(ld->d, OPS_ERR_BAD_INPUT, "graph output #%zu has no name", i);
    }
    int index;
    enum ops_status st = ops_graph_intern_tensor(ld->g, vi->name, &index, ld->d);
    if (st != OPS_OK) return st;
    if (ld->g->tensors[index].is_output) {
      return ops_fail(ld->d, OPS_ERR_BAD_INPUT, "graph output '%s' is listed twice", vi->name);
    }
    struct ops_tensor declared;
    memset(&declared, 0, sizeof declared);
    char what[256];
    snprintf(what, sizeof what, "graph output '%s'", vi->name);
    st = read_value_type(vi, what, &declared, ld->d);
    enum ops_dtype dtype = declared.dtype;
    ops_tensor_done(&declared);
    if (st != OPS_OK) return st;
    struct ops_tensor *t = &ld->g->tensors[index];
    if (t->dtype == OPS_DTYPE_UNDEFINED) t->dtype = dtype;
    st = ops_graph_add_output(ld->g, index, ld->d);
    if (st != OPS_OK) return st;
  }
  return OPS_OK;
}

/* ---- attributes ---- */

/* IR version 1 had no AttributeProto.type: the kind is whichever value field is filled. */
static enum ops_attr_type infer_attr_type(const Onnx__AttributeProto *a) {
  if (a->has_f) return OPS_ATTR_FLOAT;
  if (a->has_i) return OPS_ATTR_INT;
  if (a->has_s) return OPS_ATTR_STRING;
  if (a->t != NULL) return OPS_ATTR_TENSOR;
  if (a->g != NULL) return OPS_ATTR_GRAPH;
  if (a->sparse_tensor != NULL) return OPS_ATTR_SPARSE_TENSOR;
  if (a->tp != NULL) return OPS_ATTR_TYPE_PROTO;
  if (a->n_floats > 0) return OPS_ATTR_FLOATS;
  if (a->n_ints > 0) return OPS_ATTR_INTS;
  if (a->n_strings > 0) return OPS_ATTR_STRINGS;
  if (a->n_tensors > 0) return OPS_ATTR_TENSORS;
  if (a->n_graphs > 0) return OPS_ATTR_GRAPHS;
  if (a->n_sparse_tensors > 0) return OPS_ATTR_SPARSE_TENSORS;
  if (a->n_type_protos > 0) return OPS_ATTR_TYPE_PROTOS;
  return OPS_ATTR_UNDEFINED;
}

static enum ops_status copy_strings(const Onnx__AttributeProto *a, struct ops_attr *out,
                                    const char *what, struct ops_diag *d) {
  out->strings = ops_calloc_array(a->n_strings, sizeof *out->strings);
  if (out->strings == NULL) return ops_fail(d, OPS_ERR_NO_MEMORY, "%s: out of memory", what);
  out->count = a->n_strings;
  for (size_t i = 0; i < a->n_strings; i++) {
    out->strings[i] = ops_strndup((const char *)a->strings[i].data, a->strings[i].len);
    if (out->strings[i] == NULL) return ops_fail(d, OPS_ERR_NO_MEMORY, "%s: out of memory", what);
  }
  return OPS_OK;
}

static enum ops_status copy_tensor(struct loader *ld, const Onnx__AttributeProto *a,
                                   struct ops_attr *out, const char *what) {
  if (a->t == NULL) {
    return ops_fail(ld->d, OPS_ERR_BAD_INPUT, "%s: is a tensor attribute without a tensor", what);
  }
  out->tensor = ops_calloc_array(1, sizeof *out->tensor);
  if (out->tensor == NULL) return ops_fail(ld->d, OPS_ERR_NO_MEMORY, "%s: out of memory", what);
  out->tensor->producer = -1;
  out->tensor->name = ops_strdup(a->t->name != NULL ? a->t->name : "");
  if (out->tensor->name == NULL) {
    return ops_fail(ld->d, OPS_ERR_NO_MEMORY, "%s: out of memory", what);
  }
  return ops_onnx_tensor_decode(a->t, what, ld->file, out->tensor, ld->d);
}

/* Copies the value of kind out->type; on failure what was copied is freed with the attribute. */
static enum ops_status copy_attr_value(struct loader *ld, const Onnx__AttributeProto *a,
                                       struct ops_attr *out, const char *what) {
  size_t bytes;
  switch (out->type) {
    case OPS_ATTR_FLOAT:
      out->f = a->f;
      return OPS_OK;
    case OPS_ATTR_INT:
      out->i = a->i;
      return OPS_OK;
    case OPS_ATTR_STRING:
      out->s = ops_strndup((const char *)a->s.data, a->s.len);
      out->s_len = a->s.len;
      if (out->s == NULL) return ops_fail(ld->d, OPS_ERR_NO_MEMORY, "%s: out of memory", what);
      return OPS_OK;
    case OPS_ATTR_TENSOR:
      return copy_tensor(ld, a, out, what);
    case OPS_ATTR_FLOATS:
      out->floats = ops_calloc_array(a->n_floats, sizeof *out->floats);
      if (out->floats == NULL) return ops_fail(ld->d, OPS_ERR_NO_MEMORY, "%s: out of memory", what);
      out->count = a->n_floats;
      if (ops_mul_size(a->n_floats, sizeof *out->floats, &bytes) && bytes > 0) {
        memcpy(out->floats, a->floats, bytes);
      }
      return OPS_OK;
    case OPS_ATTR_INTS:
      out->ints = ops_calloc_array(a->n_ints, sizeof *out->ints);
      if (out->ints == NULL) return ops_fail(ld->d, OPS_ERR_NO_MEMORY, "%s: out of memory", what);
      out->count = a->n_ints;
      if (ops_mul_size(a->n_ints, sizeof *out->ints, &bytes) && bytes > 0) {
        memcpy(out->ints, a->ints, bytes);
      }
      return OPS_OK;
    case OPS_ATTR_STRINGS:
      return copy_strings(a, out, what, ld->d);
    /* Recorded by type only (see struct ops_attr); the count says how many there were. */
    case OPS_ATTR_TENSORS:
      out->count = a->n_tensors;
      return OPS_OK;
    case OPS_ATTR_GRAPHS:
      out->count = a->n_graphs;
      return OPS_OK;
    case OPS_ATTR_SPARSE_TENSORS:
      out->count = a->n_sparse_tensors;
      return OPS_OK;
    case OPS_ATTR_TYPE_PROTOS:
      out->count = a->n_type_protos;
      return OPS_OK;
    case OPS_ATTR_GRAPH:
    case OPS_ATTR_SPARSE_TENSOR:
    case OPS_ATTR_TYPE_PROTO:
      return OPS_OK;
    default:
      return ops_fail(ld->d, OPS_ERR_INTERNAL, "%s: unhandled attribute type %d", what,
                      (int)out->type);
  }
}

static enum ops_status load_attr(struct loader *ld, const struct ops_node *node, size_t k,
                                 const Onnx__AttributeProto *a, struct ops_attr *out) {
  if (is_empty(a->name)) {
    return ops_fail(ld->d, OPS_ERR_BAD_INPUT, "node '%s' (%s): attribute #%zu has no name",
                    node->name, node->op_type, k);
  }
  char what[512];
  snprintf(what, sizeof what, "node '%s' (%s): attribute '%s'", node->name, node->op_type, a->name);
  if (!is_empty(a->ref_attr_name)) {
    return ops_fail(ld->d, OPS_ERR_UNSUPPORTED,
                    "%s refers to function attribute '%s' (ref_attr_name), which only function "
                    "bodies may use; opscope does not expand functions",
                    what, a->ref_attr_name);
  }
  out->name = ops_strdup(a->name);
  if (out->name == NULL) return ops_fail(ld->d, OPS_ERR_NO_MEMORY, "%s: out of memory", what);
  int code = a->has_type ? (int)a->type : 0;
  if (code == 0) {
    out->type = infer_attr_type(a);
    if (out->type == OPS_ATTR_UNDEFINED) {
      return ops_fail(ld->d, OPS_ERR_BAD_INPUT, "%s has neither a type nor a value", what);
    }
  } else if (code < 0 || code >= OPS_ATTR_TYPE_COUNT) {
    return ops_fail(ld->d, OPS_ERR_BAD_INPUT, "%s has unknown type code %d", what, code);
  } else {
    out->type = (enum ops_attr_type)code;
  }
  return copy_attr_value(ld, a, out, what);
}

/* ---- nodes ---- */

/* Tensor indices for a node's input or output names; an empty name is an omitted optional. */
static enum ops_status intern_names(struct loader *ld, const struct ops_node *node, char **names,
                                    size_t n, int **out, int *count) {
  if (n > INT_MAX) {
    return ops_fail(ld->d, OPS_ERR_BAD_INPUT, "node '%s' (%s) lists %zu tensors", node->name,
                    node->op_type, n);
  }
  *out = ops_calloc_array(n, sizeof **out);
  if (*out == NULL) return ops_fail(ld->d, OPS_ERR_NO_MEMORY, "out of memory");
  *count = (int)n;
  for (size_t i = 0; i < n; i++) {
    (*out)[i] = -1;
    if (is_empty(names[i])) continue;
    enum ops_status st = ops_graph_intern_tensor(ld->g, names[i], &(*out)[i], ld->d);
    if (st != OPS_OK) return st;
  }
  return OPS_OK;
}

static enum ops_status load_attrs(struct loader *ld, const Onnx__NodeProto *np,
                                  struct ops_node *node) {
  if (np->n_attribute > INT_MAX) {
    return ops_fail(ld->d, OPS_ERR_BAD_INPUT, "node '%s' (%s) has %zu attributes", node->name,
                    node->op_type, np->n_attribute);
  }
  node->attrs = ops_calloc_array(np->n_attribute, sizeof *node->attrs);
  if (node->attrs == NULL) return ops_fail(ld->d, OPS_ERR_NO_MEMORY, "out of memory");
  for (size_t k = 0; k < np->n_attribute; k++) {
    /* Counted before it is filled so that a failure frees the partial attribute too. */
    node->n_attrs = (int)k + 1;
    enum ops_status st = load_attr(ld, node, k, np->attribute[k], &node->attrs[k]);
    if (st != OPS_OK) return st;
  }
  return OPS_OK;
}

static enum ops_status name_node(struct loader *ld, const Onnx__NodeProto *np, size_t index,
                                 struct ops_node *node) {
  if (is_empty(np->op_type)) {
    return ops_fail(ld->d, OPS_ERR_BAD_INPUT, "node #%zu ('%s') has no op_type", index,
                    np->name != NULL ? np->name : "");
  }
  node->op_type = ops_strdup(np->op_type);
  node->domain = ops_strdup(is_default_domain(np->domain) ? "" : np->domain);
  node->op = is_default_domain(np->domain) ? ops_op_parse(np->op_type) : OPS_OP_UNKNOWN;
  if (!is_empty(np->name)) {
    node->name = ops_strdup(np->name);
  } else {
    /* Reports and messages need a name for every node: "<OpType>_<index in the file>". */
    size_t bytes;
    if (ops_add_size(strlen(np->op_type), 24, &bytes)) {
      node->name = malloc(bytes);
      if (node->name != NULL) snprintf(node->name, bytes, "%s_%zu", np->op_type, index);
    }
  }
  if (node->op_type == NULL || node->domain == NULL || node->name == NULL) {
    return ops_fail(ld->d, OPS_ERR_NO_MEMORY, "out of memory");
  }
  return OPS_OK;
}

/* Builds the node in a local struct and appends it only when complete, so a failure frees
 * exactly what was built and the graph never holds a half-filled node. */
static enum ops_status load_node(struct loader *ld, const Onnx__NodeProto *np, size_t index) {
  struct ops_node node;
  memset(&node, 0, sizeof node);
  enum ops_status st = name_node(ld, np, index, &node);
  if (st != OPS_OK) goto fail;
  st = intern_names(ld, &node, np->input, np->n_input, &node.inputs, &node.n_inputs);
  if (st != OPS_OK) goto fail;
  st = intern_names(ld, &node, np->output, np->n_output, &node.outputs, &node.n_outputs);
  if (st != OPS_OK) goto fail;
  st = load_attrs(ld, np, &node);
  if (st != OPS_OK) goto fail;
  struct ops_node *slot;
  st = ops_graph_add_node(ld->g, &slot, NULL, ld->d);
  if (st != OPS_OK) goto fail;
  *slot = node;
  return OPS_OK;
fail:
  ops_node_done(&node);
  return st;
}

static enum ops_status load_nodes(struct loader *ld, const Onnx__GraphProto *graph) {
  for (size_t i = 0; i < graph->n_node; i++) {
    enum ops_status st = load_node(ld, graph->node[i], i);
    if (st != OPS_OK) return st;
  }
  return OPS_OK;
}

/* ---- entry points ---- */

static enum ops_status build_graph(struct loader *ld, const Onnx__ModelProto *m) {
  enum ops_status st = load_metadata(ld, m);
  if (st == OPS_OK) st = load_initializers(ld, m->graph);
  if (st == OPS_OK) st = load_inputs(ld, m->graph);
  if (st == OPS_OK) st = load_outputs(ld, m->graph);
  if (st == OPS_OK) st = load_nodes(ld, m->graph);
  return st;
}

enum ops_status ops_load_onnx_buffer(const void *data, size_t len, const char *path,
                                     struct ops_graph **out, struct ops_diag *d) {
  *out = NULL;
  struct loader ld = {.path = path != NULL ? path : MEMORY_PATH, .file = path, .g = NULL, .d = d};
  if (d != NULL && d->path == NULL) d->path = ld.path;
  Onnx__ModelProto *m = NULL;
  enum ops_status st = OPS_ERR_BAD_INPUT;
  /* A static empty buffer keeps pointer arithmetic defined when (NULL, 0) is passed. */
  static const uint8_t empty[1];
  const uint8_t *bytes = len > 0 ? data : empty;
  if (!nesting_ok(&onnx__model_proto__descriptor, bytes, bytes + len, 0)) {
    st = ops_fail(d, OPS_ERR_BAD_INPUT,
                  "not a valid ONNX model (messages nested more than %d deep)", MAX_NESTING);
    goto fail;
  }
  m = onnx__model_proto__unpack(NULL, len, bytes);
  if (m == NULL) {
    st = ops_fail(d, OPS_ERR_BAD_INPUT, "not a valid ONNX model (protobuf parse failed)");
    goto fail;
  }
  if (m->graph == NULL) {
    st = ops_fail(d, OPS_ERR_BAD_INPUT, "the model has no graph");
    goto fail;
  }
  ld.g = ops_graph_new();
  if (ld.g == NULL) {
    st = ops_fail(d, OPS_ERR_NO_MEMORY, "out of memory");
    goto fail;
  }
  st = build_graph(&ld, m);
  if (st != OPS_OK) goto fail;
  onnx__model_proto__free_unpacked(m, NULL);
  *out = ld.g;
  return OPS_OK;
fail:
  if (m != NULL) onnx__model_proto__free_unpacked(m, NULL);
  ops_graph_free(ld.g);
  return st;
}

enum ops_status ops_load_onnx(const char *path, struct ops_graph **out, struct ops_diag *d) {
  *out = NULL;
  void *data;
  size_t len;
  enum ops_status st = ops_file_read(path, OPS_FILE_MAX_BYTES, &data, &len, d);
  if (st != OPS_OK) return st;
  st = ops_load_onnx_buffer(data, len, path, out, d);
  free(data);
  return st;
}
