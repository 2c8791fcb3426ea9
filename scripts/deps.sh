#!/usr/bin/env bash
# Installs what the tests and the demo need and the machine may lack: a C compiler for
# pg_query (cgo), a PostgreSQL server, npm (for the other majors), Chromium (report.pdf and
# the HTML report's browser test). Does nothing when all are present. Run as root for
# apt-get; otherwise it only reports what is missing.
set -euo pipefail

need=()
command -v gcc >/dev/null || need+=(gcc)
command -v npm >/dev/null || need+=(npm)
command -v chromium >/dev/null || command -v chromium-browser >/dev/null || command -v google-chrome >/dev/null ||
  [ -n "${PGCHECKUP_CHROMIUM:-}" ] || need+=(chromium)
if ! ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1 && [ -z "${PGCHECKUP_PG_BIN:-}" ]; then
  need+=(postgresql postgresql-contrib)
fi
if [ ${#need[@]} -eq 0 ]; then
  exit 0
fi
if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null; then
  echo "deps: missing ${need[*]}; install them (or set PGCHECKUP_PG_BIN) and retry" >&2
  exit 1
fi
echo "deps: installing ${need[*]}" >&2
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
