/* reports/table.c: one table definition rendered as text, CSV (RFC 4180 quoting) and Markdown
 * (pipes escaped), byte for byte. */
#include <stdlib.h>

#include "test-util.h"

#include "reports/table.h"

static const struct ops_table_col cols[] = {{"name", false}, {"ms", true}};

/* Renders `t` in `fmt` into a malloc'd string. */
static char *render(const struct ops_table *t, enum ops_table_format fmt) {
  char *buf = NULL;
  size_t len = 0;
  FILE *f = open_memstream(&buf, &len);
  assert_non_null(f);
  ops_table_write(f, t, fmt);
  fclose(f);
  return buf;
}

static void fill(struct ops_table *t) {
  ops_table_init(t, "Times", cols, 2);
  const char *r1[] = {"conv, \"1\"", "12.5"};
  const char *r2[] = {"a|b", NULL};
  assert_int_equal(ops_table_add_row(t, r1), OPS_OK);
  assert_int_equal(ops_table_add_row(t, r2), OPS_OK);
}

static void test_csv_quotes_commas_and_quotes(void **state) {
  (void)state;
  struct ops_table t;
  fill(&t);
  char *s = render(&t, OPS_TABLE_FORMAT_CSV);
  assert_string_equal(s, "name,ms\r\n\"conv, \"\"1\"\"\",12.5\r\na|b,\r\n");
  free(s);
  ops_table_done(&t);
}

static void test_md_escapes_pipes(void **state) {
  (void)state;
  struct ops_table t;
  fill(&t);
  char *s = render(&t, OPS_TABLE_FORMAT_MD);
  assert_string_equal(s,
                      "### Times\n\n| name | ms |\n| --- | ---: |\n| conv, \"1\" | 12.5 |\n"
                      "| a\\|b |  |\n");
  free(s);
  ops_table_done(&t);
}

static void test_text_aligns_columns(void **state) {
  (void)state;
  struct ops_table t;
  fill(&t);
  char *s = render(&t, OPS_TABLE_FORMAT_TEXT);
  assert_string_equal(s, "Times\n  name         ms\n  conv, \"1\"  12.5\n  a|b            \n");
  free(s);
  ops_table_done(&t);
}

static void test_format_names(void **state) {
  (void)state;
  enum ops_table_format f;
  assert_true(ops_table_format_parse("md", &f));
  assert_int_equal(f, OPS_TABLE_FORMAT_MD);
  assert_true(ops_table_format_parse("csv", &f));
  assert_int_equal(f, OPS_TABLE_FORMAT_CSV);
  assert_false(ops_table_format_parse("xml", &f));
  assert_false(ops_table_format_parse("", &f));
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_csv_quotes_commas_and_quotes),
      cmocka_unit_test(test_md_escapes_pipes),
      cmocka_unit_test(test_text_aligns_columns),
      cmocka_unit_test(test_format_names),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
