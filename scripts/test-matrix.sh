#!/usr/bin/env bash
# The integration tests on each major, one major after the other.
#
# usage: test-matrix.sh "MAJORS" "PKGS" "EDGE_MAJORS" "EDGE_PKGS"
#
# Each package's test binary is built once and run on every major: `go test` relinks
# every test binary on every invocation (a cgo link with pg_query, seconds each), which
# over ~80 packages and seven majors was a third of CI. A binary runs in its package's
# folder with the flags `go test` would give it, two at a time as `go test` does on this
# machine's cores; its output is shown when it fails.
set -euo pipefail
majors=$1 pkgs=$2 edge_majors=$3 edge_pkgs=$4
GO=${GO:-go}
export GO

bins=$(mktemp -d)
trap 'rm -rf "$bins"' EXIT

# Packages with tests: import path and folder. The edge set includes the other.
list() { $GO list -f '{{if or .TestGoFiles .XTestGoFiles}}{{.ImportPath}} {{.Dir}}{{end}}' "$@"; }
# shellcheck disable=SC2086
list $edge_pkgs >"$bins/edge"
# shellcheck disable=SC2086
list $pkgs >"$bins/common"

start=$(date +%s)
cut -d' ' -f1 "$bins/edge" | BINS=$bins xargs -P 2 -I{} sh -c \
	'$GO test -c -o "$BINS/$(echo {} | tr / _).test" {} >/dev/null'
echo "test-matrix: built $(wc -l <"$bins/edge") test binaries in $(($(date +%s) - start)) s"

# run IMPORTPATH DIR: one package on the major in PGCHECKUP_PG_MAJOR.
run() {
	local bin out t0 rc=0
	bin="$BINS/$(echo "$1" | tr / _).test"
	out="$BINS/$(echo "$1" | tr / _).out"
	t0=$(date +%s)
	(cd "$2" && "$bin" -test.paniconexit0 -test.count=1 -test.timeout=30m) >"$out" 2>&1 || rc=$?
	if [ "$rc" -eq 0 ]; then
		printf 'ok  \t%s\t%ss\n' "$1" "$(($(date +%s) - t0))"
	else
		cat "$out"
		printf 'FAIL\t%s\t%ss\n' "$1" "$(($(date +%s) - t0))"
		return 1
	fi
}
export -f run

for m in $majors; do
	set="$bins/common"
	case " $edge_majors " in *" $m "*) set="$bins/edge" ;; esac
	echo "=== PostgreSQL $m: $(wc -l <"$set") packages"
	if ! BINS=$bins PGCHECKUP_REQUIRE_PG=1 PGCHECKUP_PG_MAJOR=$m \
		xargs -P 2 -L 1 bash -c 'run "$0" "$1"' <"$set"; then
		echo "test-matrix: failures on PostgreSQL $m"
		exit 1
	fi
done
