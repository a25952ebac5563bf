/* Command-line options and --help. */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kernels/threads/pool.h"
#include "src/cli.h"
#include "src/size.h"

void ops_cli_print_help(void) {
  printf(
      "usage: opscope -m MODEL [MODE...] [OPTIONS]\n"
      "\n"
      "opscope places every op of a neural-network model on an execution unit of this CPU,\n"
      "says why when an op falls back, and runs and verifies the model.\n"
      "\n"
      "MODEL is a path to an .onnx file, a JSON IR file (.json with its .bin beside it),\n"
      "or builtin:NAME (see --list-builtins).\n"
      "\n"
      "Modes (several may be given; --analyze is the default):\n"
      "  --analyze              the compute plan: ops per unit, coverage, and every fallback\n"
      "                         with its reason (-v adds the placement of every node)\n"
      "  --verify DIR           run on DIR/input_K.pb (an ONNX test_data_set_N directory) and\n"
      "                         compare with DIR/output_K.pb: |got-want| <= atol + rtol*|want|\n"
      "  --export-ir FILE.json  write the model as JSON IR (FILE.bin holds the weights)\n"
      "  -b, --benchmark UNIT   time the model on UNIT: warm-up runs, then timed runs; prints\n"
      "                         mean, median, min, max, stddev, p90, p99 and the stage times\n"
      "      --profile UNIT     the benchmark, then as many runs again timing every op: time per\n"
      "                         op type and unit, the slowest ops, and the timing's own cost\n"
      "      --sample [UNIT]    sample the benchmark runs with perf_event_open (cycles where the\n"
      "                         CPU exposes them, else cpu-clock), name hot functions and source\n"
      "                         lines (libdwfl) and the ops they ran in; the same runs are timed\n"
      "                         per op and the top three ops of each are set side by side\n"
      "  -B, --benchmark-all    benchmark scalar, simd, threads and all, interleaved round by\n"
      "                         round so drift hits every unit alike; a table with status and\n"
      "                         speed-up over scalar, then the fastest unit\n"
      "      --units LIST       with -B: only these units, comma-separated (e.g. simd,threads)\n"
      "  -c, --compare          run every unit on the same input and compare each output with\n"
      "                         scalar's: max abs and rel error, pass at --rtol/--atol\n"
      "  -t, --test UNIT        load, compile and run UNIT once and compare with scalar;\n"
      "                         exit 0 when it matches, 1 when not\n"
      "      --costs            the cost model: FLOPs, bytes and estimated time per unit, the\n"
      "                         most expensive ops (--top N, default 10) and every op's\n"
      "                         estimate on each unit\n"
      "      --validate UNIT    with --costs: run UNIT with per-op timing and set estimates\n"
      "                         against measurements (Spearman rank correlation, whole-model\n"
      "                         ratio)\n"
      "      --calibrate        time the calibration microbenchmarks (builtin:micro-*) on every\n"
      "                         unit and cache the measured peaks for this CPU and ISA in\n"
      "                         $XDG_CACHE_HOME/opscope/, where every later plan finds them\n"
      "                         (a few seconds; -w, -n, --min-time apply); needs no model\n"
      "      --tui              a live terminal view: the benchmark runs on in the background\n"
      "                         while a table shows every op's unit, kernel, estimate, measured\n"
      "                         time and share, with the fallback reasons; keys sort, filter,\n"
      "                         drill into an op, switch the unit (u), override one op's unit\n"
      "                         (o), compare every unit (b), export the JSON report (e; to -o\n"
      "                         FILE, else opscope-tui-MODEL.json); ? lists them (docs/tui.md)\n"
      "      --overrides FILE   with --tui: per-op units (NODE UNIT per line) read at start and\n"
      "                         saved on every change\n"
      "  --list-builtins        list the built-in models\n"
      "\n"
      "Options:\n"
      "  -m, --model MODEL      the model to load\n"
      "  -u, --unit UNIT        requested unit: scalar, simd, threads or all (default scalar);\n"
      "                         ops the unit cannot run fall back threads -> simd -> scalar\n"
      "  -j, --threads N        threads of the threads unit's pool (default: one per online\n"
      "                         CPU); the calling thread is one of them\n"
      "      --isa NAME         cap the instruction sets SIMD kernels may use: scalar, sse4.2,\n"
      "                         avx2, avx512f (also OPSCOPE_ISA); refused when the CPU lacks it\n"
      "  -o, --output FILE      also write a JSON report (docs/report.md)\n"
      "      --max-memory BYTES refuse (exit 2) a model whose compiled form needs more: arena,\n"
      "                         packed weights and scratch, checked before they are allocated;\n"
      "                         suffixes K, M, G (or KiB, MiB, GiB)\n"
      "      --opt-level LEVEL  graph passes before planning (default O3; also\n"
      "                         OPSCOPE_OPT_LEVEL): O0 none; O1 constant folding, no-op\n"
      "                         removal, dead code; O2 + common subexpressions, BatchNorm\n"
      "                         folded into Conv; O3 + MatMul+Add as Gemm and activations\n"
      "                         (Relu, Clip, Sigmoid, SiLU, HardSwish, GELU patterns) fused\n"
      "                         into Conv/Gemm, a MaxPool into the Conv before it,\n"
      "                         LayerNorm patterns as LayerNormalization\n"
      "      --dump-ir DIR      write the graph as JSON IR before and after each pass that\n"
      "                         changed it (DIR/NN-PASS.json) and the plan as DIR/plan.dot\n"
      "      --compile UNIT     compile the model ahead of time for UNIT: write DIR/P_UNIT.c,\n"
      "                         .h and .weights, and build DIR/P_UNIT.so, which runs without\n"
      "                         opscope; -m DIR/P_UNIT.so loads it back (docs/aot.md)\n"
      "      --output-dir DIR   where --compile writes (default: the current directory)\n"
      "      --prefix P         the files' and symbols' prefix (default: the model's name)\n"
      "      --rtol X           relative tolerance of --verify, -c, -t (default 1e-3)\n"
      "      --atol X           absolute tolerance of --verify, -c, -t (default 1e-5)\n"
      "  -w, --warmup N         benchmark warm-up runs, never timed (default 3, 0 allowed)\n"
      "  -n, --iterations N     timed benchmark runs at least (default 10)\n"
      "      --min-time S       and keep running until the timed runs add up to S seconds\n"
      "                         (with -B, those of the slowest unit)\n"
      "      --counters[=LIST]  read perf_event_open counters over the timed runs (default:\n"
      "                         cycles, instructions, cache-references, cache-misses,\n"
      "                         branch-misses, task-clock, page-faults, context-switches,\n"
      "                         cpu-migrations); unreadable ones are shown as n/a with why\n"

      "      --seed N           seed of the random input of -b, -B, -c, -t (default 1); with\n"
      "                         --verify they use the test data instead\n"
      "      --input NAME=FILE.pb\n"
      "                         a model input from an ONNX TensorProto file (repeatable); other\n"
      "                         inputs are seeded\n"
      "      --input-shape NAME=DxDxD\n"
      "                         fix the shape of a model input with symbolic dims (repeatable)\n"
      "  -v, --verbose          more detail (the per-node plan)\n"
      "  -q, --quiet            print only results and errors\n"
      "  -h, --help             this help\n"
      "  -V, --version          the version\n"
      "\n"
      "CI gates and exports (docs/report.md):\n"
      "      --format FMT       tables as text (default), csv, md (Markdown), or json (the\n"
      "                         report on stdout, as -o -)\n"
      "      --trace FILE       with -b/--profile: as many runs again, written as a Chrome\n"
      "                         trace (chrome://tracing, Perfetto): a span per run and per op\n"
      "      --min-coverage PCT fail (exit 3) when fewer executable ops run on the requested\n"
      "                         unit; --min-coverage-time PCT: by estimated time\n"
      "      --max-fallbacks N  fail when more than N ops fall back; --strict: when any does\n"
      "      --max-latency MS UNIT\n"
      "                         fail when UNIT's median latency exceeds MS (needs -b UNIT or -B)\n"
      "      --baseline OLD.json --max-regression PCT\n"
      "                         fail when a unit's median, or an op's mean (--profile), is PCT\n"
      "                         percent slower than in OLD.json and the slow-down exceeds\n"
      "                         OLD.json's own spread (p90 - median)\n"
      "  opscope diff A.json B.json [--format md|csv]\n"
      "                         per-unit medians and per-op means of two reports, with deltas\n"
      "\n"
      "Exit codes: 0 success; 1 a verification failed; 2 usage error or bad input (unreadable,\n"
      "malformed or unsupported model or data); 3 a CI gate was missed. When several apply the\n"
      "exit code is the most severe: 2, then 1, then 3.\n");
}

