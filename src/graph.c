/*
 * Graph construction, lookup, validation and topological ordering.
 */
#include "src/graph.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "src/size.h"

static const char *const attr_type_names[OPS_ATTR_TYPE_COUNT] = {
    "undefined",      "float",      "int",        "string",  "tensor", "graph",
    "floats",         "ints",       "strings",    "tensors", "graphs", "sparse_tensor",
    "sparse_tensors", "type_proto", "type_protos"};

const char *ops_attr_type_name(enum ops_attr_type type) {
  return (unsigned)type < OPS_ATTR_TYPE_COUNT ? attr_type_names[type] : "undefined";
}

struct ops_graph *ops_graph_new(void) {
  return ops_calloc_array(1, sizeof(struct ops_graph));
}

void ops_attr_done(struct ops_attr *a) {
  free(a->name);
  free(a->s);
  free(a->floats);
  free(a->ints);
  if (a->strings != NULL) {
    for (size_t i = 0; i < a->count; i++)
      free(a->strings[i]);
    free(a->strings);
  }
  if (a->tensor != NULL) {
    ops_tensor_done(a->tensor);
    free(a->tensor);
  }
  memset(a, 0, sizeof *a);
}

void ops_node_done(struct ops_node *n) {
  free(n->name);
  free(n->op_type);
  free(n->domain);
  free(n->inputs);
  free(n->outputs);
  if (n->attrs != NULL) {
    for (int i = 0; i < n->n_attrs; i++)
      ops_attr_done(&n->attrs[i]);
    free(n->attrs);
  }
  free(n->fused.absorbed);
  memset(n, 0, sizeof *n);
}

static const char *const fused_act_names[] = {
    [OPS_FUSED_ACT_NONE] = "none", [OPS_FUSED_ACT_RELU] = "relu",
    [OPS_FUSED_ACT_CLIP] = "clip", [OPS_FUSED_ACT_SIGMOID] = "sigmoid",
    [OPS_FUSED_ACT_SILU] = "silu", [OPS_FUSED_ACT_HARDSWISH] = "hardswish",
    [OPS_FUSED_ACT_GELU] = "gelu",
};
static_assert(sizeof fused_act_names / sizeof fused_act_names[0] == OPS_FUSED_ACT_COUNT,
              "one name per fused activation");

const char *ops_fused_act_name(enum ops_fused_act act) {
  return (unsigned)act < OPS_FUSED_ACT_COUNT ? fused_act_names[act] : "none";
}

int ops_fused_act_parse(const char *name) {
  for (int i = 0; i < OPS_FUSED_ACT_COUNT; i++)
    if (strcmp(fused_act_names[i], name) == 0) return i;
  return -1;
}

void ops_graph_free(struct ops_graph *g) {
  if (g == NULL) return;
  for (size_t i = 0; i < g->n_tensors; i++)
    ops_tensor_done(&g->tensors[i]);
  for (size_t i = 0; i < g->n_nodes; i++)
    ops_node_done(&g->nodes[i]);
  free(g->tensors);
  free(g->nodes);
  free(g->inputs);
  free(g->outputs);
  free(g->index);
  free(g->name);
  free(g->path);
  free(g->producer);
  free(g);
}

/* FNV-1a: names are short and the table is only for lookup speed on large graphs. */
static size_t hash_name(const char *s) {
  size_t h = (size_t)1469598103934665603ULL;
  for (; *s; s++)
    h = (h ^ (unsigned char)*s) * (size_t)1099511628211ULL;
  return h;
}

static void index_insert(struct ops_graph *g, int tensor) {
  size_t mask = g->index_cap - 1;
  size_t at = hash_name(g->tensors[tensor].name) & mask;
  while (g->index[at] >= 0)
    at = (at + 1) & mask;
  g->index[at] = tensor;
}

