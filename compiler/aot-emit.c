/*
 * Ahead-of-time emission (compiler/aot-emit.h).
 *
 * The weights file is written first: the graph's constants (through the JSON IR writer, so the
 * graph embedded in the library names them by offset), then each op's params block, 64-byte
 * aligned, with its pointers zeroed so the file is the same on every emission. Its size and
 * checksum then go into the C file, which the runtime checks when the library loads.
 */
#include "compiler/aot-emit.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <json-c/json.h>

#include "aot-build.h"
#include "compiler/aot-reloc.h"
#include "compiler/params-block.h"
#include "kernels/cpu.h"
#include "kernels/kconfig-find.h"
#include "kernels/threads/pool.h"
#include "runtime/aot-runtime.h"
#include "src/dtype.h"
#include "src/load.h"
#include "src/size.h"

extern char **environ;

#define ALIGN 64

/* Where one step's params block went and how to fix it up. */
struct step_out {
  uint64_t params_offset; /* in the weights; UINT64_MAX: none */
  size_t params_bytes;
  struct ops_aot_reloc relocs[OPS_AOT_MAX_FIELDS];
  size_t n_relocs;
  char symbol[400];
};

struct emitter {
  const struct ops_exec *e;
  const struct ops_graph *g;
  const struct ops_aot_options *o;
  struct ops_aot_result *r;
  struct ops_diag *d;
  FILE *w;           /* the weights file */
  size_t w_size;     /* bytes written to it */
  char w_path[4200]; /* its path */
  size_t *offsets;   /* per graph tensor, its data's offset in the weights, or SIZE_MAX */
  char *graph_json;  /* the JSON IR text */
  size_t graph_len;
  struct step_out *steps;
  uint32_t isa_flags; /* of the microkernels used */
  uint64_t fnv;
};

static void ident(const char *s, char *out, size_t len) {
  size_t n = 0;
  if (len == 0) return;
  if (s[0] >= '0' && s[0] <= '9' && n + 1 < len) out[n++] = '_';
  for (; *s != '\0' && n + 1 < len; s++) {
    char c = *s;
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    out[n++] = ok ? c : '_';
  }
  out[n] = '\0';
}

void ops_aot_default_prefix(const char *model_path, char *buf, size_t len) {
  static const char builtin[] = "builtin:";
  char name[512];
  if (strncmp(model_path, builtin, sizeof builtin - 1) == 0) {
    snprintf(name, sizeof name, "%s", model_path + sizeof builtin - 1);
  } else {
    const char *slash = strrchr(model_path, '/');
    const char *base = slash != NULL ? slash + 1 : model_path;
    const char *dot = strrchr(base, '.');
    size_t n = dot != NULL && dot != base ? (size_t)(dot - base) : strlen(base);
    if (n == 5 && strncmp(base, "model", 5) == 0 && slash != NULL) {
      /* dir/model.onnx: the directory says which model it is. */
      const char *end = slash, *start = slash;
      while (start > model_path && start[-1] != '/')
        start--;
      if (end > start) {
        base = start;
        n = (size_t)(end - start);
      }
    }
    snprintf(name, sizeof name, "%.*s", (int)(n < 400 ? n : 400), base);
  }
  size_t i = 0;
  for (const char *s = name; *s != '\0' && i + 1 < len; s++) {
    char c = *s;
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '_' || c == '-' || c == '.';
    buf[i++] = ok ? c : '_';
  }
  if (len > 0) buf[i] = '\0';
  if (len > 6 && buf[0] == '\0') snprintf(buf, len, "model");
}

/* ---- the weights file ---- */

static enum ops_status put_weights(struct emitter *E, const void *data, size_t n, uint64_t *at) {
  static const unsigned char zeros[ALIGN];
  size_t pad = (ALIGN - E->w_size % ALIGN) % ALIGN, start, end;
  if (!ops_add_size(E->w_size, pad, &start) || !ops_add_size(start, n, &end)) {
    return ops_fail(E->d, OPS_ERR_NO_MEMORY, "%s: the weights would exceed the address space",
                    E->w_path);
  }
  if (fwrite(zeros, 1, pad, E->w) != pad || (n && fwrite(data, 1, n, E->w) != n)) {
    return ops_fail(E->d, OPS_ERR_IO, "%s: cannot write: %s", E->w_path, strerror(errno));
  }
  E->w_size = end;
  *at = start;
  return OPS_OK;
}

