#!/usr/bin/env bash
# Benchmarks `zonewarden simulate`: generates the 1 GB attack-scenario capture of the
# water treatment example (the benchmark corpus for discovery, verification and
# detection) on one core and reports wall time, CPU time, throughput and peak memory.
# Then runs the Go benchmark of the generator (64 MB per run, allocations per run).
#
# Usage: scripts/bench-simulate.sh [SIZE] [OUTDIR]   (defaults: 1GB, a temporary directory)
# Needs GNU time (/usr/bin/time) for the peak memory; without it only times are shown.
set -euo pipefail
cd "$(dirname "$0")/.."
export GOTOOLCHAIN=go1.27.3 # the toolchain go.mod names (earlier ones carry standard-library vulnerabilities)
size=${1:-1GB}
if [ -n "${2:-}" ]; then
  out=$2
else
  out=$(mktemp -d)
  trap 'rm -rf "$out"' EXIT # a temporary gigabyte is not left behind
fi
mkdir -p "$out"
bin="$out/zonewarden"
go build -o "$bin" ./cmd/zonewarden
capture="$out/water-attack.pcap"
args=(simulate examples/water-treatment/plant.yaml --scenario attack --size "$size" --seed 1 -q -o "$capture")

echo "== zonewarden ${args[*]}  (GOMAXPROCS=1)"
if [ -x /usr/bin/time ]; then
  GOMAXPROCS=1 /usr/bin/time -f 'wall %e s, user %U s, sys %S s, peak RSS %M KiB' "$bin" "${args[@]}"
else
  time GOMAXPROCS=1 "$bin" "${args[@]}"
fi
bytes=$(stat -c %s "$capture")
echo "capture: $bytes bytes, truth: $(stat -c %s "${capture%.pcap}.truth.json") bytes"

echo "== go test -bench BenchmarkWaterAttack (one core)"
go test ./internal/simulate/ -run '^$' -bench BenchmarkWaterAttack -benchtime 5x -cpu 1 -benchmem | grep -E 'Benchmark|ok'

if [ -z "${2:-}" ]; then
  rm -rf "$out"
fi