static bool parse_double(const char *flag, const char *text, double *out) {
  char *end;
  errno = 0;
  double v = strtod(text, &end);
  if (errno != 0 || end == text || *end != '\0' || !(v >= 0.0)) {
    fprintf(stderr, "opscope: %s: '%s' is not a non-negative number\n", flag, text);
    return false;
  }
  *out = v;
  return true;
}

/* NAME=1x3x224x224; NAME= alone gives a scalar (rank 0). */
static bool parse_shape(const char *text, struct ops_cli_shape *out) {
  const char *eq = strrchr(text, '=');
  if (eq == NULL || eq == text) {
    fprintf(stderr,
            "opscope: --input-shape: expected NAME=DIMS (e.g. input=1x3x224x224), got '%s'\n",
            text);
    return false;
  }
  size_t n = (size_t)(eq - text);
  if (n >= sizeof out->name) {
    fprintf(stderr, "opscope: --input-shape: the name in '%s' is too long\n", text);
    return false;
  }
  memcpy(out->name, text, n);
  out->name[n] = '\0';
  out->rank = 0;
  const char *p = eq + 1;
  while (*p) {
    char *end;
    errno = 0;
    long long v = strtoll(p, &end, 10);
    if (errno != 0 || end == p || v < 0 || out->rank >= 8 || (*end != 'x' && *end != '\0')) {
      fprintf(stderr,
              "opscope: --input-shape: bad dims in '%s' (expected up to 8 non-negative "
              "integers joined by 'x')\n",
              text);
      return false;
    }
    out->dims[out->rank++] = v;
    p = *end == 'x' ? end + 1 : end;
  }
  return true;
}

