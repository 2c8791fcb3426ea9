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
#
# The major "default" is the server the tests find by themselves (PGCHECKUP_PG_MAJOR as
# the caller set it, else the installed one): `make test` is this script on it.
# PGCHECKUP_TEST_BINS names a folder that keeps the binaries for the next invocation
# (.ci/run: `make test`, then the matrix, on one tree); a binary found there is not
# built again. Without it they go to a temporary folder, removed at the end.
set -euo pipefail
majors=$1 pkgs=$2 edge_majors=$3 edge_pkgs=$4
GO=${GO:-go}
export GO

if [ -n "${PGCHECKUP_TEST_BINS:-}" ]; then
	bins=$PGCHECKUP_TEST_BINS
	mkdir -p "$bins"
else
	bins=$(mktemp -d)
	trap 'rm -rf "$bins"' EXIT
fi

# Packages with tests: import path and folder. The edge set includes the other.
list() { $GO list -f '{{if or .TestGoFiles .XTestGoFiles}}{{.ImportPath}} {{.Dir}}{{end}}' "$@"; }
# shellcheck disable=SC2086
list $edge_pkgs >"$bins/edge"
# shellcheck disable=SC2086
list $pkgs >"$bins/common"

start=$(date +%s)
kept=0
: >"$bins/build"
while read -r pkg _; do
	if [ -x "$bins/$(echo "$pkg" | tr / _).test" ]; then
		kept=$((kept + 1))
	else
		echo "$pkg" >>"$bins/build"
	fi
done <"$bins/edge"
BINS=$bins xargs -P 2 -I{} sh -c '$GO test -c -o "$BINS/$(echo {} | tr / _).test" {} >/dev/null' <"$bins/build"
echo "test-matrix: built $(wc -l <"$bins/build") test binaries in $(($(date +%s) - start)) s; $kept kept from before"

# run IMPORTPATH DIR: one package on the major in PGCHECKUP_PG_MAJOR.
run() {
	local bin out t0 rc=0
	bin="$BINS/$(echo "$1" | tr / _).test"
	out="$BINS/$(echo "$1" | tr / _).out"
	t0=$(date +%s)
	(cd "$2" && "$bin" -test.paniconexit0 -test.count=1 -test.timeout=30m) >"$out" 2>&1 || rc=$?
	if [ "$rc" -eq 0 ]; then
		echo "$(($(date +%s) - t0))" >"$BINS/$(echo "$1" | tr / _).secs"
		printf 'ok  \t%s\t%ss\n' "$1" "$(($(date +%s) - t0))"
	else
		cat "$out"
		printf 'FAIL\t%s\t%ss\n' "$1" "$(($(date +%s) - t0))"
		return 1
	fi
}
export -f run

# longest IMPORTPATH-DIR-LIST: the packages that took longest in an earlier run first, so
# that two at a time the last to finish is not a long one started late; packages not run
# before keep their order, after the others.
longest() {
	local pkg dir secs
	while read -r pkg dir; do
		secs=0
		[ -f "$bins/$(echo "$pkg" | tr / _).secs" ] && secs=$(cat "$bins/$(echo "$pkg" | tr / _).secs")
		echo "$secs $pkg $dir"
	done <"$1" | sort -s -n -r -k1,1 | cut -d' ' -f2-
}

for m in $majors; do
	set="$bins/common"
	case " $edge_majors " in *" $m "*) set="$bins/edge" ;; esac
	major=${PGCHECKUP_PG_MAJOR:-} name="PostgreSQL $m"
	if [ "$m" = default ]; then
		name="the default server${major:+ (PGCHECKUP_PG_MAJOR=$major)}"
	else
		major=$m
	fi
	echo "=== $name: $(wc -l <"$set") packages"
	if ! longest "$set" | BINS=$bins PGCHECKUP_REQUIRE_PG=1 PGCHECKUP_PG_MAJOR=$major \
		xargs -P 2 -L 1 bash -c 'run "$0" "$1"'; then
		echo "test-matrix: failures on $name"
		exit 1
	fi
done
