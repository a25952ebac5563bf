/* The overrides file of the live view (tui/overrides.h). */
#include "tui/overrides.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "opscope.h"

/* Longer lines are refused rather than split: node names of real models stay far below. */
#define LINE_MAX_BYTES 1024

static int find_node(const struct ops_graph *g, const char *name) {
  for (size_t i = 0; i < g->n_nodes; i++) {
    if (strcmp(g->nodes[i].name, name) == 0) return (int)i;
  }
  return -1;
}

/* Splits `line` into at most 3 whitespace-separated words; returns how many (3 means more than
 * two). */
static int split_words(char *line, char **words) {
  int n = 0;
  char *p = line;
  while (*p != '\0' && n < 3) {
    while (isspace((unsigned char)*p))
      p++;
    if (*p == '\0') break;
    words[n++] = p;
    while (*p != '\0' && !isspace((unsigned char)*p))
      p++;
    if (*p != '\0') *p++ = '\0';
  }
  return n;
}

enum ops_status ops_tui_overrides_read(const char *path, const struct ops_graph *g, int *units,
                                       struct ops_diag *d) {
  for (size_t i = 0; i < g->n_nodes; i++)
    units[i] = -1;
  FILE *f = fopen(path, "r");
  if (f == NULL) {
    if (errno == ENOENT) return OPS_OK;
    return ops_fail(d, OPS_ERR_IO, "%s: cannot read the overrides file: %s", path, strerror(errno));
  }
  enum ops_status st = OPS_OK;
  char line[LINE_MAX_BYTES];
  size_t lineno = 0;
  while (fgets(line, sizeof line, f) != NULL) {
    lineno++;
    size_t len = strlen(line);
    if (len == sizeof line - 1 && line[len - 1] != '\n' && !feof(f)) {
      st = ops_fail(d, OPS_ERR_BAD_INPUT, "%s:%zu: line longer than %d bytes", path, lineno,
                    LINE_MAX_BYTES - 2);
      goto fail;
    }
    if (memchr(line, '\0', len) != NULL && strlen(line) != len) {
      st = ops_fail(d, OPS_ERR_BAD_INPUT, "%s:%zu: NUL byte in the line", path, lineno);
      goto fail;
    }
    char *words[3];
    int n = split_words(line, words);
    if (n == 0 || words[0][0] == '#') continue;
    if (n != 2) {
      st = ops_fail(d, OPS_ERR_BAD_INPUT, "%s:%zu: expected 'NODE UNIT', got %s", path, lineno,
                    n == 1 ? "one word" : "more than two words");
      goto fail;
    }
    int node = find_node(g, words[0]);
    if (node < 0) {
      st = ops_fail(d, OPS_ERR_BAD_INPUT, "%s:%zu: the model has no node '%s'", path, lineno,
                    words[0]);
      goto fail;
    }
    int unit = opscope_unit_parse(words[1]);
    if (unit < OPSCOPE_UNIT_SCALAR || unit >= OPSCOPE_UNIT_ALL) {
      st = ops_fail(d, OPS_ERR_BAD_INPUT,
                    "%s:%zu: node '%s': '%s' is not a unit (scalar, simd or threads)", path, lineno,
                    words[0], words[1]);
      goto fail;
    }
    if (units[node] >= 0) {
      st = ops_fail(d, OPS_ERR_BAD_INPUT, "%s:%zu: node '%s' is overridden twice", path, lineno,
                    words[0]);
      goto fail;
    }
    units[node] = unit;
  }
  if (ferror(f)) st = ops_fail(d, OPS_ERR_IO, "%s: read error: %s", path, strerror(errno));
fail:
  fclose(f);
  return st;
}

static bool has_space(const char *s) {
  for (; *s != '\0'; s++) {
    if (isspace((unsigned char)*s)) return true;
  }
  return false;
}

enum ops_status ops_tui_overrides_write(const char *path, const struct ops_graph *g,
                                        const int *units, struct ops_diag *d) {
  for (size_t i = 0; i < g->n_nodes; i++) {
    if (units[i] >= 0 && (has_space(g->nodes[i].name) || g->nodes[i].name[0] == '#')) {
      return ops_fail(d, OPS_ERR_UNSUPPORTED,
                      "%s: node '%s' cannot be saved: its name has whitespace or starts with '#'",
                      path, g->nodes[i].name);
    }
  }
  char tmp[4096];
  int len = snprintf(tmp, sizeof tmp, "%s.tmp", path);
  if (len < 0 || (size_t)len >= sizeof tmp) {
    return ops_fail(d, OPS_ERR_IO, "%s: the path is too long", path);
  }
  FILE *f = fopen(tmp, "w");
  if (f == NULL) return ops_fail(d, OPS_ERR_IO, "%s: cannot write: %s", tmp, strerror(errno));
  fprintf(f, "# opscope --tui overrides for %s: NODE UNIT per line\n", g->path ? g->path : "");
  for (size_t i = 0; i < g->n_nodes; i++) {
    if (units[i] >= 0) fprintf(f, "%s %s\n", g->nodes[i].name, opscope_unit_name(units[i]));
  }
  bool bad = ferror(f) != 0;
  if (fclose(f) != 0) bad = true;
  if (bad) {
    unlink(tmp);
    return ops_fail(d, OPS_ERR_IO, "%s: write failed: %s", tmp, strerror(errno));
  }
  if (rename(tmp, path) != 0) {
    int e = errno;
    unlink(tmp);
    return ops_fail(d, OPS_ERR_IO, "%s: cannot replace it: %s", path, strerror(e));
  }
  return OPS_OK;
}
