#!/usr/bin/env bash
# Runs every go test -fuzz target of the given packages (default: all decoders and
# loaders) for a fixed time each, one at a time per core, and prints a line per target:
# its package, name, result and executions. A failing input is left in the package's
# testdata/fuzz/ (commit it: it becomes a seed that CI runs).
#
# Usage: scripts/fuzz-all.sh [-t 10m] [-j 2] [PACKAGE...]
set -euo pipefail
cd "$(dirname "$0")/.."
export GOTOOLCHAIN=go1.27.3 # the toolchain go.mod names (earlier ones carry standard-library vulnerabilities)
time=10m jobs=$(nproc)
while getopts t:j: o; do case $o in t) time=$OPTARG ;; j) jobs=$OPTARG ;; *) exit 2 ;; esac; done
shift $((OPTIND - 1))
pkgs=("$@")
[ ${#pkgs[@]} -gt 0 ] || mapfile -t pkgs < <(grep -rl '^func Fuzz' --include='*_test.go' internal scripts | xargs -n1 dirname | sort -u)
log=$(mktemp -d)
targets=()
for p in "${pkgs[@]}"; do
  for f in $(grep -h '^func Fuzz' "$p"/*_test.go | sed 's/func \(Fuzz[A-Za-z0-9_]*\).*/\1/'); do targets+=("$p:$f"); done
done
echo "# ${#targets[@]} targets, $time each, $jobs at a time; logs in $log"
run() {
  local pkg=${1%%:*} fn=${1##*:} out="$log/$(echo "$1" | tr '/:' '__').log"
  if go test "./$pkg" -run '^$' -fuzz "^$fn\$" -fuzztime "$time" -fuzzminimizetime 5s -parallel 1 >"$out" 2>&1; then
    echo "ok   $pkg $fn $(grep -o 'execs: [0-9]*' "$out" | tail -1)"
  else
    echo "FAIL $pkg $fn (see $out)"
  fi
}
export -f run; export log time
printf '%s\n' "${targets[@]}" | xargs -P "$jobs" -I{} bash -c 'run {}'