/* The step's params block into the weights, its pointers turned into relocations. */
static enum ops_status put_params(struct emitter *E, size_t s) {
  const struct ops_step *st = &E->e->steps[s];
  const struct ops_node *node = &E->g->nodes[st->node];
  struct step_out *so = &E->steps[s];
  so->params_offset = UINT64_MAX;
  if (st->bind.params == NULL) return OPS_OK;
  struct ops_aot_field fields[OPS_AOT_MAX_FIELDS];
  size_t n_fields;
  if (!ops_aot_params_fields(st->bind.kernel, fields, &n_fields)) {
    return ops_fail(E->d, OPS_ERR_UNSUPPORTED,
                    "node '%s' (%s): kernel %s has params the ahead-of-time emitter does not "
                    "know how to relocate (compiler/aot-reloc.c)",
                    node->name, node->op_type, st->bind.kernel->name);
  }
  size_t bytes = ops_params_bytes(st->bind.params);
  unsigned char *copy = malloc(bytes ? bytes : 1);
  if (copy == NULL) return ops_fail(E->d, OPS_ERR_NO_MEMORY, "out of memory");
  memcpy(copy, st->bind.params, bytes);
  const unsigned char *base = st->bind.params;
  enum ops_status status = OPS_OK;
  for (size_t f = 0; f < n_fields && status == OPS_OK; f++) {
    const void *value;
    if (fields[f].offset + sizeof value > bytes) {
      status = ops_fail(E->d, OPS_ERR_INTERNAL, "node '%s': params of %zu bytes are too short",
                        node->name, bytes);
      break;
    }
    memcpy(&value, base + fields[f].offset, sizeof value);
    memset(copy + fields[f].offset, 0, sizeof value);
    if (value == NULL) continue;
    struct ops_aot_reloc *rl = &so->relocs[so->n_relocs++];
    rl->at = fields[f].offset;
    if (fields[f].kind == OPS_AOT_FIELD_KCONFIG) {
      const char *name = ops_kconfig_name(fields[f].family, value);
      uint32_t need = 0;
      if (name == NULL || ops_kconfig_find(fields[f].family, name, &need) != value) {
        status = ops_fail(E->d, OPS_ERR_INTERNAL, "node '%s': its microkernel is not listed",
                          node->name);
        break;
      }
      rl->kind = OPS_AOT_RELOC_KCONFIG;
      rl->target = (uint64_t)fields[f].family;
      rl->name = name;
      E->isa_flags |= need;
    } else {
      const unsigned char *p = value;
      if (p < base || p >= base + bytes) {
        status =
            ops_fail(E->d, OPS_ERR_UNSUPPORTED, "node '%s' (%s): a params pointer leaves its block",
                     node->name, node->op_type);
        break;
      }
      rl->kind = OPS_AOT_RELOC_SELF;
      rl->target = (uint64_t)(p - base);
    }
  }
  if (status == OPS_OK) status = put_weights(E, copy, bytes, &so->params_offset);
  so->params_bytes = bytes;
  free(copy);
  return status;
}

/* The graph as JSON IR into memory, its constants into the weights. */
static enum ops_status put_graph(struct emitter *E, const char *weights_name) {
  FILE *mem = open_memstream(&E->graph_json, &E->graph_len);
  if (mem == NULL) return ops_fail(E->d, OPS_ERR_NO_MEMORY, "out of memory");
  enum ops_status st =
      ops_save_json_streams(E->g, mem, E->w, E->w_path, weights_name, &E->w_size, E->offsets, E->d);
  if (fclose(mem) != 0 && st == OPS_OK) st = ops_fail(E->d, OPS_ERR_NO_MEMORY, "out of memory");
  return st;
}

/* ---- operand places ---- */

static enum ops_status place_of(struct emitter *E, const char *node, const char *op, int tensor,
                                const void *ptr, struct ops_aot_ref *ref) {
  const struct ops_exec *e = E->e;
  const unsigned char *p = ptr;
  ref->where = OPS_AOT_NONE;
  ref->offset = 0;
  if (p == NULL) return OPS_OK;
  if (p >= e->arena && p < e->arena + e->arena_bytes) {
    ref->where = OPS_AOT_ARENA;
    ref->offset = (uint64_t)(p - e->arena);
    return OPS_OK;
  }
  if (tensor >= 0 && p == E->g->tensors[tensor].data && E->offsets[tensor] != SIZE_MAX) {
    ref->where = OPS_AOT_WEIGHTS;
    ref->offset = E->offsets[tensor];
    return OPS_OK;
  }
  return ops_fail(E->d, OPS_ERR_UNSUPPORTED,
                  "node '%s' (%s): tensor '%s' is neither an activation nor a saved constant "
                  "(an input bound to a value cannot be compiled ahead of time)",
                  node, op, tensor >= 0 ? E->g->tensors[tensor].name : "?");
}

/* ---- the C file ---- */

/* s as a C string literal (octal escapes for anything outside printable ASCII, and for '?' so
 * no trigraph forms), broken into lines. */
static void c_string(FILE *f, const char *s, size_t n) {
  fputc('"', f);
  size_t col = 0;
  for (size_t i = 0; i < n; i++) {
    unsigned char c = (unsigned char)s[i];
    if (col >= 96) {
      fputs("\"\n    \"", f);
      col = 0;
    }
    if (c == '"' || c == '\\') {
      fprintf(f, "\\%c", c);
      col += 2;
    } else if (c < 0x20 || c >= 0x7f || c == '?') {
      fprintf(f, "\\%03o", c);
      col += 4;
    } else {
      fputc(c, f);
      col++;
    }
  }
  fputc('"', f);
}