/* Keeps the load factor under one half so probes stay short. */
static bool index_reserve(struct ops_graph *g, size_t n_tensors) {
  if (g->index_cap >= 2 * n_tensors && g->index_cap != 0) return true;
  size_t cap = g->index_cap ? g->index_cap : 64;
  while (cap < 2 * n_tensors) {
    if (!ops_mul_size(cap, 2, &cap)) return false;
  }
  int *index = ops_calloc_array(cap, sizeof *index);
  if (index == NULL) return false;
  for (size_t i = 0; i < cap; i++)
    index[i] = -1;
  free(g->index);
  g->index = index;
  g->index_cap = cap;
  for (size_t i = 0; i < g->n_tensors; i++)
    index_insert(g, (int)i);
  return true;
}

enum ops_status ops_graph_prune_tensors(struct ops_graph *g, struct ops_diag *d) {
  int *remap = ops_calloc_array(g->n_tensors, sizeof *remap);
  if (remap == NULL) return ops_fail(d, OPS_ERR_NO_MEMORY, "out of memory pruning tensors");
  /* remap[t] is 1 for a tensor in use, then its new index. */
  for (size_t i = 0; i < g->n_nodes; i++) {
    const struct ops_node *n = &g->nodes[i];
    for (int k = 0; k < n->n_inputs; k++)
      if (n->inputs[k] >= 0) remap[n->inputs[k]] = 1;
    for (int k = 0; k < n->n_outputs; k++)
      if (n->outputs[k] >= 0) remap[n->outputs[k]] = 1;
  }
  for (size_t i = 0; i < g->n_inputs; i++)
    remap[g->inputs[i]] = 1;
  for (size_t i = 0; i < g->n_outputs; i++)
    remap[g->outputs[i]] = 1;
  size_t kept = 0;
  for (size_t t = 0; t < g->n_tensors; t++) {
    if (remap[t]) {
      if (kept != t) g->tensors[kept] = g->tensors[t];
      remap[t] = (int)kept++;
    } else {
      ops_tensor_done(&g->tensors[t]);
      remap[t] = -1;
    }
  }
  if (kept == g->n_tensors) {
    free(remap);
    return OPS_OK;
  }
  g->n_tensors = kept;
  for (size_t i = 0; i < g->n_nodes; i++) {
    struct ops_node *n = &g->nodes[i];
    for (int k = 0; k < n->n_inputs; k++)
      if (n->inputs[k] >= 0) n->inputs[k] = remap[n->inputs[k]];
    for (int k = 0; k < n->n_outputs; k++)
      if (n->outputs[k] >= 0) n->outputs[k] = remap[n->outputs[k]];
  }
  for (size_t i = 0; i < g->n_inputs; i++)
    g->inputs[i] = remap[g->inputs[i]];
  for (size_t i = 0; i < g->n_outputs; i++)
    g->outputs[i] = remap[g->outputs[i]];
  free(remap);
  /* The table has room already (fewer tensors); only the slots change. */
  for (size_t i = 0; i < g->index_cap; i++)
    g->index[i] = -1;
  for (size_t i = 0; i < g->n_tensors; i++)
    index_insert(g, (int)i);
  return OPS_OK;
}

int ops_graph_find_tensor(const struct ops_graph *g, const char *name) {
  if (g->index_cap == 0 || name == NULL) return -1;
  size_t mask = g->index_cap - 1;
  for (size_t at = hash_name(name) & mask;; at = (at + 1) & mask) {
    int t = g->index[at];
    if (t < 0) return -1;
    if (strcmp(g->tensors[t].name, name) == 0) return t;
  }
}