static char *join_argv(int argc, char **argv) {
  size_t len = 1;
  for (int i = 0; i < argc; i++)
    len += strlen(argv[i]) + 1;
  char *s = malloc(len);
  if (s == NULL) return NULL;
  s[0] = '\0';
  size_t at = 0;
  for (int i = 0; i < argc; i++) {
    int w = snprintf(s + at, len - at, "%s%s", i ? " " : "", argv[i]);
    if (w < 0) break;
    at += (size_t)w;
  }
  return s;
}

/* A non-negative int option. */
static bool parse_count(const char *flag, const char *text, int *out) {
  char *end;
  errno = 0;
  long v = strtol(text, &end, 10);
  if (errno != 0 || end == text || *end != '\0' || v < 0 || v > 100000000) {
    fprintf(stderr, "opscope: %s: '%s' is not a count from 0 to 100000000\n", flag, text);
    return false;
  }
  *out = (int)v;
  return true;
}

enum {
  OPT_VERIFY = 256,
  OPT_TUI,
  OPT_OVERRIDES,
  OPT_FORMAT,
  OPT_TRACE,
  OPT_MIN_COVERAGE,
  OPT_MIN_COVERAGE_TIME,
  OPT_MAX_FALLBACKS,
  OPT_STRICT,
  OPT_MAX_LATENCY,
  OPT_BASELINE,
  OPT_MAX_REGRESSION,
  OPT_MIN_TIME,
  OPT_UNITS,
  OPT_SEED,
  OPT_COUNTERS,
  OPT_PROFILE,
  OPT_ANALYZE,
  OPT_EXPORT_IR,
  OPT_LIST_BUILTINS,
  OPT_RTOL,
  OPT_ATOL,
  OPT_INPUT_SHAPE,
  OPT_INPUT,
  OPT_COSTS,
  OPT_TOP,
  OPT_VALIDATE,
  OPT_CALIBRATE,
  OPT_SAMPLE,
  OPT_ISA,
  OPT_MAX_MEMORY,
  OPT_OPT_LEVEL,
  OPT_DUMP_IR,
  OPT_COMPILE,
  OPT_OUTPUT_DIR,
  OPT_PREFIX
};