static void c_dims(FILE *f, const struct ops_kdims *k) {
  fprintf(f, "{%d, {", k->rank);
  for (int i = 0; i < k->rank; i++)
    fprintf(f, "%s%" PRId64 "LL", i ? ", " : "", k->d[i]);
  fprintf(f, "}}");
}

static enum ops_status c_operands(struct emitter *E, FILE *f, size_t s, const char *which, int n,
                                  const int *tensors, const void *const *ptrs,
                                  const struct ops_kdims *dims, const int *dtypes) {
  const struct ops_node *node = &E->g->nodes[E->e->steps[s].node];
  if (n == 0) return OPS_OK;
  fprintf(f, "static const struct ops_aot_ref %s_%zu[] = {", which, s);
  for (int i = 0; i < n; i++) {
    struct ops_aot_ref ref;
    enum ops_status st = place_of(E, node->name, node->op_type, tensors[i], ptrs[i], &ref);
    if (st != OPS_OK) return st;
    fprintf(f, "%s{%u, %" PRIu64 "u}", i ? ", " : "", ref.where, ref.offset);
  }
  fprintf(f, "};\nstatic const struct ops_kdims %s_dims_%zu[] = {", which, s);
  for (int i = 0; i < n; i++) {
    fputs(i ? ", " : "", f);
    c_dims(f, &dims[i]);
  }
  fprintf(f, "};\nstatic const int %s_dtype_%zu[] = {", which, s);
  for (int i = 0; i < n; i++)
    fprintf(f, "%s%d", i ? ", " : "", dtypes[i]);
  fprintf(f, "};\n");
  return OPS_OK;
}

static enum ops_status c_step(struct emitter *E, FILE *f, size_t s) {
  const struct ops_step *st = &E->e->steps[s];
  const struct ops_node *node = &E->g->nodes[st->node];
  const struct step_out *so = &E->steps[s];
  fprintf(f, "\n/* op %zu: node ", s);
  c_string(f, node->name, strlen(node->name) > 60 ? 60 : strlen(node->name));
  fprintf(f, " (%s) on %s: %s */\n", node->op_type, opscope_unit_name(st->unit),
          st->bind.kernel->name);
  enum ops_status status = c_operands(E, f, s, "in", st->call.n_in, node->inputs,
                                      (const void *const *)st->in, st->in_dims, st->in_dtype);
  if (status == OPS_OK) {
    status = c_operands(E, f, s, "out", st->call.n_out, node->outputs, (const void *const *)st->out,
                        st->out_dims, st->out_dtype);
  }
  if (status != OPS_OK) return status;
  if (so->n_relocs > 0) {
    fprintf(f, "static const struct ops_aot_reloc relocs_%zu[] = {", s);
    for (size_t r = 0; r < so->n_relocs; r++) {
      const struct ops_aot_reloc *rl = &so->relocs[r];
      fprintf(f, "%s{%" PRIu64 "u, %u, %" PRIu64 "u, ", r ? ", " : "", rl->at, rl->kind,
              rl->target);
      if (rl->name != NULL) {
        c_string(f, rl->name, strlen(rl->name));
      } else {
        fputs("0", f);
      }
      fputs("}", f);
    }
    fprintf(f, "};\n");
  }
  return OPS_OK;
}

/* "NAME_S, " for a table that was written, "0, " (a null pointer) for one that was not. */
static void table_ref(FILE *f, bool written, const char *name, size_t s) {
  if (written) {
    fprintf(f, "%s_%zu, ", name, s);
  } else {
    fputs("0, ", f);
  }
}

static void c_step_entry(struct emitter *E, FILE *f, size_t s) {
  const struct ops_step *st = &E->e->steps[s];
  const struct ops_node *node = &E->g->nodes[st->node];
  const struct step_out *so = &E->steps[s];
  fputs("    {", f);
  c_string(f, node->name, strlen(node->name));
  int ni = st->call.n_in, no = st->call.n_out;
  fprintf(f, ", %d, %d, ", ni, no);
  table_ref(f, ni > 0, "in", s);
  table_ref(f, no > 0, "out", s);
  table_ref(f, ni > 0, "in_dims", s);
  table_ref(f, no > 0, "out_dims", s);
  table_ref(f, ni > 0, "in_dtype", s);
  table_ref(f, no > 0, "out_dtype", s);
  fputs("\n     ", f);
  if (so->params_offset != UINT64_MAX) {
    fprintf(f, "{%d, %" PRIu64 "u}, %zuu, ", OPS_AOT_WEIGHTS, so->params_offset, so->params_bytes);
  } else {
    fprintf(f, "{%d, 0u}, 0u, ", OPS_AOT_NONE);
  }
  if (so->n_relocs > 0) {
    fprintf(f, "relocs_%zu, %zuu, ", s, so->n_relocs);
  } else {
    fputs("0, 0u, ", f);
  }
  fprintf(f, "%zuu, %d},\n", st->call.scratch_bytes, st->unit == OPSCOPE_UNIT_THREADS);
}

