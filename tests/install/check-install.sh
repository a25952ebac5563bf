#!/usr/bin/env bash
# Installs the build into a temporary prefix and builds a program against it with pkg-config,
# as a user of libopscope would:  check-install.sh BUILD_DIR WORK_DIR
set -eu
build=$1 work=$2
rm -rf "$work" && mkdir -p "$work"
cmake --install "$build" --prefix "$work/prefix" >/dev/null
pc=$(dirname "$(find "$work/prefix" -name opscope.pc | head -n 1)")
cat > "$work/use.c" <<'C'
#include <opscope.h>
#include <stdio.h>
int main(void) {
  char err[512];
  opscope_model_t *m;
  if (opscope_model_load("builtin:mlp", &m, err, sizeof err) != OPSCOPE_OK) {
    fprintf(stderr, "%s\n", err);
    return 1;
  }
  printf("%s: %zu nodes, %lld parameters\n", opscope_model_name(m), opscope_model_node_count(m),
         (long long)opscope_model_param_count(m));
  opscope_model_free(m);
  return 0;
}
C
# shellcheck disable=SC2046
cc -std=c17 -Wall -Werror "$work/use.c" -o "$work/use" $(PKG_CONFIG_PATH=$pc pkg-config --cflags --libs opscope)
out=$(LD_LIBRARY_PATH=$(PKG_CONFIG_PATH=$pc pkg-config --variable=libdir opscope) "$work/use")
echo "$out"
[ "$out" = "mlp: 5 nodes, 235146 parameters" ]
# The installed CLI runs too.
"$work/prefix/bin/opscope" --version
