# Sourced by the ci/ scripts: find_bindir prints the directory of the machine's PostgreSQL
# server binaries (PG_BINDIR, else the newest /usr/lib/postgresql/*/bin, else pg_config's),
# or exits 2 naming the caller.
find_bindir() {
  if [[ -n "${PG_BINDIR:-}" ]]; then echo "$PG_BINDIR"; return; fi
  local newest
  newest=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
  if [[ -n "$newest" && -x "$newest/initdb" ]]; then echo "$newest"; return; fi
  if command -v pg_config >/dev/null && [[ -x "$(pg_config --bindir)/initdb" ]]; then
    pg_config --bindir; return
  fi
  echo "$(basename "$0"): no PostgreSQL server binaries found (initdb); install postgresql or set PG_BINDIR" >&2
  exit 2
}
