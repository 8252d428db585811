#!/usr/bin/env bash
# Builds an offline copy of the Go vulnerability database in the v1 layout govulncheck
# reads with -db file://DIR (index/db.json, index/modules.json, index/vulns.json,
# ID/GO-YYYY-NNNN.json): the golang.org/x/vulndb module ships every entry as OSV JSON in
# data/osv, and its own cmd/indexdb writes the database from that folder. Both come
# through the Go module proxy at the version pinned below, so the public database host
# need not be reachable. The database is the same for the same version: to take newer
# advisories, set VULNDB_VERSION to what `go list -m golang.org/x/vulndb@latest` prints.
#
# Usage: scripts/vulndb.sh [DIR]
#   Prints the database directory on stdout. DIR defaults to
#   ${XDG_CACHE_HOME:-~/.cache}/zonewarden/vulndb/VULNDB_VERSION; a directory that
#   already holds a database is reused as it is. Then:
#   go run golang.org/x/vuln/cmd/govulncheck@v1.10.0 -db "file://$(scripts/vulndb.sh)" ./...
set -euo pipefail
cd "$(dirname "$0")/.."
export GOTOOLCHAIN=go1.27.3 # the toolchain go.mod names (earlier ones carry standard-library vulnerabilities)
version=${VULNDB_VERSION:-v0.0.0-20261105234957-e22db6528018}
dir=${1:-${XDG_CACHE_HOME:-$HOME/.cache}/zonewarden/vulndb/$version}

if [ -s "$dir/index/db.json" ] && [ -s "$dir/index/modules.json" ] && [ -d "$dir/ID" ]; then
  echo "$dir"
  exit 0
fi

tmp=$(mktemp -d)
mkdir -p "$(dirname "$dir")"
out="$dir.partial.$$" # beside $dir, so that the rename below is atomic
trap 'rm -rf "$tmp" "$out"' EXIT
# Outside any module, so that nothing here touches go.mod or go.sum.
cd "$tmp"
src=$(go mod download -json "golang.org/x/vulndb@$version" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')
if [ -z "$src" ] || [ ! -d "$src/data/osv" ]; then
  echo "scripts/vulndb.sh: golang.org/x/vulndb@$version has no data/osv folder; is the version right?" >&2
  exit 1
fi
echo "scripts/vulndb.sh: building the database from golang.org/x/vulndb@$version ($(find "$src/data/osv" -name '*.json' | wc -l) OSV entries)" >&2
go run "golang.org/x/vulndb/cmd/indexdb@$version" -vulns "$src/data/osv" -out "$out" >&2
for f in index/db.json index/modules.json index/vulns.json; do
  if [ ! -s "$out/$f" ]; then
    echo "scripts/vulndb.sh: indexdb wrote no $f" >&2
    exit 1
  fi
done
# Whole or nothing: the finished database is renamed into place.
rm -rf "$dir"
mv "$out" "$dir"
echo "$dir"