static enum ops_status c_io(struct emitter *E, FILE *f, const char *which, const int *list,
                            size_t n) {
  if (n == 0) return OPS_OK;
  fprintf(f, "static const struct ops_aot_io %s[] = {\n", which);
  for (size_t i = 0; i < n; i++) {
    const struct ops_tensor *t = &E->g->tensors[list[i]];
    struct ops_aot_ref ref;
    enum ops_status st = place_of(E, "(graph)", which, list[i], E->e->tensor_data[list[i]], &ref);
    if (st != OPS_OK) return st;
    size_t bytes = 0;
    ops_tensor_byte_size(t, &bytes);
    struct ops_kdims k = {.rank = t->shape.rank};
    for (int j = 0; j < t->shape.rank && j < OPS_KMAX_RANK; j++)
      k.d[j] = t->shape.dims[j];
    fputs("    {", f);
    c_string(f, t->name, strlen(t->name));
    fprintf(f, ", {%u, %" PRIu64 "u}, %d, ", ref.where, ref.offset, (int)t->dtype);
    c_dims(f, &k);
    fprintf(f, ", %zuu},\n", bytes);
  }
  fprintf(f, "};\n");
  return OPS_OK;
}

/* ---- the metadata ---- */

static struct json_object *shape_json(const struct ops_tensor *t) {
  struct json_object *a = json_object_new_array();
  for (int i = 0; a != NULL && i < t->shape.rank; i++)
    json_object_array_add(a, json_object_new_int64(t->shape.dims[i]));
  return a;
}

static struct json_object *io_json(const struct ops_graph *g, const int *list, size_t n) {
  struct json_object *a = json_object_new_array();
  for (size_t i = 0; a != NULL && i < n; i++) {
    const struct ops_tensor *t = &g->tensors[list[i]];
    struct json_object *o = json_object_new_object();
    json_object_object_add(o, "name", json_object_new_string(t->name));
    json_object_object_add(o, "dtype", json_object_new_string(ops_dtype_name(t->dtype)));
    json_object_object_add(o, "shape", shape_json(t));
    json_object_array_add(a, o);
  }
  return a;
}

/* The microkernels behind an op, as its relocations name them. */
static struct json_object *micro_json(const struct step_out *so) {
  struct json_object *a = json_object_new_array();
  for (size_t r = 0; a != NULL && r < so->n_relocs; r++) {
    if (so->relocs[r].kind == OPS_AOT_RELOC_KCONFIG) {
      json_object_array_add(a, json_object_new_string(so->relocs[r].name));
    }
  }
  return a;
}

