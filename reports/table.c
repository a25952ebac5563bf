/*
 * Table rendering. Text pads each column to its widest cell; CSV quotes a cell only when it
 * holds a comma, quote or line break (RFC 4180); Markdown escapes the pipe, since node names
 * from exporters may contain any byte.
 */
#include "reports/table.h"

#include <stdlib.h>
#include <string.h>

#include "src/size.h"

bool ops_table_format_parse(const char *name, enum ops_table_format *out) {
  static const char *const names[OPS_TABLE_FORMAT_COUNT] = {"text", "csv", "md", "json"};
  for (int i = 0; i < OPS_TABLE_FORMAT_COUNT; i++) {
    if (strcmp(name, names[i]) == 0) {
      *out = (enum ops_table_format)i;
      return true;
    }
  }
  return false;
}

void ops_table_init(struct ops_table *t, const char *title, const struct ops_table_col *cols,
                    size_t n_cols) {
  memset(t, 0, sizeof *t);
  t->title = title;
  t->cols = cols;
  t->n_cols = n_cols;
}

void ops_table_done(struct ops_table *t) {
  for (size_t i = 0; i < t->n_rows * t->n_cols; i++)
    free(t->cells[i]);
  free(t->cells);
  t->cells = NULL;
  t->n_rows = t->cap_rows = 0;
}

static char *dup_cell(const char *s) {
  return ops_strdup(s != NULL ? s : "");
}

enum ops_status ops_table_add_row(struct ops_table *t, const char *const *cells) {
  if (t->n_rows == t->cap_rows) {
    size_t cap = t->cap_rows ? t->cap_rows * 2 : 16;
    size_t n_cells;
    if (!ops_mul_size(cap, t->n_cols ? t->n_cols : 1, &n_cells)) return OPS_ERR_NO_MEMORY;
    char **grown = ops_realloc_array(t->cells, n_cells, sizeof *grown);
    if (grown == NULL) return OPS_ERR_NO_MEMORY;
    t->cells = grown;
    t->cap_rows = cap;
  }
  char **row = t->cells + t->n_rows * t->n_cols;
  for (size_t c = 0; c < t->n_cols; c++) {
    row[c] = dup_cell(cells[c]);
    if (row[c] == NULL) {
      for (size_t k = 0; k < c; k++)
        free(row[k]);
      return OPS_ERR_NO_MEMORY;
    }
  }
  t->n_rows++;
  return OPS_OK;
}

static const char *cell(const struct ops_table *t, size_t r, size_t c) {
  return t->cells[r * t->n_cols + c];
}

static void write_text(FILE *f, const struct ops_table *t) {
  size_t width[64] = {0};
  size_t n_cols = t->n_cols < 64 ? t->n_cols : 64;
  for (size_t c = 0; c < n_cols; c++) {
    width[c] = strlen(t->cols[c].name);
    for (size_t r = 0; r < t->n_rows; r++) {
      size_t w = strlen(cell(t, r, c));
      if (w > width[c]) width[c] = w;
    }
  }
  if (t->title != NULL) fprintf(f, "%s\n", t->title);
  for (size_t c = 0; c < n_cols; c++) {
    int w = (int)width[c];
    fprintf(f, t->cols[c].right ? "%s%*s" : "%s%-*s", c ? "  " : "  ", w, t->cols[c].name);
  }
  fputc('\n', f);
  for (size_t r = 0; r < t->n_rows; r++) {
    for (size_t c = 0; c < n_cols; c++) {
      int w = (int)width[c];
      /* The last left-aligned column is not padded, so lines carry no trailing blanks. */
      if (c + 1 == n_cols && !t->cols[c].right) {
        fprintf(f, "  %s", cell(t, r, c));
      } else {
        fprintf(f, t->cols[c].right ? "  %*s" : "  %-*s", w, cell(t, r, c));
      }
    }
    fputc('\n', f);
  }
}

static void write_csv_cell(FILE *f, const char *s) {
  if (strpbrk(s, ",\"\r\n") == NULL) {
    fputs(s, f);
    return;
  }
  fputc('"', f);
  for (; *s; s++) {
    if (*s == '"') fputc('"', f);
    fputc(*s, f);
  }
  fputc('"', f);
}

static void write_csv(FILE *f, const struct ops_table *t) {
  for (size_t c = 0; c < t->n_cols; c++) {
    if (c) fputc(',', f);
    write_csv_cell(f, t->cols[c].name);
  }
  fputs("\r\n", f);
  for (size_t r = 0; r < t->n_rows; r++) {
    for (size_t c = 0; c < t->n_cols; c++) {
      if (c) fputc(',', f);
      write_csv_cell(f, cell(t, r, c));
    }
    fputs("\r\n", f);
  }
}

static void write_md_cell(FILE *f, const char *s) {
  fputc(' ', f);
  for (; *s; s++) {
    if (*s == '|') fputc('\\', f);
    fputc(*s == '\n' || *s == '\r' ? ' ' : *s, f);
  }
  fputs(" |", f);
}

static void write_md(FILE *f, const struct ops_table *t) {
  if (t->title != NULL) fprintf(f, "### %s\n\n", t->title);
  fputc('|', f);
  for (size_t c = 0; c < t->n_cols; c++)
    write_md_cell(f, t->cols[c].name);
  fputs("\n|", f);
  for (size_t c = 0; c < t->n_cols; c++)
    fputs(t->cols[c].right ? " ---: |" : " --- |", f);
  fputc('\n', f);
  for (size_t r = 0; r < t->n_rows; r++) {
    fputc('|', f);
    for (size_t c = 0; c < t->n_cols; c++)
      write_md_cell(f, cell(t, r, c));
    fputc('\n', f);
  }
}

void ops_table_write(FILE *f, const struct ops_table *t, enum ops_table_format fmt) {
  switch (fmt) {
    case OPS_TABLE_FORMAT_CSV:
      write_csv(f, t);
      break;
    case OPS_TABLE_FORMAT_MD:
      write_md(f, t);
      break;
    case OPS_TABLE_FORMAT_TEXT:
    case OPS_TABLE_FORMAT_JSON:
    case OPS_TABLE_FORMAT_COUNT:
    default:
      write_text(f, t);
      break;
  }
}
