#!/usr/bin/env bash
# Installs the peer migration tools the package registries offer into one folder, so
# ci/bench.py can time them beside ours in the same run. Each peer is optional: one that
# fails to build is reported and the rest go on. Nothing here lands in the repository.
#
#   ci/install-peers.sh [DIR]        # DIR defaults to target/peers (or $PEERS_DIR)
#   python3 ci/bench.py --peers DIR  # bench.py finds target/peers by itself
#
# Only the features the bench needs: SQLite (bundled where the crate offers it) and
# PostgreSQL; no MySQL, MSSQL or TLS where the crate allows leaving them out. The crates
# build slowly, so pass CARGO_BUILD_JOBS=1 and nice on a shared machine. diesel_cli links
# libpq: on Debian `apt-get install -y libpq-dev` first.
set -uo pipefail
cd "$(dirname "$0")/.."

dir=${1:-${PEERS_DIR:-target/peers}}
mkdir -p "$dir"
dir=$(cd "$dir" && pwd)
failed=()

# cargo_peer NAME ARGS...: installs crate NAME with ARGS into DIR/bin, logging to DIR/NAME.log.
cargo_peer() {
  local name=$1
  shift
  echo "installing $name ..." >&2
  if cargo install --locked --root "$dir" "$name" "$@" >"$dir/$name.log" 2>&1; then
    echo "installed $name" >&2
  else
    echo "FAILED $name (see $dir/$name.log)" >&2
    failed+=("$name")
  fi
}

alembic_peer() {
  echo "installing alembic ..." >&2
  if python3 -m venv "$dir/alembic" >"$dir/alembic.log" 2>&1 &&
    "$dir/alembic/bin/pip" install --quiet alembic psycopg2-binary >>"$dir/alembic.log" 2>&1; then
    echo "installed alembic" >&2
  else
    echo "FAILED alembic (see $dir/alembic.log)" >&2
    failed+=(alembic)
  fi
}

alembic_peer
# refinery's postgresql feature always carries its TLS connector; nothing to leave out there.
cargo_peer refinery_cli --no-default-features --features postgresql,sqlite-bundled
cargo_peer sqlx-cli --no-default-features --features postgres,sqlite
cargo_peer diesel_cli --no-default-features --features postgres,sqlite-bundled

if ((${#failed[@]})); then
  echo "peers that did not install: ${failed[*]}" >&2
fi
echo "peers in $dir" >&2