static char *meta_json(struct emitter *E, const char *weights_name, int pool_threads) {
  const struct ops_exec *e = E->e;
  const struct ops_graph *g = E->g;
  struct json_object *m = json_object_new_object();
  if (m == NULL) return NULL;
  char hex[32], isa[160];
  snprintf(hex, sizeof hex, "%016" PRIx64, E->fnv);
  ops_cpu_flags_str(E->isa_flags, isa, sizeof isa);
  json_object_object_add(m, "format", json_object_new_string("opscope-aot"));
  json_object_object_add(m, "version", json_object_new_int(1));
  json_object_object_add(m, "abi", json_object_new_int(OPS_AOT_ABI));
  json_object_object_add(m, "model", json_object_new_string(g->name ? g->name : ""));
  json_object_object_add(m, "source", json_object_new_string(E->o->source ? E->o->source : ""));
  json_object_object_add(m, "symbol_prefix", json_object_new_string(E->r->symbol));
  json_object_object_add(m, "unit", json_object_new_string(opscope_unit_name(e->plan->requested)));
  json_object_object_add(m, "isa", json_object_new_string(ops_cpu_isa_name()));
  json_object_object_add(m, "isa_flags", json_object_new_string(isa));
  json_object_object_add(m, "isa_mask", json_object_new_int64(E->isa_flags));
  json_object_object_add(m, "opset", json_object_new_int64(g->opset));
  json_object_object_add(m, "opt_level", json_object_new_int(E->o->opt_level));
  json_object_object_add(m, "arena_bytes", json_object_new_int64((int64_t)e->arena_bytes));
  json_object_object_add(m, "activation_bytes",
                         json_object_new_int64((int64_t)e->activation_bytes));
  json_object_object_add(m, "naive_bytes", json_object_new_int64((int64_t)e->naive_bytes));
  json_object_object_add(m, "scratch_bytes", json_object_new_int64((int64_t)e->scratch_bytes));
  size_t packed = 0;
  for (size_t s = 0; s < e->n_steps; s++)
    packed += e->steps[s].bind.packed_bytes;
  json_object_object_add(m, "packed_bytes", json_object_new_int64((int64_t)packed));
  json_object_object_add(m, "pool_threads", json_object_new_int(pool_threads));
  struct json_object *w = json_object_new_object();
  json_object_object_add(w, "file", json_object_new_string(weights_name));
  json_object_object_add(w, "bytes", json_object_new_int64((int64_t)E->w_size));
  json_object_object_add(w, "fnv1a64", json_object_new_string(hex));
  json_object_object_add(m, "weights", w);
  json_object_object_add(m, "inputs", io_json(g, g->inputs, g->n_inputs));
  json_object_object_add(m, "outputs", io_json(g, g->outputs, g->n_outputs));
  /* Every activation's place, so a loader can read any tensor of a run, not only outputs. */
  struct json_object *acts = json_object_new_array();
  for (size_t t = 0; t < g->n_tensors; t++) {
    const unsigned char *p = e->tensor_data[t];
    if (p == NULL || p < e->arena || p >= e->arena + e->arena_bytes) continue;
    struct json_object *o = json_object_new_object();
    json_object_object_add(o, "name", json_object_new_string(g->tensors[t].name));
    json_object_object_add(o, "offset", json_object_new_int64((int64_t)(p - e->arena)));
    json_object_array_add(acts, o);
  }
  json_object_object_add(m, "activations", acts);
  struct json_object *ops = json_object_new_array();
  for (size_t s = 0; s < e->n_steps; s++) {
    const struct ops_step *st = &e->steps[s];
    const struct ops_node *node = &g->nodes[st->node];
    struct json_object *o = json_object_new_object();
    json_object_object_add(o, "symbol", json_object_new_string(E->steps[s].symbol));
    json_object_object_add(o, "node", json_object_new_string(node->name));
    json_object_object_add(o, "op", json_object_new_string(node->op_type));
    json_object_object_add(o, "unit", json_object_new_string(opscope_unit_name(st->unit)));
    json_object_object_add(o, "kernel", json_object_new_string(st->bind.kernel->name));
    json_object_object_add(o, "microkernels", micro_json(&E->steps[s]));
    json_object_array_add(ops, o);
  }
  json_object_object_add(m, "ops", ops);
  const char *text = json_object_to_json_string_ext(m, JSON_C_TO_STRING_PLAIN);
  char *copy = text != NULL ? strdup(text) : NULL;
  json_object_put(m);
  return copy;
}

/* ---- files ---- */

static enum ops_status path_of(struct emitter *E, const char *ext, char *buf, size_t len) {
  int n = snprintf(buf, len, "%s%s", E->r->base, ext);
  if (n < 0 || (size_t)n >= len) {
    return ops_fail(E->d, OPS_ERR_BAD_INPUT, "the output path %s%s is too long", E->r->base, ext);
  }
  return OPS_OK;
}

static enum ops_status close_file(struct emitter *E, FILE *f, const char *path) {
  bool ok = fflush(f) == 0 && !ferror(f);
  ok &= fclose(f) == 0;
  return ok ? OPS_OK : ops_fail(E->d, OPS_ERR_IO, "%s: cannot write: %s", path, strerror(errno));
}

static enum ops_status write_header(struct emitter *E) {
  char path[4200];
  enum ops_status st = path_of(E, ".h", path, sizeof path);
  if (st != OPS_OK) return st;
  FILE *f = fopen(path, "w");
  if (f == NULL) return ops_fail(E->d, OPS_ERR_IO, "%s: cannot create: %s", path, strerror(errno));
  const char *P = E->r->symbol;
  const struct ops_graph *g = E->g;
  fprintf(f,
          "/* %s.h: the API of %s.so, emitted by opscope %s. Do not edit. */\n"
          "#ifndef %s_H\n#define %s_H\n\n#include <stddef.h>\n\n"
          "typedef struct ops_aot_instance %s_t;\n\n"
          "#define %s_INPUTS %zu\n#define %s_OUTPUTS %zu\n\n",
          P, P, OPSCOPE_VERSION_STRING, P, P, P, P, g->n_inputs, P, g->n_outputs);
  fprintf(f,
          "/* An instance with its own arena. weights_path NULL: %s.weights beside the library.\n"
          " * NULL on failure, with the reason in err (err_len bytes). */\n"
          "%s_t *%s_new(const char *weights_path, char *err, size_t err_len);\n"
          "void %s_free(%s_t *m);\n\n"
          "/* Runs every op once: 0, or the 1-based number of the op that met a value outside its\n"
          " * domain (an index out of range). */\n"
          "int %s_run(%s_t *m);\n\n"
          "/* Input and output buffers (row-major, the dtypes and shapes of %s.opscope_meta), and\n"
          " * their sizes in bytes. */\n"
          "void *%s_input(%s_t *m, size_t i);\nvoid *%s_output(%s_t *m, size_t i);\n"
          "size_t %s_input_bytes(size_t i);\nsize_t %s_output_bytes(size_t i);\n\n"
          "#endif\n",
          P, P, P, P, P, P, P, P, P, P, P, P, P, P);
  return close_file(E, f, path);
}

