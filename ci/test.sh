#!/usr/bin/env bash
# Runs the whole test suite. Starts a throwaway PostgreSQL from the machine's own binaries
# when MIGRATE_TEST_POSTGRES_URL is not set; without one, PostgreSQL tests skip loudly
# (and fail instead when MIGRATE_REQUIRE_POSTGRES=1, as in CI).
set -euo pipefail
cd "$(dirname "$0")/.."

if [[ -z "${MIGRATE_TEST_POSTGRES_URL:-}" ]]; then
  dir_file=$(mktemp)
  if url=$(PG_TLS=1 PG_DIR_FILE="$dir_file" ci/start-postgres.sh); then
    export MIGRATE_TEST_POSTGRES_URL=$url
    trap 'ci/stop-postgres.sh "$(cat "$dir_file")"; rm -f "$dir_file"' EXIT
  else
    echo "test: could not start PostgreSQL; its tests will skip" >&2
  fi
fi

cargo test --locked "$@"