/* --opt-level: O0..O3 (or 0..3). */
static bool parse_opt_level(const char *flag, const char *text, int *out) {
  if (text[0] == 'O' || text[0] == 'o') text++;
  if (text[0] < '0' || text[0] > '3' || text[1] != '\0') {
    fprintf(stderr, "opscope: %s: expected O0, O1, O2 or O3\n", flag);
    return false;
  }
  *out = text[0] - '0';
  return true;
}

static bool parse_unit(const char *flag, const char *text, int *out) {
  *out = opscope_unit_parse(text);
  if (*out < 0) {
    fprintf(stderr, "opscope: %s: unknown unit '%s' (scalar, simd, threads, all)\n", flag, text);
    return false;
  }
  return true;
}

/* --units LIST: unit names separated by commas, each once. */
static bool parse_unit_list(const char *text, struct ops_cli_options *o) {
  char buf[128];
  if (strlen(text) >= sizeof buf) {
    fprintf(stderr, "opscope: --units: list too long: '%s'\n", text);
    return false;
  }
  strcpy(buf, text);
  o->n_bench_units = 0;
  for (char *save = NULL, *name = strtok_r(buf, ",", &save); name != NULL;
       name = strtok_r(NULL, ",", &save)) {
    int unit;
    if (!parse_unit("--units", name, &unit)) return false;
    for (size_t i = 0; i < o->n_bench_units; i++) {
      if (o->bench_units[i] == unit) {
        fprintf(stderr, "opscope: --units: '%s' is listed twice\n", name);
        return false;
      }
    }
    o->bench_units[o->n_bench_units++] = unit;
  }
  if (o->n_bench_units == 0) {
    fprintf(stderr, "opscope: --units: expected unit names separated by commas, got '%s'\n", text);
    return false;
  }
  return true;
}

/* --max-memory BYTES: a byte count with an optional K, M, G (powers of 1024, as KiB, MiB, GiB). */
static bool parse_bytes(const char *flag, const char *text, size_t *out) {
  static const struct {
    const char *suffix;
    int shift;
  } units[] = {{"", 0},   {"B", 0},    {"K", 10}, {"KiB", 10},
               {"M", 20}, {"MiB", 20}, {"G", 30}, {"GiB", 30}};
  char *end;
  errno = 0;
  unsigned long long v = strtoull(text, &end, 10);
  bool ok = errno == 0 && end != text && text[0] != '-' && v > 0;
  int shift = -1;
  for (size_t i = 0; ok && i < sizeof units / sizeof units[0]; i++) {
    if (strcmp(end, units[i].suffix) == 0) shift = units[i].shift;
  }
  if (!ok || shift < 0 || v > (SIZE_MAX >> shift)) {
    fprintf(stderr,
            "opscope: %s: '%s' is not a positive byte count (e.g. 512M; suffixes K, M, G, KiB, "
            "MiB, GiB)\n",
            flag, text);
    return false;
  }
  *out = (size_t)v << shift;
  return true;
}