static enum ops_status write_c(struct emitter *E, const char *weights_name, int pool_threads) {
  char path[4200];
  enum ops_status st = path_of(E, ".c", path, sizeof path);
  if (st != OPS_OK) return st;
  char *meta = meta_json(E, weights_name, pool_threads);
  if (meta == NULL) return ops_fail(E->d, OPS_ERR_NO_MEMORY, "out of memory");
  FILE *f = fopen(path, "w");
  if (f == NULL) {
    free(meta);
    return ops_fail(E->d, OPS_ERR_IO, "%s: cannot create: %s", path, strerror(errno));
  }
  const struct ops_exec *e = E->e;
  const char *P = E->r->symbol;
  fprintf(f,
          "/*\n * %s.c: emitted by opscope %s from %s for the %s unit (%s), O%d.\n"
          " * Weights: %s (%zu bytes). Do not edit: emit it again.\n */\n"
          "#include \"runtime/aot-runtime.h\"\n\n"
          "#define API __attribute__((visibility(\"default\")))\n\n"
          "/* The kernels this model calls; the library links exactly these. */\n",
          P, OPSCOPE_VERSION_STRING, E->o->source ? E->o->source : "?",
          opscope_unit_name(e->plan->requested), ops_cpu_isa_name(), E->o->opt_level, weights_name,
          E->w_size);
  /* Each kernel once. */
  for (size_t s = 0; s < e->n_steps; s++) {
    bool seen = false;
    for (size_t t = 0; t < s && !seen; t++)
      seen = e->steps[t].bind.kernel == e->steps[s].bind.kernel;
    if (!seen) {
      fprintf(f, "enum ops_kresult %s(const struct ops_kcall *call);\n",
              e->steps[s].bind.kernel->name);
    }
  }
  for (size_t s = 0; s < e->n_steps && st == OPS_OK; s++)
    st = c_step(E, f, s);
  if (st == OPS_OK) {
    fprintf(f, "\nstatic const struct ops_aot_step steps[] = {\n");
    for (size_t s = 0; s < e->n_steps; s++)
      c_step_entry(E, f, s);
    fprintf(f, "};\n\n");
    st = c_io(E, f, "inputs", E->g->inputs, E->g->n_inputs);
  }
  if (st == OPS_OK) st = c_io(E, f, "outputs", E->g->outputs, E->g->n_outputs);
  if (st != OPS_OK) {
    fclose(f);
    free(meta);
    return st;
  }
  fprintf(f, "\nstatic const struct ops_aot_model model = {\n    %d, 0x%xu, \"%s\", ", OPS_AOT_ABI,
          E->isa_flags, P);
  c_string(f, weights_name, strlen(weights_name));
  fprintf(
      f, ",\n    %zuu, 0x%016" PRIx64 "u, %zuu, %zuu, %d,\n    %zuu, steps, %zuu, %zuu, %s, %s};\n",
      E->w_size, E->fnv, e->arena_bytes, e->activation_bytes, pool_threads, e->n_steps,
      E->g->n_inputs, E->g->n_outputs, E->g->n_inputs ? "inputs" : "0",
      E->g->n_outputs ? "outputs" : "0");
  fprintf(f,
          "\n/* What opscope reads back with libelf (docs/aot.md). */\n"
          "API const char %s_meta[] __attribute__((section(\".opscope_meta\"), used)) =\n    ",
          P);
  c_string(f, meta, strlen(meta));
  fprintf(f,
          ";\nAPI const char %s_graph[] __attribute__((section(\".opscope_graph\"), used)) =\n    ",
          P);
  c_string(f, E->graph_json, E->graph_len);
  fprintf(f, ";\n\ntypedef struct ops_aot_instance %s_t;\n", P);
  fprintf(f, "\n/* One function per op, in run order. */\n");
  for (size_t s = 0; s < e->n_steps; s++) {
    fprintf(f, "API int %s(%s_t *m) {\n  return (int)%s(ops_aot_instance_call(m, %zuu));\n}\n",
            E->steps[s].symbol, P, e->steps[s].bind.kernel->name, s);
  }
  fprintf(f,
          "\nAPI %s_t *%s_new(const char *weights_path, char *err, size_t err_len) {\n"
          "  return ops_aot_instance_new(&model, weights_path, err, err_len);\n}\n"
          "\nAPI void %s_free(%s_t *m) {\n  ops_aot_instance_free(m);\n}\n"
          "\nAPI int %s_run(%s_t *m) {\n",
          P, P, P, P, P, P);
  for (size_t s = 0; s < e->n_steps; s++)
    fprintf(f, "  if (%s(m) != 0) return %zu;\n", E->steps[s].symbol, s + 1);
  fprintf(f,
          "  return 0;\n}\n"
          "\nAPI void *%s_input(%s_t *m, size_t i) {\n"
          "  return i < model.n_inputs ? ops_aot_instance_ptr(m, model.inputs[i].ref) : 0;\n}\n"
          "\nAPI void *%s_output(%s_t *m, size_t i) {\n"
          "  return i < model.n_outputs ? ops_aot_instance_ptr(m, model.outputs[i].ref) : 0;\n}\n"
          "\nAPI size_t %s_input_bytes(size_t i) {\n"
          "  return i < model.n_inputs ? (size_t)model.inputs[i].bytes : 0;\n}\n"
          "\nAPI size_t %s_output_bytes(size_t i) {\n"
          "  return i < model.n_outputs ? (size_t)model.outputs[i].bytes : 0;\n}\n"
          "\nAPI void *%s_arena(%s_t *m) {\n  return ops_aot_instance_arena(m);\n}\n",
          P, P, P, P, P, P, P, P);
  free(meta);
  return close_file(E, f, path);
}

