#!/usr/bin/env bash
# Run an mqlcal scoring query on a throwaway PostgreSQL server (Debian's
# postgresql package, installed by scripts/install-test-tools): loads the leads
# and events CSV files as all-text tables, writes the query's rows as CSV.
# Usage: run_postgres.sh QUERY.sql LEADS.csv EVENTS.csv OUT.csv
set -euo pipefail
query="$1"; leads="$2"; events="$3"; out="$4"
pgbin="$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)"
dir="$(mktemp -d)"
chmod 777 "$dir"
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
as_pg "$pgbin/initdb" -D "$dir/data" -A trust -U postgres >/dev/null
port=$((20000 + RANDOM % 20000))
as_pg "$pgbin/pg_ctl" -D "$dir/data" -o "-k $dir -c listen_addresses='' -p $port" -l "$dir/log" -w start >/dev/null
trap 'as_pg "$pgbin/pg_ctl" -D "$dir/data" -m immediate stop >/dev/null 2>&1; rm -rf "$dir"' EXIT
create() {
  python3 - "$1" "$2" <<'PY'
import csv, sys
name, path = sys.argv[1], sys.argv[2]
header = next(csv.reader(open(path, newline="", encoding="utf-8")))
cols = ", ".join('"%s" TEXT' % h.replace('"', '""') for h in header)
print('CREATE TABLE "%s" (%s);' % (name, cols))
PY
}
{
  create leads "$leads"
  create events "$events"
  echo "\\copy leads FROM '$leads' WITH (FORMAT csv, HEADER true)"
  echo "\\copy events FROM '$events' WITH (FORMAT csv, HEADER true)"
} | psql -h "$dir" -p "$port" -U postgres -v ON_ERROR_STOP=1 -q >/dev/null
psql -h "$dir" -p "$port" -U postgres -v ON_ERROR_STOP=1 -q --csv -f "$query" > "$out"