bool ops_cli_parse(int argc, char **argv, struct ops_cli_options *o) {
  static const struct option longopts[] = {
      {"model", required_argument, NULL, 'm'},
      {"unit", required_argument, NULL, 'u'},
      {"output", required_argument, NULL, 'o'},
      {"verbose", no_argument, NULL, 'v'},
      {"quiet", no_argument, NULL, 'q'},
      {"help", no_argument, NULL, 'h'},
      {"version", no_argument, NULL, 'V'},
      {"analyze", no_argument, NULL, OPT_ANALYZE},
      {"benchmark", required_argument, NULL, 'b'},
      {"warmup", required_argument, NULL, 'w'},
      {"iterations", required_argument, NULL, 'n'},
      {"min-time", required_argument, NULL, OPT_MIN_TIME},
      {"seed", required_argument, NULL, OPT_SEED},
      {"counters", optional_argument, NULL, OPT_COUNTERS},
      {"profile", required_argument, NULL, OPT_PROFILE},
      {"verify", required_argument, NULL, OPT_VERIFY},
      {"export-ir", required_argument, NULL, OPT_EXPORT_IR},
      {"list-builtins", no_argument, NULL, OPT_LIST_BUILTINS},
      {"rtol", required_argument, NULL, OPT_RTOL},
      {"atol", required_argument, NULL, OPT_ATOL},
      {"input-shape", required_argument, NULL, OPT_INPUT_SHAPE},
      {"input", required_argument, NULL, OPT_INPUT},
      {"costs", no_argument, NULL, OPT_COSTS},
      {"top", required_argument, NULL, OPT_TOP},
      {"validate", required_argument, NULL, OPT_VALIDATE},
      {"calibrate", no_argument, NULL, OPT_CALIBRATE},
      {"sample", optional_argument, NULL, OPT_SAMPLE},
      {"isa", required_argument, NULL, OPT_ISA},
      {"format", required_argument, NULL, OPT_FORMAT},
      {"trace", required_argument, NULL, OPT_TRACE},
      {"min-coverage", required_argument, NULL, OPT_MIN_COVERAGE},
      {"min-coverage-time", required_argument, NULL, OPT_MIN_COVERAGE_TIME},
      {"max-fallbacks", required_argument, NULL, OPT_MAX_FALLBACKS},
      {"strict", no_argument, NULL, OPT_STRICT},
      {"max-latency", required_argument, NULL, OPT_MAX_LATENCY},
      {"baseline", required_argument, NULL, OPT_BASELINE},
      {"max-regression", required_argument, NULL, OPT_MAX_REGRESSION},
      {"threads", required_argument, NULL, 'j'},
      {"max-memory", required_argument, NULL, OPT_MAX_MEMORY},
      {"opt-level", required_argument, NULL, OPT_OPT_LEVEL},
      {"dump-ir", required_argument, NULL, OPT_DUMP_IR},
      {"compile", required_argument, NULL, OPT_COMPILE},
      {"output-dir", required_argument, NULL, OPT_OUTPUT_DIR},
      {"prefix", required_argument, NULL, OPT_PREFIX},
      {"benchmark-all", no_argument, NULL, 'B'},
      {"units", required_argument, NULL, OPT_UNITS},
      {"compare", no_argument, NULL, 'c'},
      {"test", required_argument, NULL, 't'},
      {"tui", no_argument, NULL, OPT_TUI},
      {"overrides", required_argument, NULL, OPT_OVERRIDES},
      {NULL, 0, NULL, 0},
  };
  memset(o, 0, sizeof *o);
  o->unit = OPSCOPE_UNIT_SCALAR;
  o->rtol = 1e-3;
  o->atol = 1e-5;
  o->warmup = 3;
  o->iterations = 10;
  o->seed = 1;
  o->test_unit = -1;
  o->compile_unit = -1;
  o->opt_level = 3; /* every pass, as most inference tools default to */
  const char *env_level = getenv("OPSCOPE_OPT_LEVEL");
  if (env_level != NULL && env_level[0] != '\0' &&
      !parse_opt_level("OPSCOPE_OPT_LEVEL", env_level, &o->opt_level)) {
    return false;
  }
  o->top = 10;
  o->format = OPS_TABLE_FORMAT_TEXT;
  ops_gate_config_init(&o->gates);
  o->max_regression_pct = NAN;
  o->command_line = join_argv(argc, argv);
  opterr = 0;
  int c;
  while ((c = getopt_long(argc, argv, ":m:u:o:b:w:n:t:j:BcvqhV", longopts, NULL)) != -1) {
    switch (c) {
      case 'm':
        o->model = optarg;
        break;
      case 'u':
        if (!parse_unit("-u", optarg, &o->unit)) return false;
        o->unit_given = true;
        break;
      case 'B':
        o->benchmark_all = true;
        break;
      case OPT_UNITS:
        if (!parse_unit_list(optarg, o)) return false;
        break;
      case 'c':
        o->compare = true;
        break;
      case 't':
        if (!parse_unit("-t", optarg, &o->test_unit)) return false;
        break;
      case OPT_SAMPLE:
        o->sample = true;
        /* --sample UNIT as well as --sample=UNIT: a following word that names a unit is its
         * value; anything else is left for the other options. */
        if (optarg != NULL) {
          if (!parse_unit("--sample", optarg, &o->unit)) return false;
          o->unit_given = true;
        } else if (optind < argc && opscope_unit_parse(argv[optind]) >= 0) {
          o->unit = opscope_unit_parse(argv[optind++]);
          o->unit_given = true;
        }
        break;
      case OPT_ISA:
        o->isa = optarg;
        break;
      case 'j': {
        int nth = 0;
        if (!parse_count("-j", optarg, &nth)) return false;
        if (nth < 1 || nth > OPS_POOL_MAX_THREADS) {
          fprintf(stderr, "opscope: -j: %d threads is not between 1 and %d\n", nth,
                  OPS_POOL_MAX_THREADS);
          return false;
        }
        o->threads = nth;
        break;
      }
      case OPT_TUI:
        o->tui = true;
        break;
      case OPT_OVERRIDES:
        o->overrides_path = optarg;
        break;
      case OPT_MAX_MEMORY:
        if (!parse_bytes("--max-memory", optarg, &o->max_memory)) return false;
        break;
      case OPT_OPT_LEVEL:
        if (!parse_opt_level("--opt-level", optarg, &o->opt_level)) return false;
        break;
      case OPT_DUMP_IR:
        o->dump_ir = optarg;
        break;
      case OPT_COMPILE:
        if (!parse_unit("--compile", optarg, &o->compile_unit)) return false;
        break;
      case OPT_OUTPUT_DIR:
        o->output_dir = optarg;
        break;
      case OPT_PREFIX:
        o->prefix = optarg;
        break;
      case OPT_CALIBRATE:
        o->calibrate = true;
        break;
      case OPT_COSTS:
        o->costs = true;
        break;
      case OPT_TOP:
        if (!parse_count("--top", optarg, &o->top)) return false;
        break;
      case OPT_VALIDATE:
        o->validate = true;
        if (!parse_unit("--validate", optarg, &o->unit)) return false;
        o->unit_given = true;
        break;
      case OPT_INPUT:
        if (o->n_input_files >= OPS_CLI_MAX_INPUT_FILES) {
          fprintf(stderr, "opscope: at most %d --input options\n", OPS_CLI_MAX_INPUT_FILES);
          return false;
        }
        o->input_files[o->n_input_files++] = optarg;
        break;
      case 'o':
        o->report_path = optarg;
        break;
      case 'b':
        o->benchmark = true;
        if (!parse_unit("-b", optarg, &o->unit)) return false;
        o->unit_given = true;
        break;
      case 'w':
        if (!parse_count("-w", optarg, &o->warmup)) return false;
        break;
      case 'n':
        if (!parse_count("-n", optarg, &o->iterations)) return false;
        break;
      case OPT_MIN_TIME:
        if (!parse_double("--min-time", optarg, &o->min_time_s)) return false;
        break;
      case OPT_PROFILE:
        o->benchmark = true;
        o->per_op = true;
        if (!parse_unit("--profile", optarg, &o->unit)) return false;
        o->unit_given = true;
        break;
      case OPT_COUNTERS:
        o->counters = true;
        o->counter_list = optarg;
        break;
      case OPT_SEED: {
        char *end;
        errno = 0;
        o->seed = strtoul(optarg, &end, 10);
        if (errno != 0 || end == optarg || *end != '\0' || optarg[0] == '-') {
          fprintf(stderr, "opscope: --seed: '%s' is not a non-negative integer\n", optarg);
          return false;
        }
        break;
      }
      case 'v':
        o->verbose = true;
        break;
      case 'q':
        o->quiet = true;
        break;
      case 'h':
        o->help = true;
        break;
      case 'V':
        o->version = true;
        break;
      case OPT_ANALYZE:
        o->analyze = true;
        break;
      case OPT_VERIFY:
        o->verify_dir = optarg;
        break;
      case OPT_EXPORT_IR:
        o->export_ir = optarg;
        break;
      case OPT_LIST_BUILTINS:
        o->list_builtins = true;
        break;
      case OPT_RTOL:
        if (!parse_double("--rtol", optarg, &o->rtol)) return false;
        break;
      case OPT_ATOL:
        if (!parse_double("--atol", optarg, &o->atol)) return false;
        break;
      case OPT_INPUT_SHAPE:
        if (o->n_shapes >= OPS_CLI_MAX_SHAPES) {
          fprintf(stderr, "opscope: at most %d --input-shape options\n", OPS_CLI_MAX_SHAPES);
          return false;
        }
        if (!parse_shape(optarg, &o->shapes[o->n_shapes++])) return false;
        break;
      case OPT_FORMAT: {
        enum ops_table_format fmt;
        if (!ops_table_format_parse(optarg, &fmt)) {
          fprintf(stderr, "opscope: --format: unknown format '%s' (text, csv, md, json)\n", optarg);
          return false;
        }
        o->format = (int)fmt;
        break;
      }
      case OPT_TRACE:
        o->trace_path = optarg;
        break;
      case OPT_MIN_COVERAGE:
      case OPT_MIN_COVERAGE_TIME: {
        const char *flag = c == OPT_MIN_COVERAGE ? "--min-coverage" : "--min-coverage-time";
        double *pct =
            c == OPT_MIN_COVERAGE ? &o->gates.min_coverage_pct : &o->gates.min_coverage_time_pct;
        if (!parse_double(flag, optarg, pct)) return false;
        if (*pct > 100.0) {
          fprintf(stderr, "opscope: %s: %s%% is more than 100%%\n", flag, optarg);
          return false;
        }
        break;
      }
      case OPT_MAX_FALLBACKS: {
        int n;
        if (!parse_count("--max-fallbacks", optarg, &n)) return false;
        o->gates.max_fallbacks = n;
        break;
      }
      case OPT_STRICT:
        o->gates.strict = true;
        break;
      case OPT_MAX_LATENCY:
        /* Two values: MS UNIT. The unit is the next word, as with --sample. */
        if (!parse_double("--max-latency", optarg, &o->gates.max_latency_ms)) return false;
        if (optind >= argc) {
          fprintf(stderr,
                  "opscope: --max-latency needs MS and a UNIT (e.g. --max-latency 5 simd)\n");
          return false;
        }
        if (!parse_unit("--max-latency", argv[optind++], &o->gates.max_latency_unit)) {
          return false;
        }
        break;
      case OPT_BASELINE:
        o->baseline_path = optarg;
        break;
      case OPT_MAX_REGRESSION:
        if (!parse_double("--max-regression", optarg, &o->max_regression_pct)) return false;
        break;
      case ':':
        fprintf(stderr, "opscope: %s needs a value (see --help)\n", argv[optind - 1]);
        return false;
      default:
        fprintf(stderr, "opscope: unknown option '%s' (see --help)\n", argv[optind - 1]);
        return false;
    }
  }
  if (optind < argc) {
    fprintf(stderr, "opscope: unexpected argument '%s' (the model goes after -m; see --help)\n",
            argv[optind]);
    return false;
  }
  if (!o->help && !o->version && !o->list_builtins && !o->calibrate && o->model == NULL) {
    fprintf(stderr, "opscope: no model given: use -m MODEL (see --help)\n");
    return false;
  }
  if ((o->output_dir != NULL || o->prefix != NULL) && o->compile_unit < 0) {
    fprintf(stderr, "opscope: --output-dir and --prefix name what --compile UNIT writes\n");
    return false;
  }
  if (o->counters && !o->benchmark) {
    fprintf(stderr, "opscope: --counters measures one unit's benchmark: add -b UNIT\n");
    return false;
  }
  if (o->validate && !o->costs) {
    fprintf(stderr, "opscope: --validate checks the estimates of --costs: add --costs\n");
    return false;
  }
  if (o->validate && o->benchmark) {
    fprintf(stderr, "opscope: --validate runs its own timed runs; use it without -b/--profile\n");
    return false;
  }
  if (o->compare && o->test_unit >= 0) {
    fprintf(stderr, "opscope: -c compares every unit already; use -c or -t UNIT, not both\n");
    return false;
  }
  if (o->n_input_files > 0 && o->verify_dir) {
    fprintf(stderr, "opscope: --verify brings its own inputs; --input cannot be used with it\n");
    return false;
  }
  if (o->n_bench_units > 0 && !o->benchmark_all) {
    fprintf(stderr, "opscope: --units chooses the units of -B; use it with -B\n");
    return false;
  }
  if ((o->benchmark || o->benchmark_all) && o->iterations == 0 && o->min_time_s <= 0.0) {
    fprintf(stderr, "opscope: -n 0 needs --min-time: a benchmark needs at least one timed run\n");
    return false;
  }
  if (o->sample && (o->benchmark || o->validate)) {
    fprintf(stderr,
            "opscope: --sample runs its own timed runs; use it without -b, --profile or "
            "--validate\n");
    return false;
  }
  if (o->format == OPS_TABLE_FORMAT_JSON) {
    if (o->report_path != NULL && strcmp(o->report_path, "-") != 0) {
      fprintf(stderr,
              "opscope: --format json writes the report to stdout; drop -o %s or the "
              "--format\n",
              o->report_path);
      return false;
    }
    o->report_path = "-";
  }
  if ((o->format == OPS_TABLE_FORMAT_CSV || o->format == OPS_TABLE_FORMAT_MD) &&
      o->report_path != NULL && strcmp(o->report_path, "-") == 0) {
    fprintf(stderr,
            "opscope: --format csv and md write the tables to stdout; -o - cannot "
            "share it (use -o FILE)\n");
    return false;
  }
  if ((ops_gate_config_any(&o->gates) || o->baseline_path != NULL) && o->model == NULL &&
      !o->help && !o->version) {
    fprintf(stderr, "opscope: the gates judge a model's results: add -m MODEL\n");
    return false;
  }
  if ((o->baseline_path != NULL) != !isnan(o->max_regression_pct)) {
    fprintf(stderr,
            "opscope: --baseline and --max-regression go together (--baseline OLD.json "
            "--max-regression PCT)\n");
    return false;
  }
  if (o->baseline_path != NULL && !o->benchmark && !o->benchmark_all) {
    fprintf(stderr,
            "opscope: --baseline compares benchmark times: add -b UNIT, --profile UNIT "
            "or -B\n");
    return false;
  }
  if (!isnan(o->gates.max_latency_ms) && !o->benchmark_all &&
      !(o->benchmark && o->unit == o->gates.max_latency_unit)) {
    fprintf(stderr, "opscope: --max-latency %s needs a benchmark of %s: add -b %s or -B\n",
            opscope_unit_name(o->gates.max_latency_unit),
            opscope_unit_name(o->gates.max_latency_unit),
            opscope_unit_name(o->gates.max_latency_unit));
    return false;
  }
  if (o->trace_path != NULL && !o->benchmark) {
    fprintf(stderr, "opscope: --trace records profiled runs: add --profile UNIT or -b UNIT\n");
    return false;
  }
  if (o->overrides_path != NULL && !o->tui) {
    fprintf(stderr, "opscope: --overrides is for the live view: add --tui\n");
    return false;
  }
  if (o->tui && (o->analyze || o->verify_dir || o->export_ir || o->benchmark || o->benchmark_all ||
                 o->compare || o->test_unit >= 0 || o->costs || o->sample || o->calibrate)) {
    fprintf(stderr, "opscope: --tui is a mode of its own; use it without other modes\n");
    return false;
  }
  if (o->tui && o->report_path != NULL && strcmp(o->report_path, "-") == 0) {
    fprintf(stderr, "opscope: --tui owns the terminal; give -o a file name, not -\n");
    return false;
  }
  if (!o->verify_dir && !o->export_ir && !o->benchmark && !o->benchmark_all && !o->compare &&
      o->test_unit < 0 && !o->costs && !o->sample && o->compile_unit < 0) {
    o->analyze = true;
  }
  return true;
}

void ops_cli_options_done(struct ops_cli_options *o) {
  free(o->command_line);
  o->command_line = NULL;
}