enum ops_status ops_graph_add_tensor(struct ops_graph *g, const char *name, int *out,
                                     struct ops_diag *d) {
  if (ops_graph_find_tensor(g, name) >= 0) {
    return ops_fail(d, OPS_ERR_BAD_INPUT, "tensor '%s' is defined twice", name);
  }
  if (g->n_tensors >= (size_t)INT32_MAX) {
    return ops_fail(d, OPS_ERR_NO_MEMORY, "more than %d tensors", INT32_MAX);
  }
  if (g->n_tensors == g->cap_tensors) {
    size_t cap = g->cap_tensors ? g->cap_tensors * 2 : 32;
    struct ops_tensor *t = ops_realloc_array(g->tensors, cap, sizeof *t);
    if (t == NULL) return ops_fail(d, OPS_ERR_NO_MEMORY, "out of memory adding tensor '%s'", name);
    g->tensors = t;
    g->cap_tensors = cap;
  }
  if (!index_reserve(g, g->n_tensors + 1)) {
    return ops_fail(d, OPS_ERR_NO_MEMORY, "out of memory adding tensor '%s'", name);
  }
  struct ops_tensor *t = &g->tensors[g->n_tensors];
  memset(t, 0, sizeof *t);
  t->name = ops_strdup(name);
  if (t->name == NULL) return ops_fail(d, OPS_ERR_NO_MEMORY, "out of memory adding '%s'", name);
  t->shape = ops_shape_unknown();
  t->producer = -1;
  *out = (int)g->n_tensors++;
  index_insert(g, *out);
  return OPS_OK;
}

enum ops_status ops_graph_intern_tensor(struct ops_graph *g, const char *name, int *out,
                                        struct ops_diag *d) {
  int found = ops_graph_find_tensor(g, name);
  if (found >= 0) {
    *out = found;
    return OPS_OK;
  }
  return ops_graph_add_tensor(g, name, out, d);
}

enum ops_status ops_graph_add_node(struct ops_graph *g, struct ops_node **out, size_t *index,
                                   struct ops_diag *d) {
  if (g->n_nodes >= (size_t)INT32_MAX) {
    return ops_fail(d, OPS_ERR_NO_MEMORY, "more than %d nodes", INT32_MAX);
  }
  if (g->n_nodes == g->cap_nodes) {
    size_t cap = g->cap_nodes ? g->cap_nodes * 2 : 32;
    struct ops_node *n = ops_realloc_array(g->nodes, cap, sizeof *n);
    if (n == NULL) return ops_fail(d, OPS_ERR_NO_MEMORY, "out of memory adding a node");
    g->nodes = n;
    g->cap_nodes = cap;
  }
  struct ops_node *n = &g->nodes[g->n_nodes];
  memset(n, 0, sizeof *n);
  if (index != NULL) *index = g->n_nodes;
  g->n_nodes++;
  *out = n;
  return OPS_OK;
}

static enum ops_status append_index(int **list, size_t *n, int value, struct ops_diag *d) {
  int *grown = ops_realloc_array(*list, *n + 1, sizeof **list);
  if (grown == NULL) return ops_fail(d, OPS_ERR_NO_MEMORY, "out of memory");
  grown[(*n)++] = value;
  *list = grown;
  return OPS_OK;
}

enum ops_status ops_graph_add_input(struct ops_graph *g, int index, struct ops_diag *d) {
  g->tensors[index].role = OPS_TENSOR_INPUT;
  return append_index(&g->inputs, &g->n_inputs, index, d);
}

enum ops_status ops_graph_add_output(struct ops_graph *g, int index, struct ops_diag *d) {
  g->tensors[index].is_output = true;
  return append_index(&g->outputs, &g->n_outputs, index, d);
}

/* A min-heap of node indices: Kahn's algorithm always takes the ready node that comes first in
 * the file, so a file that is already sorted (as ONNX requires) keeps its order exactly. */
static void heap_push(size_t *heap, size_t *n, size_t v) {
  size_t i = (*n)++;
  while (i > 0 && heap[(i - 1) / 2] > v) {
    heap[i] = heap[(i - 1) / 2];
    i = (i - 1) / 2;
  }
  heap[i] = v;
}

static size_t heap_pop(size_t *heap, size_t *n) {
  size_t top = heap[0], last = heap[--(*n)], i = 0;
  for (;;) {
    size_t child = 2 * i + 1;
    if (child >= *n) break;
    if (child + 1 < *n && heap[child + 1] < heap[child]) child++;
    if (last <= heap[child]) break;
    heap[i] = heap[child];
    i = child;
  }
  if (*n > 0) heap[i] = last;
  return top;
}