/* ---- building ---- */

static double now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/* The ISA flags for the emitted file: those of the microkernels it calls (NULL-terminated). */
static const char *const *isa_cflags(uint32_t flags) {
  static const char *const avx512f[] = {"-mavx512f", NULL};
  static const char *const avx2[] = {"-mavx2", "-mfma", NULL};
  static const char *const none[] = {NULL};
  if (flags & OPS_ISA_AVX512F) return avx512f;
  return flags & OPS_ISA_AVX2 ? avx2 : none;
}

static enum ops_status build(struct emitter *E) {
  char c_path[4200], so_path[4200], log_path[4200];
  enum ops_status st = path_of(E, ".c", c_path, sizeof c_path);
  if (st == OPS_OK) st = path_of(E, ".so", so_path, sizeof so_path);
  if (st == OPS_OK) st = path_of(E, ".build.log", log_path, sizeof log_path);
  if (st != OPS_OK) return st;
  const char *cc = getenv("OPSCOPE_AOT_CC");
  if (cc == NULL || cc[0] == '\0') cc = OPSCOPE_AOT_CC;
  char sanitize[256] = "";
  if (OPSCOPE_AOT_SANITIZE[0] != '\0') {
    snprintf(sanitize, sizeof sanitize, "-fsanitize=%s", OPSCOPE_AOT_SANITIZE);
  }
  char *argv[32];
  int n = 0;
  argv[n++] = (char *)cc;
  argv[n++] = "-std=c17";
  argv[n++] = "-O2";
  argv[n++] = "-fPIC";
  argv[n++] = "-shared";
  argv[n++] = "-fvisibility=hidden";
  argv[n++] = "-D_GNU_SOURCE";
  for (const char *const *f = isa_cflags(E->isa_flags); *f != NULL; f++)
    argv[n++] = (char *)*f;
  if (sanitize[0] != '\0') argv[n++] = sanitize;
  argv[n++] = "-I" OPSCOPE_AOT_SOURCE_DIR;
  argv[n++] = "-I" OPSCOPE_AOT_SOURCE_DIR "/include";
  argv[n++] = "-o";
  argv[n++] = so_path;
  argv[n++] = c_path;
  argv[n++] = OPSCOPE_AOT_RUNTIME_LIB;
  argv[n++] = OPSCOPE_AOT_KERNELS_LIB;
  argv[n++] = "-lm";
  argv[n++] = "-lpthread";
  argv[n++] = "-ldl";
  argv[n] = NULL;
  posix_spawn_file_actions_t fa;
  if (posix_spawn_file_actions_init(&fa) != 0) return ops_fail(E->d, OPS_ERR_NO_MEMORY, "spawn");
  posix_spawn_file_actions_addopen(&fa, 1, log_path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_adddup2(&fa, 1, 2);
  double t0 = now_ms();
  pid_t pid;
  int rc = posix_spawnp(&pid, cc, &fa, NULL, argv, environ);
  posix_spawn_file_actions_destroy(&fa);
  if (rc != 0) {
    return ops_fail(E->d, OPS_ERR_UNAVAILABLE, "cannot run the C compiler '%s': %s", cc,
                    strerror(rc));
  }
  int status = 0;
  while (waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) return ops_fail(E->d, OPS_ERR_INTERNAL, "waitpid: %s", strerror(errno));
  }
  E->r->build_ms = now_ms() - t0;
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    return ops_fail(E->d, OPS_ERR_INTERNAL,
                    "the C compiler '%s' failed building %s; its output "
                    "is in %s",
                    cc, so_path, log_path);
  }
  return OPS_OK;
}

