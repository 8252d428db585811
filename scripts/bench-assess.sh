#!/usr/bin/env bash
# Measures `zonewarden assess` on a generated model of 2,000 zones, 50,000 assets and
# 5,000 conduits (internal/model/modelgen.Large): the Go benchmarks of the analysis alone
# and of load + analysis, then the whole command's wall time and peak RSS.
# Usage: scripts/bench-assess.sh [count]
set -euo pipefail
cd "$(dirname "$0")/.."
export GOTOOLCHAIN=go1.27.3 # the toolchain go.mod names (earlier ones carry standard-library vulnerabilities)
count=${1:-5}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

echo "# machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(go version | cut -d' ' -f3)"
go test -run XXX -bench 'AssessLarge' -benchmem -count "$count" ./internal/assess/ | grep -E '^Benchmark'

go build -o "$tmp/zonewarden" ./cmd/zonewarden
go run ./scripts/genmodel -o "$tmp/large.yaml"
echo "# model: $(du -h "$tmp/large.yaml" | cut -f1) of YAML"
for f in table json; do
  /usr/bin/time -f "zonewarden assess large.yaml -f $f: %e s wall, %U s user, %M KB peak RSS" \
    "$tmp/zonewarden" assess "$tmp/large.yaml" -f "$f" -o "$tmp/out.$f"
done
