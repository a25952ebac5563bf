/*
 * Einsum: the equation parser (src/shape-infer-einsum.h) and the op's shape inference.
 *
 * The grammar is numpy's, which ONNX adopts: terms of letters (a-z, A-Z) with at most one
 * "..." each, separated by commas, optionally followed by "->" and the output's term. Without
 * "->" the output is the ellipsis dims followed by the letters that appear exactly once in the
 * whole equation, in alphabetical (ASCII) order. A letter repeated within one term takes that
 * term's diagonal. The ellipsis dims of the terms align on the right and broadcast; an explicit
 * output without "..." sums them away.
 */
#include "src/shape-infer-einsum.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "src/shape-infer-impl.h"

/* Longest equation accepted once spaces are dropped; real ones are a few dozen characters. */
#define EQ_MAX_CHARS 256

/* A letter's slot in the 52-entry letter tables, or -1 when `ch` is not a letter. */
static int letter_slot(char ch) {
  if (ch >= 'a' && ch <= 'z') return ch - 'a' + 26;
  if (ch >= 'A' && ch <= 'Z') return ch - 'A';
  return -1;
}

static bool fail(char *why, size_t why_len, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static bool fail(char *why, size_t why_len, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(why, why_len, fmt, ap);
  va_end(ap);
  return false;
}

/* One term split into letter slots and where its ellipsis sits (-1 when it has none). */
struct term {
  int slot[OPS_MAX_RANK + 1];
  int n_letters;
  int ellipsis_at; /* number of letters before the "..." */
};

/* Parses term text [s, e) into *t; `what` names it in messages ("term 1", "the output"). */
static bool parse_term(const char *s, const char *e, const char *what, struct term *t, char *why,
                       size_t why_len) {
  t->n_letters = 0;
  t->ellipsis_at = -1;
  while (s < e) {
    if (*s == '.') {
      if (e - s < 3 || s[1] != '.' || s[2] != '.') {
        return fail(why, why_len, "%s of the equation has a '.' outside an ellipsis '...'", what);
      }
      if (t->ellipsis_at >= 0) return fail(why, why_len, "%s has two ellipses", what);
      t->ellipsis_at = t->n_letters;
      s += 3;
      continue;
    }
    int slot = letter_slot(*s);
    if (slot < 0) {
      return fail(why, why_len, "%s has '%c', expected letters, '...', ',' or '->'", what, *s);
    }
    if (t->n_letters == OPS_MAX_RANK) {
      return fail(why, why_len, "%s has more than %d subscripts", what, OPS_MAX_RANK);
    }
    t->slot[t->n_letters++] = slot;
    s++;
  }
  return true;
}

bool ops_einsum_parse(const char *equation, int n_inputs, const int *ranks,
                      struct ops_einsum_eq *eq, char *why, size_t why_len) {
  memset(eq, 0, sizeof *eq);
  if (n_inputs < 1 || n_inputs > OPS_EINSUM_EQ_MAX_INPUTS) {
    return fail(why, why_len, "has %d inputs, expected 1 to %d", n_inputs,
                OPS_EINSUM_EQ_MAX_INPUTS);
  }
  char buf[EQ_MAX_CHARS + 1];
  size_t len = 0;
  for (const char *p = equation; *p != '\0'; p++) {
    if (*p == ' ') continue;
    if (len == EQ_MAX_CHARS) {
      return fail(why, why_len, "equation is longer than %d characters", EQ_MAX_CHARS);
    }
    buf[len++] = *p;
  }
  buf[len] = '\0';
  const char *arrow = strstr(buf, "->");
  const char *lhs_end = arrow != NULL ? arrow : buf + len;
  if (arrow != NULL && strstr(arrow + 2, "->") != NULL) {
    return fail(why, why_len, "equation '%s' has two '->'", equation);
  }

  /* The input terms. */
  struct term terms[OPS_EINSUM_EQ_MAX_INPUTS];
  int n_terms = 0;
  const char *s = buf;
  for (;;) {
    const char *comma = memchr(s, ',', (size_t)(lhs_end - s));
    const char *e = comma != NULL ? comma : lhs_end;
    if (n_terms == n_inputs) {
      return fail(why, why_len, "equation '%s' has more terms than the %d inputs", equation,
                  n_inputs);
    }
    char what[32];
    snprintf(what, sizeof what, "term %d", n_terms);
    if (!parse_term(s, e, what, &terms[n_terms], why, why_len)) return false;
    n_terms++;
    if (comma == NULL) break;
    s = comma + 1;
  }
  if (n_terms != n_inputs) {
    return fail(why, why_len, "equation '%s' has %d terms for %d inputs", equation, n_terms,
                n_inputs);
  }

  /* How many dims each ellipsis covers, and the widest one. */
  int ell_dims[OPS_EINSUM_EQ_MAX_INPUTS], ell_rank = 0;
  for (int i = 0; i < n_inputs; i++) {
    const struct term *t = &terms[i];
    if (ranks[i] < 0 || ranks[i] > OPS_MAX_RANK) {
      return fail(why, why_len, "input %d has rank %d", i, ranks[i]);
    }
    ell_dims[i] = ranks[i] - t->n_letters;
    if (ell_dims[i] < 0) {
      return fail(why, why_len, "term %d has %d subscripts, more than input %d's rank %d", i,
                  t->n_letters, i, ranks[i]);
    }
    if (t->ellipsis_at < 0 && ell_dims[i] != 0) {
      return fail(why, why_len, "term %d has %d subscripts but input %d has rank %d", i,
                  t->n_letters, i, ranks[i]);
    }
    if (ell_dims[i] > ell_rank) ell_rank = ell_dims[i];
  }

  /* The output as a list of "symbols": a letter slot, or 52 + k for ellipsis dim k. */
  int out_sym[OPS_MAX_RANK + OPS_MAX_RANK];
  int n_out = 0;
  int count[52] = {0};
  for (int i = 0; i < n_inputs; i++) {
    for (int j = 0; j < terms[i].n_letters; j++)
      count[terms[i].slot[j]]++;
  }
  if (arrow != NULL) {
    struct term out;
    if (!parse_term(arrow + 2, buf + len, "the output", &out, why, why_len)) return false;
    bool used[52] = {false};
    for (int j = 0; j <= out.n_letters; j++) {
      if (j == out.ellipsis_at) {
        for (int k = 0; k < ell_rank; k++)
          out_sym[n_out++] = 52 + k;
      }
      if (j == out.n_letters) break;
      int slot = out.slot[j];
      char ch = (char)(slot < 26 ? 'A' + slot : 'a' + slot - 26);
      if (count[slot] == 0) {
        return fail(why, why_len, "output subscript '%c' appears in no input term", ch);
      }
      if (used[slot]) return fail(why, why_len, "output subscript '%c' appears twice", ch);
      used[slot] = true;
      out_sym[n_out++] = slot;
    }
  } else {
    for (int k = 0; k < ell_rank; k++)
      out_sym[n_out++] = 52 + k;
    for (int slot = 0; slot < 52; slot++) {
      if (count[slot] == 1) {
        if (n_out == OPS_MAX_RANK) {
          return fail(why, why_len, "the output would have more than %d dims", OPS_MAX_RANK);
        }
        out_sym[n_out++] = slot;
      }
    }
  }
  if (n_out > OPS_MAX_RANK) {
    return fail(why, why_len, "the output would have %d dims, more than %d", n_out, OPS_MAX_RANK);
  }

  /* Number the labels: the output's first, then the others as they first appear. */
  int label_of[52 + OPS_MAX_RANK];
  for (int k = 0; k < 52 + OPS_MAX_RANK; k++)
    label_of[k] = -1;
  int n_labels = 0;
  for (int j = 0; j < n_out; j++) {
    eq->from_ellipsis[n_labels] = out_sym[j] >= 52;
    label_of[out_sym[j]] = n_labels++;
  }
  eq->n_out = n_out;
  for (int i = 0; i < n_inputs; i++) {
    const struct term *t = &terms[i];
    int before = t->ellipsis_at >= 0 ? t->ellipsis_at : t->n_letters;
    eq->in_rank[i] = ranks[i];
    for (int d = 0; d < ranks[i]; d++) {
      int sym;
      if (d < before) {
        sym = t->slot[d];
      } else if (d < before + ell_dims[i]) {
        /* Right-aligned: this term's first ellipsis dim is dim ell_rank - ell_dims[i]. */
        sym = 52 + ell_rank - ell_dims[i] + (d - before);
      } else {
        sym = t->slot[d - ell_dims[i]];
      }
      if (label_of[sym] < 0) {
        if (n_labels == OPS_EINSUM_EQ_MAX_LABELS) {
          return fail(why, why_len, "equation '%s' has more than %d distinct subscripts", equation,
                      OPS_EINSUM_EQ_MAX_LABELS);
        }
        eq->from_ellipsis[n_labels] = sym >= 52;
        label_of[sym] = n_labels++;
      }
      eq->in_label[i][d] = label_of[sym];
    }
  }
  eq->n_inputs = n_inputs;
  eq->n_labels = n_labels;
  return true;
}

bool ops_einsum_extents(const struct ops_einsum_eq *eq, const struct ops_shape *const *shapes,
                        int64_t *extent, char *why, size_t why_len) {
  for (int l = 0; l < eq->n_labels; l++)
    extent[l] = -1;
  for (int i = 0; i < eq->n_inputs; i++) {
    for (int d = 0; d < eq->in_rank[i]; d++) {
      int l = eq->in_label[i][d];
      int64_t v = shapes[i]->dims[d];
      if (v < 0 || v == extent[l]) continue;
      if (extent[l] < 0) {
        extent[l] = v;
      } else if (eq->from_ellipsis[l] && (v == 1 || extent[l] == 1)) {
        if (v != 1) extent[l] = v;
      } else {
        return fail(why, why_len,
                    "input %d dim %d has size %lld where another dim with the same subscript "
                    "has %lld",
                    i, d, (long long)v, (long long)extent[l]);
      }
    }
  }
  /* A label whose every dim is unknown stays -1. */
  return true;
}

enum ops_status ops_shape_infer_einsum(struct ops_infer *c) {
  enum ops_status st = ops_shape_check_arity(c, 1, OPS_EINSUM_EQ_MAX_INPUTS, 1);
  if (st != OPS_OK || !ops_shape_inputs_typed(c, c->node->n_inputs)) return st;
  st = ops_shape_check_class(c, 0, OPS_CLASS_NUMERIC);
  for (int i = 1; st == OPS_OK && i < c->node->n_inputs; i++) {
    if (ops_shape_in(c, i) == NULL) return ops_shape_fail(c, "input %d is omitted", i);
    st = ops_shape_check_same_dtype(c, 0, i);
  }
  if (st != OPS_OK) return st;
  const char *equation;
  if (ops_node_attr(c->node, "equation") == NULL) {
    return ops_shape_fail(c, "attribute 'equation' is required");
  }
  st = ops_node_attr_string(c->node, "equation", "", &equation, c->d);
  if (st != OPS_OK) return st;
  enum ops_dtype dtype = ops_shape_in(c, 0)->dtype;
  int ranks[OPS_EINSUM_EQ_MAX_INPUTS];
  const struct ops_shape *shapes[OPS_EINSUM_EQ_MAX_INPUTS];
  for (int i = 0; i < c->node->n_inputs; i++) {
    shapes[i] = &ops_shape_in(c, i)->shape;
    ranks[i] = shapes[i]->rank;
    if (ranks[i] < 0) return ops_shape_set_unknown(c, 0, dtype);
  }
  struct ops_einsum_eq eq;
  char why[200];
  if (!ops_einsum_parse(equation, c->node->n_inputs, ranks, &eq, why, sizeof why)) {
    return ops_shape_fail(c, "%s", why);
  }
  int64_t extent[OPS_EINSUM_EQ_MAX_LABELS];
  if (!ops_einsum_extents(&eq, shapes, extent, why, sizeof why)) {
    return ops_shape_fail(c, "equation '%s': %s", equation, why);
  }
  struct ops_shape out = ops_shape_unknown();
  out.rank = eq.n_out;
  for (int j = 0; j < eq.n_out; j++)
    out.dims[j] = extent[j];
  return ops_shape_set(c, 0, dtype, &out);
}