/* Kahn's algorithm over the heap above. */
static enum ops_status sort_nodes(struct ops_graph *g, struct ops_diag *d) {
  enum ops_status status = OPS_ERR_NO_MEMORY;
  size_t n = g->n_nodes;
  int *pending = ops_calloc_array(n, sizeof *pending); /* unproduced inputs per node */
  size_t *queue = ops_calloc_array(n, sizeof *queue);  /* nodes in sorted order */
  size_t *sorted_index = ops_calloc_array(n, sizeof *sorted_index);
  struct ops_node *sorted = ops_calloc_array(n, sizeof *sorted);
  /* Consumers of each tensor, in CSR form. */
  size_t *first = ops_calloc_array(g->n_tensors + 1, sizeof *first);
  size_t total = 0;
  size_t *consumers = NULL;
  size_t *fill = NULL;
  if (pending == NULL || queue == NULL || sorted_index == NULL || sorted == NULL || first == NULL) {
    goto fail;
  }
  for (size_t i = 0; i < n; i++) {
    for (int k = 0; k < g->nodes[i].n_inputs; k++) {
      int t = g->nodes[i].inputs[k];
      if (t >= 0 && g->tensors[t].producer >= 0) {
        first[t + 1]++;
        total++;
        pending[i]++;
      }
    }
  }
  for (size_t t = 0; t < g->n_tensors; t++)
    first[t + 1] += first[t];
  consumers = ops_calloc_array(total, sizeof *consumers);
  fill = ops_calloc_array(g->n_tensors, sizeof *fill);
  if (consumers == NULL || fill == NULL) goto fail;
  for (size_t i = 0; i < n; i++) {
    for (int k = 0; k < g->nodes[i].n_inputs; k++) {
      int t = g->nodes[i].inputs[k];
      if (t >= 0 && g->tensors[t].producer >= 0) consumers[first[t] + fill[t]++] = i;
    }
  }
  size_t *heap = sorted_index; /* reuses the queue's storage: both hold at most n indices */
  size_t heap_n = 0, done = 0;
  for (size_t i = 0; i < n; i++) {
    if (pending[i] == 0) heap_push(heap, &heap_n, i);
  }
  while (heap_n > 0) {
    size_t next = heap_pop(heap, &heap_n);
    queue[done++] = next;
    const struct ops_node *node = &g->nodes[next];
    for (int k = 0; k < node->n_outputs; k++) {
      int t = node->outputs[k];
      if (t < 0) continue;
      for (size_t c = first[t]; c < first[t + 1]; c++) {
        if (--pending[consumers[c]] == 0) heap_push(heap, &heap_n, consumers[c]);
      }
    }
  }
  size_t tail = done;
  if (tail != n) {
    for (size_t i = 0; i < n; i++) {
      if (pending[i] > 0) {
        status = ops_fail(d, OPS_ERR_BAD_INPUT, "the graph has a cycle through node '%s' (%s)",
                          g->nodes[i].name, g->nodes[i].op_type);
        goto fail;
      }
    }
  }
  for (size_t i = 0; i < n; i++)
    sorted[i] = g->nodes[queue[i]];
  /* A graph without nodes has no node array: memcpy must not see its NULL, even for 0 bytes. */
  if (n > 0) memcpy(g->nodes, sorted, n * sizeof *sorted);
  for (size_t i = 0; i < n; i++) {
    for (int k = 0; k < g->nodes[i].n_outputs; k++) {
      int t = g->nodes[i].outputs[k];
      if (t >= 0) g->tensors[t].producer = (int)i;
    }
  }
  status = OPS_OK;
fail:
  if (status == OPS_ERR_NO_MEMORY) ops_fail(d, status, "out of memory sorting the graph");
  free(pending);
  free(queue);
  free(sorted_index);
  free(sorted);
  free(first);
  free(consumers);
  free(fill);
  return status;
}