static enum ops_status make_dir(const char *dir, struct ops_diag *d) {
  struct stat sb;
  if (stat(dir, &sb) == 0) {
    return S_ISDIR(sb.st_mode) ? OPS_OK
                               : ops_fail(d, OPS_ERR_BAD_INPUT, "%s is not a directory", dir);
  }
  if (mkdir(dir, 0755) != 0 && errno != EEXIST) {
    return ops_fail(d, OPS_ERR_IO, "cannot create the directory %s: %s", dir, strerror(errno));
  }
  return OPS_OK;
}

static enum ops_status checksum(struct emitter *E) {
  FILE *f = fopen(E->w_path, "rb");
  if (f == NULL) return ops_fail(E->d, OPS_ERR_IO, "%s: cannot read back", E->w_path);
  unsigned char buf[1 << 16];
  uint64_t h = OPS_AOT_FNV1A_INIT;
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, f)) > 0)
    h = ops_aot_fnv1a(h, buf, n);
  bool bad = ferror(f) != 0;
  fclose(f);
  if (bad) return ops_fail(E->d, OPS_ERR_IO, "%s: cannot read back", E->w_path);
  E->fnv = h;
  return OPS_OK;
}

enum ops_status ops_aot_emit(const struct ops_exec *exec, const struct ops_aot_options *opts,
                             struct ops_aot_result *out, struct ops_diag *d) {
  struct emitter E = {.e = exec, .g = exec->graph, .o = opts, .r = out, .d = d};
  memset(out, 0, sizeof *out);
  enum ops_status st = OPS_OK;
  const char *unit = opscope_unit_name(exec->plan->requested);
  for (const char *c = opts->prefix; *c != '\0'; c++) {
    bool ok = (*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') || (*c >= '0' && *c <= '9') ||
              *c == '_' || *c == '-' || *c == '.';
    if (!ok || opts->prefix[0] == '.') {
      return ops_fail(d, OPS_ERR_BAD_INPUT,
                      "--prefix '%s': use letters, digits, '_', '-' and '.' (not first)",
                      opts->prefix);
    }
  }
  if (opts->prefix[0] == '\0' || strlen(opts->prefix) > 120) {
    return ops_fail(d, OPS_ERR_BAD_INPUT, "--prefix must have 1 to 120 characters");
  }
  st = make_dir(opts->out_dir, d);
  if (st != OPS_OK) return st;
  int n = snprintf(out->base, sizeof out->base, "%s/%s_%s", opts->out_dir, opts->prefix, unit);
  if (n < 0 || (size_t)n >= sizeof out->base) {
    return ops_fail(d, OPS_ERR_BAD_INPUT, "--output-dir is too long");
  }
  char name[300];
  snprintf(name, sizeof name, "%s_%s", opts->prefix, unit);
  ident(name, out->symbol, sizeof out->symbol);
  char weights_name[320];
  snprintf(weights_name, sizeof weights_name, "%s.weights", name);

  E.offsets = ops_calloc_array(E.g->n_tensors, sizeof *E.offsets);
  E.steps = ops_calloc_array(exec->n_steps, sizeof *E.steps);
  if (E.offsets == NULL || E.steps == NULL) {
    st = ops_fail(d, OPS_ERR_NO_MEMORY, "out of memory");
    goto done;
  }
  st = path_of(&E, ".weights", E.w_path, sizeof E.w_path);
  if (st != OPS_OK) goto done;
  E.w = fopen(E.w_path, "wb");
  if (E.w == NULL) {
    st = ops_fail(d, OPS_ERR_IO, "%s: cannot create: %s", E.w_path, strerror(errno));
    goto done;
  }
  st = put_graph(&E, weights_name);
  for (size_t s = 0; s < exec->n_steps && st == OPS_OK; s++) {
    const struct ops_node *node = &E.g->nodes[exec->steps[s].node];
    char nid[48];
    ident(node->name, nid, sizeof nid);
    snprintf(E.steps[s].symbol, sizeof E.steps[s].symbol, "%s_op_%04zu_%s", out->symbol, s, nid);
    st = put_params(&E, s);
  }
  FILE *w = E.w;
  E.w = NULL;
  enum ops_status closed = close_file(&E, w, E.w_path);
  if (st == OPS_OK) st = closed;
  if (st == OPS_OK) st = checksum(&E);
  out->weights_bytes = E.w_size;
  out->n_ops = exec->n_steps;
  int pool_threads = exec->pool != NULL ? ops_pool_threads(exec->pool) : 0;
  if (st == OPS_OK) st = write_c(&E, weights_name, pool_threads);
  if (st == OPS_OK) st = write_header(&E);
  if (st == OPS_OK && opts->build) st = build(&E);
done:
  if (E.w != NULL) fclose(E.w);
  free(E.offsets);
  free(E.steps);
  free(E.graph_json);
  return st;
}
