/* Writes the `environment` object of the JSON report (docs/report.md). */
#include "reports/environment.h"

#include <json-c/json.h>

static json_object *str_or_null(const char *s) {
  return s[0] != '\0' ? json_object_new_string(s) : NULL;
}

/* "avx2 fma avx512f" as ["avx2", "fma", "avx512f"]. */
static json_object *word_list(const char *s) {
  json_object *a = json_object_new_array();
  if (a == NULL) return NULL;
  const char *p = s;
  while (*p) {
    while (*p == ' ')
      p++;
    const char *start = p;
    while (*p && *p != ' ')
      p++;
    if (p > start) json_object_array_add(a, json_object_new_string_len(start, (int)(p - start)));
  }
  return a;
}

struct json_object *ops_report_env_json(const struct ops_report_env *e) {
  json_object *o = json_object_new_object();
  if (o == NULL) return NULL;
  json_object_object_add(o, "cpu_model", json_object_new_string(e->cpu_model));
  json_object_object_add(o, "isa_detected", word_list(e->isa_detected));
  json_object_object_add(o, "isa_used", word_list(e->isa_used));
  json_object_object_add(o, "isa_cap", str_or_null(e->isa_cap));
  json_object_object_add(o, "online_cores",
                         e->online_cores > 0 ? json_object_new_int(e->online_cores) : NULL);
  json_object_object_add(o, "pool_threads", json_object_new_int(e->pool_threads));
  json_object_object_add(o, "frequency_governor", str_or_null(e->governor));
  json_object_object_add(o, "perf_event_paranoid",
                         e->paranoid_known ? json_object_new_int(e->perf_event_paranoid) : NULL);
  json_object_object_add(o, "kernel", str_or_null(e->kernel));
  json_object_object_add(o, "compiler", json_object_new_string(e->compiler));
  json_object_object_add(o, "build_type", str_or_null(e->build_type));
  json_object_object_add(o, "hypervisor",
                         e->hypervisor >= 0 ? json_object_new_boolean(e->hypervisor) : NULL);
  return o;
}