static int compare_names(const void *a, const void *b) {
  return strcmp(*(const char *const *)a, *(const char *const *)b);
}

enum ops_status ops_graph_validate(struct ops_graph *g, struct ops_diag *d) {
  for (size_t t = 0; t < g->n_tensors; t++)
    g->tensors[t].producer = -1;
  for (size_t i = 0; i < g->n_nodes; i++) {
    const struct ops_node *node = &g->nodes[i];
    if (node->n_outputs == 0) {
      return ops_fail(d, OPS_ERR_BAD_INPUT, "node '%s' (%s) has no outputs", node->name,
                      node->op_type);
    }
    for (int k = 0; k < node->n_outputs; k++) {
      int t = node->outputs[k];
      if (t < 0) continue;
      if ((size_t)t >= g->n_tensors) {
        return ops_fail(d, OPS_ERR_INTERNAL, "node '%s' names tensor #%d of %zu", node->name, t,
                        g->n_tensors);
      }
      struct ops_tensor *out = &g->tensors[t];
      if (out->role != OPS_TENSOR_ACTIVATION) {
        return ops_fail(d, OPS_ERR_BAD_INPUT, "node '%s' (%s) writes '%s', which is a graph %s",
                        node->name, node->op_type, out->name,
                        out->role == OPS_TENSOR_INPUT ? "input" : "initializer");
      }
      if (out->producer >= 0) {
        return ops_fail(d, OPS_ERR_BAD_INPUT,
                        "tensor '%s' is produced twice: by node '%s' and by node '%s'", out->name,
                        g->nodes[out->producer].name, node->name);
      }
      out->producer = (int)i;
    }
  }
  for (size_t i = 0; i < g->n_nodes; i++) {
    const struct ops_node *node = &g->nodes[i];
    for (int k = 0; k < node->n_inputs; k++) {
      int t = node->inputs[k];
      if (t < 0) continue;
      if ((size_t)t >= g->n_tensors) {
        return ops_fail(d, OPS_ERR_INTERNAL, "node '%s' names tensor #%d of %zu", node->name, t,
                        g->n_tensors);
      }
      const struct ops_tensor *in = &g->tensors[t];
      if (in->role == OPS_TENSOR_ACTIVATION && in->producer < 0) {
        return ops_fail(d, OPS_ERR_BAD_INPUT,
                        "node '%s' (%s) input %d '%s' is not produced by any node and is neither "
                        "a graph input nor an initializer",
                        node->name, node->op_type, k, in->name);
      }
    }
  }
  for (size_t i = 0; i < g->n_outputs; i++) {
    const struct ops_tensor *out = &g->tensors[g->outputs[i]];
    if (out->role == OPS_TENSOR_ACTIVATION && out->producer < 0) {
      return ops_fail(d, OPS_ERR_BAD_INPUT, "graph output '%s' is not produced by any node",
                      out->name);
    }
  }
  /* Duplicate node names make reports ambiguous; they are checked with a sorted copy. */
  if (g->n_nodes > 1) {
    const char **names = ops_calloc_array(g->n_nodes, sizeof *names);
    if (names == NULL) return ops_fail(d, OPS_ERR_NO_MEMORY, "out of memory");
    for (size_t i = 0; i < g->n_nodes; i++)
      names[i] = g->nodes[i].name;
    qsort(names, g->n_nodes, sizeof *names, compare_names);
    for (size_t i = 1; i < g->n_nodes; i++) {
      if (strcmp(names[i - 1], names[i]) == 0) {
        enum ops_status st = ops_fail(d, OPS_ERR_BAD_INPUT, "two nodes are named '%s'", names[i]);
        free(names);
        return st;
      }
    }
    free(names);
  }
  return sort_nodes(g, d);
}

