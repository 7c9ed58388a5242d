#!/usr/bin/env bash
# Starts a throwaway PostgreSQL cluster from the machine's own server binaries and prints
# its URL on stdout (everything else goes to stderr). Developers run it by hand; .ci/run
# uses it too. The cluster lives in a temp dir (in memory where there is room, see below);
# stop it with the command printed at the end.
#
#   export MIGRATE_TEST_POSTGRES_URL=$(ci/start-postgres.sh)
#
# Settings: PG_BINDIR (default: the newest /usr/lib/postgresql/*/bin, or pg_config's),
# PG_PORT (default: a free port), PG_USER (the OS user that runs the server when this
# script runs as root; default postgres, since initdb refuses root), PG_DIR_FILE (a file
# to write the cluster's directory into, for ci/stop-postgres.sh), PG_PARENT_DIR (the folder
# to make the cluster's directory in; default /dev/shm when it has room), PG_TLS=1 (also accept
# TLS, with a throwaway CA and a server certificate for localhost and 127.0.0.1 made by the
# openssl command; the server reports their paths in its ssl_ca_file and ssl_cert_file
# settings, which is how the TLS tests find them; and a client certificate, client.crt and
# client.key beside them, for role migrate_cert, which may log in by certificate only).
set -euo pipefail

source "$(dirname "$0")/pg-bindir.sh"

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

bindir=$(find_bindir)
port=${PG_PORT:-$(free_port)}
# In memory when /dev/shm has room (2 GiB: the catalogs, the tests' databases, the WAL
# between checkpoints), as migrate's own throwaway clusters are (src/provision/memory_dir.rs):
# every CREATE DATABASE writes a few hundred files, 100-130 ms on a CI machine's disk and
# 13-25 ms in memory, and verify makes one per run. PG_PARENT_DIR names another folder.
parent=${PG_PARENT_DIR:-}
if [[ -z $parent && -d /dev/shm && -w /dev/shm ]] \
  && (( $(df --output=avail -k /dev/shm | tail -n 1) >= 2 * 1024 * 1024 )); then
  parent=/dev/shm
fi
dir=$(mktemp -d -p "${parent:-${TMPDIR:-/tmp}}" migrate-pg.XXXXXX)
run_as=()
if [[ $(id -u) -eq 0 ]]; then
  user=${PG_USER:-postgres}
  id "$user" >/dev/null 2>&1 || useradd --system --no-create-home "$user"
  chown "$user" "$dir"
  run_as=(runuser -u "$user" --)
fi

"${run_as[@]}" "$bindir/initdb" --pgdata="$dir/data" --username=postgres --auth=trust \
  --encoding=UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 \
  || { cat "$dir/initdb.log" >&2; exit 1; }

tls_options=""
if [[ "${PG_TLS:-0}" == 1 ]] && ! command -v openssl >/dev/null; then
  echo "start-postgres: PG_TLS=1 but no openssl command; starting without TLS" >&2
elif [[ "${PG_TLS:-0}" == 1 ]]; then
  # A CA and a leaf it signs, rather than one self-signed leaf: rustls (like browsers)
  # refuses a CA certificate presented as the server's own.
  openssl req -x509 -newkey rsa:2048 -nodes -days 30 -subj "/CN=migrate test CA" \
    -keyout "$dir/ca.key" -out "$dir/ca.crt" 2>/dev/null
  openssl req -newkey rsa:2048 -nodes -subj "/CN=localhost" \
    -keyout "$dir/server.key" -out "$dir/server.csr" 2>/dev/null
  printf '%s\n' "subjectAltName=DNS:localhost,IP:127.0.0.1" "basicConstraints=CA:FALSE" \
    "keyUsage=digitalSignature,keyEncipherment" "extendedKeyUsage=serverAuth" >"$dir/server.ext"
  openssl x509 -req -in "$dir/server.csr" -CA "$dir/ca.crt" -CAkey "$dir/ca.key" \
    -CAcreateserial -days 30 -extfile "$dir/server.ext" -out "$dir/server.crt" 2>/dev/null
  chmod 600 "$dir/server.key"
  if [[ ${#run_as[@]} -gt 0 ]]; then chown "$user" "$dir/server.key" "$dir/server.crt" "$dir/ca.crt"; fi
  # A client certificate for role migrate_cert, which may log in over TLS by certificate
  # only (the TLS tests create the role): client.crt and client.key beside ca.crt.
  openssl req -newkey rsa:2048 -nodes -subj "/CN=migrate_cert" \
    -keyout "$dir/client.key" -out "$dir/client.csr" 2>/dev/null
  printf '%s\n' "basicConstraints=CA:FALSE" "extendedKeyUsage=clientAuth" >"$dir/client.ext"
  openssl x509 -req -in "$dir/client.csr" -CA "$dir/ca.crt" -CAkey "$dir/ca.key" \
    -CAcreateserial -days 30 -extfile "$dir/client.ext" -out "$dir/client.crt" 2>/dev/null
  chmod 600 "$dir/client.key"
  hba="$dir/data/pg_hba.conf"
  { echo "hostssl all migrate_cert 127.0.0.1/32 cert"; echo "host all migrate_cert 127.0.0.1/32 reject"; cat "$hba"; } >"$hba.new"
  mv "$hba.new" "$hba"
  if [[ ${#run_as[@]} -gt 0 ]]; then chown "$user" "$hba"; fi
  tls_options="-c ssl=on -c ssl_cert_file=$dir/server.crt -c ssl_key_file=$dir/server.key -c ssl_ca_file=$dir/ca.crt"
fi

# Speed over durability: this cluster is thrown away.
"${run_as[@]}" "$bindir/pg_ctl" --pgdata="$dir/data" --log="$dir/server.log" --wait \
  --options="-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200 $tls_options" \
  start >&2 || { cat "$dir/server.log" >&2; exit 1; }

if [[ -n "${PG_DIR_FILE:-}" ]]; then echo "$dir" > "$PG_DIR_FILE"; fi
echo "start-postgres: cluster in $dir; stop it with: ${run_as[*]} $bindir/pg_ctl --pgdata=$dir/data stop" >&2
echo "postgres://postgres@127.0.0.1:$port/postgres"
