/* --analyze: the compute plan of the requested unit. */
#include <stdio.h>

#include "src/api-impl.h"
#include "src/cli.h"

int ops_cli_analyze(struct ops_cli_session *s) {
  if (!s->opts->quiet || s->opts->analyze) {
    ops_report_analysis_text(stdout, &s->report, s->opts->verbose);
  }
  struct ops_plan_summary sum;
  ops_plan_summarize(s->report.plan, &sum);
  if (sum.unsupported > 0) {
    fprintf(stderr, "opscope: %s: %zu op%s cannot run on any unit (see the fallback list)\n",
            s->report.graph->path, sum.unsupported, sum.unsupported == 1 ? "" : "s");
    return OPS_EXIT_BAD_INPUT;
  }
  return OPS_EXIT_OK;
}