int64_t ops_graph_param_count(const struct ops_graph *g) {
  int64_t total = 0;
  for (size_t i = 0; i < g->n_tensors; i++) {
    int64_t n;
    if (g->tensors[i].role == OPS_TENSOR_INITIALIZER && ops_tensor_numel(&g->tensors[i], &n)) {
      total += n;
    }
  }
  return total;
}

/* ---- attributes ---- */

const struct ops_attr *ops_node_attr(const struct ops_node *n, const char *name) {
  for (int i = 0; i < n->n_attrs; i++) {
    if (strcmp(n->attrs[i].name, name) == 0) return &n->attrs[i];
  }
  return NULL;
}

static enum ops_status attr_typed(const struct ops_node *n, const char *name,
                                  enum ops_attr_type want, const struct ops_attr **out,
                                  struct ops_diag *d) {
  const struct ops_attr *a = ops_node_attr(n, name);
  *out = a;
  if (a == NULL || a->type == want) return OPS_OK;
  return ops_fail(d, OPS_ERR_BAD_INPUT, "node '%s' (%s): attribute '%s' is %s, expected %s",
                  n->name, n->op_type, name, ops_attr_type_name(a->type), ops_attr_type_name(want));
}

enum ops_status ops_node_attr_int(const struct ops_node *n, const char *name, int64_t dflt,
                                  int64_t *out, struct ops_diag *d) {
  const struct ops_attr *a;
  enum ops_status st = attr_typed(n, name, OPS_ATTR_INT, &a, d);
  *out = a != NULL ? a->i : dflt;
  return st;
}

enum ops_status ops_node_attr_float(const struct ops_node *n, const char *name, float dflt,
                                    float *out, struct ops_diag *d) {
  const struct ops_attr *a;
  enum ops_status st = attr_typed(n, name, OPS_ATTR_FLOAT, &a, d);
  *out = a != NULL ? a->f : dflt;
  return st;
}

enum ops_status ops_node_attr_string(const struct ops_node *n, const char *name, const char *dflt,
                                     const char **out, struct ops_diag *d) {
  const struct ops_attr *a;
  enum ops_status st = attr_typed(n, name, OPS_ATTR_STRING, &a, d);
  *out = a != NULL ? a->s : dflt;
  return st;
}

enum ops_status ops_node_attr_ints(const struct ops_node *n, const char *name, const int64_t **out,
                                   size_t *count, struct ops_diag *d) {
  const struct ops_attr *a;
  enum ops_status st = attr_typed(n, name, OPS_ATTR_INTS, &a, d);
  *out = a != NULL ? a->ints : NULL;
  *count = a != NULL ? a->count : 0;
  return st;
}

enum ops_status ops_node_attr_floats(const struct ops_node *n, const char *name, const float **out,
                                     size_t *count, struct ops_diag *d) {
  const struct ops_attr *a;
  enum ops_status st = attr_typed(n, name, OPS_ATTR_FLOATS, &a, d);
  *out = a != NULL ? a->floats : NULL;
  *count = a != NULL ? a->count : 0;
  return st;
}

const struct ops_tensor *ops_node_input(const struct ops_graph *g, const struct ops_node *n,
                                        int i) {
  if (i < 0 || i >= n->n_inputs || n->inputs[i] < 0) return NULL;
  return &g->tensors[n->inputs[i]];
}

struct ops_tensor *ops_node_output(struct ops_graph *g, const struct ops_node *n, int i) {
  if (i < 0 || i >= n->n_outputs || n->outputs[i] < 0) return NULL;
  return &g->tensors[n->outputs[i]];
}

enum ops_dtype ops_node_key_dtype(const struct ops_graph *g, const struct ops_node *n) {
  for (int i = 0; i < n->n_inputs; i++) {
    if (n->inputs[i] >= 0) return g->tensors[n->inputs[i]].dtype;
  }
  for (int i = 0; i < n->n_outputs; i++) {
    if (n->outputs[i] >= 0) return g->tensors[n->outputs[i]].dtype;
  }
  return OPS_DTYPE_UNDEFINED;
}
